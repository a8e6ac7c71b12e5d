using Ledger.Core.Scoring;

namespace Ledger.Core.Tests.Scoring;

/// <summary>Tax profiles for the scoring tests, as of <see cref="Now"/> (2026-06-15 10:00 China time).</summary>
internal static class Profiles
{
    public static readonly DateTimeOffset Now = new(2026, 6, 15, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>The evaluation month is 2026-06; the windows are 2024-06 … 2026-05.</summary>
    public static readonly YearMonth Month = new(2026, 6);

    /// <summary>Monthly amounts for the <paramref name="count"/> months before <see cref="Month"/>, oldest first.</summary>
    public static MonthlyAmount[] Monthly(int count, Func<int, long> amountMonthsBack) =>
        Enumerable.Range(1, count).Reverse().Select(back => new MonthlyAmount(Month.AddMonths(-back), amountMonthsBack(back))).ToArray();

    /// <summary>
    /// A sound small enterprise: rated A for 2023–2025, tax paid every month (30,000 CNY a month in the last 12,
    /// 25,000 before), invoices 1,000,000 CNY a month (900,000 before), 35 insured employees, no cases, since 2015.
    /// </summary>
    public static TaxProfile Strong() => new(
        [new(2023, TaxCreditRating.A), new(2024, TaxCreditRating.A), new(2025, TaxCreditRating.A)],
        Monthly(24, back => back <= 12 ? 3_000_000 : 2_500_000),
        Monthly(24, back => back <= 12 ? 100_000_000 : 90_000_000),
        TaxArrears.None,
        35,
        0,
        new DateOnly(2015, 3, 1));

    public static TaxProfile WithLatestRating(this TaxProfile profile, TaxCreditRating rating) =>
        profile with { Ratings = [.. profile.Ratings.Where(r => r.Year != 2025), new(2025, rating)] };
}
