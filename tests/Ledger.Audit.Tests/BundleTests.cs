using Ledger.Audit.Bundle;
using Ledger.Audit.Indexing;
using Ledger.Audit.Tests.Support;
using Ledger.Audit.Verification;
using Ledger.Core.Records;

namespace Ledger.Audit.Tests;

public sealed class BundleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ledger-audit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Fact]
    public void Select_AnEnterprise_GivesABundleThatVerifiesOnItsOwn()
    {
        var s = TestLedgers.LendingScenario();
        var ledger = LedgerIndex.Build(s.ToBundle());

        var bundle = AuditBundleBuilder.Select(ledger, AuditScope.ForEnterprise(s.T1.CreditCodeHash), "auditor.gx", 42);

        Assert.Equal(AuditScopeKind.Enterprise, bundle.Scope.Kind);
        Assert.Equal("auditor.gx", bundle.CreatedBy);
        Assert.Equal(5, bundle.Records.Count); // two accesses, two decisions, one spending entry
        Assert.Contains(bundle.Events, e => e.Name == "MemberAdmitted");
        Assert.Contains(bundle.Events, e => e.Name == "BatchAnchored");
        Assert.All(bundle.Records, r => Assert.Contains(bundle.Anchors, a => a.Batch == r.Anchor!.Batch));
        Assert.Empty(AuditBundleBuilder.MissingBlockTimes(bundle));
        var report = Verify.Offline(bundle, Verify.TrustedOf(s.ToBundle()));
        Assert.True(report.Passed, string.Join(Environment.NewLine, report.AllProblems()));
        Assert.Equal(5, report.Verified);
    }

    [Fact]
    public void Select_AConsent_CarriesItsRevocationSoALateAccessStillFailsOffline()
    {
        var s = TestLedgers.LendingScenario();
        var late = s.Ledger.Access(s.C2, s.T2, checkedAt: s.RevokedAtBlock + 2);
        s.Ledger.AnchorPending(SyntheticLedger.Tax);
        var ledger = LedgerIndex.Build(s.ToBundle());

        var bundle = AuditBundleBuilder.Select(ledger, AuditScope.ForConsent(s.C2));
        var report = Verify.Offline(AuditBundleJson.Parse(System.Text.Encoding.UTF8.GetString(AuditBundleJson.ToUtf8(bundle))));

        Assert.Contains(bundle.Events, e => e.Name == "ConsentRevoked");
        var lateHash = s.ToBundle().Records[late].DeclaredHash;
        var failure = Assert.Single(report.Failures);
        Assert.Equal(lateHash, failure.Hash);
        Assert.Contains(failure.Problems, p => p.Kind == ProblemKind.ConsentRevoked);
    }

    [Fact]
    public void Select_ALoan_CarriesItsDecisionsConsentForTheChecks()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = AuditBundleBuilder.Select(LedgerIndex.Build(s.ToBundle()), AuditScope.ForLoan(s.L1));

        Assert.Contains(bundle.Records, r => r.Record is CreditDecisionRecord);
        Assert.Contains(bundle.Events, e => e.Name == "ConsentGranted" && e.Args["consentId"] == s.C1.ToString());
        Assert.True(Verify.Offline(bundle).Passed);
    }

    [Fact]
    public void MissingBlockTimes_NamesTheBlocksABundleCannotDate()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = AuditBundleBuilder.Select(LedgerIndex.Build(s.ToBundle()), AuditScope.ForConsent(s.C1));
        var checkedAt = ((AccessRecord)bundle.Records.First(r => r.Record is AccessRecord).Record).CheckedAtBlock;
        var stripped = bundle with { BlockTimes = bundle.BlockTimes.Where(t => t.Key != checkedAt).ToDictionary() };

        Assert.Equal([checkedAt], AuditBundleBuilder.MissingBlockTimes(stripped));
        var completed = AuditBundleBuilder.WithBlockTimes(stripped, new Dictionary<ulong, ulong> { [checkedAt] = SyntheticLedger.TimeOf(checkedAt) });
        Assert.Empty(AuditBundleBuilder.MissingBlockTimes(completed));
    }

    [Fact]
    public void FromLedger_ARecordWhoseBatchWasNeverSeenOnChain_CannotBeBundled()
    {
        var s = TestLedgers.LendingScenario();
        var events = s.Ledger.Events.Where(e => e.Name != "BatchAnchored").ToList();

        var ex = Assert.Throws<AuditException>(() => AuditBundleBuilder.FromLedger(s.Ledger.Chain, s.Ledger.Records, events));
        Assert.Equal(AuditErrors.BundleBuildCode, ex.Code);
        Assert.Contains("no BatchAnchored event", ex.Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ the CLI's entry point

    [Fact]
    public async Task VerifyAsync_AGoodBundleFile_ExitsZero()
    {
        var s = TestLedgers.LendingScenario();
        var path = PathOf("audit-bundle.json");
        AuditBundleJson.WriteFile(AuditBundleBuilder.Select(LedgerIndex.Build(s.ToBundle()), AuditScope.ForEnterprise(s.T1.CreditCodeHash)), path);

        var result = await BundleVerifier.VerifyAsync(path, new VerificationMode.Offline());

        Assert.Equal(BundleVerificationResult.Verified, result.ExitCode);
        Assert.Null(result.ErrorCode);
        Assert.Empty(result.Problems);
        Assert.StartsWith("5 record(s): 5 verified", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_WithTrustedRootsThatDisagree_ExitsOneNamingTheRecords()
    {
        var s = TestLedgers.LendingScenario();
        var original = s.ToBundle();
        var trustedPath = PathOf("trusted-roots.json");
        Verify.TrustedOf(original).Save(trustedPath);
        var bundlePath = PathOf("forged-bundle.json");
        var forged = original.ForgeRecord(s.A1, r => ((AccessRecord)r) with { ResponseHash = Core.Primitives.Keccak.Hash("a different answer") }, forgeEvent: true);
        AuditBundleJson.WriteFile(forged, bundlePath, indented: true);

        var offline = await BundleVerifier.VerifyAsync(bundlePath, new VerificationMode.Offline());
        var trusted = await BundleVerifier.VerifyAsync(bundlePath, new VerificationMode.Offline(trustedPath));

        Assert.Equal(BundleVerificationResult.Verified, offline.ExitCode);
        Assert.Equal(BundleVerificationResult.Failed, trusted.ExitCode);
        Assert.Equal(AuditErrors.VerificationFailedCode, trusted.ErrorCode);
        Assert.StartsWith("LEDGER-1710: the bundle did not verify.", trusted.Summary, StringComparison.Ordinal);
        Assert.Contains(trusted.Problems, p => p.StartsWith($"AccessRecord {forged.Records[s.A1].DeclaredHash}:", StringComparison.Ordinal) && p.Contains("forged root", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_ATamperedRecordInTheFile_ExitsOne()
    {
        var s = TestLedgers.LendingScenario();
        var path = PathOf("bundle.json");
        var bundle = s.ToBundle();
        AuditBundleJson.WriteFile(bundle, path);
        var access = (AccessRecord)bundle.Records[s.A2].Record;
        var json = await File.ReadAllTextAsync(path);
        await File.WriteAllTextAsync(path, json.Replace($"\"servedAtMs\":{access.ServedAtMs}", $"\"servedAtMs\":{access.ServedAtMs + 1}", StringComparison.Ordinal));

        var result = await BundleVerifier.VerifyAsync(path, new VerificationMode.Offline());

        Assert.Equal(BundleVerificationResult.Failed, result.ExitCode);
        Assert.Contains(result.Problems, p => p.StartsWith($"AccessRecord {bundle.Records[s.A2].DeclaredHash}: its fields hash to", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_UnusableInputs_ExitTwoWithTheirCodes()
    {
        var s = TestLedgers.LendingScenario();
        var good = PathOf("good.json");
        AuditBundleJson.WriteFile(s.ToBundle(), good);
        var cut = PathOf("cut.json");
        var bytes = await File.ReadAllBytesAsync(good);
        await File.WriteAllBytesAsync(cut, bytes.AsSpan(0, bytes.Length / 3).ToArray());
        var otherChainRoots = PathOf("roots-other-chain.json");
        new TrustedRoots(5, []).Save(otherChainRoots);
        var notRoots = PathOf("not-roots.json");
        await File.WriteAllTextAsync(notRoots, "[]");

        (string Path, VerificationMode Mode, string Code)[] cases =
        [
            (PathOf("missing.json"), new VerificationMode.Offline(), AuditErrors.BundleUnreadableCode),
            (cut, new VerificationMode.Offline(), AuditErrors.BundleMalformedCode),
            (good, new VerificationMode.Offline(PathOf("no-roots.json")), AuditErrors.TrustedRootsUnusableCode),
            (good, new VerificationMode.Offline(otherChainRoots), AuditErrors.TrustedRootsUnusableCode),
            (good, new VerificationMode.Offline(notRoots), AuditErrors.TrustedRootsUnusableCode),
            (good, new VerificationMode.Online("not a url"), AuditErrors.ChainUnreachableCode),
            (good, new VerificationMode.Online("http://127.0.0.1:9"), AuditErrors.ChainUnreachableCode),
        ];
        foreach (var (path, mode, code) in cases)
        {
            var result = await BundleVerifier.VerifyAsync(path, mode);
            Assert.Equal(BundleVerificationResult.Unusable, result.ExitCode);
            Assert.Equal(code, result.ErrorCode);
            Assert.StartsWith(code + ": ", result.Summary, StringComparison.Ordinal);
            Assert.Null(result.Report);
        }
    }
}
