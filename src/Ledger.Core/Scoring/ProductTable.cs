using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Core.Model;

namespace Ledger.Core.Scoring;

/// <summary>What a product offers an enterprise of one tax-credit rating.</summary>
/// <param name="Rating">The rating these terms are for; ratings without terms are not eligible.</param>
/// <param name="LimitMultiple">The limit as a multiple of the tax paid in the last 12 months.</param>
/// <param name="CapFen">The highest limit, in fen.</param>
/// <param name="RateBps">Annual interest rate in basis points (365 = 3.65 %).</param>
/// <param name="TermMonths">Loan term in months.</param>
/// <param name="MinScore">The lowest scorecard score (0–1000) accepted for this rating.</param>
public sealed record RatingTerms(TaxCreditRating Rating, decimal LimitMultiple, long CapFen, uint RateBps, ushort TermMonths, int MinScore);

/// <summary>A loan product such as 税易贷 that a bank offers on tax data.</summary>
/// <param name="Code">ASCII product code, e.g. <c>SHUIYIDAI</c> (recorded on chain as bytes32).</param>
/// <param name="Name">Display name, e.g. 税易贷.</param>
/// <param name="MinYearsInBusiness">Full years since registration required.</param>
/// <param name="RequireNoArrears">Whether any outstanding tax arrears decline the application.</param>
/// <param name="MaxEnforcementCases">The most court enforcement cases accepted.</param>
/// <param name="MinLimitFen">The smallest loan worth making, in fen; a lower computed limit declines.</param>
/// <param name="Ratings">Terms per eligible rating.</param>
public sealed record LoanProduct(
    ProductCode Code,
    string Name,
    int MinYearsInBusiness,
    bool RequireNoArrears,
    int MaxEnforcementCases,
    long MinLimitFen,
    IReadOnlyList<RatingTerms> Ratings)
{
    /// <summary>The terms for <paramref name="rating"/>, or null when the rating is not eligible.</summary>
    public RatingTerms? TermsFor(TaxCreditRating rating) => Ratings.FirstOrDefault(r => r.Rating == rating);

    /// <summary>"税易贷 (SHUIYIDAI)".</summary>
    public string DisplayName => $"{Name} ({Code.Code})";
}

/// <summary>
/// The products a bank offers on tax data and their terms per rating — data the bank configures (JSON, see
/// <see cref="FromJson"/> and docs/domain.md), checked when loaded: a better rating never gets a higher rate or a
/// lower multiple, amounts are positive, scores lie in 0–1000.
/// </summary>
public sealed class ProductTable
{
    /// <summary>The defaults shipped with Ledger: 税易贷 (SHUIYIDAI) and 银税贷 (YINSHUIDAI).</summary>
    public const string DefaultJson = """
        {
          "version": "ledger-default-2026-01",
          "products": [
            {
              "code": "SHUIYIDAI",
              "name": "税易贷",
              "minYearsInBusiness": 2,
              "requireNoArrears": true,
              "maxEnforcementCases": 0,
              "minLimitFen": 1000000,
              "ratings": [
                { "rating": "A", "limitMultiple": 10, "capFen": 300000000, "rateBps": 365, "termMonths": 12, "minScore": 550 },
                { "rating": "B", "limitMultiple": 6, "capFen": 200000000, "rateBps": 420, "termMonths": 12, "minScore": 600 },
                { "rating": "M", "limitMultiple": 3, "capFen": 100000000, "rateBps": 480, "termMonths": 12, "minScore": 650 }
              ]
            },
            {
              "code": "YINSHUIDAI",
              "name": "银税贷",
              "minYearsInBusiness": 3,
              "requireNoArrears": true,
              "maxEnforcementCases": 1,
              "minLimitFen": 5000000,
              "ratings": [
                { "rating": "A", "limitMultiple": 8, "capFen": 500000000, "rateBps": 385, "termMonths": 36, "minScore": 600 },
                { "rating": "B", "limitMultiple": 5, "capFen": 300000000, "rateBps": 445, "termMonths": 24, "minScore": 650 }
              ]
            }
          ]
        }
        """;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter<TaxCreditRating>(allowIntegerValues: false) },
    };

    private static readonly Lazy<ProductTable> DefaultTable = new(() => FromJson(DefaultJson));

    /// <summary>Creates and checks a table.</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1071 when the table is inconsistent.</exception>
    public ProductTable(string version, IReadOnlyList<LoanProduct> products)
    {
        ArgumentNullException.ThrowIfNull(products);
        Version = string.IsNullOrWhiteSpace(version) ? throw ScoringErrors.InvalidProductTable("it has no version") : version;
        Products = [.. products];
        Validate();
    }

    /// <summary>The shipped defaults (<see cref="DefaultJson"/>).</summary>
    public static ProductTable Default => DefaultTable.Value;

    /// <summary>The table's version, chosen by the bank; decisions carry it.</summary>
    public string Version { get; }

    /// <summary>The products, in the bank's order of preference (used to break ties).</summary>
    public IReadOnlyList<LoanProduct> Products { get; }

    /// <summary>The product with <paramref name="code"/>.</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1072 when there is none.</exception>
    public LoanProduct Find(ProductCode code) =>
        Products.FirstOrDefault(p => p.Code == code) ?? throw ScoringErrors.UnknownProduct(code.Code, Products.Select(p => p.Code.Code));

    /// <summary>Reads a table from JSON (format in docs/domain.md; unknown properties are errors, comments allowed).</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1071 when the JSON is malformed or the table inconsistent.</exception>
    public static ProductTable FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        TableDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<TableDto>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? "" : $" at {ex.Path}";
            throw ScoringErrors.InvalidProductTable($"the JSON cannot be read{where} ({FirstSentence(ex.Message)})", ex);
        }
        if (dto?.Products is null)
        {
            throw ScoringErrors.InvalidProductTable("it has no \"products\" array");
        }
        var products = dto.Products.Select((p, i) =>
        {
            if (p?.Code is null || p.Name is null || p.Ratings is null)
            {
                throw ScoringErrors.InvalidProductTable($"product #{i + 1} needs \"code\", \"name\" and \"ratings\"");
            }
            ProductCode code;
            try
            {
                code = ProductCode.FromCode(p.Code);
            }
            catch (ArgumentException ex)
            {
                throw ScoringErrors.InvalidProductTable($"product #{i + 1} has code '{p.Code}', but {FirstSentence(ex.Message)}", ex);
            }
            var ratings = p.Ratings.Select((r, j) => r?.Rating is null
                ? throw ScoringErrors.InvalidProductTable($"{p.Code} rating terms #{j + 1} name no \"rating\"")
                : new RatingTerms(r.Rating.Value, r.LimitMultiple, r.CapFen, r.RateBps, r.TermMonths, r.MinScore)).ToList();
            return new LoanProduct(code, p.Name, p.MinYearsInBusiness, p.RequireNoArrears, p.MaxEnforcementCases, p.MinLimitFen, ratings);
        }).ToList();
        return new ProductTable(dto.Version ?? "", products);
    }

    /// <summary>The table as JSON, in the format <see cref="FromJson"/> reads.</summary>
    public string ToJson() => JsonSerializer.Serialize(
        new TableDto
        {
            Version = Version,
            Products = Products.Select(p => new ProductDto
            {
                Code = p.Code.Code,
                Name = p.Name,
                MinYearsInBusiness = p.MinYearsInBusiness,
                RequireNoArrears = p.RequireNoArrears,
                MaxEnforcementCases = p.MaxEnforcementCases,
                MinLimitFen = p.MinLimitFen,
                Ratings = p.Ratings.Select(r => new RatingDto
                {
                    Rating = r.Rating,
                    LimitMultiple = r.LimitMultiple,
                    CapFen = r.CapFen,
                    RateBps = r.RateBps,
                    TermMonths = r.TermMonths,
                    MinScore = r.MinScore,
                }).ToList<RatingDto?>(),
            }).ToList<ProductDto?>(),
        },
        JsonOptions);

    private void Validate()
    {
        if (Products.Count == 0)
        {
            throw ScoringErrors.InvalidProductTable("it has no products");
        }
        var duplicate = Products.GroupBy(p => p.Code).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw ScoringErrors.InvalidProductTable($"product {duplicate.Key.Code} appears {duplicate.Count()} times");
        }
        foreach (var product in Products)
        {
            ValidateProduct(product);
        }
    }

    private static void ValidateProduct(LoanProduct p)
    {
        var name = p.Code.Code;
        if (string.IsNullOrWhiteSpace(p.Name))
        {
            throw ScoringErrors.InvalidProductTable($"{name} has no name");
        }
        if (p.MinYearsInBusiness < 0 || p.MaxEnforcementCases < 0 || p.MinLimitFen < 0)
        {
            throw ScoringErrors.InvalidProductTable($"{name} has a negative minimum years, enforcement-case maximum or minimum limit");
        }
        if (p.Ratings.Count == 0)
        {
            throw ScoringErrors.InvalidProductTable($"{name} has no eligible rating");
        }
        foreach (var r in p.Ratings)
        {
            var what = $"{name} rating {r.Rating}";
            if (!Enum.IsDefined(r.Rating))
            {
                throw ScoringErrors.InvalidProductTable($"{name} has terms for an unknown rating {(int)r.Rating}");
            }
            if (r.LimitMultiple <= 0 || r.LimitMultiple > 100)
            {
                throw ScoringErrors.InvalidProductTable($"{what} has limit multiple {r.LimitMultiple.ToString(CultureInfo.InvariantCulture)}; it must be above 0 and at most 100");
            }
            if (r.CapFen <= 0 || r.CapFen < p.MinLimitFen)
            {
                throw ScoringErrors.InvalidProductTable($"{what} has cap {Money.Cny(r.CapFen)}; it must be positive and at least the product's minimum limit {Money.Cny(p.MinLimitFen)}");
            }
            if (r.RateBps is 0 or > 10_000)
            {
                throw ScoringErrors.InvalidProductTable($"{what} has rate {r.RateBps} bps; it must be between 1 and 10000");
            }
            if (r.TermMonths is 0 or > 360)
            {
                throw ScoringErrors.InvalidProductTable($"{what} has term {r.TermMonths} months; it must be between 1 and 360");
            }
            if (r.MinScore is < 0 or > Scorecard.MaxScore)
            {
                throw ScoringErrors.InvalidProductTable($"{what} has minimum score {r.MinScore}; it must be between 0 and {Scorecard.MaxScore}");
            }
        }
        var ordered = p.Ratings.OrderBy(r => r.Rating).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var (better, worse) = (ordered[i - 1], ordered[i]);
            if (better.Rating == worse.Rating)
            {
                throw ScoringErrors.InvalidProductTable($"{name} has terms for rating {worse.Rating} twice");
            }
            if (better.RateBps >= worse.RateBps)
            {
                throw ScoringErrors.InvalidProductTable(
                    $"{name} charges rating {better.Rating} {better.RateBps} bps, not less than rating {worse.Rating}'s {worse.RateBps} bps; a better rating must get a lower rate");
            }
            if (better.LimitMultiple < worse.LimitMultiple)
            {
                throw ScoringErrors.InvalidProductTable($"{name} gives rating {better.Rating} a lower limit multiple than rating {worse.Rating}");
            }
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).TrimEnd('.');
    }

    // JSON shapes. Instantiated by System.Text.Json.
#pragma warning disable CA1812
    private sealed class TableDto
    {
        public string? Version { get; set; }
        public List<ProductDto?>? Products { get; set; }
    }

    private sealed class ProductDto
    {
        public string? Code { get; set; }
        public string? Name { get; set; }
        public int MinYearsInBusiness { get; set; }
        public bool RequireNoArrears { get; set; } = true;
        public int MaxEnforcementCases { get; set; }
        public long MinLimitFen { get; set; }
        public List<RatingDto?>? Ratings { get; set; }
    }

    private sealed class RatingDto
    {
        public TaxCreditRating? Rating { get; set; }
        public decimal LimitMultiple { get; set; }
        public long CapFen { get; set; }
        public uint RateBps { get; set; }
        public ushort TermMonths { get; set; }
        public int MinScore { get; set; }
    }
#pragma warning restore CA1812
}

/// <summary>Formatting of amounts for reasons: invariant, grouped, two decimals, e.g. <c>3,000,000.00 CNY</c>.</summary>
internal static class Money
{
    public static string Cny(long fen) => (fen / 100m).ToString("N2", CultureInfo.InvariantCulture) + " CNY";

    public static string Percent(uint bps) => (bps / 100m).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
