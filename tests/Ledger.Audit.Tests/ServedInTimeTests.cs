using Ledger.Audit.Tests.Support;
using Ledger.Audit.Verification;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Audit.Tests;

/// <summary>
/// Accesses checked against the consent's timeline in time as well as in blocks (docs/audit.md, rule (d) in time):
/// a provider whose view of the chain stood still checks against an old block, so its checkedAtBlock predates a
/// revocation, expiry or narrowing that its serving time does not. Blocks of the synthetic ledger are 12 s apart.
/// </summary>
public class ServedInTimeTests
{
    private const ulong Second = 1000;

    // ------------------------------------------------------------------ revocation

    [Fact]
    public void VerifyAll_AnAccessCheckedBeforeTheRevocationButServed40SecondsAfterIt_FailsAsServedAfterRevocation()
    {
        // The outage: the tax node's head stood still before the revocation block, and it kept serving.
        var s = TestLedgers.LendingScenario();
        var revokedAt = SyntheticLedger.TimeOf(s.RevokedAtBlock) * Second;
        var late = s.Ledger.Access(s.C2, s.T2, checkedAt: s.RevokedAtBlock - 1, servedAtMs: revokedAt + 40 * Second);
        s.Ledger.AnchorPending(SyntheticLedger.Tax);

        var report = Verify.Offline(s.ToBundle());

        var problem = report.AssertFailedWith(late, ProblemKind.ServedAfterRevocation);
        Assert.Contains($"revoked in block {s.RevokedAtBlock}", problem.Message, StringComparison.Ordinal);
        Assert.Contains("40.0 s after", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(report.ProblemsOf(late), p => p.Kind == ProblemKind.ConsentRevoked);
        Assert.Equal(1, report.Failed);
    }

    [Fact]
    public void VerifyAll_AnAccessServedWithinTheFreshnessBoundAndTolerancesOfARevocation_Verifies_UnlessTheOptionsAreTighter()
    {
        var s = TestLedgers.LendingScenario();
        var revokedAt = SyntheticLedger.TimeOf(s.RevokedAtBlock) * Second;
        var close = s.Ledger.Access(s.C2, s.T2, checkedAt: s.RevokedAtBlock - 1, servedAtMs: revokedAt + 3_500);
        s.Ledger.AnchorPending(SyntheticLedger.Tax);
        var bundle = s.ToBundle();

        // Default: T 1 s + block-time granularity 1 s + clock skew 2 s = 4 s.
        Assert.True(Verify.Offline(bundle).Passed);
        var tight = Verify.Offline(bundle, options: new VerificationOptions { MaxCheckAge = TimeSpan.Zero, ClockSkew = TimeSpan.FromSeconds(1) });
        tight.AssertFailedWith(close, ProblemKind.ServedAfterRevocation);
    }

    [Fact]
    public void VerifyAll_AStrongModeAccessTheChainRecordedBeforeTheRevocation_VerifiesWhateverItsServingTime()
    {
        // Strong mode keeps its on-chain ordering: AccessRecorded in a block before the revocation authorizes it.
        var l = new SyntheticLedger();
        var terms = l.Terms(1);
        var consent = l.Grant(terms);
        l.NextBlock();
        // The node was slow to write its record: served 30 s after the chain recorded the access, and the consent was
        // revoked in between (one block later).
        l.StrongFetch(consent, terms, servedAtMs: SyntheticLedger.TimeOf(l.Block + 1) * Second + 30 * Second);
        l.NextBlock();
        l.Revoke(consent, terms);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        Assert.True(report.Passed, string.Join(Environment.NewLine, report.AllProblems()));
    }

    // ------------------------------------------------------------------ expiry and narrowing

    [Fact]
    public void VerifyAll_AnAccessCheckedInsideTheWindowButServedAfterItsEnd_FailsAsServedAfterExpiry()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1, validity: 120);
        var consent = l.Grant(terms);
        l.NextBlock();
        var inside = l.Access(consent, terms);
        var afterEnd = l.Access(consent, terms, checkedAt: l.Block, servedAtMs: terms.ValidUntil * Second + 30 * Second);
        l.NextBlock(20);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        Assert.Equal(VerificationStatus.Verified, report.StatusOf(inside));
        var problem = report.AssertFailedWith(afterEnd, ProblemKind.ServedAfterExpiry);
        Assert.DoesNotContain(report.ProblemsOf(afterEnd), p => p.Kind == ProblemKind.ConsentExpired);
        Assert.Contains("valid until", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAll_AnAccessServedAfterANarrowingShortenedTheWindow_FailsAsServedAfterExpiry()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1);
        var consent = l.Grant(terms);
        l.NextBlock();
        var checkedAt = l.Block;
        l.NextBlock();
        var narrowedUntil = SyntheticLedger.TimeOf(l.Block) + 1;
        l.Narrow(consent, terms.Scopes, narrowedUntil);
        var narrowedAt = l.Block;
        l.NextBlock();
        var late = l.Access(consent, terms, checkedAt: checkedAt, servedAtMs: SyntheticLedger.TimeOf(narrowedAt) * Second + 20 * Second);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        var problem = report.AssertFailedWith(late, ProblemKind.ServedAfterExpiry);
        Assert.Contains($"narrowed in block {narrowedAt}", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAll_AScopeServedAfterANarrowingRemovedIt_FailsAsServedAfterNarrowing_WhileTheScopeItKeptVerifies()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1, scopes: Scopes.TaxCreditRating | Scopes.Invoices);
        var consent = l.Grant(terms);
        l.NextBlock();
        var checkedAt = l.Block;
        l.NextBlock();
        l.Narrow(consent, Scopes.TaxCreditRating, terms.ValidUntil);
        var narrowedAt = l.Block;
        l.NextBlock();
        var servedAt = SyntheticLedger.TimeOf(narrowedAt) * Second + 20 * Second;
        var removed = l.Access(consent, terms, Scopes.Invoices, checkedAt: checkedAt, servedAtMs: servedAt);
        var kept = l.Access(consent, terms, Scopes.TaxCreditRating, checkedAt: checkedAt, servedAtMs: servedAt + 1);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        var problem = report.AssertFailedWith(removed, ProblemKind.ServedAfterNarrowing);
        Assert.Contains("Invoices", problem.Message, StringComparison.Ordinal);
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(kept));
    }

    // ------------------------------------------------------------------ fetch cap in serving order

    [Fact]
    public void VerifyAll_TheFetchCap_CountsAccessesInThePeriodTheyWereServedIn_NotThePeriodOfAStaleCheck()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1, fetchCap: 1, fetchPeriod: 60, validFrom: SyntheticLedger.TimeOf(l.Block));
        var consent = l.Grant(terms);
        var staleBlock = l.Block;
        var first = l.Access(consent, terms);
        // Checked against the same block (the head stood still) but served in the next fetch period: its first fetch.
        var stale = l.Access(consent, terms, checkedAt: staleBlock, servedAtMs: (terms.ValidFrom + 70) * Second);
        l.NextBlock(6);
        // Checked fresh in that next period and served after the stale one: the second fetch of the period.
        var fresh = l.Access(consent, terms, servedAtMs: (terms.ValidFrom + 80) * Second);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        Assert.Equal(VerificationStatus.Verified, report.StatusOf(first));
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(stale));
        var problem = report.AssertFailedWith(fresh, ProblemKind.FetchCapExceeded);
        Assert.Contains("fetch 2 in fetch period 1", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAll_AStrongModeFetch_IsCountedOnce_ItsAccessRecordAndItsAccessRecordedEventAreOneFetch()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1, fetchCap: 2);
        var consent = l.Grant(terms);
        l.NextBlock();
        var strong = l.StrongFetch(consent, terms);
        l.NextBlock();
        var second = l.Access(consent, terms);
        l.NextBlock();
        var third = l.Access(consent, terms);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        Assert.Equal(VerificationStatus.Verified, report.StatusOf(strong));
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(second));
        var problem = report.AssertFailedWith(third, ProblemKind.FetchCapExceeded);
        Assert.Contains("fetch 3", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAll_ABatchModeAccessAfterAStrongModeFetchThatUsedTheCap_IsBeyondTheCap()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1, fetchCap: 1);
        var consent = l.Grant(terms);
        l.NextBlock();
        var strong = l.StrongFetch(consent, terms);
        l.NextBlock();
        var beyond = l.Access(consent, terms);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        Assert.Equal(VerificationStatus.Verified, report.StatusOf(strong));
        report.AssertFailedWith(beyond, ProblemKind.FetchCapExceeded);
    }

    // ------------------------------------------------------------------ options

    [Fact]
    public async Task VerifyAsync_ANegativeOrHourLongAllowance_IsUnusableWithItsCode()
    {
        var bundle = TestLedgers.Lending().ToBundle();

        foreach (var options in new[]
        {
            new VerificationOptions { MaxCheckAge = TimeSpan.FromSeconds(-1) },
            new VerificationOptions { ClockSkew = TimeSpan.FromHours(2) },
        })
        {
            var result = await BundleVerifier.VerifyAsync(bundle, new VerificationMode.Offline(), options);
            Assert.Equal(BundleVerificationResult.Unusable, result.ExitCode);
            Assert.Equal(AuditErrors.InvalidOptionsCode, result.ErrorCode);
        }
    }
}
