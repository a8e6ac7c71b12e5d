using Ledger.Audit.Bundle;
using Ledger.Audit.Indexing;
using Ledger.Audit.Tests.Support;
using Ledger.Audit.Verification;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Audit.Tests;

public class WholeLedgerTests
{
    private static readonly VerificationOptions WholeLedger = new() { RequireCompleteBatches = true };

    [Fact]
    public void VerifyAll_ACompleteLedger_RebuildsEveryBatchOnce()
    {
        var bundle = TestLedgers.Lending().ToBundle();
        var report = Verify.Offline(bundle, options: WholeLedger);

        Assert.True(report.Passed);
        Assert.All(report.Anchors, a =>
        {
            Assert.True(a.Rebuilt);
            Assert.Equal(a.AnchoredCount, (uint)a.RecordsInEvidence);
        });
    }

    [Fact]
    public void VerifyAll_ABatchWithAMissingRecord_IsReportedIncomplete_WhileItsOtherRecordsStillVerify()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1);
        var consent = l.Grant(terms);
        l.NextBlock();
        var kept = Enumerable.Range(0, 5).Select(_ => l.Access(consent, terms)).ToList();
        var batch = l.AnchorPending(SyntheticLedger.Tax);
        var full = l.ToBundle();
        var missing = kept[2];
        var partial = full with { Records = [.. full.Records.Where((_, i) => i != missing)] };

        var report = Verify.Offline(partial, options: WholeLedger);

        Assert.Equal(partial.Records.Count, report.Verified);
        var anchor = Assert.Single(report.Anchors, a => a.Batch == batch);
        Assert.False(anchor.Rebuilt);
        Assert.Equal(VerificationStatus.Failed, anchor.Status);
        var problem = Assert.Single(anchor.Problems, p => p.Kind == ProblemKind.BatchIncomplete);
        Assert.Contains("5 anchored record(s)", problem.Message, StringComparison.Ordinal);
        Assert.Contains("1 missing", problem.Message, StringComparison.Ordinal);
        Assert.Contains(partial.Records[0].DeclaredHash.ToString(), problem.Message, StringComparison.Ordinal);
        Assert.False(report.Passed);

        // A whole ledger is complete whatever the options say; a bundle of a narrower scope (here: a time range)
        // carries only its scope's records, so there the same gap is no failure.
        Assert.False(Verify.Offline(partial).Passed);
        Assert.True(Verify.Offline(partial with { Scope = AuditScope.ForTimeRange(1, null) }).Passed);
    }

    [Fact]
    public void VerifyAll_AHundredThousandRecords_VerifyAndExactlyTheTamperedOnesFail()
    {
        const int Consents = 500;
        const int Records = 100_000;
        const int BatchSize = 1_000;
        var l = new SyntheticLedger();
        var grants = new List<(ConsentId Id, Core.Consent.ConsentTerms Terms)>(Consents);
        for (var c = 0; c < Consents; c++)
        {
            var terms = l.Terms(c, fetchCap: 1_000);
            grants.Add((l.Grant(terms), terms));
        }
        l.NextBlock();
        for (var i = 0; i < Records; i++)
        {
            var (id, terms) = grants[i % Consents];
            l.Access(id, terms);
            if ((i + 1) % BatchSize == 0)
            {
                l.AnchorPending(SyntheticLedger.Tax);
                l.NextBlock();
            }
        }
        var bundle = l.ToBundle();

        var clean = Verify.Offline(bundle, options: WholeLedger);
        Assert.True(clean.Passed, string.Join(Environment.NewLine, clean.AllProblems().Take(5)));
        Assert.Equal(Records, clean.Verified);
        Assert.Equal(Records / BatchSize, clean.RebuiltBatches);

        // Three kinds of tampering in three batches: a field, a proof step, a foreign record.
        var altered = (AccessRecord)bundle.Records[12_345].Record;
        var proof = bundle.Records[54_321].Anchor!.Proof.ToArray();
        proof[3] = Verify.Flip(proof[3]);
        var foreign = BundleRecord.Of(altered with { Sequence = 9_999_999 }, bundle.Records[77_777].Anchor);
        var tampered = bundle
            .Replace(12_345, bundle.Records[12_345] with { Record = altered with { ResponseHash = Keccak.Hash("other") } })
            .Replace(54_321, bundle.Records[54_321] with { Anchor = bundle.Records[54_321].Anchor! with { Proof = proof } })
            .Append(foreign);

        var report = Verify.Offline(tampered, options: WholeLedger);

        Assert.Equal(3, report.Failed);
        Assert.Equal(Records - 2, report.Verified);
        Assert.Contains(report.ProblemsOf(12_345), p => p.Kind == ProblemKind.HashMismatch);
        Assert.Contains(report.ProblemsOf(54_321), p => p.Kind == ProblemKind.ProofMismatch);
        Assert.Contains(report.ProblemsOf(Records), p => p.Kind == ProblemKind.NotInBatch);
        // Only the batches with a problem fell back to proofs; the rest were rebuilt once each.
        Assert.Equal(Records / BatchSize - 2, report.RebuiltBatches);
        Assert.StartsWith("100,001 record(s): 99,998 verified, 0 pending, 3 failed", report.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void LedgerIndex_RecordsOfABatch_AreContiguousAndInEvidenceOrder()
    {
        var bundle = TestLedgers.Lending().ToBundle();
        var index = LedgerIndex.Build(bundle);
        var seen = 0;
        for (var b = 0; b < index.BatchCount; b++)
        {
            var members = index.MembersOf(b).ToArray();
            Assert.Equal(members.Order(), members);
            Assert.All(members, i => Assert.Equal(index.BatchKeyAt(b), bundle.Records[i].Anchor!.Batch));
            seen += members.Length;
        }
        Assert.Equal(bundle.Records.Count(r => r.Anchor is not null), seen);
    }
}
