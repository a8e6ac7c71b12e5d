using Ledger.Core.Model;
using Ledger.Core.Scoring;

namespace Ledger.Core.TaxData;

/// <summary>Kinds of tax a payment is for (the main ones a small enterprise pays).</summary>
public enum TaxType
{
    /// <summary>增值税 value-added tax (monthly).</summary>
    Vat = 0,
    /// <summary>企业所得税 corporate income tax (quarterly prepayments).</summary>
    CorporateIncome = 1,
    /// <summary>个人所得税 individual income tax withheld for employees (monthly).</summary>
    IndividualIncomeWithheld = 2,
    /// <summary>城市维护建设税 and education surcharges (monthly, with VAT).</summary>
    Surcharges = 3,
    /// <summary>印花税, 房产税, 城镇土地使用税 and other small taxes.</summary>
    Other = 4,
}

/// <summary>A tax payment of one month and one tax type, in fen.</summary>
public readonly record struct TaxPayment(YearMonth Month, TaxType Type, long AmountFen);

/// <summary>
/// What the tax bureau holds about one taxpayer: identity, yearly ratings, payments by month and tax type, invoices,
/// arrears, social-insurance headcount and court enforcement cases. The tax node serves projections of it
/// (<see cref="TaxReport"/>) under consent, never the whole record.
/// </summary>
public sealed record Taxpayer(
    CreditCode CreditCode,
    string Name,
    string Industry,
    string Region,
    DateOnly RegisteredOn,
    IReadOnlyList<RatingOfYear> Ratings,
    IReadOnlyList<TaxPayment> Payments,
    IReadOnlyList<MonthlyAmount> Invoices,
    TaxArrears Arrears,
    int SocialInsuranceHeadcount,
    int EnforcementCases)
{
    /// <summary>The latest rated year's rating, if any.</summary>
    public TaxCreditRating? LatestRating => Ratings.Count == 0 ? null : Ratings.MaxBy(r => r.Year).Rating;

    /// <summary>The scorecard's view of this taxpayer: every scope present.</summary>
    public TaxProfile ToProfile() => new(
        Ratings,
        Payments.GroupBy(p => p.Month).Select(g => new MonthlyAmount(g.Key, g.Sum(p => p.AmountFen))).OrderBy(m => m.Month).ToList(),
        Invoices,
        Arrears,
        SocialInsuranceHeadcount,
        EnforcementCases,
        RegisteredOn);

    /// <summary>The part of this record the given scopes and data period allow.</summary>
    public TaxReport Report(Scopes scopes, YearMonth from, YearMonth until, DateTimeOffset generatedAt) =>
        TaxReport.Project(this, scopes, from, until, generatedAt);
}
