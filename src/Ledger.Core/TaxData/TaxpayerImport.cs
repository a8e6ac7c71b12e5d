using System.Globalization;
using System.Text;
using System.Text.Json;
using Ledger.Core.Scoring;

namespace Ledger.Core.TaxData;

/// <summary>The outcome of an import: taxpayers read, and one sentence per line that could not be.</summary>
public sealed record ImportResult(IReadOnlyList<Taxpayer> Taxpayers, IReadOnlyList<string> Rejected);

/// <summary>
/// Reads and writes taxpayers in the formats a tax bureau can produce from its own systems (docs/api.md, "Tax data
/// import"):
/// <list type="bullet">
/// <item><b>JSON</b> (<c>json</c>, <c>.json</c>): a JSON array of taxpayer objects, pretty-printed or not (a single
/// object, or JSON lines, are read too); each object has the shape <see cref="ToJsonLine"/> writes.</item>
/// <item><b>JSON lines</b> (<c>jsonl</c>): one taxpayer object per line, as written by <see cref="ToJsonLine"/>.</item>
/// <item><b>CSV</b> (<c>csv</c>): one fact per row, header
/// <c>credit_code,name,industry,region,registered_on,fact,period,tax_type,value</c>; facts are <c>rating</c>
/// (period = year, value = A/B/M/C/D), <c>payment</c> (period = yyyy-MM, tax_type, value = fen), <c>invoice</c>
/// (period = yyyy-MM, value = fen), <c>arrears_count</c>, <c>arrears_fen</c>, <c>headcount</c>,
/// <c>enforcement_cases</c>. Identity columns are taken from the first row of each credit code.</item>
/// </list>
/// A bad line, row or array element never stops the import: it is rejected with its line number (element number in an
/// array) and the reason, and the others are read.
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

    /// <summary>
    /// Reads a <c>.json</c> document: a JSON array of taxpayer objects (pretty-printed or not), a single taxpayer
    /// object, or — when the text is neither — JSON lines. An element that is not a valid taxpayer is rejected with its
    /// position (<c>element 3: …</c>, counting from 1) and the others are kept; a document that is not valid JSON at all
    /// imports nothing and is rejected with the element and line where it breaks.
    /// </summary>
    public static ImportResult ReadJson(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = text.AsSpan().TrimStart("\uFEFF \t\r\n");
        if (body.Length > 0 && body[0] == '[')
        {
            return ReadJsonArray(body.ToString());
        }
        if (body.Length > 0 && body[0] == '{' && SingleValue(body.ToString()) is { } single)
        {
            using (single)
            {
                try
                {
                    return new ImportResult([ParseTaxpayer(single.RootElement)], []);
                }
                catch (Exception ex) when (IsBadData(ex))
                {
                    return new ImportResult([], [$"the taxpayer object: {ex.Message}"]);
                }
            }
        }
        return ReadJsonLines(text);
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
                taxpayers.Add(ParseTaxpayer(doc.RootElement));
            }
            catch (Exception ex) when (ex is JsonException || IsBadData(ex))
            {
                rejected.Add($"line {lineNumber}: {ex.Message}");
            }
        }
        return new ImportResult(taxpayers, rejected);
    }

    /// <summary>A JSON array of taxpayer objects, read element by element so that a bad one is named and the others kept.</summary>
    private static ImportResult ReadJsonArray(string text)
    {
        var taxpayers = new List<Taxpayer>();
        var rejected = new List<string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var element = 0;
        var closed = false;
        try
        {
            reader.Read(); // '['
            while (true)
            {
                element++;
                if (!reader.Read())
                {
                    throw new JsonException("The array has no closing ']'.");
                }
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    closed = true;
                    break;
                }
                using var doc = JsonDocument.ParseValue(ref reader);
                try
                {
                    taxpayers.Add(ParseTaxpayer(doc.RootElement));
                }
                catch (Exception ex) when (IsBadData(ex))
                {
                    rejected.Add($"element {element}: {ex.Message}");
                }
            }
            if (reader.Read())
            {
                throw new JsonException("There is more after the array's closing ']'.");
            }
        }
        catch (JsonException ex)
        {
            var where = closed ? "after the array" : $"element {element}";
            var line = ex.LineNumber is { } l ? string.Create(CultureInfo.InvariantCulture, $" (line {l + 1}, byte {ex.BytePositionInLine + 1})") : "";
            var reason = ex.Message.Split(" LineNumber:", 2)[0].Trim();
            return new ImportResult([],
                [$"{where}: the document is not valid JSON{line}: {reason} Nothing was imported from it; fix the document and import it again."]);
        }
        return new ImportResult(taxpayers, rejected);
    }

    /// <summary>The text as one JSON value, or null when it is not exactly one (e.g. several JSON lines).</summary>
    private static JsonDocument? SingleValue(string text)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsBadData(Exception ex) =>
        ex is KeyNotFoundException or FormatException or InvalidOperationException or OverflowException;

    /// <summary>One taxpayer object (the shape <see cref="ToJsonLine"/> writes); a problem names the field.</summary>
    private static Taxpayer ParseTaxpayer(JsonElement r)
    {
        if (r.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"a taxpayer is a JSON object, not {Describe(r.ValueKind)}.");
        }
        var arrears = Field(r, "arrears", "", JsonValueKind.Object);
        return new Taxpayer(
            CreditCode.Parse(Text(r, "creditCode")),
            Required(r, "name"),
            Optional(r, "industry"),
            Optional(r, "region"),
            DateOnly.TryParseExact(Required(r, "registeredOn"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var registeredOn)
                ? registeredOn
                : throw new FormatException($"'registeredOn' is '{Text(r, "registeredOn")}', not a date yyyy-MM-dd."),
            Items(r, "ratings").Select((x, i) => new RatingOfYear(
                Int(x, "year", $"ratings[{i}]."), ParseRating(Text(x, "rating", $"ratings[{i}].")))).ToList(),
            Items(r, "payments").Select((x, i) => new TaxPayment(
                YearMonth.Parse(Text(x, "month", $"payments[{i}].")),
                ParseTaxType(Text(x, "type", $"payments[{i}].")),
                NonNegative(Number(x, "amountFen", $"payments[{i}]."), $"payments[{i}].amountFen"))).ToList(),
            Items(r, "invoices").Select((x, i) => new MonthlyAmount(
                YearMonth.Parse(Text(x, "month", $"invoices[{i}].")),
                NonNegative(Number(x, "amountFen", $"invoices[{i}]."), $"invoices[{i}].amountFen"))).ToList(),
            new TaxArrears((int)NonNegative(Int(arrears, "count", "arrears."), "arrears.count"),
                NonNegative(Number(arrears, "amountFen", "arrears."), "arrears.amountFen")),
            (int)NonNegative(Int(r, "socialInsuranceHeadcount"), "socialInsuranceHeadcount"),
            (int)NonNegative(Int(r, "enforcementCases"), "enforcementCases"));
    }

    private static JsonElement Field(JsonElement r, string name, string path, JsonValueKind kind)
    {
        if (r.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"'{path.TrimEnd('.')}' must be a JSON object, not {Describe(r.ValueKind)}.");
        }
        if (!r.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new FormatException($"'{path}{name}' is missing.");
        }
        return value.ValueKind == kind ? value : throw new FormatException($"'{path}{name}' must be {Describe(kind)}, not {Describe(value.ValueKind)}.");
    }

    private static string Text(JsonElement r, string name, string path = "") => Field(r, name, path, JsonValueKind.String).GetString()!;

    private static long Number(JsonElement r, string name, string path = "")
    {
        var value = Field(r, name, path, JsonValueKind.Number);
        return value.TryGetInt64(out var n)
            ? n
            : throw new FormatException($"'{path}{name}' is {value.GetRawText()}, not a whole number.");
    }

    private static int Int(JsonElement r, string name, string path = "")
    {
        var n = Number(r, name, path);
        return n is >= int.MinValue and <= int.MaxValue ? (int)n : throw new FormatException($"'{path}{name}' is {n}, too large.");
    }

    private static JsonElement.ArrayEnumerator Items(JsonElement r, string name) => Field(r, name, "", JsonValueKind.Array).EnumerateArray();

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

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
        Text(r, name) is { Length: > 0 } s ? s : throw new FormatException($"'{name}' is empty.");

    private static string Optional(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? Text(r, name) : "";

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
