using System.Globalization;

namespace Ledger.Core.Scoring;

/// <summary>One factor's share of a score, with the sentence that explains it.</summary>
/// <param name="Factor">Stable key, e.g. <c>taxCreditRating.latest</c> (see <see cref="Scorecard"/>).</param>
/// <param name="Points">Points contributed (negative for penalties).</param>
/// <param name="MaxPoints">The most this factor can contribute.</param>
/// <param name="Reason">For a person, e.g. "Tax-credit rating A in 2025 (+220)".</param>
public sealed record FactorContribution(string Factor, int Points, int MaxPoints, string Reason);

/// <summary>A scored profile: the score, each factor's contribution, and the facts the product rules read.</summary>
/// <param name="Score">0–1000: the sum of the contributions, clamped.</param>
/// <param name="Factors">Every factor, in the scorecard's fixed order.</param>
/// <param name="LatestRating">The current rating (the latest year rated, if not older than two years before today), or null.</param>
/// <param name="TaxPaidLast12MonthsFen">Tax paid in the 12 full months before the evaluation month.</param>
/// <param name="YearsInBusiness">Full years since registration.</param>
/// <param name="EvaluationMonth">The month of the decision (China Standard Time); the windows end the month before.</param>
public sealed record ScorecardResult(
    int Score,
    IReadOnlyList<FactorContribution> Factors,
    RatingOfYear? LatestRating,
    long TaxPaidLast12MonthsFen,
    int YearsInBusiness,
    YearMonth EvaluationMonth);

/// <summary>
/// The explainable scorecard over an enterprise's tax profile. Six areas, 1000 points in all (the tables below are
/// the whole policy, documented in docs/domain.md):
/// <list type="table">
/// <item><term>Tax-credit rating (300)</term><description>latest year A/B/M/C/D = 220/160/110/40/0, the year before
/// 50/35/25/10/0, the year before that 30/20/15/5/0.</description></item>
/// <item><term>Tax payments (250)</term><description>months with tax paid in the last 24: 150 × months / 24; last 12 vs
/// previous 12 months: ≥ +10 % 50, ≥ 0 35, ≥ −10 % 20, ≥ −30 % 0, below −50; arrears: none +50, else −40 per item
/// (at most 3) and −60 more when they reach 10 % of the tax paid in the last 12 months.</description></item>
/// <item><term>Invoices (150)</term><description>amount invoiced in the last 12 months: ≥ 50 M CNY 100, ≥ 10 M 85,
/// ≥ 5 M 70, ≥ 1 M 50, ≥ 200 k 30, &gt; 0 10; trend: ≥ +10 % 50, ≥ 0 35, ≥ −20 % 15, below −30.</description></item>
/// <item><term>Social insurance (100)</term><description>insured employees ≥ 100 100, ≥ 50 85, ≥ 20 70, ≥ 10 55,
/// ≥ 5 40, ≥ 1 20.</description></item>
/// <item><term>Judicial (100)</term><description>enforcement cases 0 → 100, 1 → 40, 2 → 0, more → −100.</description></item>
/// <item><term>Years in business (100)</term><description>≥ 10 100, ≥ 5 80, ≥ 3 60, ≥ 2 40, ≥ 1 20.</description></item>
/// </list>
/// Windows are whole calendar months before the month of the decision, in China Standard Time (UTC+8).
/// </summary>
public static class Scorecard
{
    /// <summary>The highest score.</summary>
    public const int MaxScore = 1000;

    /// <summary>China Standard Time: the calendar the tax data and the windows are in.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>Factor keys, in the order the factors are listed.</summary>
    public static class Factors
    {
        public const string RatingLatest = "taxCreditRating.latest";
        public const string RatingPrevious = "taxCreditRating.previous";
        public const string RatingEarlier = "taxCreditRating.earlier";
        public const string MonthsPaid = "taxPayments.monthsPaid";
        public const string PaymentTrend = "taxPayments.trend";
        public const string Arrears = "taxPayments.arrears";
        public const string InvoiceVolume = "invoices.volume";
        public const string InvoiceTrend = "invoices.trend";
        public const string Headcount = "socialInsurance.headcount";
        public const string Enforcement = "judicial.enforcementCases";
        public const string YearsInBusiness = "business.years";
    }

    private static readonly int[] LatestRatingPoints = [220, 160, 110, 40, 0];
    private static readonly int[] PreviousRatingPoints = [50, 35, 25, 10, 0];
    private static readonly int[] EarlierRatingPoints = [30, 20, 15, 5, 0];
    private const int MonthsPaidMax = 150;
    private const int TrendMax = 50;
    private const int ArrearsMax = 50;
    private const int InvoiceVolumeMax = 100;
    private const int HeadcountMax = 100;
    private const int EnforcementMax = 100;
    private const int YearsMax = 100;
    // The lowest each factor can score: what a factor whose data was not consented scores.
    private const int PaymentTrendWorst = -50;
    private const int ArrearsWorst = -40 * 3 - 60;
    private const int InvoiceTrendWorst = -30;
    private const int EnforcementWorst = -100;

    private static readonly (long MinCny, int Points)[] InvoiceVolumeTiers =
        [(50_000_000, 100), (10_000_000, 85), (5_000_000, 70), (1_000_000, 50), (200_000, 30)];
    private static readonly (int Min, int Points)[] HeadcountTiers = [(100, 100), (50, 85), (20, 70), (10, 55), (5, 40), (1, 20)];
    private static readonly (int Min, int Points)[] YearsTiers = [(10, 100), (5, 80), (3, 60), (2, 40), (1, 20)];

    /// <summary>The date in China of <paramref name="now"/>.</summary>
    public static DateOnly ChinaDate(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(ChinaOffset).DateTime);

    /// <summary>Scores <paramref name="profile"/> as of <paramref name="now"/>.</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1070 when the profile is malformed.</exception>
    public static ScorecardResult Evaluate(TaxProfile profile, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var today = ChinaDate(now);
        var month = YearMonth.Of(today);
        Validate(profile, today, month);

        var factors = new List<FactorContribution>(11);
        var latest = profile.Has(Model.Scopes.TaxCreditRating)
            ? RatingFactors(profile.Ratings, today, factors)
            : NotAssessed(factors, "tax-credit rating", (Factors.RatingLatest, LatestRatingPoints[0], 0), (Factors.RatingPrevious, PreviousRatingPoints[0], 0), (Factors.RatingEarlier, EarlierRatingPoints[0], 0));

        var paid = ByMonth(profile.TaxPayments);
        var taxLast12 = Sum(paid, month, 1, 12);
        var taxPrevious12 = Sum(paid, month, 13, 24);
        if (profile.Has(Model.Scopes.TaxPayments))
        {
            var monthsPaid = Enumerable.Range(1, 24).Count(back => paid.GetValueOrDefault(month.AddMonths(-back)) > 0);
            var monthsPoints = (int)Math.Round(MonthsPaidMax * monthsPaid / 24m, MidpointRounding.AwayFromZero);
            factors.Add(new(Factors.MonthsPaid, monthsPoints, MonthsPaidMax, $"Tax paid in {monthsPaid} of the last 24 months ({Signed(monthsPoints)})"));
            factors.Add(PaymentTrend(taxLast12, taxPrevious12));
            factors.Add(ArrearsFactor(profile.Arrears, taxLast12));
        }
        else
        {
            NotAssessed(factors, "tax payments and arrears", (Factors.MonthsPaid, MonthsPaidMax, 0), (Factors.PaymentTrend, TrendMax, PaymentTrendWorst), (Factors.Arrears, ArrearsMax, ArrearsWorst));
        }

        if (profile.Has(Model.Scopes.Invoices))
        {
            var invoiced = ByMonth(profile.Invoices);
            var invoicedLast12 = Sum(invoiced, month, 1, 12);
            var invoicedPrevious12 = Sum(invoiced, month, 13, 24);
            var volumePoints = invoicedLast12 <= 0 ? 0 : InvoiceVolumeTiers.FirstOrDefault(t => invoicedLast12 >= t.MinCny * 100, (MinCny: 0, Points: 10)).Points;
            factors.Add(new(Factors.InvoiceVolume, volumePoints, InvoiceVolumeMax,
                $"Invoiced {Money.Cny(invoicedLast12)} in the last 12 months ({Signed(volumePoints)})"));
            factors.Add(InvoiceTrend(invoicedLast12, invoicedPrevious12));
        }
        else
        {
            NotAssessed(factors, "invoices", (Factors.InvoiceVolume, InvoiceVolumeMax, 0), (Factors.InvoiceTrend, TrendMax, InvoiceTrendWorst));
        }

        if (profile.Has(Model.Scopes.SocialInsurance))
        {
            var headcount = profile.SocialInsuranceHeadcount;
            var headcountPoints = HeadcountTiers.FirstOrDefault(t => headcount >= t.Min, (Min: 0, Points: 0)).Points;
            factors.Add(new(Factors.Headcount, headcountPoints, HeadcountMax,
                $"{headcount} {(headcount == 1 ? "employee" : "employees")} with social insurance ({Signed(headcountPoints)})"));
        }
        else
        {
            NotAssessed(factors, "social insurance", (Factors.Headcount, HeadcountMax, 0));
        }

        if (profile.Has(Model.Scopes.Judicial))
        {
            var cases = profile.EnforcementCases;
            var (casePoints, caseText) = cases switch
            {
                0 => (EnforcementMax, "No court enforcement cases"),
                1 => (40, "1 court enforcement case"),
                2 => (0, "2 court enforcement cases"),
                _ => (-100, $"{cases} court enforcement cases"),
            };
            factors.Add(new(Factors.Enforcement, casePoints, EnforcementMax, $"{caseText} ({Signed(casePoints)})"));
        }
        else
        {
            NotAssessed(factors, "judicial records", (Factors.Enforcement, EnforcementMax, EnforcementWorst));
        }

        var years = FullYears(profile.RegisteredOn, today);
        var yearPoints = YearsTiers.FirstOrDefault(t => years >= t.Min, (Min: 0, Points: 0)).Points;
        factors.Add(new(Factors.YearsInBusiness, yearPoints, YearsMax,
            $"{years} full {(years == 1 ? "year" : "years")} in business since {profile.RegisteredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} ({Signed(yearPoints)})"));

        var score = Math.Clamp(factors.Sum(f => f.Points), 0, MaxScore);
        return new ScorecardResult(score, factors, latest, taxLast12, years, month);
    }

    /// <summary>The most points each factor can give, in order; they add up to <see cref="MaxScore"/>.</summary>
    public static IReadOnlyList<(string Factor, int MaxPoints)> MaxPoints() =>
    [
        (Factors.RatingLatest, LatestRatingPoints[0]), (Factors.RatingPrevious, PreviousRatingPoints[0]),
        (Factors.RatingEarlier, EarlierRatingPoints[0]), (Factors.MonthsPaid, MonthsPaidMax), (Factors.PaymentTrend, TrendMax),
        (Factors.Arrears, ArrearsMax), (Factors.InvoiceVolume, InvoiceVolumeMax), (Factors.InvoiceTrend, TrendMax),
        (Factors.Headcount, HeadcountMax), (Factors.Enforcement, EnforcementMax), (Factors.YearsInBusiness, YearsMax),
    ];

    // A factor whose data the consent did not cover scores its worst and says so: absent data is never good data, and
    // so no narrower consent can raise a score (an enterprise with court cases gains nothing by withholding them).
    private static RatingOfYear? NotAssessed(List<FactorContribution> factors, string area, params (string Factor, int MaxPoints, int Worst)[] which)
    {
        foreach (var (factor, max, worst) in which)
        {
            factors.Add(new(factor, worst, max, $"Not assessed: no {area} data under the consent, scored as the worst case ({Signed(worst)})"));
        }
        return null;
    }

    // The latest rated year counts when it is at most two years before today (ratings for year Y are published
    // in spring of Y + 1); the two years before it count less.
    private static RatingOfYear? RatingFactors(IReadOnlyList<RatingOfYear> ratings, DateOnly today, List<FactorContribution> factors)
    {
        var byYear = ratings.ToDictionary(r => r.Year, r => r.Rating);
        var newest = ratings.Count == 0 ? (int?)null : ratings.Max(r => r.Year);
        var current = newest >= today.Year - 2 ? newest.Value : (int?)null;
        var latestYear = current ?? today.Year - 1;

        void Add(string key, int year, int[] table, string noneText)
        {
            if (byYear.TryGetValue(year, out var rating))
            {
                var points = table[(int)rating];
                factors.Add(new(key, points, table[0], $"Tax-credit rating {rating} in {year} ({Signed(points)})"));
            }
            else
            {
                factors.Add(new(key, 0, table[0], $"{noneText} ({Signed(0)})"));
            }
        }

        Add(Factors.RatingLatest, latestYear, LatestRatingPoints,
            newest is { } n && current is null ? $"No current tax-credit rating (latest is for {n})" : "No current tax-credit rating");
        Add(Factors.RatingPrevious, latestYear - 1, PreviousRatingPoints, $"No tax-credit rating for {latestYear - 1}");
        Add(Factors.RatingEarlier, latestYear - 2, EarlierRatingPoints, $"No tax-credit rating for {latestYear - 2}");
        return current is { } year ? new RatingOfYear(year, byYear[year]) : null;
    }

    private static FactorContribution PaymentTrend(long last12, long previous12)
    {
        if (previous12 == 0)
        {
            return last12 == 0
                ? new(Factors.PaymentTrend, 0, TrendMax, $"No tax paid in the last 24 months ({Signed(0)})")
                : new(Factors.PaymentTrend, 20, TrendMax, $"No tax paid in the 12 months before the last 12 to compare with ({Signed(20)})");
        }
        var change = Change(last12, previous12);
        var points = change >= 0.10m ? 50 : change >= 0 ? 35 : change >= -0.10m ? 20 : change >= -0.30m ? 0 : -50;
        return new(Factors.PaymentTrend, points, TrendMax,
            $"Tax paid in the last 12 months {Describe(change)} on the 12 before ({Money.Cny(last12)} vs {Money.Cny(previous12)}) ({Signed(points)})");
    }

    private static FactorContribution InvoiceTrend(long last12, long previous12)
    {
        if (previous12 == 0)
        {
            return last12 == 0
                ? new(Factors.InvoiceTrend, 0, TrendMax, $"No invoices in the last 24 months ({Signed(0)})")
                : new(Factors.InvoiceTrend, 15, TrendMax, $"No invoices in the 12 months before the last 12 to compare with ({Signed(15)})");
        }
        var change = Change(last12, previous12);
        var points = change >= 0.10m ? 50 : change >= 0 ? 35 : change >= -0.20m ? 15 : -30;
        return new(Factors.InvoiceTrend, points, TrendMax,
            $"Invoiced in the last 12 months {Describe(change)} on the 12 before ({Signed(points)})");
    }

    private static FactorContribution ArrearsFactor(TaxArrears arrears, long taxLast12)
    {
        if (!arrears.Any)
        {
            return new(Factors.Arrears, ArrearsMax, ArrearsMax, $"No outstanding tax arrears ({Signed(ArrearsMax)})");
        }
        var items = Math.Max(arrears.Count, 1);
        var points = -40 * Math.Min(items, 3);
        string share;
        if (taxLast12 == 0)
        {
            points -= 60;
            share = "with no tax paid in the last 12 months";
        }
        else
        {
            var ratio = (decimal)arrears.AmountFen / taxLast12;
            if (ratio >= 0.10m)
            {
                points -= 60;
            }
            share = $"{(ratio * 100).ToString("0.0", CultureInfo.InvariantCulture)}% of tax paid in the last 12 months";
        }
        return new(Factors.Arrears, points, ArrearsMax,
            $"{items} outstanding tax {(items == 1 ? "arrear" : "arrears")} totalling {Money.Cny(arrears.AmountFen)}, {share} ({Signed(points)})");
    }

    private static decimal Change(long last, long previous) => ((decimal)last - previous) / previous;

    private static string Describe(decimal change)
    {
        var percent = Math.Round(Math.Abs(change) * 100, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture);
        return change > 0 ? $"up {percent}%" : change < 0 ? $"down {percent}%" : "unchanged";
    }

    private static Dictionary<YearMonth, long> ByMonth(IReadOnlyList<MonthlyAmount> amounts) =>
        amounts.ToDictionary(a => a.Month, a => a.AmountFen);

    // Sum of the months `fromBack`..`toBack` months before `month`.
    private static long Sum(Dictionary<YearMonth, long> byMonth, YearMonth month, int fromBack, int toBack)
    {
        long total = 0;
        for (var back = fromBack; back <= toBack; back++)
        {
            total = checked(total + byMonth.GetValueOrDefault(month.AddMonths(-back)));
        }
        return total;
    }

    private static int FullYears(DateOnly from, DateOnly to)
    {
        var years = to.Year - from.Year;
        return from.AddYears(years) > to ? years - 1 : years;
    }

    internal static string Signed(int points) => points >= 0 ? $"+{points}" : points.ToString(CultureInfo.InvariantCulture);

    private static void Validate(TaxProfile profile, DateOnly today, YearMonth month)
    {
        if (profile.Ratings is null || profile.TaxPayments is null || profile.Invoices is null)
        {
            throw ScoringErrors.InvalidProfile("its ratings, tax payments and invoices must be lists (empty when there is nothing)");
        }
        foreach (var rating in profile.Ratings)
        {
            if (!Enum.IsDefined(rating.Rating))
            {
                throw ScoringErrors.InvalidProfile($"the rating for {rating.Year} is {(int)rating.Rating}, not one of A, B, M, C, D");
            }
            if (rating.Year < 1990 || rating.Year > today.Year)
            {
                throw ScoringErrors.InvalidProfile($"it has a rating for year {rating.Year}, which is not between 1990 and {today.Year}");
            }
        }
        var repeatedYear = profile.Ratings.GroupBy(r => r.Year).FirstOrDefault(g => g.Count() > 1);
        if (repeatedYear is not null)
        {
            throw ScoringErrors.InvalidProfile($"it has {repeatedYear.Count()} ratings for {repeatedYear.Key}");
        }
        ValidateMonths(profile.TaxPayments, "tax payment", month);
        ValidateMonths(profile.Invoices, "invoice amount", month);
        if (profile.Arrears.Count < 0 || profile.Arrears.AmountFen < 0)
        {
            throw ScoringErrors.InvalidProfile("its arrears have a negative count or amount");
        }
        if (profile.SocialInsuranceHeadcount < 0)
        {
            throw ScoringErrors.InvalidProfile($"its social-insurance headcount is {profile.SocialInsuranceHeadcount}");
        }
        if (profile.EnforcementCases < 0)
        {
            throw ScoringErrors.InvalidProfile($"its enforcement-case count is {profile.EnforcementCases}");
        }
        if (profile.RegisteredOn > today)
        {
            throw ScoringErrors.InvalidProfile(
                $"it was registered on {profile.RegisteredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, after the decision date {today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        }
    }

    private static void ValidateMonths(IReadOnlyList<MonthlyAmount> amounts, string what, YearMonth month)
    {
        var seen = new HashSet<YearMonth>();
        foreach (var amount in amounts)
        {
            if (!amount.Month.IsValid)
            {
                throw ScoringErrors.InvalidProfile($"a {what} is for month {amount.Month.Year}-{amount.Month.Month}, which is not a month");
            }
            if (amount.Month > month)
            {
                throw ScoringErrors.InvalidProfile($"a {what} is for {amount.Month}, after the decision month {month}");
            }
            if (amount.AmountFen < 0)
            {
                throw ScoringErrors.InvalidProfile($"the {what} for {amount.Month} is negative ({amount.AmountFen} fen)");
            }
            if (!seen.Add(amount.Month))
            {
                throw ScoringErrors.InvalidProfile($"it has two {what}s for {amount.Month}; give one total per month");
            }
        }
    }
}
