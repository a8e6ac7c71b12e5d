using System.Text.Json.Nodes;
using Grpc.Core;
using Ledger.Audit;
using Ledger.Audit.Bundle;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests.Auditor;

/// <summary>
/// The auditor node end to end (<see cref="AuditorScenario"/>): sync from every member's node, trails whose records
/// are pending before anchoring and verified after, whole-ledger verification, offline bundles checked by the audit
/// library against the chain and offline (and caught when tampered), statistics, access control, durability.
/// </summary>
public sealed class AuditorNodeTests(AuditorScenario scenario) : IClassFixture<AuditorScenario>
{
    private static readonly string[] RecordKinds = ["AccessRecord", "Refusal"];

    private IEnumerable<string> TaxRecordIds => scenario.Accesses.Append(scenario.Refusal).Select(h => h.ToString());

    [Fact]
    public void GetTrail_BeforeTheBatchIsAnchored_ShowsTheAccessesAndTheRefusalPendingAndTheConsentVerified()
    {
        var trail = scenario.Before;

        var records = trail.Items.Where(i => RecordKinds.Contains(i.Kind)).ToList();
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(AuditStatus.Pending, r.Status));
        Assert.All(records, r => Assert.Empty(r.Problems));
        Assert.Equal(2, records.Count(r => r.Kind == "AccessRecord"));
        Assert.Equal(scenario.Refusal.ToString(), Assert.Single(records, r => r.Kind == "Refusal").Id);
        var grant = Assert.Single(trail.Items, i => i.Kind == "ConsentGranted");
        Assert.Equal(AuditStatus.Verified, grant.Status);
        Assert.Equal(scenario.BankConsent.ToString(), grant.Fields["consentId"]);
        Assert.Equal(0, trail.Failed);
        Assert.Equal(3, trail.Pending);
    }

    [Fact]
    public void GetTrail_AfterAnchoring_ShowsConsentsAccessesRefusalAndTheLoanAllVerifiedInOrder()
    {
        var trail = scenario.After;

        Assert.Equal(0, trail.Failed);
        Assert.Equal(0, trail.Pending);
        Assert.All(trail.Items, i => Assert.Equal(AuditStatus.Verified, i.Status));
        Assert.Equal(TaxRecordIds.Order(), trail.Items.Where(i => RecordKinds.Contains(i.Kind)).Select(i => i.Id).Order());
        var refusal = Assert.Single(trail.Items, i => i.Kind == "Refusal");
        Assert.Equal(NodeCluster.TaxOrg.Code, refusal.Org);
        Assert.Contains("refused bank.icbc", refusal.Summary, StringComparison.Ordinal);
        Assert.Equal(2, trail.Items.Count(i => i.Kind == "ConsentGranted"));
        Assert.Contains(trail.Items, i => i.Kind == "CreditDecisionRecorded" && i.Org == NodeCluster.OtherBankOrg.Code);
        var disbursed = Assert.Single(trail.Items, i => i.Kind == "LoanDisbursed");
        Assert.Equal(scenario.Loan.ToString(), disbursed.Fields["loanId"]);
        Assert.Contains(trail.Items, i => i.Kind == "LoanRepaid");
        // In chain order (by block; hardhat's block clock may run ahead of the wall clock the records carry): events by
        // block, the loan after its decision, the repayment after it, and every access or refusal after the grant of the
        // consent it was checked against.
        var kinds = trail.Items.Select(i => i.Kind).ToList();
        Assert.True(kinds.IndexOf("CreditDecisionRecorded") < kinds.IndexOf("LoanDisbursed"));
        Assert.True(kinds.IndexOf("LoanDisbursed") < kinds.IndexOf("LoanRepaid"));
        var events = trail.Items.Where(i => !RecordKinds.Contains(i.Kind)).ToList();
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.BlockNumber <= p.Second.BlockNumber), string.Join(", ", events.Select(e => $"{e.Kind}@{e.BlockNumber}")));
        var items = trail.Items.ToList();
        foreach (var checkedItem in items.Where(i => i.Kind is "AccessRecord" or "Refusal" && i.Fields.ContainsKey("consentId")))
        {
            var grantIndex = items.FindIndex(i => i.Kind == "ConsentGranted" && i.Fields.TryGetValue("consentId", out var c) && c == checkedItem.Fields["consentId"]);
            Assert.True(grantIndex >= 0 && grantIndex < items.IndexOf(checkedItem), $"{checkedItem.Kind} {checkedItem.Id} comes before the grant of its consent");
        }
    }

    [Fact]
    public void Sync_WithAMemberWhoseNodeIsDown_ListsItAndStillPullsFromTheOthers()
    {
        foreach (var sync in new[] { scenario.FirstSync, scenario.SecondSync })
        {
            var unreachable = Assert.Single(sync.Unreachable);
            Assert.StartsWith("bank.icbc: LEDGER-1600 ", unreachable, StringComparison.Ordinal);
            Assert.Contains(NodeCluster.TaxOrg.Code, sync.Synced);
            Assert.Contains(NodeCluster.BankOrg.Code, sync.Synced);
            // The suspended member is not asked at all; the auditor does not pull from itself.
            Assert.DoesNotContain(NodeCluster.SuspendedOrg.Code, sync.Synced);
            Assert.DoesNotContain(NodeCluster.AuditorOrg.Code, sync.Synced);
        }
        Assert.True(scenario.FirstSync.RecordsTotal >= 3);
        Assert.True(scenario.SecondSync.RecordsTotal >= 4);
    }

    [Fact]
    public async Task Sync_Again_PullsOnlyWhatIsNewAndReportsTheSameMembers()
    {
        var before = await scenario.TaxRecordsAsync();

        var sync = await scenario.AuditorAsAuditor.Audit.SyncAsync();
        var again = await scenario.AuditorAsAuditor.Audit.SyncAsync();

        Assert.True(sync.RecordsTotal >= (ulong)before.Count);
        Assert.Equal(0UL, again.RecordsPulled);
        Assert.Equal(sync.RecordsTotal, again.RecordsTotal);
        Assert.Single(again.Unreachable);
    }

    [Fact]
    public async Task VerifyLedger_AfterSync_ReportsEveryRecordAndZeroFailures()
    {
        await scenario.AuditorAsAuditor.Audit.SyncAsync();

        var report = await scenario.AuditorAsAuditor.Audit.VerifyLedgerAsync();

        Assert.True(report.Passed, string.Join("\n", report.Problems));
        Assert.Equal(0UL, report.Failed);
        Assert.Equal(0UL, report.FailedBatches);
        Assert.Empty(report.Problems);
        Assert.True(report.Records >= 4);
        Assert.True(report.Verified >= 4);
        Assert.True(report.Batches >= 1);
        Assert.Equal(report.Records, report.Verified + report.Pending);
        Assert.StartsWith("the chain 31337 at http://", report.RootSource, StringComparison.Ordinal);
        Assert.Contains("0 failed", report.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportBundle_ForTheEnterprise_WritesABundleFileThatVerifiesOnlineAndOffline()
    {
        var exported = await scenario.AuditorAsAuditor.Audit.ExportBundleAsync(AuditQuery.ForEnterprise(scenario.Enterprise.CreditCodeHash));

        Assert.StartsWith(Path.Combine(scenario.AuditorDataDir, "bundles") + Path.DirectorySeparatorChar, exported.Path, StringComparison.Ordinal);
        Assert.Contains("bundle", Path.GetFileName(exported.Path), StringComparison.Ordinal);
        Assert.EndsWith(".json", exported.Path, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(exported.Path), exported.Json.ToArray());
        Assert.True(exported.Records >= 4);

        var online = await BundleVerifier.VerifyAsync(exported.Path, new VerificationMode.Online(scenario.Chain.RpcUrl));
        var offline = await BundleVerifier.VerifyAsync(exported.Path, new VerificationMode.Offline());

        Assert.True(online.ExitCode == BundleVerificationResult.Verified, online.Summary + "\n" + string.Join("\n", online.Problems));
        Assert.True(offline.ExitCode == BundleVerificationResult.Verified, offline.Summary + "\n" + string.Join("\n", offline.Problems));
        var bundle = online.Bundle!;
        Assert.Equal(AuditScopeKind.Enterprise, bundle.Scope.Kind);
        Assert.Equal(NodeCluster.AuditorOrg.Code, bundle.CreatedBy);
        Assert.Superset(TaxRecordIds.ToHashSet(), bundle.Records.Select(r => r.DeclaredHash.ToString()).ToHashSet());
    }

    [Fact]
    public async Task SaveBundleAsync_WritesTheSameBundleLocally()
    {
        var path = Path.Combine(scenario.Dir, "client", "audit-bundle.json");

        var saved = await scenario.AuditorAsAuditor.Audit.SaveBundleAsync(AuditQuery.ForConsent(scenario.BankConsent), path);

        Assert.Equal(Path.GetFullPath(path), saved);
        Assert.False(File.Exists(path + ".tmp"));
        var bundle = AuditBundleJson.ReadFile(saved);
        Assert.Equal(AuditScopeKind.Consent, bundle.Scope.Kind);
        Assert.Equal(4, bundle.Records.Count);
        var result = await BundleVerifier.VerifyAsync(saved, new VerificationMode.Online(scenario.Chain.RpcUrl));
        Assert.Equal(BundleVerificationResult.Verified, result.ExitCode);
    }

    [Fact]
    public async Task ExportBundle_ATamperedRecord_FailsNamingTheRecordAndItsHash()
    {
        var (json, path) = await ExportEnterpriseBundleAsync();
        var access = RecordOf(json, scenario.Accesses[0]);
        access["fields"]!["servedAtMs"] = access["fields"]!["servedAtMs"]!.GetValue<ulong>() + 1;
        var tampered = await WriteCopyAsync(json, path, "tampered-record");

        foreach (var mode in new VerificationMode[] { new VerificationMode.Online(scenario.Chain.RpcUrl), new VerificationMode.Offline() })
        {
            var result = await BundleVerifier.VerifyAsync(tampered, mode);

            Assert.Equal(BundleVerificationResult.Failed, result.ExitCode);
            Assert.Equal(AuditErrors.VerificationFailedCode, result.ErrorCode);
            Assert.Contains(result.Problems, p => p.StartsWith($"AccessRecord {scenario.Accesses[0]}: its fields hash to", StringComparison.Ordinal)
                && p.Contains("altered", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ExportBundle_ATamperedProof_FailsNamingTheRecordAndItsProof()
    {
        var (json, path) = await ExportEnterpriseBundleAsync();
        var refusal = RecordOf(json, scenario.Refusal);
        var proof = refusal["anchor"]!["proof"]!.AsArray();
        Assert.NotEmpty(proof);
        proof[0] = Keccak.Hash("not a sibling").ToString();
        var tampered = await WriteCopyAsync(json, path, "tampered-proof");

        foreach (var mode in new VerificationMode[] { new VerificationMode.Online(scenario.Chain.RpcUrl), new VerificationMode.Offline() })
        {
            var result = await BundleVerifier.VerifyAsync(tampered, mode);

            Assert.Equal(BundleVerificationResult.Failed, result.ExitCode);
            Assert.Contains(result.Problems, p => p.StartsWith($"Refusal {scenario.Refusal}:", StringComparison.Ordinal)
                && p.Contains("proof", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ExportBundle_AForgedRoot_FailsNamingTheRecordsThatClaimIt()
    {
        var (json, path) = await ExportEnterpriseBundleAsync();
        var access = RecordOf(json, scenario.Accesses[1]);
        var batch = access["anchor"]!["batchId"]!.GetValue<string>();
        var forgedRoot = Keccak.Hash("a root never anchored").ToString();
        // A consistent forgery: the batch's anchor and every record of the batch claim the new root.
        foreach (var anchor in json["anchors"]!.AsArray().Where(a => a!["batchId"]!.GetValue<string>() == batch))
        {
            anchor!["root"] = forgedRoot;
        }
        foreach (var record in json["records"]!.AsArray().Where(r => r!["anchor"]?["batchId"]?.GetValue<string>() == batch))
        {
            record!["anchor"]!["root"] = forgedRoot;
        }
        var forged = await WriteCopyAsync(json, path, "forged-root");

        var online = await BundleVerifier.VerifyAsync(forged, new VerificationMode.Online(scenario.Chain.RpcUrl));
        var offline = await BundleVerifier.VerifyAsync(forged, new VerificationMode.Offline());

        Assert.Equal(BundleVerificationResult.Failed, online.ExitCode);
        Assert.Contains(online.Problems, p => p.StartsWith($"AccessRecord {scenario.Accesses[1]}: it claims root {forgedRoot}", StringComparison.Ordinal)
            && p.Contains("forged root", StringComparison.Ordinal));
        // Offline the bundle's own BatchAnchored event still carries the real root, so the forgery shows there too.
        Assert.Equal(BundleVerificationResult.Failed, offline.ExitCode);
        Assert.Contains(offline.Problems, p => p.StartsWith($"AccessRecord {scenario.Accesses[1]}:", StringComparison.Ordinal)
            && p.Contains("forged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetStatistics_AfterLending_CountsBothLoansTheAccessesAndTheRefusal()
    {
        var stats = await scenario.AuditorAsAuditor.Audit.GetStatisticsAsync();

        var bankAmount = scenario.BankLoan.AmountFen;
        var borrowers = new[] { scenario.Enterprise, scenario.Borrower }.Distinct().Count();
        Assert.Equal((ulong)borrowers, stats.EnterprisesServed);
        Assert.Equal(2UL, stats.CreditsGranted);
        Assert.Equal(AuditorScenario.LoanAmountFen + bankAmount, stats.TotalAmountFen);
        var products = stats.ByProduct.ToDictionary(b => b.Key);
        Assert.Equal(AuditorScenario.Product.Code == scenario.BankLoan.Product.Code ? 2UL : 1UL, products[AuditorScenario.Product.Code].Count);
        Assert.True(products.ContainsKey(scenario.BankLoan.Product.Code));
        // bank.icbc's decision exists only on chain: its loan's rating is unknown. bank.ccb's decision record came with
        // its reasons document, which hashes to the record's reasonsHash: that rating is verified.
        var ratings = stats.ByRating.ToDictionary(b => b.Key);
        Assert.Equal(new AmountByKey("unknown", 1, AuditorScenario.LoanAmountFen), ratings["unknown"]);
        Assert.Equal(new AmountByKey(scenario.BankDecision.Rating!.Value.ToString(), 1, bankAmount), ratings[scenario.BankDecision.Rating.Value.ToString()]);
        Assert.Equal(1UL, stats.RatingsFromReasons);
        Assert.Equal(2UL, stats.DecisionsApproved);
        Assert.Equal(1UL, stats.Repayments);
        Assert.Equal((UInt128)AuditorScenario.RepaidFen, stats.RepaidPrincipalFen);
        Assert.True(stats.ConsentsGranted >= 2);
        Assert.True(stats.DataAccesses >= 3);
        Assert.True(stats.Refusals >= 1);
        Assert.Equal(0UL, stats.Defaults);
        Assert.Equal(0UL, stats.ExcludedRecords);
        Assert.True(stats.AsOfBlock > 0);
    }

    [Fact]
    public async Task GetStatistics_ForATimeRangeBeforeEverything_CountsNothing()
    {
        var stats = await scenario.AuditorAsAuditor.Audit.GetStatisticsAsync(1, 2);

        Assert.Equal(0UL, stats.CreditsGranted);
        Assert.Equal(0UL, stats.DataAccesses);
        Assert.Equal(UInt128.Zero, stats.TotalAmountFen);
    }

    [Fact]
    public async Task Audit_CalledByABank_IsPermissionDenied()
    {
        var asBank = await scenario.ConnectAsync(scenario.Auditor, NodeCluster.BankOrg);

        var trail = await Refusals.ExpectAsync(() => asBank.Audit.GetTrailAsync(AuditQuery.ForEnterprise(scenario.Enterprise.CreditCodeHash)), StatusCode.PermissionDenied, "LEDGER-1516");
        await Refusals.ExpectAsync(() => asBank.Audit.SyncAsync(), StatusCode.PermissionDenied, "LEDGER-1516");
        await Refusals.ExpectAsync(() => asBank.Audit.ExportBundleAsync(), StatusCode.PermissionDenied, "LEDGER-1516");

        Assert.Contains("auditor", trail.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTrail_MalformedOrAmbiguousQueries_AreInvalidArguments()
    {
        var audit = scenario.AuditorAsAuditor.Audit;

        await Refusals.ExpectAsync(() => audit.GetTrailAsync(AuditQuery.WholeLedger), StatusCode.InvalidArgument, "LEDGER-1520");
        await Refusals.ExpectAsync(() => audit.GetTrailAsync(new AuditQuery { Enterprise = scenario.Enterprise.CreditCodeHash, Loan = scenario.Loan }), StatusCode.InvalidArgument, "LEDGER-1720");
        await Refusals.ExpectAsync(() => audit.GetTrailAsync(AuditQuery.ForTimeRange(2_000, 1_000)), StatusCode.InvalidArgument, "LEDGER-1720");
        var client = new Api.V1.Audit.AuditClient(scenario.AuditorAsAuditor.Invoker);
        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetTrailAsync(new Api.V1.TrailRequest { EnterpriseHash = "0x12" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("enterprise_hash", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTrail_OfTheBankNodesLoan_ShowsItsDecisionRecordVerifiedWithItsEvents()
    {
        Assert.Contains(NodeCluster.BankOrg.Code, scenario.ThirdSync.Synced);

        var trail = await scenario.AuditorAsAuditor.Audit.GetTrailAsync(AuditQuery.ForLoan(scenario.BankLoan.LoanId));

        Assert.Equal(0, trail.Failed);
        var decision = Assert.Single(trail.Items, i => i.Kind == "CreditDecision");
        Assert.Equal(AuditStatus.Verified, decision.Status);
        Assert.Equal(scenario.BankDecision.DecisionHash.ToString(), decision.Id);
        Assert.Equal(NodeCluster.BankOrg.Code, decision.Org);
        Assert.Contains(trail.Items, i => i.Kind == "CreditDecisionRecorded" && i.Status == AuditStatus.Verified);
        Assert.Contains(trail.Items, i => i.Kind == "LoanDisbursed" && i.Status == AuditStatus.Verified);
    }

    [Fact]
    public async Task GetTrail_OfTheLoan_ShowsItsEventsAndItsConsent()
    {
        var trail = await scenario.AuditorAsAuditor.Audit.GetTrailAsync(AuditQuery.ForLoan(scenario.Loan));

        Assert.Equal(0, trail.Failed);
        var kinds = trail.Items.Select(i => i.Kind).ToList();
        Assert.Contains("LoanDisbursed", kinds);
        Assert.Contains("LoanRepaid", kinds);
        Assert.Contains("CreditDecisionRecorded", kinds);
        Assert.Equal(scenario.LoanConsent.ToString(), Assert.Single(trail.Items, i => i.Kind == "ConsentGranted").Fields["consentId"]);
        Assert.DoesNotContain("AccessRecord", kinds);
    }

    [Fact]
    public async Task BackgroundSync_ANewAccess_ReachesTheAuditorWithoutAnExplicitSync()
    {
        var enterprise = scenario.Enterprises[1];
        var (consent, _) = await scenario.GrantAsync(enterprise);
        var fetched = await scenario.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));

        TrailEntry? access = null;
        for (var i = 0; i < 300 && access is null; i++)
        {
            var trail = await scenario.AuditorAsAuditor.Audit.GetTrailAsync(AuditQuery.ForConsent(consent));
            access = trail.Items.SingleOrDefault(e => e.Id == fetched.AccessRecord.RecordHash.ToString());
            if (access is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(access);
        Assert.Equal(AuditStatus.Pending, access.Status); // one record of the next batch of four
        Assert.Empty(access.Problems);
    }

    [Fact]
    public async Task Restart_WithoutSync_TheAuditorStillHoldsItsCopy()
    {
        var query = AuditQuery.ForEnterprise(scenario.Enterprise.CreditCodeHash);
        var before = await scenario.AuditorAsAuditor.Audit.GetTrailAsync(query);
        var auditor = scenario.Auditor;
        // Only the record copy is under test: no background sync after the restart.
        auditor.Environment["Ledger__Node__Auditor__SyncInterval"] = "00:00:00";

        auditor.Kill();
        await auditor.StartAndWaitAsync();
        try
        {
            var after = await scenario.AuditorAsAuditor.Audit.GetTrailAsync(query);

            Assert.Equal(before.Items.Select(i => (i.Kind, i.Id, i.Status)), after.Items.Select(i => (i.Kind, i.Id, i.Status)));
            Assert.Equal(0, after.Failed);
        }
        finally
        {
            auditor.Environment["Ledger__Node__Auditor__SyncInterval"] = "00:00:01";
            auditor.Kill();
            await auditor.StartAndWaitAsync();
        }
    }

    // ------------------------------------------------------------------ helpers

    private async Task<(JsonObject Json, string Path)> ExportEnterpriseBundleAsync()
    {
        var exported = await scenario.AuditorAsAuditor.Audit.ExportBundleAsync(AuditQuery.ForEnterprise(scenario.Enterprise.CreditCodeHash));
        var json = JsonNode.Parse(await File.ReadAllTextAsync(exported.Path))!.AsObject();
        return (json, exported.Path);
    }

    private static JsonObject RecordOf(JsonObject bundle, Hash32 hash) =>
        bundle["records"]!.AsArray().Single(r => r!["hash"]!.GetValue<string>() == hash.ToString())!.AsObject();

    private async Task<string> WriteCopyAsync(JsonObject json, string original, string what)
    {
        var path = Path.Combine(scenario.Dir, "copies", $"{what}-{Path.GetFileName(original)}");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, json.ToJsonString());
        return path;
    }
}
