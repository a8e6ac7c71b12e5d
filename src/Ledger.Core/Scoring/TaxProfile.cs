using System.Globalization;

namespace Ledger.Core.Scoring;

/// <summary>纳税信用等级: the tax bureau's yearly tax-credit rating, best first.</summary>
public enum TaxCreditRating
{
    /// <summary>A: 90 points and above.</summary>
    A = 0,
    /// <summary>B: 70 to 90 points.</summary>
    B = 1,
    /// <summary>M: new enterprises and those without income in the year, no serious failings.</summary>
    M = 2,
    /// <summary>C: 40 to 70 points.</summary>
    C = 3,
    /// <summary>D: below 40 points or a serious failing (e.g. tax evasion).</summary>
    D = 4,
}

/// <summary>A calendar month, e.g. 2025-07.</summary>
public readonly record struct YearMonth(int Year, int Month) : IComparable<YearMonth>
{
    /// <summary>Months since year 0, so months can be subtracted.</summary>
    public int Index => (Year * 12) + (Month - 1);

    /// <summary>True for months 1–12 of years 1900–9999.</summary>
    public bool IsValid => Month is >= 1 and <= 12 && Year is >= 1900 and <= 9999;

    /// <summary>The month of a date.</summary>
    public static YearMonth Of(DateOnly date) => new(date.Year, date.Month);

    /// <summary>The month <paramref name="months"/> later (earlier when negative).</summary>
    public YearMonth AddMonths(int months)
    {
        var index = Index + months;
        return new YearMonth(index / 12, (index % 12) + 1);
    }

    /// <summary>Parses <c>yyyy-MM</c>.</summary>
    /// <exception cref="FormatException">when the text is not a month.</exception>
    public static YearMonth Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 7 && text[4] == '-'
            && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            && new YearMonth(year, month).IsValid)
        {
            return new YearMonth(year, month);
        }
        throw new FormatException($"'{text}' is not a month (expected yyyy-MM, e.g. 2025-07).");
    }

    /// <inheritdoc/>
    public int CompareTo(YearMonth other) => Index.CompareTo(other.Index);

    public static bool operator <(YearMonth left, YearMonth right) => left.Index < right.Index;
    public static bool operator >(YearMonth left, YearMonth right) => left.Index > right.Index;
    public static bool operator <=(YearMonth left, YearMonth right) => left.Index <= right.Index;
    public static bool operator >=(YearMonth left, YearMonth right) => left.Index >= right.Index;

    /// <summary><c>yyyy-MM</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");
}

/// <summary>The rating of one year.</summary>
public readonly record struct RatingOfYear(int Year, TaxCreditRating Rating);

/// <summary>An amount in fen for one month (tax paid, or invoiced).</summary>
public readonly record struct MonthlyAmount(YearMonth Month, long AmountFen);

/// <summary>Outstanding tax arrears (欠税): how many items and how much in total.</summary>
public readonly record struct TaxArrears(int Count, long AmountFen)
{
    /// <summary>No arrears.</summary>
    public static readonly TaxArrears None;

    /// <summary>True when something is outstanding.</summary>
    public bool Any => Count > 0 || AmountFen > 0;
}

/// <summary>
/// What the scorecard reads about an enterprise: the data a tax node serves under consent (rating, payments,
/// invoices, social insurance, judicial records, registration date). Months missing from
/// <paramref name="TaxPayments"/> or <paramref name="Invoices"/> count as nothing paid or invoiced.
/// </summary>
/// <param name="Ratings">Tax-credit ratings by year (any years; the latest three count).</param>
/// <param name="TaxPayments">Tax paid per month (all taxes together), in fen.</param>
/// <param name="Invoices">Amount invoiced per month (output invoices, 销项发票), in fen.</param>
/// <param name="Arrears">Outstanding tax arrears now.</param>
/// <param name="SocialInsuranceHeadcount">Employees with social insurance (latest month).</param>
/// <param name="EnforcementCases">Court enforcement cases (被执行案件) against the enterprise, open or in the last three years.</param>
/// <param name="RegisteredOn">Date of business registration (成立日期).</param>
public sealed record TaxProfile(
    IReadOnlyList<RatingOfYear> Ratings,
    IReadOnlyList<MonthlyAmount> TaxPayments,
    IReadOnlyList<MonthlyAmount> Invoices,
    TaxArrears Arrears,
    int SocialInsuranceHeadcount,
    int EnforcementCases,
    DateOnly RegisteredOn)
{
    /// <summary>Every scope the scorecard reads.</summary>
    public const Model.Scopes AllScored = Model.Scopes.TaxCreditRating | Model.Scopes.TaxPayments | Model.Scopes.Invoices | Model.Scopes.SocialInsurance | Model.Scopes.Judicial;

    /// <summary>
    /// The scopes whose data this profile holds (a report carries only the consented ones). A factor whose data is
    /// missing is scored "not assessed" (0 points), never as if the data were clean: a zero enforcement count that
    /// nobody read is not a clean court record. Default: every scope (a taxpayer's own record).
    /// </summary>
    public Model.Scopes Assessed { get; init; } = AllScored;

    /// <summary>True when the profile holds the data of <paramref name="scope"/>.</summary>
    public bool Has(Model.Scopes scope) => (Assessed & scope) == scope;
}
