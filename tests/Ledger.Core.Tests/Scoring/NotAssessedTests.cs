using Ledger.Core.Model;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;

namespace Ledger.Core.Tests.Scoring;

/// <summary>
/// A factor whose data the consent did not cover is "not assessed" and scores its worst, never as clean data: before,
/// a report without judicial records scored "+100 No court enforcement cases", so a narrower consent raised the score.
/// </summary>
public sealed class NotAssessedTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 4, 0, 0, TimeSpan.Zero);
    private static readonly YearMonth From = new(2023, 1);
    private static readonly YearMonth Until = new(2026, 10);

    public static TheoryData<ulong, string[]> FactorsByScope() => new()
    {
        { (ulong)Scopes.TaxCreditRating, [Scorecard.Factors.RatingLatest, Scorecard.Factors.RatingPrevious, Scorecard.Factors.RatingEarlier] },
        { (ulong)Scopes.TaxPayments, [Scorecard.Factors.MonthsPaid, Scorecard.Factors.PaymentTrend, Scorecard.Factors.Arrears] },
        { (ulong)Scopes.Invoices, [Scorecard.Factors.InvoiceVolume, Scorecard.Factors.InvoiceTrend] },
        { (ulong)Scopes.SocialInsurance, [Scorecard.Factors.Headcount] },
        { (ulong)Scopes.Judicial, [Scorecard.Factors.Enforcement] },
    };

    private static IReadOnlyList<Taxpayer> Taxpayers() => SyntheticTaxpayers.Generate(40, 11, DateOnly.FromDateTime(Now.UtcDateTime));

    private static ScorecardResult Score(Taxpayer taxpayer, Scopes scopes) =>
        Scorecard.Evaluate(taxpayer.Report(scopes, From, Until, Now).ToProfile(), Now);

    [Theory]
    [MemberData(nameof(FactorsByScope))]
    public void Evaluate_ScopeNotConsented_ItsFactorsAreNotAssessedAndScoreTheirWorst(ulong scope, string[] factors)
    {
        var withheld = TaxProfile.AllScored & ~(Scopes)scope;
        foreach (var taxpayer in Taxpayers())
        {
            var full = Score(taxpayer, TaxProfile.AllScored);
            var narrower = Score(taxpayer, withheld);
            foreach (var key in factors)
            {
                var factor = narrower.Factors.Single(f => f.Factor == key);
                Assert.StartsWith("Not assessed: no ", factor.Reason, StringComparison.Ordinal);
                Assert.True(factor.Points <= 0, $"{key} scored {factor.Points} without its data: {factor.Reason}");
                Assert.True(factor.Points <= full.Factors.Single(f => f.Factor == key).Points,
                    $"{key} scored higher without its data ({factor.Points}) than with it for {taxpayer.CreditCode}");
            }
            // The factors of the other scopes are what they were.
            foreach (var other in narrower.Factors.Where(f => !factors.Contains(f.Factor)))
            {
                Assert.Equal(full.Factors.Single(f => f.Factor == other.Factor), other);
            }
        }
    }

    [Fact]
    public void Evaluate_NoJudicialData_NeverSaysNoCourtEnforcementCases()
    {
        var taxpayer = Taxpayers().First(t => t.EnforcementCases == 0);
        var result = Score(taxpayer, Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices);

        var enforcement = result.Factors.Single(f => f.Factor == Scorecard.Factors.Enforcement);
        Assert.DoesNotContain("No court enforcement cases", enforcement.Reason, StringComparison.Ordinal);
        Assert.Equal("Not assessed: no judicial records data under the consent, scored as the worst case (-100)", enforcement.Reason);
        Assert.Equal(-100, enforcement.Points);
    }

    [Fact]
    public void Evaluate_EveryNarrowerConsent_NeverScoresHigherThanAWiderOne()
    {
        var scored = new[] { Scopes.TaxCreditRating, Scopes.TaxPayments, Scopes.Invoices, Scopes.SocialInsurance, Scopes.Judicial };
        var subsets = Enumerable.Range(0, 1 << scored.Length)
            .Select(mask => scored.Where((_, i) => (mask & (1 << i)) != 0).Aggregate(Scopes.None, (a, s) => a | s))
            .ToList();
        var pairs = 0;
        foreach (var taxpayer in Taxpayers())
        {
            var scores = subsets.ToDictionary(s => s, s => Score(taxpayer, s).Score);
            foreach (var narrow in subsets)
            {
                foreach (var wide in subsets.Where(w => (w & narrow) == narrow))
                {
                    Assert.True(scores[narrow] <= scores[wide],
                        $"{taxpayer.CreditCode}: scopes {narrow} score {scores[narrow]}, more than {scores[wide]} for {wide}");
                    pairs++;
                }
            }
        }
        Assert.Equal(40 * 243, pairs); // 3^5 (narrow, wide) pairs per taxpayer
    }

    [Fact]
    public void Decide_JudicialRecordsNotConsented_DeclinesWithTheReasonInsteadOfAssumingNone()
    {
        var taxpayer = Taxpayers().First(t => t.EnforcementCases == 0 && t.LatestRating is TaxCreditRating.A);
        var withJudicial = CreditDecider.Decide(taxpayer.Report(TaxProfile.AllScored, From, Until, Now).ToProfile(), ProductTable.Default, Now);
        var without = CreditDecider.Decide(taxpayer.Report(TaxProfile.AllScored & ~Scopes.Judicial, From, Until, Now).ToProfile(), ProductTable.Default, Now);

        Assert.False(without.Approved);
        Assert.Contains(without.Reasons, r => r.Contains("court enforcement cases were not assessed", StringComparison.Ordinal));
        Assert.DoesNotContain(withJudicial.Reasons, r => r.Contains("not assessed", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_PaymentsNotConsented_DeclinesArrearsAsNotAssessed()
    {
        var taxpayer = Taxpayers().First(t => !t.Arrears.Any && t.LatestRating is TaxCreditRating.A or TaxCreditRating.B);
        var decision = CreditDecider.Decide(taxpayer.Report(TaxProfile.AllScored & ~Scopes.TaxPayments, From, Until, Now).ToProfile(), ProductTable.Default, Now);

        Assert.False(decision.Approved);
        Assert.Contains(decision.Reasons, r => r.Contains("tax arrears were not assessed", StringComparison.Ordinal));
    }
}
