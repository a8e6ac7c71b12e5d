using System.Globalization;
using System.Text.Json;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Scoring;

namespace Ledger.Core.TaxData;

/// <summary>
/// A tax-credit report as served to a consumer: only the scopes the consent grants and only months inside the data
/// period. Serialized as canonical JSON (<see cref="ToJson"/>); its keccak-256 is the response hash recorded in the
/// access record, so the consumer can prove what it received and the provider what it sent.
/// Scopes the tax bureau does not hold (customs, intellectual property) are listed in <see cref="Unavailable"/>.
/// </summary>
public sealed record TaxReport(
    string Format,
    CreditCode CreditCode,
    string Name,
    DateOnly RegisteredOn,
    Scopes Scopes,
    YearMonth PeriodFrom,
    YearMonth PeriodUntil,
    long GeneratedAtMs,
    IReadOnlyList<RatingOfYear>? Ratings,
    IReadOnlyList<TaxPayment>? Payments,
    TaxArrears? Arrears,
    IReadOnlyList<MonthlyAmount>? Invoices,
    int? SocialInsuranceHeadcount,
    int? EnforcementCases,
    Scopes Unavailable)
{
    /// <summary>The report format tag.</summary>
    public const string FormatV1 = "ledger/tax-report/v1";

    /// <summary>Projects a taxpayer record onto the scopes and the data period.</summary>
    public static TaxReport Project(Taxpayer taxpayer, Scopes scopes, YearMonth from, YearMonth until, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(taxpayer);
        bool In(YearMonth m) => m >= from && m <= until;
        return new TaxReport(
            FormatV1,
            taxpayer.CreditCode,
            taxpayer.Name,
            taxpayer.RegisteredOn,
            scopes,
            from,
            until,
            generatedAt.ToUnixTimeMilliseconds(),
            scopes.HasFlag(Scopes.TaxCreditRating)
                ? taxpayer.Ratings.Where(r => r.Year >= from.Year && r.Year <= until.Year).OrderBy(r => r.Year).ToList()
                : null,
            scopes.HasFlag(Scopes.TaxPayments) ? taxpayer.Payments.Where(p => In(p.Month)).OrderBy(p => p.Month).ThenBy(p => p.Type).ToList() : null,
            scopes.HasFlag(Scopes.TaxPayments) ? taxpayer.Arrears : null,
            scopes.HasFlag(Scopes.Invoices) ? taxpayer.Invoices.Where(i => In(i.Month)).OrderBy(i => i.Month).ToList() : null,
            scopes.HasFlag(Scopes.SocialInsurance) ? taxpayer.SocialInsuranceHeadcount : null,
            scopes.HasFlag(Scopes.Judicial) ? taxpayer.EnforcementCases : null,
            scopes & (Scopes.Customs | Scopes.IntellectualProperty));
    }

    /// <summary>
    /// The scorecard's view of the report. Scopes that were not granted are "not assessed" (<see cref="TaxProfile.Assessed"/>):
    /// their factors score 0 with a reason that says so, never as clean data — a bank that wants a full score asks for
    /// the scopes it needs.
    /// </summary>
    public TaxProfile ToProfile() => new(
        Ratings ?? [],
        (Payments ?? []).GroupBy(p => p.Month).Select(g => new MonthlyAmount(g.Key, g.Sum(p => p.AmountFen))).OrderBy(m => m.Month).ToList(),
        Invoices ?? [],
        Arrears ?? TaxArrears.None,
        SocialInsuranceHeadcount ?? 0,
        EnforcementCases ?? 0,
        RegisteredOn)
    {
        Assessed = (Ratings is null ? Scopes.None : Scopes.TaxCreditRating)
            | (Payments is null || Arrears is null ? Scopes.None : Scopes.TaxPayments)
            | (Invoices is null ? Scopes.None : Scopes.Invoices)
            | (SocialInsuranceHeadcount is null ? Scopes.None : Scopes.SocialInsurance)
            | (EnforcementCases is null ? Scopes.None : Scopes.Judicial),
    };

    /// <summary>Canonical JSON (sorted keys, no whitespace, UTF-8).</summary>
    public string ToJson()
    {
        var w = new CanonicalJson().StartObject();
        if (Arrears is { } arrears)
        {
            w.Name("arrears").StartObject().Name("amountFen").Number(arrears.AmountFen).Name("count").Number(arrears.Count).EndObject();
        }
        w.Name("creditCode").String(CreditCode.Value);
        if (EnforcementCases is { } cases)
        {
            w.Name("enforcementCases").Number(cases);
        }
        w.Name("format").String(Format);
        w.Name("generatedAtMs").Number(GeneratedAtMs);
        if (Invoices is { } invoices)
        {
            w.Name("invoices").StartArray();
            foreach (var i in invoices)
            {
                w.StartObject().Name("amountFen").Number(i.AmountFen).Name("month").String(i.Month.ToString()).EndObject();
            }
            w.EndArray();
        }
        w.Name("name").String(Name);
        if (Payments is { } payments)
        {
            w.Name("payments").StartArray();
            foreach (var p in payments)
            {
                w.StartObject().Name("amountFen").Number(p.AmountFen).Name("month").String(p.Month.ToString())
                    .Name("type").String(p.Type.ToString()).EndObject();
            }
            w.EndArray();
        }
        w.Name("periodFrom").String(PeriodFrom.ToString());
        w.Name("periodUntil").String(PeriodUntil.ToString());
        if (Ratings is { } ratings)
        {
            w.Name("ratings").StartArray();
            foreach (var r in ratings)
            {
                w.StartObject().Name("rating").String(r.Rating.ToString()).Name("year").Number(r.Year).EndObject();
            }
            w.EndArray();
        }
        w.Name("registeredOn").String(RegisteredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.Name("scopes").Number((long)Scopes);
        if (SocialInsuranceHeadcount is { } headcount)
        {
            w.Name("socialInsuranceHeadcount").Number(headcount);
        }
        w.Name("unavailableScopes").Number((long)Unavailable);
        return w.EndObject().ToString();
    }

    /// <summary>keccak256 of the UTF-8 canonical JSON: the response hash.</summary>
    public Hash32 Hash() => Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(ToJson()));

    /// <summary>Reads a report back from its JSON.</summary>
    /// <exception cref="LedgerException">LEDGER-1080 when the JSON is not a v1 tax report.</exception>
    public static TaxReport FromJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != FormatV1)
            {
                throw new LedgerException("LEDGER-1080", ErrorCategory.InvalidArgument,
                    $"The report is not in the {FormatV1} format; upgrade the node that produced or reads it.");
            }
            static YearMonth Month(JsonElement e) => YearMonth.Parse(e.GetProperty("month").GetString()!);
            return new TaxReport(
                FormatV1,
                CreditCode.Parse(root.GetProperty("creditCode").GetString()!),
                root.GetProperty("name").GetString()!,
                DateOnly.ParseExact(root.GetProperty("registeredOn").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                (Scopes)root.GetProperty("scopes").GetUInt64(),
                YearMonth.Parse(root.GetProperty("periodFrom").GetString()!),
                YearMonth.Parse(root.GetProperty("periodUntil").GetString()!),
                root.GetProperty("generatedAtMs").GetInt64(),
                root.TryGetProperty("ratings", out var ratings)
                    ? ratings.EnumerateArray().Select(r => new RatingOfYear(r.GetProperty("year").GetInt32(),
                        Enum.Parse<TaxCreditRating>(r.GetProperty("rating").GetString()!))).ToList()
                    : null,
                root.TryGetProperty("payments", out var payments)
                    ? payments.EnumerateArray().Select(p => new TaxPayment(Month(p),
                        Enum.Parse<TaxType>(p.GetProperty("type").GetString()!), p.GetProperty("amountFen").GetInt64())).ToList()
                    : null,
                root.TryGetProperty("arrears", out var arrears)
                    ? new TaxArrears(arrears.GetProperty("count").GetInt32(), arrears.GetProperty("amountFen").GetInt64())
                    : null,
                root.TryGetProperty("invoices", out var invoices)
                    ? invoices.EnumerateArray().Select(i => new MonthlyAmount(Month(i), i.GetProperty("amountFen").GetInt64())).ToList()
                    : null,
                root.TryGetProperty("socialInsuranceHeadcount", out var headcount) ? headcount.GetInt32() : null,
                root.TryGetProperty("enforcementCases", out var cases) ? cases.GetInt32() : null,
                (Scopes)root.GetProperty("unavailableScopes").GetUInt64());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new LedgerException("LEDGER-1081", ErrorCategory.InvalidArgument,
                $"The tax report could not be read ({ex.Message}); it may be truncated or from another system.", ex);
        }
    }
}
