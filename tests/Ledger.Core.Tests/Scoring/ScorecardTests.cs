using Ledger.Core.Errors;
using Ledger.Core.Scoring;

namespace Ledger.Core.Tests.Scoring;

public class ScorecardTests
{
    private static FactorContribution Factor(ScorecardResult result, string key) => result.Factors.Single(f => f.Factor == key);

    [Fact]
    public void MaxPoints_AddUpToTheMaximumScore()
    {
        Assert.Equal(Scorecard.MaxScore, Scorecard.MaxPoints().Sum(f => f.MaxPoints));
        Assert.Equal(11, Scorecard.MaxPoints().Select(f => f.Factor).Distinct().Count());
    }

    [Fact]
    public void Evaluate_StrongProfile_ScoreIsTheSumOfFactorsInTheDocumentedOrder()
    {
        var result = Scorecard.Evaluate(Profiles.Strong(), Profiles.Now);
        Assert.Equal(Scorecard.MaxPoints().Select(f => f.Factor), result.Factors.Select(f => f.Factor));
        Assert.Equal(Scorecard.MaxPoints().Select(f => f.MaxPoints), result.Factors.Select(f => f.MaxPoints));
        Assert.Equal(result.Factors.Sum(f => f.Points), result.Score);
        Assert.All(result.Factors, f => Assert.True(f.Points <= f.MaxPoints, f.Reason));
        Assert.All(result.Factors, f => Assert.EndsWith($"({Scorecard.Signed(f.Points)})", f.Reason, StringComparison.Ordinal));
        // 220+50+30 + 150+35(+20%)+50 + 50(12M CNY ≥ 10M → 85)… — checked factor by factor below; here only the range.
        Assert.InRange(result.Score, 850, 1000);
        Assert.Equal(new RatingOfYear(2025, TaxCreditRating.A), result.LatestRating);
        Assert.Equal(36_000_000, result.TaxPaidLast12MonthsFen);
        Assert.Equal(11, result.YearsInBusiness);
        Assert.Equal(Profiles.Month, result.EvaluationMonth);
    }

    [Fact]
    public void Evaluate_RatingA_ExplainsEachYearWithItsPoints()
    {
        var result = Scorecard.Evaluate(Profiles.Strong(), Profiles.Now);
        Assert.Equal("Tax-credit rating A in 2025 (+220)", Factor(result, Scorecard.Factors.RatingLatest).Reason);
        Assert.Equal("Tax-credit rating A in 2024 (+50)", Factor(result, Scorecard.Factors.RatingPrevious).Reason);
        Assert.Equal("Tax-credit rating A in 2023 (+30)", Factor(result, Scorecard.Factors.RatingEarlier).Reason);
    }

    [Theory]
    [InlineData(TaxCreditRating.A, 220)]
    [InlineData(TaxCreditRating.B, 160)]
    [InlineData(TaxCreditRating.M, 110)]
    [InlineData(TaxCreditRating.C, 40)]
    [InlineData(TaxCreditRating.D, 0)]
    public void Evaluate_LatestRating_GivesItsPoints(TaxCreditRating rating, int points)
    {
        var result = Scorecard.Evaluate(Profiles.Strong().WithLatestRating(rating), Profiles.Now);
        Assert.Equal(points, Factor(result, Scorecard.Factors.RatingLatest).Points);
    }

    [Fact]
    public void Evaluate_LatestYearWeighsMoreThanEarlierYears()
    {
        var improving = Profiles.Strong() with { Ratings = [new(2023, TaxCreditRating.C), new(2024, TaxCreditRating.B), new(2025, TaxCreditRating.A)] };
        var declining = Profiles.Strong() with { Ratings = [new(2023, TaxCreditRating.A), new(2024, TaxCreditRating.B), new(2025, TaxCreditRating.C)] };
        Assert.True(Scorecard.Evaluate(improving, Profiles.Now).Score > Scorecard.Evaluate(declining, Profiles.Now).Score);
    }

    [Fact]
    public void Evaluate_RatingOlderThanTwoYears_IsNotCurrent()
    {
        var stale = Profiles.Strong() with { Ratings = [new(2021, TaxCreditRating.A), new(2022, TaxCreditRating.A)] };
        var result = Scorecard.Evaluate(stale, Profiles.Now);
        Assert.Null(result.LatestRating);
        Assert.Equal(0, Factor(result, Scorecard.Factors.RatingLatest).Points);
        Assert.Contains("No current tax-credit rating (latest is for 2022)", Factor(result, Scorecard.Factors.RatingLatest).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_RatingForTheYearBeforeLastOnly_CountsAsCurrent()
    {
        // In June 2026 the 2025 ratings may not be out yet: 2024 is still current.
        var profile = Profiles.Strong() with { Ratings = [new(2024, TaxCreditRating.B)] };
        var result = Scorecard.Evaluate(profile, Profiles.Now);
        Assert.Equal(new RatingOfYear(2024, TaxCreditRating.B), result.LatestRating);
        Assert.Equal("Tax-credit rating B in 2024 (+160)", Factor(result, Scorecard.Factors.RatingLatest).Reason);
        Assert.Equal("No tax-credit rating for 2023 (+0)", Factor(result, Scorecard.Factors.RatingPrevious).Reason);
    }

    [Fact]
    public void Evaluate_MonthsPaid_IsProportionalToMonthsWithTaxInTheLast24()
    {
        // Paid in 18 of 24 months: 150 × 18 / 24 = 112.5 → 113.
        var profile = Profiles.Strong() with { TaxPayments = Profiles.Monthly(24, back => back % 4 == 0 ? 0 : 3_000_000) };
        var factor = Factor(Scorecard.Evaluate(profile, Profiles.Now), Scorecard.Factors.MonthsPaid);
        Assert.Equal(113, factor.Points);
        Assert.Equal("Tax paid in 18 of the last 24 months (+113)", factor.Reason);
    }

    [Fact]
    public void Evaluate_PaymentsBeforeTheWindowOrInTheCurrentMonth_DoNotCount()
    {
        var profile = Profiles.Strong() with
        {
            TaxPayments = [new(Profiles.Month, 9_000_000), new(Profiles.Month.AddMonths(-25), 9_000_000), new(Profiles.Month.AddMonths(-1), 1_000)],
        };
        var result = Scorecard.Evaluate(profile, Profiles.Now);
        Assert.Equal(1_000, result.TaxPaidLast12MonthsFen);
        Assert.Contains("1 of the last 24", Factor(result, Scorecard.Factors.MonthsPaid).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3_300_000, 50, "up 10.0%")]
    [InlineData(3_000_000, 35, "unchanged")]
    [InlineData(2_800_000, 20, "down 6.7%")]
    [InlineData(2_200_000, 0, "down 26.7%")]
    [InlineData(2_000_000, -50, "down 33.3%")]
    public void Evaluate_PaymentTrend_ComparesTheLast12MonthsWithThe12Before(long monthlyNow, int points, string change)
    {
        var profile = Profiles.Strong() with { TaxPayments = Profiles.Monthly(24, back => back <= 12 ? monthlyNow : 3_000_000) };
        var factor = Factor(Scorecard.Evaluate(profile, Profiles.Now), Scorecard.Factors.PaymentTrend);
        Assert.Equal(points, factor.Points);
        Assert.Contains(change, factor.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NoPaymentsInThePrevious12_TrendIsNeutral()
    {
        var profile = Profiles.Strong() with { TaxPayments = Profiles.Monthly(12, _ => 3_000_000) };
        var factor = Factor(Scorecard.Evaluate(profile, Profiles.Now), Scorecard.Factors.PaymentTrend);
        Assert.Equal(20, factor.Points);
        Assert.Contains("to compare with", factor.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0L, 50)]
    [InlineData(1, 100_000L, -40)]          // 1,000 CNY: 0.3 % of 360,000 CNY paid
    [InlineData(2, 1_000_000L, -80)]
    [InlineData(5, 1_000_000L, -120)]       // at most three items count
    [InlineData(1, 3_600_000L, -100)]       // 10 % of the tax paid: −60 more
    public void Evaluate_Arrears_PenaliseByCountAndShare(int count, long amountFen, int points)
    {
        var profile = Profiles.Strong() with { Arrears = new TaxArrears(count, amountFen) };
        Assert.Equal(points, Factor(Scorecard.Evaluate(profile, Profiles.Now), Scorecard.Factors.Arrears).Points);
    }

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(1L, 10)]
    [InlineData(20_000_000L, 30)]       // 200,000 CNY
    [InlineData(100_000_000L, 50)]      // 1 M CNY
    [InlineData(500_000_000L, 70)]
    [InlineData(1_000_000_000L, 85)]
    [InlineData(5_000_000_000L, 100)]   // 50 M CNY
    public void Evaluate_InvoiceVolume_FollowsTheTiers(long last12Fen, int points)
    {
        var profile = Profiles.Strong() with { Invoices = last12Fen == 0 ? [] : [new(Profiles.Month.AddMonths(-3), last12Fen)] };
        Assert.Equal(points, Factor(Scorecard.Evaluate(profile, Profiles.Now), Scorecard.Factors.InvoiceVolume).Points);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 20)]
    [InlineData(4, 20)]
    [InlineData(5, 40)]
    [InlineData(10, 55)]
    [InlineData(20, 70)]
    [InlineData(50, 85)]
    [InlineData(100, 100)]
    public void Evaluate_Headcount_FollowsTheTiers(int headcount, int points)
    {
        var factor = Factor(Scorecard.Evaluate(Profiles.Strong() with { SocialInsuranceHeadcount = headcount }, Profiles.Now), Scorecard.Factors.Headcount);
        Assert.Equal(points, factor.Points);
        Assert.StartsWith($"{headcount} employee", factor.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 40)]
    [InlineData(2, 0)]
    [InlineData(7, -100)]
    public void Evaluate_EnforcementCases_FollowTheTiers(int cases, int points)
    {
        var factor = Factor(Scorecard.Evaluate(Profiles.Strong() with { EnforcementCases = cases }, Profiles.Now), Scorecard.Factors.Enforcement);
        Assert.Equal(points, factor.Points);
    }

    [Theory]
    [InlineData("2026-06-15", 0, 0)]
    [InlineData("2025-06-16", 0, 0)]
    [InlineData("2025-06-15", 1, 20)]
    [InlineData("2024-01-01", 2, 40)]
    [InlineData("2023-06-15", 3, 60)]
    [InlineData("2021-01-01", 5, 80)]
    [InlineData("2016-06-15", 10, 100)]
    public void Evaluate_YearsInBusiness_CountsFullYears(string registeredOn, int years, int points)
    {
        var result = Scorecard.Evaluate(Profiles.Strong() with { RegisteredOn = DateOnly.Parse(registeredOn, System.Globalization.CultureInfo.InvariantCulture) }, Profiles.Now);
        Assert.Equal(years, result.YearsInBusiness);
        Assert.Equal(points, Factor(result, Scorecard.Factors.YearsInBusiness).Points);
    }

    [Fact]
    public void Evaluate_EverythingBad_ClampsTheScoreAtZero()
    {
        var profile = new TaxProfile([new(2025, TaxCreditRating.D)], [], [], new TaxArrears(4, 10_000_000), 0, 9, new DateOnly(2026, 1, 1));
        var result = Scorecard.Evaluate(profile, Profiles.Now);
        Assert.True(result.Factors.Sum(f => f.Points) < 0);
        Assert.Equal(0, result.Score);
    }

    [Fact]
    public void Evaluate_UsesTheDateInChina()
    {
        // 2026-06-30 20:00 UTC is already 1 July in China: June's payment is then inside the last 12 months.
        var profile = Profiles.Strong() with { TaxPayments = [new(new YearMonth(2026, 6), 5_000_000)] };
        var utcEvening = new DateTimeOffset(2026, 6, 30, 20, 0, 0, TimeSpan.Zero);
        var result = Scorecard.Evaluate(profile, utcEvening);
        Assert.Equal(new YearMonth(2026, 7), result.EvaluationMonth);
        Assert.Equal(5_000_000, result.TaxPaidLast12MonthsFen);
        Assert.Equal(0, Scorecard.Evaluate(profile, utcEvening.AddHours(-5)).TaxPaidLast12MonthsFen);
    }

    public static TheoryData<string, TaxProfile> MalformedProfiles()
    {
        var good = Profiles.Strong();
        return new()
        {
            { "two ratings for 2025", good with { Ratings = [new(2025, TaxCreditRating.A), new(2025, TaxCreditRating.B)] } },
            { "rating for 2027", good with { Ratings = [new(2027, TaxCreditRating.A)] } },
            { "rating 9", good with { Ratings = [new(2025, (TaxCreditRating)9)] } },
            { "negative payment", good with { TaxPayments = [new(new YearMonth(2026, 1), -1)] } },
            { "payment in the future", good with { TaxPayments = [new(new YearMonth(2026, 7), 1)] } },
            { "month 13", good with { TaxPayments = [new(new YearMonth(2025, 13), 1)] } },
            { "two payments in one month", good with { TaxPayments = [new(new YearMonth(2026, 1), 1), new(new YearMonth(2026, 1), 2)] } },
            { "two invoice totals in one month", good with { Invoices = [new(new YearMonth(2026, 1), 1), new(new YearMonth(2026, 1), 2)] } },
            { "negative arrears", good with { Arrears = new TaxArrears(-1, 0) } },
            { "negative headcount", good with { SocialInsuranceHeadcount = -3 } },
            { "negative cases", good with { EnforcementCases = -1 } },
            { "registered tomorrow", good with { RegisteredOn = new DateOnly(2026, 6, 16) } },
            { "no payment list", good with { TaxPayments = null! } },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedProfiles))]
    public void Evaluate_MalformedProfile_ThrowsInvalidProfile(string what, TaxProfile profile)
    {
        var ex = Assert.Throws<LedgerException>(() => Scorecard.Evaluate(profile, Profiles.Now));
        Assert.True(ex.Code == ScoringErrors.InvalidProfileCode, what);
        Assert.Equal(ErrorCategory.InvalidArgument, ex.Category);
        Assert.StartsWith("The tax profile cannot be scored: ", ex.Message, StringComparison.Ordinal);
    }
}
