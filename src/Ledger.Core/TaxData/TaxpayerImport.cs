using System.Globalization;
using System.Text;
using System.Text.Json;
using Ledger.Core.Scoring;

namespace Ledger.Core.TaxData;

/// <summary>The outcome of an import: taxpayers read, and one sentence per line that could not be.</summary>
public sealed record ImportResult(IReadOnlyList<Taxpayer> Taxpayers, IReadOnlyList<string> Rejected);

/// <summary>
/// Reads and writes taxpayers in two formats a tax bureau can produce from its own systems:
/// <list type="bullet">
/// <item><b>JSON lines</b>: one taxpayer per line, as written by <see cref="ToJsonLine"/>.</item>
/// <item><b>CSV</b>: one fact per row, header
/// <c>credit_code,name,industry,region,registered_on,fact,period,tax_type,value</c>; facts are <c>rating</c>
/// (period = year, value = A/B/M/C/D), <c>payment</c> (period = yyyy-MM, tax_type, value = fen), <c>invoice</c>
/// (period = yyyy-MM, value = fen), <c>arrears_count</c>, <c>arrears_fen</c>, <c>headcount</c>,
/// <c>enforcement_cases</c>. Identity columns are taken from the first row of each credit code.</item>
/// </list>
/// A bad line never stops the import: it is rejected with the line number and the reason.
/// </summary>
public static class TaxpayerImport
{
    /// <summary>The CSV header.</summary>
    public const string CsvHeader = "credit_code,name,industry,region,registered_on,fact,period,tax_type,value";

    /// <summary>One taxpayer as a JSON line.</summary>
    public static string ToJsonLine(Taxpayer t)
    {
        ArgumentNullException.ThrowIfNull(t);
        var doc = new
        {
            creditCode = t.CreditCode.Value,
            name = t.Name,
            industry = t.Industry,
            region = t.Region,
            registeredOn = t.RegisteredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ratings = t.Ratings.Select(r => new { year = r.Year, rating = r.Rating.ToString() }),
            payments = t.Payments.Select(p => new { month = p.Month.ToString(), type = p.Type.ToString(), amountFen = p.AmountFen }),
            invoices = t.Invoices.Select(i => new { month = i.Month.ToString(), amountFen = i.AmountFen }),
            arrears = new { count = t.Arrears.Count, amountFen = t.Arrears.AmountFen },
            socialInsuranceHeadcount = t.SocialInsuranceHeadcount,
            enforcementCases = t.EnforcementCases,
        };
        return JsonSerializer.Serialize(doc, JsonOptions);
    }

    /// <summary>Reads JSON lines (blank lines ignored).</summary>
    public static ImportResult ReadJsonLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var taxpayers = new List<Taxpayer>();
        var rejected = new List<string>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                var arrears = r.GetProperty("arrears");
                taxpayers.Add(new Taxpayer(
                    CreditCode.Parse(r.GetProperty("creditCode").GetString()!),
                    Required(r, "name"),
                    Optional(r, "industry"),
                    Optional(r, "region"),
                    DateOnly.ParseExact(Required(r, "registeredOn"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    r.GetProperty("ratings").EnumerateArray()
                        .Select(x => new RatingOfYear(x.GetProperty("year").GetInt32(), ParseRating(x.GetProperty("rating").GetString()))).ToList(),
                    r.GetProperty("payments").EnumerateArray()
                        .Select(x => new TaxPayment(YearMonth.Parse(x.GetProperty("month").GetString()!),
                            ParseTaxType(x.GetProperty("type").GetString()), NonNegative(x.GetProperty("amountFen").GetInt64(), "amountFen"))).ToList(),
                    r.GetProperty("invoices").EnumerateArray()
                        .Select(x => new MonthlyAmount(YearMonth.Parse(x.GetProperty("month").GetString()!),
                            NonNegative(x.GetProperty("amountFen").GetInt64(), "amountFen"))).ToList(),
                    new TaxArrears(arrears.GetProperty("count").GetInt32(), NonNegative(arrears.GetProperty("amountFen").GetInt64(), "arrears amountFen")),
                    (int)NonNegative(r.GetProperty("socialInsuranceHeadcount").GetInt32(), "socialInsuranceHeadcount"),
                    (int)NonNegative(r.GetProperty("enforcementCases").GetInt32(), "enforcementCases")));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
            {
                rejected.Add($"line {lineNumber}: {ex.Message}");
            }
        }
        return new ImportResult(taxpayers, rejected);
    }

    /// <summary>Reads the CSV format described on the class.</summary>
    public static ImportResult ReadCsv(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var rejected = new List<string>();
        if (lines.Length == 0 || lines[0].Trim() != CsvHeader)
        {
            return new ImportResult([], [$"line 1: the header must be exactly '{CsvHeader}'."]);
        }
        var builders = new Dictionary<string, Builder>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var cells = line.Split(',');
            if (cells.Length != 9)
            {
                rejected.Add($"line {i + 1}: expected 9 columns, found {cells.Length}.");
                continue;
            }
            try
            {
                var code = CreditCode.Parse(cells[0].Trim());
                if (!builders.TryGetValue(code.Value, out var b))
                {
                    b = new Builder(code, cells[1].Trim(), cells[2].Trim(), cells[3].Trim(),
                        DateOnly.ParseExact(cells[4].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture));
                    builders[code.Value] = b;
                    order.Add(code.Value);
                }
                var period = cells[6].Trim();
                var value = cells[8].Trim();
                switch (cells[5].Trim())
                {
                    case "rating":
                        b.Ratings.Add(new RatingOfYear(int.Parse(period, CultureInfo.InvariantCulture), ParseRating(value)));
                        break;
                    case "payment":
                        b.Payments.Add(new TaxPayment(YearMonth.Parse(period), ParseTaxType(cells[7].Trim()), Fen(value)));
                        break;
                    case "invoice":
                        b.Invoices.Add(new MonthlyAmount(YearMonth.Parse(period), Fen(value)));
                        break;
                    case "arrears_count":
                        b.ArrearsCount = (int)Fen(value);
                        break;
                    case "arrears_fen":
                        b.ArrearsFen = Fen(value);
                        break;
                    case "headcount":
                        b.Headcount = (int)Fen(value);
                        break;
                    case "enforcement_cases":
                        b.Enforcement = (int)Fen(value);
                        break;
                    default:
                        throw new FormatException($"unknown fact '{cells[5].Trim()}' (rating, payment, invoice, arrears_count, arrears_fen, headcount, enforcement_cases).");
                }
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                rejected.Add($"line {i + 1}: {ex.Message}");
            }
        }
        return new ImportResult(order.Select(code => builders[code].Build()).ToList(), rejected);
    }

    /// <summary>Writes taxpayers in the CSV format.</summary>
    public static string ToCsv(IEnumerable<Taxpayer> taxpayers)
    {
        ArgumentNullException.ThrowIfNull(taxpayers);
        var sb = new StringBuilder(CsvHeader).Append('\n');
        foreach (var t in taxpayers)
        {
            var id = string.Join(',', t.CreditCode.Value, t.Name, t.Industry, t.Region, t.RegisteredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            void Row(string fact, string period, string type, string value) => sb.Append(id).Append(',').Append(fact).Append(',')
                .Append(period).Append(',').Append(type).Append(',').Append(value).Append('\n');
            foreach (var r in t.Ratings)
            {
                Row("rating", r.Year.ToString(CultureInfo.InvariantCulture), "", r.Rating.ToString());
            }
            foreach (var p in t.Payments)
            {
                Row("payment", p.Month.ToString(), p.Type.ToString(), p.AmountFen.ToString(CultureInfo.InvariantCulture));
            }
            foreach (var inv in t.Invoices)
            {
                Row("invoice", inv.Month.ToString(), "", inv.AmountFen.ToString(CultureInfo.InvariantCulture));
            }
            Row("arrears_count", "", "", t.Arrears.Count.ToString(CultureInfo.InvariantCulture));
            Row("arrears_fen", "", "", t.Arrears.AmountFen.ToString(CultureInfo.InvariantCulture));
            Row("headcount", "", "", t.SocialInsuranceHeadcount.ToString(CultureInfo.InvariantCulture));
            Row("enforcement_cases", "", "", t.EnforcementCases.ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string Required(JsonElement r, string name) =>
        r.GetProperty(name).GetString() is { Length: > 0 } s ? s : throw new FormatException($"'{name}' is empty.");

    private static string Optional(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";

    private static long NonNegative(long value, string field) =>
        value >= 0 ? value : throw new FormatException($"'{field}' is negative ({value}).");

    private static long Fen(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"'{text}' is not a non-negative whole number.");

    private static TaxCreditRating ParseRating(string? text) =>
        text is { Length: 1 } && Enum.TryParse<TaxCreditRating>(text, ignoreCase: false, out var r) && Enum.IsDefined(r)
            ? r
            : throw new FormatException($"'{text}' is not a tax-credit rating (A, B, M, C or D).");

    private static TaxType ParseTaxType(string? text) =>
        Enum.TryParse<TaxType>(text, ignoreCase: true, out var t) && Enum.IsDefined(t) && !int.TryParse(text, out _)
            ? t
            : throw new FormatException($"'{text}' is not a tax type ({string.Join(", ", Enum.GetNames<TaxType>())}).");

    private sealed class Builder(CreditCode code, string name, string industry, string region, DateOnly registeredOn)
    {
        public List<RatingOfYear> Ratings { get; } = [];
        public List<TaxPayment> Payments { get; } = [];
        public List<MonthlyAmount> Invoices { get; } = [];
        public int ArrearsCount { get; set; }
        public long ArrearsFen { get; set; }
        public int Headcount { get; set; }
        public int Enforcement { get; set; }

        public Taxpayer Build() => new(code, name, industry, region, registeredOn, Ratings, Payments, Invoices,
            new TaxArrears(ArrearsCount, ArrearsFen), Headcount, Enforcement);
    }
}
