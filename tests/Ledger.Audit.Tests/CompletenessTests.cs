using System.Text.Json.Nodes;
using Ledger.Audit.Bundle;
using Ledger.Audit.Indexing;
using Ledger.Audit.Tests.Support;
using Ledger.Audit.Verification;
using Ledger.Core.Records;

namespace Ledger.Audit.Tests;

/// <summary>
/// What a bundle must hold (docs/audit.md, "Completeness"): a bundle whose scope is the whole ledger holds every
/// record of every batch; a missing record fails it, named by batch, organization and sequence range.
/// </summary>
public sealed class CompletenessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ledger-completeness-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task VerifyAsync_AWholeLedgerBundleFileWithOneAccessRecordDeleted_ExitsOneNamingTheBatch()
    {
        // The review's finding: this bundle verified with exit 0.
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var path = Path.Combine(_folder, "audit-bundle.json");
        AuditBundleJson.WriteFile(bundle, path);
        var deleted = bundle.Records[s.A2];
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        var records = json["records"]!.AsArray();
        var before = records.Count;
        records.Remove(records.Single(r => (string?)r!["hash"] == deleted.DeclaredHash.ToString()));
        Assert.Equal(before - 1, records.Count);
        await File.WriteAllTextAsync(path, json.ToJsonString());

        var offline = await BundleVerifier.VerifyAsync(path, new VerificationMode.Offline());
        var trusted = await BundleVerifier.VerifyAsync(path, new VerificationMode.Offline(SaveTrusted(bundle)));

        foreach (var result in new[] { offline, trusted })
        {
            Assert.Equal(BundleVerificationResult.Failed, result.ExitCode);
            var batch = deleted.Anchor!.Batch;
            var problem = Assert.Single(result.Report!.Anchors.Single(a => a.Batch == batch).Problems);
            Assert.Equal(ProblemKind.BatchIncomplete, problem.Kind);
            Assert.Contains(batch.BatchId.Value.ToString(), problem.Message, StringComparison.Ordinal);
            Assert.Contains("tax.liuzhou", problem.Message, StringComparison.Ordinal);
            Assert.Contains("1 missing", problem.Message, StringComparison.Ordinal);
            Assert.Contains($"sequence {((AccessRecord)deleted.Record).Sequence}", problem.Message, StringComparison.Ordinal);
            Assert.Contains(result.Problems, p => p == problem.Message);
        }
    }

    [Fact]
    public void VerifyAll_AWholeLedgerMissingEveryRecordOfABatchItStillDescribes_FailsTheBatch()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var batch = bundle.Records[s.Deletion].Anchor!.Batch;
        var without = bundle with { Records = [.. bundle.Records.Where(r => r.Anchor?.Batch != batch)] };

        var report = Verify.Offline(without);

        var anchor = Assert.Single(report.Anchors, a => a.Batch == batch);
        Assert.Equal(0, anchor.RecordsInEvidence);
        var problem = Assert.Single(anchor.Problems);
        Assert.Equal(ProblemKind.BatchIncomplete, problem.Kind);
        Assert.Contains("none of the 1 anchored record(s)", problem.Message, StringComparison.Ordinal);
        Assert.False(report.Passed);
    }

    [Fact]
    public void VerifyAll_AWholeLedgerWithoutABatchThatALaterBatchOfTheSameOrganizationFollows_FailsTheSkippedBatch()
    {
        // Records, anchor entry and all are gone; only the BatchAnchored event (the chain's, online) remains.
        var l = new SyntheticLedger();
        var terms = l.Terms(1);
        var consent = l.Grant(terms);
        l.NextBlock();
        l.Access(consent, terms);
        var first = l.AnchorPending(SyntheticLedger.Tax);
        l.NextBlock();
        l.Access(consent, terms);
        var skipped = l.AnchorPending(SyntheticLedger.Tax);
        l.NextBlock();
        l.Access(consent, terms);
        var last = l.AnchorPending(SyntheticLedger.Tax);
        var bundle = l.ToBundle();
        var without = bundle with
        {
            Records = [.. bundle.Records.Where(r => r.Anchor!.Batch != skipped)],
            Anchors = [.. bundle.Anchors.Where(a => a.Batch != skipped)],
        };

        var report = Verify.Offline(without);

        var anchor = Assert.Single(report.Anchors, a => a.Batch == skipped);
        Assert.Equal(VerificationStatus.Failed, anchor.Status);
        Assert.Equal(ProblemKind.BatchIncomplete, Assert.Single(anchor.Problems).Kind);
        Assert.All(report.Anchors.Where(a => a.Batch == first || a.Batch == last), a => Assert.Equal(VerificationStatus.Verified, a.Status));
        Assert.False(report.Passed);
    }

    [Fact]
    public void VerifyAll_AWholeLedgerWhoseNewestBatchOfAnOrganizationIsNotHeldYet_IsNotFailedForIt()
    {
        // An auditor still pulling: a batch anchored after the last one it holds of that member may not have reached
        // it yet, so only batches followed by a held one are provably missing (docs/audit.md, "Completeness").
        var l = new SyntheticLedger();
        var terms = l.Terms(1);
        var consent = l.Grant(terms);
        l.NextBlock();
        l.Access(consent, terms);
        l.AnchorPending(SyntheticLedger.Tax);
        l.NextBlock();
        l.Access(consent, terms);
        var newest = l.AnchorPending(SyntheticLedger.Tax);
        var bundle = l.ToBundle();
        var held = bundle with
        {
            Records = [.. bundle.Records.Where(r => r.Anchor!.Batch != newest)],
            Anchors = [.. bundle.Anchors.Where(a => a.Batch != newest)],
        };

        var report = Verify.Offline(held);

        Assert.True(report.Passed, string.Join(Environment.NewLine, report.AllProblems()));
    }

    [Fact]
    public void VerifyAll_AScopedBundle_DoesNotNeedTheOtherRecordsOfItsBatches()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = AuditBundleBuilder.Select(LedgerIndex.Build(s.ToBundle()), AuditScope.ForConsent(s.C1));

        var report = Verify.Offline(bundle);

        Assert.True(report.Passed, string.Join(Environment.NewLine, report.AllProblems()));
        Assert.Contains(report.Anchors, a => a.AnchoredCount > (uint)a.RecordsInEvidence);
    }

    private string SaveTrusted(AuditBundle bundle)
    {
        var path = Path.Combine(_folder, "trusted-roots.json");
        Verify.TrustedOf(bundle).Save(path);
        return path;
    }
}
