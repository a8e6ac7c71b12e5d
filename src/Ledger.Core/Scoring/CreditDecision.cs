using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Core.Scoring;

/// <summary>
/// A credit decision with everything needed to explain it: the score, each factor's contribution, the reasons for
/// the outcome, and the hash that binds them into the on-chain decision record.
/// </summary>
/// <param name="Approved">Whether credit is offered.</param>
/// <param name="Product">The product offered; on a decline, the product asked for (or none when all were tried).</param>
/// <param name="LimitFen">Credit limit in fen (0 on a decline).</param>
/// <param name="RateBps">Annual rate in basis points (0 on a decline).</param>
/// <param name="TermMonths">Term in months (0 on a decline).</param>
/// <param name="Score">Scorecard score, 0–1000.</param>
/// <param name="Factors">Each factor's contribution, in the scorecard's order.</param>
/// <param name="Reasons">Why the outcome: the offer's terms, or every rule that declined.</param>
/// <param name="LatestRating">The current tax-credit rating, if any.</param>
/// <param name="TableVersion">The product table's version.</param>
/// <param name="DecidedAt">When it was decided (the time passed in).</param>
public sealed record CreditDecision(
    bool Approved,
    ProductCode? Product,
    long LimitFen,
    uint RateBps,
    ushort TermMonths,
    int Score,
    IReadOnlyList<FactorContribution> Factors,
    IReadOnlyList<string> Reasons,
    RatingOfYear? LatestRating,
    string TableVersion,
    DateTimeOffset DecidedAt)
{
    /// <summary>The format tag inside the canonical reasons document.</summary>
    public const string ReasonsFormat = "ledger/credit-reasons/v1";

    /// <summary>
    /// The canonical JSON of the factors and reasons (RFC 8785 style: members sorted by name, no whitespace, minimal
    /// escaping, UTF-8, invariant integers):
    /// <c>{"factors":[{"factor":…,"maxPoints":…,"points":…,"reason":…},…],"format":"ledger/credit-reasons/v1","reasons":[…]}</c>.
    /// </summary>
    public string CanonicalReasonsJson() => WriteCanonical().ToString();

    /// <summary>keccak256 of the UTF-8 bytes of <see cref="CanonicalReasonsJson"/>: the record's <c>reasonsHash</c>.</summary>
    public Hash32 ReasonsHash() => Keccak.Hash(WriteCanonical().ToUtf8());

    /// <summary>The decision as the record a bank anchors (its hash is the decision hash recorded on chain).</summary>
    public CreditDecisionRecord ToRecord(ConsentId consentId, OrgId bank, EnterpriseHash enterprise, ulong sequence) => new(
        consentId,
        bank,
        enterprise,
        Approved,
        (uint)Score,
        Product ?? default,
        (UInt128)LimitFen,
        RateBps,
        TermMonths,
        ReasonsHash(),
        (ulong)DecidedAt.ToUnixTimeMilliseconds(),
        sequence);

    private CanonicalJson WriteCanonical()
    {
        var json = new CanonicalJson().StartObject().Name("factors").StartArray();
        foreach (var f in Factors)
        {
            json.StartObject()
                .Name("factor").String(f.Factor)
                .Name("maxPoints").Number(f.MaxPoints)
                .Name("points").Number(f.Points)
                .Name("reason").String(f.Reason)
                .EndObject();
        }
        json.EndArray().Name("format").String(ReasonsFormat).Name("reasons").StartArray();
        foreach (var reason in Reasons)
        {
            json.String(reason);
        }
        return json.EndArray().EndObject();
    }
}

/// <summary>
/// Decides on credit from a tax profile and a bank's product table. Pure: no I/O, no clock — the time is a parameter,
/// so the same profile, table and time always give the same decision and the same hash.
/// </summary>
public static class CreditDecider
{
    // Limits are offered in whole thousands of yuan.
    private const long LimitStepFen = 100_000;

    /// <summary>
    /// Scores the profile and tries every product of the table (or only <paramref name="product"/>). A latest rating of
    /// D declines outright. Of the products the enterprise qualifies for, the one with the highest limit is offered
    /// (then the lower rate, then the table's order).
    /// </summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1070 for a malformed profile, LEDGER-1072 for an unknown product.</exception>
    public static CreditDecision Decide(TaxProfile profile, ProductTable table, DateTimeOffset now, ProductCode? product = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(table);
        var candidates = product is { } code ? [table.Find(code)] : table.Products;
        var card = Scorecard.Evaluate(profile, now);

        CreditDecision Decline(List<string> reasons) => new(
            false, product, 0, 0, 0, card.Score, card.Factors, reasons, card.LatestRating, table.Version, now);

        if (card.LatestRating is { Rating: TaxCreditRating.D } d)
        {
            return Decline([$"Declined: tax-credit rating D in {d.Year} is a hard decline for every product"]);
        }

        var offers = new List<(LoanProduct Product, RatingTerms Terms, long Limit, string Reason)>();
        var declines = new List<string>();
        foreach (var candidate in candidates)
        {
            var (terms, limit, reason) = Assess(candidate, card, profile);
            if (terms is null)
            {
                declines.Add(reason);
            }
            else
            {
                offers.Add((candidate, terms, limit, reason));
            }
        }
        if (offers.Count == 0)
        {
            return Decline(declines);
        }
        var best = offers
            .OrderByDescending(o => o.Limit)
            .ThenBy(o => o.Terms.RateBps)
            .First(); // OrderBy is stable: ties keep the table's order
        var reasons = new List<string> { "Approved " + best.Reason };
        reasons.AddRange(offers.Where(o => o.Product != best.Product).Select(o => "Also eligible for " + o.Reason));
        reasons.AddRange(declines);
        return new CreditDecision(
            true, best.Product.Code, best.Limit, best.Terms.RateBps, best.Terms.TermMonths, card.Score, card.Factors, reasons,
            card.LatestRating, table.Version, now);
    }

    // Either the terms and limit offered with the sentence that explains them (after "Approved "), or null terms and every rule that declined.
    private static (RatingTerms? Terms, long Limit, string Reason) Assess(LoanProduct product, ScorecardResult card, TaxProfile profile)
    {
        var name = product.DisplayName;
        if (!profile.Has(Model.Scopes.TaxCreditRating))
        {
            return (null, 0, $"Declined for {name}: the tax-credit rating was not assessed (the consent does not cover it; eligible: {Eligible(product)})");
        }
        if (card.LatestRating is not { } latest)
        {
            return (null, 0, $"Declined for {name}: no current tax-credit rating (eligible: {Eligible(product)})");
        }
        var terms = product.TermsFor(latest.Rating);
        if (terms is null)
        {
            return (null, 0, $"Declined for {name}: tax-credit rating {latest.Rating} in {latest.Year} is not eligible (eligible: {Eligible(product)})");
        }
        var failures = new List<string>();
        if (card.Score < terms.MinScore)
        {
            failures.Add($"score {card.Score} is below the minimum {terms.MinScore} for rating {latest.Rating}");
        }
        if (card.YearsInBusiness < product.MinYearsInBusiness)
        {
            failures.Add($"{card.YearsInBusiness} full years in business, fewer than the {product.MinYearsInBusiness} required");
        }
        if (product.RequireNoArrears && !profile.Has(Model.Scopes.TaxPayments))
        {
            failures.Add("tax arrears were not assessed (the consent does not cover tax payments); the product requires none");
        }
        else if (product.RequireNoArrears && profile.Arrears.Any)
        {
            failures.Add($"outstanding tax arrears of {Money.Cny(profile.Arrears.AmountFen)}; the product requires none");
        }
        if (!profile.Has(Model.Scopes.Judicial))
        {
            failures.Add($"court enforcement cases were not assessed (the consent does not cover judicial records); the product accepts at most {product.MaxEnforcementCases}");
        }
        else if (profile.EnforcementCases > product.MaxEnforcementCases)
        {
            failures.Add($"{profile.EnforcementCases} court enforcement case(s), more than the {product.MaxEnforcementCases} accepted");
        }
        var byMultiple = (long)decimal.Floor(terms.LimitMultiple * card.TaxPaidLast12MonthsFen);
        var capped = Math.Min(byMultiple, terms.CapFen);
        var limit = capped / LimitStepFen * LimitStepFen;
        var multiple = terms.LimitMultiple.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
        var limitText = $"{multiple} × {Money.Cny(card.TaxPaidLast12MonthsFen)} tax paid in the last 12 months"
            + (byMultiple > terms.CapFen ? $", capped at {Money.Cny(terms.CapFen)}" : "");
        if (limit < product.MinLimitFen || limit == 0)
        {
            failures.Add($"the limit ({limitText}) comes to {Money.Cny(limit)}, below the product's minimum {Money.Cny(product.MinLimitFen)}");
        }
        if (failures.Count > 0)
        {
            return (null, 0, $"Declined for {name}: {string.Join("; ", failures)}");
        }
        return (terms, limit,
            $"{name}: rating {latest.Rating} in {latest.Year}, score {card.Score} (minimum {terms.MinScore}); "
            + $"limit {Money.Cny(limit)} ({limitText}); {Money.Percent(terms.RateBps)} a year for {terms.TermMonths} months");
    }

    private static string Eligible(LoanProduct product) => string.Join("/", product.Ratings.OrderBy(r => r.Rating).Select(r => r.Rating));
}
