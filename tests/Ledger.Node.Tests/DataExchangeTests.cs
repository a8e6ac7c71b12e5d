using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Ledger.Core.Consent;
using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests;

/// <summary>The multi-process data fetch end to end: bank → tax node (consent checked on chain) → sealed report → anchored access record.</summary>
[Collection(SharedCluster.Name)]
public sealed class DataExchangeTests(NodeCluster cluster)
{
    [Fact]
    public async Task FetchReport_ConsentedScopes_DecryptsToExactlyWhatTheBureauHoldsForThoseScopes()
    {
        var enterprise = cluster.Enterprises[0];
        var (consent, terms) = await cluster.GrantAsync(enterprise, scopes: Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices);

        var (fetched, report) = await cluster.TaxAsBank.Tax.FetchAndOpenAsync(new ReportRequest(consent, Scopes.TaxCreditRating | Scopes.Invoices));

        var expected = enterprise.Taxpayer.Report(
            Scopes.TaxCreditRating | Scopes.Invoices, MonthOf(terms.DataFrom), MonthOf(terms.DataUntil),
            DateTimeOffset.FromUnixTimeMilliseconds(report.GeneratedAtMs));
        Assert.Equal(expected.ToJson(), report.ToJson());
        Assert.Null(report.Payments);
        Assert.NotEmpty(report.Ratings!);
        Assert.NotEmpty(report.Invoices!);
        Assert.Equal(fetched.ResponseHash, report.Hash());
        Assert.Equal(fetched.Request.Hash(), fetched.RequestHash);
        Assert.False(fetched.AccessRecord.IsAnchored);
        Assert.Null(fetched.StrongModeTransaction);
    }

    [Fact]
    public async Task FetchReport_Served_AccessRecordIsDurableAndThenAnchoredWithAProofThatVerifiesOnChain()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[1]);
        var fetched = await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxPayments));

        var record = await WaitAnchoredAsync(fetched.AccessRecord.RecordHash);
        var access = Assert.IsType<AccessRecord>(record.Record);
        Assert.Equal(consent, access.ConsentId);
        Assert.Equal(NodeCluster.TaxOrg, access.Provider);
        Assert.Equal(NodeCluster.BankOrg, access.Consumer);
        Assert.Equal(Scopes.TaxPayments, access.Scopes);
        Assert.Equal(fetched.RequestHash, access.RequestHash);
        Assert.Equal(fetched.ResponseHash, access.ResponseHash);
        Assert.Equal(fetched.CheckedAtBlock, access.CheckedAtBlock);
        Assert.Equal(fetched.ServedAtMs, access.ServedAtMs);

        var anchor = record.Anchor;
        Assert.True(StandardMerkleTree.Verify(anchor.Root!.Value, record.Hash.Value, anchor.Proof.ToArray()));
        Assert.True(await cluster.DevClient(2).VerifyRecordAsync(NodeCluster.TaxOrg, anchor.BatchId!.Value, record.Hash, anchor.Proof));
        Assert.Equal(anchor.Root.Value, await cluster.DevClient(2).AnchoredRootAsync(NodeCluster.TaxOrg, anchor.BatchId.Value));
    }

    [Fact]
    public async Task FetchReport_PeriodInsideTheConsent_ServesOnlyThoseMonths()
    {
        var (consent, terms) = await cluster.GrantAsync(cluster.Enterprises[2]);
        var from = terms.DataUntil - (200 * 86_400);
        var until = terms.DataUntil - (100 * 86_400);

        var (_, report) = await cluster.TaxAsBank.Tax.FetchAndOpenAsync(new ReportRequest(consent, Scopes.TaxPayments | Scopes.Invoices) { PeriodFrom = from, PeriodUntil = until });

        Assert.Equal(MonthOf(from), report.PeriodFrom);
        Assert.Equal(MonthOf(until), report.PeriodUntil);
        Assert.NotEmpty(report.Payments!);
        Assert.All(report.Payments!, p => Assert.True(p.Month >= MonthOf(from) && p.Month <= MonthOf(until)));
        Assert.All(report.Invoices!, i => Assert.True(i.Month >= MonthOf(from) && i.Month <= MonthOf(until)));
    }

    [Fact]
    public async Task FetchReport_PeriodOutsideTheConsent_IsRefusedAndTheRefusalRecorded()
    {
        var (consent, terms) = await cluster.GrantAsync(cluster.Enterprises[2]);
        var error = await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxPayments) { PeriodFrom = terms.DataFrom - 86_400 }),
            StatusCode.PermissionDenied, "LEDGER-1522");
        Assert.Contains("data period", error.Message, StringComparison.Ordinal);
        await Refusals.RecordedAsync(cluster, error, (byte)RefusalReason.DataPeriodOutsideConsent);
    }

    [Fact]
    public async Task FetchReport_ForAPurposeTheConsentDoesNotName_IsRefusedAndRecorded_ItsOwnPurposeIsServed()
    {
        // The cluster's consents are granted for credit assessment (the SDK's default purpose).
        var (consent, terms) = await cluster.GrantAsync(cluster.Enterprises[2]);
        Assert.Equal(PurposeCodes.CreditAssessment, terms.Purpose);

        var error = await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxPayments) { Purpose = PurposeCodes.PostLoanMonitoring }),
            StatusCode.PermissionDenied, "LEDGER-1529");
        Assert.Contains("credit assessment", error.Message, StringComparison.Ordinal);
        await Refusals.RecordedAsync(cluster, error, (byte)RefusalReason.PurposeNotConsented);

        var (served, _) = await cluster.TaxAsBank.Tax.FetchAndOpenAsync(new ReportRequest(consent, Scopes.TaxPayments) { Purpose = PurposeCodes.CreditAssessment });
        Assert.Equal(PurposeCodes.CreditAssessment, served.Request.Purpose);
    }

    [Fact]
    public async Task FetchReport_SameRequestIdTwice_TheSecondIsRefusedAsAlreadyServed()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[0]);
        var request = new ReportRequest(consent, Scopes.TaxCreditRating) { RequestId = "loan-application-42" };
        await cluster.TaxAsBank.Tax.FetchReportAsync(request);

        var error = await Refusals.ExpectAsync(() => cluster.TaxAsBank.Tax.FetchReportAsync(request), StatusCode.AlreadyExists, "LEDGER-1521");
        Assert.Contains("loan-application-42", error.Message, StringComparison.Ordinal);
        await Refusals.RecordedAsync(cluster, error, (byte)RefusalReason.MalformedRequest);
    }

    [Fact]
    public async Task FetchReport_FetchCapUsedUp_IsRefusedWithFailedPrecondition()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[1], fetchCap: 2);
        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));
        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));

        var error = await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)), StatusCode.FailedPrecondition, "LEDGER-1234");
        await Refusals.RecordedAsync(cluster, error, (byte)AccessStatus.FetchCapReached);
    }

    [Fact]
    public async Task ConsentUse_BatchedFetches_AreCountedByTheProvidersNode_WhileOtherNodesSayTheyCannotCountThem()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[1], fetchCap: 3);
        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));
        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));

        // The chain never saw these fetches (batched mode): its counter stays 0 …
        Assert.Equal(0u, (await cluster.DevClient(2).ConsentAsync(consent)).FetchesInPeriod);
        // … the provider's node counted both, in GetConsent and in ListConsents …
        var atProvider = await cluster.TaxAsBank.Consents.GetAsync(consent);
        Assert.Equal(2u, atProvider.FetchesInPeriod);
        Assert.Equal("provider", atProvider.FetchesCountedBy);
        var listed = Assert.Single(await cluster.TaxAsBank.Consents.ListAsync(new ConsentFilter()), c => c.ConsentId == consent);
        Assert.Equal((2u, "provider"), (listed.FetchesInPeriod, listed.FetchesCountedBy));
        // … and the bank's own node says it cannot count them, instead of a false 0 of 3.
        var atBank = await cluster.BankAsBank.Consents.GetAsync(consent);
        Assert.Equal((0u, ""), (atBank.FetchesInPeriod, atBank.FetchesCountedBy));
    }

    [Fact]
    public async Task RevokeConsent_RelayedForTheEnterprise_TheNextFetchIsRefusedAsRevoked()
    {
        var enterprise = cluster.Enterprises[0];
        var (consent, _) = await cluster.GrantAsync(enterprise);
        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));

        var tx = await cluster.BankAsBank.Consents.RevokeAsync(enterprise.Wallet, consent);
        await cluster.WaitTaxHeadAsync(tx.BlockNumber);

        var error = await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)), StatusCode.FailedPrecondition, "LEDGER-1230");
        Assert.Contains($"revoked at block {tx.BlockNumber}", error.Message, StringComparison.Ordinal);
        var refusal = await Refusals.RecordedAsync(cluster, error, (byte)AccessStatus.Revoked);
        Assert.True(refusal.CheckedAtBlock >= tx.BlockNumber);
        var details = await cluster.BankAsBank.Consents.GetAsync(consent);
        Assert.Equal(ConsentStatus.Revoked, details.Status);
        Assert.Equal(tx.BlockNumber, details.RevokedAtBlock);
    }

    [Fact]
    public async Task NarrowConsent_ToRatingOnly_PaymentsAreRefusedAndRatingStillServed()
    {
        var enterprise = cluster.Enterprises[1];
        var (consent, terms) = await cluster.GrantAsync(enterprise, scopes: Scopes.TaxCreditRating | Scopes.TaxPayments);

        var tx = await cluster.BankAsBank.Consents.NarrowAsync(enterprise.Wallet, consent, Scopes.TaxCreditRating, terms.ValidUntil);
        await cluster.WaitTaxHeadAsync(tx.BlockNumber);

        var error = await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxPayments)), StatusCode.PermissionDenied, "LEDGER-1233");
        await Refusals.RecordedAsync(cluster, error, (byte)AccessStatus.ScopeNotGranted);
        var (_, report) = await cluster.TaxAsBank.Tax.FetchAndOpenAsync(new ReportRequest(consent, Scopes.TaxCreditRating));
        Assert.NotNull(report.Ratings);
    }

    [Fact]
    public async Task PrepareConsent_TypedData_IsWhatTheWalletSignsAndItsDigestIsTheConsentId()
    {
        var enterprise = cluster.Enterprises[2];
        var prepared = await cluster.BankAsBank.Consents.PrepareAsync(
            new ConsentRequest(enterprise.Wallet.Address, NodeCluster.BankOrg, NodeCluster.TaxOrg, Scopes.Invoices));

        Assert.Equal(enterprise.CreditCodeHash, prepared.Terms.CreditCodeHash); // read from the chain's binding
        Assert.Equal(prepared.Terms.IdIn(cluster.BankAsBank.ConsentDomain), prepared.ConsentId);
        using var json = JsonDocument.Parse(prepared.TypedDataJson);
        Assert.Equal("Consent", json.RootElement.GetProperty("primaryType").GetString());
        Assert.Equal(cluster.Chain.Deployment.ConsentDomain.VerifyingContract.ToString(), json.RootElement.GetProperty("domain").GetProperty("verifyingContract").GetString());
        Assert.Equal(prepared.Terms.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), json.RootElement.GetProperty("message").GetProperty("nonce").GetString());
        Assert.Equal(15, json.RootElement.GetProperty("types").GetProperty("Consent").GetArrayLength());
    }

    [Fact]
    public async Task ListConsents_BankSeesItsOwnConsents_AnotherBankSeesNone_AuditorSeesAll()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[2], scopes: Scopes.Invoices);
        var auditorOnBank = await cluster.ConnectAsync(cluster.Bank, NodeCluster.AuditorOrg);
        var otherOnBank = await cluster.ConnectAsync(cluster.Bank, NodeCluster.OtherBankOrg);

        IReadOnlyList<ConsentDetails> mine = [];
        for (var i = 0; i < 300 && mine.All(c => c.ConsentId != consent); i++)
        {
            await Task.Delay(100); // the bank node's indexer picks the grant up
            mine = await cluster.BankAsBank.Consents.ListAsync(new ConsentFilter { Enterprise = cluster.Enterprises[2].Wallet.Address });
        }

        var listed = Assert.Single(mine, c => c.ConsentId == consent);
        Assert.Equal(ConsentStatus.Active, listed.Status);
        Assert.Equal(Scopes.Invoices, listed.Scopes);
        Assert.Equal(cluster.Enterprises[2].CreditCodeHash, listed.CreditCodeHash);
        Assert.All(mine, c => Assert.Equal(NodeCluster.BankOrg, c.Consumer));
        Assert.Empty(await otherOnBank.Consents.ListAsync());
        Assert.Contains(await auditorOnBank.Consents.ListAsync(), c => c.ConsentId == consent);
        await Refusals.ExpectAsync(() => otherOnBank.Consents.GetAsync(consent), StatusCode.PermissionDenied, "LEDGER-1518");
    }

    [Fact]
    public async Task GetInfo_AnonymousAndSigned_DescribeTheNodeAndOnlyMembersSeeCounts()
    {
        using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(cluster.Tax.Url, cluster.Tax.Tls);
        var anonymous = await new Api.V1.Node.NodeClient(channel).GetInfoAsync(new Api.V1.Empty());
        var signed = await cluster.TaxAsAuditor.Node.GetInfoAsync();

        Assert.Equal("tax.liuzhou", anonymous.Org);
        Assert.Equal("tax", anonymous.Role);
        Assert.Equal(cluster[NodeCluster.TaxOrg].Keys.Operator.ToString(), anonymous.Operator);
        Assert.Equal(0UL, anonymous.Records);
        Assert.True(signed.Records > 0);
        Assert.Equal(cluster.Chain.Deployment.ChainId, signed.ChainId);
        Assert.Equal(cluster[NodeCluster.TaxOrg].Keys.Encryption.PublicKey.ToArray(), signed.EncryptionKey);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await cluster.TaxAsBank.Node.CheckHealthAsync());
    }

    [Fact]
    public async Task TaxAdmin_UpdateRating_ChangesTheLatestRatingTheNodeLists()
    {
        var taxpayer = cluster.Taxpayers[5];
        await cluster.TaxAsTax.Tax.UpdateRatingAsync(taxpayer.CreditCode, DateTime.UtcNow.Year, TaxCreditRating.D);

        var listed = await cluster.TaxAsTax.Tax.ListEnterprisesAsync(100);
        var entry = Assert.Single(listed, e => e.CreditCode == taxpayer.CreditCode);
        Assert.Equal(TaxCreditRating.D, entry.LatestRating);
        Assert.Null(entry.BoundAccount);
        Assert.NotNull(Assert.Single(listed, e => e.CreditCode == cluster.Enterprises[0].Taxpayer.CreditCode).BoundAccount);
    }

    [Fact]
    public async Task TaxAdmin_ImportWithBadLines_ImportsTheGoodOnesAndNamesEachRejectedLine()
    {
        var good = SyntheticTaxpayers.Generate(1, 99, DateOnly.FromDateTime(DateTime.UtcNow))[0];
        var content = TaxpayerImport.ToJsonLine(good) + "\n{not json}\n{\"creditCode\":\"91450200MA5K8XYZ1X\"}\n";

        var outcome = await cluster.TaxAsTax.Tax.ImportTaxDataAsync("jsonl", System.Text.Encoding.UTF8.GetBytes(content));

        Assert.Equal(1, outcome.Imported);
        Assert.Equal(2, outcome.Rejected.Count);
        Assert.StartsWith("line 2:", outcome.Rejected[0], StringComparison.Ordinal);
        Assert.StartsWith("line 3:", outcome.Rejected[1], StringComparison.Ordinal);
        await Refusals.ExpectAsync(() => cluster.TaxAsTax.Tax.ImportTaxDataAsync("xml", new byte[] { 1, 2, 3 }), StatusCode.InvalidArgument, "LEDGER-1520");
    }

    private async Task<ExportedRecord> WaitAnchoredAsync(RecordHash hash)
    {
        for (var i = 0; i < 600; i++)
        {
            var record = (await cluster.TaxRecordsAsync()).Single(r => r.Hash == hash);
            if (record.Anchor.IsAnchored)
            {
                return record;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Record {hash} was not anchored within 60 s.");
    }

    /// <summary>The month of a moment in China Standard Time.</summary>
    public static YearMonth MonthOf(ulong unixSeconds)
    {
        var local = DateTimeOffset.FromUnixTimeSeconds((long)unixSeconds).ToOffset(TimeSpan.FromHours(8));
        return new YearMonth(local.Year, local.Month);
    }
}
