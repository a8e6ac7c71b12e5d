using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;

namespace Ledger.Core.Tests.TaxData;

public class CreditCodeTests
{
    [Theory]
    [InlineData("914403001922038216")] // Huawei Technologies
    [InlineData("91440300708461136T")] // Tencent Technology (Shenzhen)
    [InlineData("91330100799655058B")] // Alibaba (China)
    public void Parse_RealCodes_Accepted(string code) => Assert.Equal(code, CreditCode.Parse(code).Value);

    [Theory]
    [InlineData("914403001922038217", "check character (18th)")]
    [InlineData("914403001922038316", "organization code")]
    [InlineData("91440300192203821", "18 characters")]
    [InlineData("91440300192203821I", "'I' is not allowed")]
    public void Parse_BadCodes_SaySo(string code, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => CreditCode.Parse(code));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_AddsBothCheckCharacters() =>
        Assert.Equal("914403001922038216", CreditCode.Complete("9144030019220382").Value);

    [Fact]
    public void Hash_IsAbiEncodedSaltAndCode()
    {
        // keccak256(abi.encode(bytes32 salt, string code)), as scripts/lib/ledger.js creditCodeHash computes it.
        var salt = Keccak.Hash("salt");
        var code = CreditCode.Parse("914403001922038216");
        var bytes = System.Text.Encoding.UTF8.GetBytes(code.Value);
        var expected = new byte[32 * 4];
        salt.CopyTo(expected);
        expected[63] = 0x40;
        expected[95] = (byte)bytes.Length;
        bytes.CopyTo(expected, 96);
        Assert.Equal(Keccak.Hash(expected), code.Hash(salt).Value);
        Assert.NotEqual(code.Hash(salt), code.Hash(Keccak.Hash("other salt")));
    }
}

public class SyntheticTaxpayersTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 27);

    [Fact]
    public void Generate_SameSeed_SameTaxpayers()
    {
        var a = SyntheticTaxpayers.Generate(20, 7, AsOf);
        var b = SyntheticTaxpayers.Generate(20, 7, AsOf);
        Assert.Equal(a.Select(TaxpayerImport.ToJsonLine), b.Select(TaxpayerImport.ToJsonLine));
        Assert.NotEqual(a.Select(t => t.CreditCode), SyntheticTaxpayers.Generate(20, 8, AsOf).Select(t => t.CreditCode));
    }

    [Fact]
    public void Generate_ManyTaxpayers_RealisticMix()
    {
        var all = SyntheticTaxpayers.Generate(1000, 1, AsOf);
        Assert.Equal(1000, all.Select(t => t.CreditCode).Distinct().Count());
        Assert.All(all, t => Assert.True(CreditCode.TryParse(t.CreditCode.Value, out _)));
        var latest = all.Where(t => t.LatestRating is not null).GroupBy(t => t.LatestRating!.Value).ToDictionary(g => g.Key, g => g.Count());
        // Most B, a good share A, few C and D (a city's published mix), young firms M.
        Assert.True(latest[TaxCreditRating.B] > latest[TaxCreditRating.A]);
        Assert.True(latest[TaxCreditRating.A] > latest[TaxCreditRating.C]);
        Assert.True(latest[TaxCreditRating.C] > latest[TaxCreditRating.D]);
        Assert.True(latest.ContainsKey(TaxCreditRating.M));
        // Poor ratings come with arrears and enforcement cases; A-rated taxpayers have no arrears.
        Assert.All(all.Where(t => t.LatestRating == TaxCreditRating.D), t => Assert.True(t.Arrears.Any && t.EnforcementCases > 0));
        Assert.All(all.Where(t => t.Ratings.Count > 0 && t.Ratings.All(r => r.Rating == TaxCreditRating.A)), t => Assert.False(t.Arrears.Any));
        // Corporate income tax is paid quarterly, VAT monthly.
        Assert.All(all.SelectMany(t => t.Payments).Where(p => p.Type == TaxType.CorporateIncome), p => Assert.Equal(0, p.Month.Month % 3));
        Assert.Contains(all.SelectMany(t => t.Payments), p => p.Type == TaxType.Vat && p.Month.Month % 3 != 0);
    }

    [Fact]
    public void Generate_HistoryEndsBeforeTheCurrentMonth()
    {
        var all = SyntheticTaxpayers.Generate(50, 3, AsOf);
        var current = YearMonth.Of(AsOf);
        Assert.All(all.SelectMany(t => t.Invoices), i => Assert.True(i.Month < current));
        Assert.All(all, t => Assert.All(t.Invoices, i => Assert.True(i.Month >= YearMonth.Of(t.RegisteredOn))));
    }
}

public class TaxReportTests
{
    private static readonly Taxpayer Sample = SyntheticTaxpayers.Generate(30, 11, new DateOnly(2026, 11, 27))
        .First(t => t.Ratings.Count >= 2 && t.Payments.Count > 20);

    [Fact]
    public void Project_OnlyGrantedScopesAndPeriod()
    {
        var report = Sample.Report(Scopes.TaxCreditRating | Scopes.Invoices, new YearMonth(2026, 1), new YearMonth(2026, 6), DateTimeOffset.UnixEpoch);
        Assert.Null(report.Payments);
        Assert.Null(report.Arrears);
        Assert.Null(report.SocialInsuranceHeadcount);
        Assert.NotNull(report.Invoices);
        Assert.All(report.Invoices!, i => Assert.InRange(i.Month.Index, new YearMonth(2026, 1).Index, new YearMonth(2026, 6).Index));
        Assert.Equal(6, report.Invoices!.Count);
        var json = report.ToJson();
        Assert.DoesNotContain("payments", json, StringComparison.Ordinal);
        Assert.DoesNotContain("socialInsuranceHeadcount", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Project_ScopesTheBureauDoesNotHold_AreListedUnavailable()
    {
        var report = Sample.Report(Scopes.TaxCreditRating | Scopes.Customs | Scopes.IntellectualProperty,
            new YearMonth(2024, 1), new YearMonth(2026, 10), DateTimeOffset.UnixEpoch);
        Assert.Equal(Scopes.Customs | Scopes.IntellectualProperty, report.Unavailable);
    }

    [Fact]
    public void Json_RoundTrips_AndHashIsStable()
    {
        var all = Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices | Scopes.SocialInsurance | Scopes.Judicial;
        var report = Sample.Report(all, new YearMonth(2024, 11), new YearMonth(2026, 10), DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000));
        var back = TaxReport.FromJson(report.ToJson());
        Assert.Equal(report.ToJson(), back.ToJson());
        Assert.Equal(report.Hash(), back.Hash());
        Assert.Equal(report.ToProfile().TaxPayments.Sum(m => m.AmountFen), back.ToProfile().TaxPayments.Sum(m => m.AmountFen));
    }

    [Fact]
    public void Json_KeysAreSorted_NoWhitespace()
    {
        var json = Sample.Report(Scopes.TaxCreditRating | Scopes.TaxPayments, new YearMonth(2026, 1), new YearMonth(2026, 2), DateTimeOffset.UnixEpoch).ToJson();
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal), names);
        Assert.DoesNotContain(": ", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("{\"format\":\"ledger/tax-report/v1\",\"creditCode\":\"123\"}")]
    public void FromJson_Garbage_ClearError(string json)
    {
        var ex = Assert.Throws<LedgerException>(() => TaxReport.FromJson(json));
        Assert.Equal(ErrorCategory.InvalidArgument, ex.Category);
    }

    [Fact]
    public void ToProfile_FeedsTheScorecard()
    {
        var full = Sample.Report((Scopes)0x3F, new YearMonth(2023, 1), new YearMonth(2026, 10), DateTimeOffset.UnixEpoch);
        var decision = CreditDecider.Decide(full.ToProfile(), ProductTable.Default, new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero));
        Assert.InRange((int)decision.Score, 0, 1000);
        Assert.NotEmpty(decision.Factors);
    }
}

public class TaxpayerImportTests
{
    private static readonly IReadOnlyList<Taxpayer> Some = SyntheticTaxpayers.Generate(5, 21, new DateOnly(2026, 11, 27));

    [Fact]
    public void JsonLines_RoundTrip()
    {
        var text = string.Join('\n', Some.Select(TaxpayerImport.ToJsonLine));
        var result = TaxpayerImport.ReadJsonLines(text);
        Assert.Empty(result.Rejected);
        Assert.Equal(Some.Select(TaxpayerImport.ToJsonLine), result.Taxpayers.Select(TaxpayerImport.ToJsonLine));
    }

    [Fact]
    public void Csv_RoundTrip()
    {
        var result = TaxpayerImport.ReadCsv(TaxpayerImport.ToCsv(Some));
        Assert.Empty(result.Rejected);
        Assert.Equal(Some.Select(TaxpayerImport.ToJsonLine), result.Taxpayers.Select(TaxpayerImport.ToJsonLine));
    }

    [Fact]
    public void Csv_BadRows_RejectedWithLineNumbers_OthersKept()
    {
        var csv = TaxpayerImport.CsvHeader + "\n"
            + "914403001922038216,华为,ICT,深圳,1987-09-15,rating,2025,,A\n"
            + "914403001922038217,坏码,ICT,深圳,1987-09-15,rating,2025,,A\n"
            + "914403001922038216,华为,ICT,深圳,1987-09-15,rating,2025,,E\n"
            + "914403001922038216,华为,ICT,深圳,1987-09-15,payment,2025-13,Vat,100\n"
            + "914403001922038216,华为,ICT,深圳,1987-09-15,payment,2025-12,Vat,-5\n"
            + "914403001922038216,华为,ICT,深圳,1987-09-15,payment,2025-12,Bogus,5\n"
            + "914403001922038216,华为,ICT,深圳,1987-09-15,salary,2025-12,,5\n"
            + "914403001922038216,华为\n";
        var result = TaxpayerImport.ReadCsv(csv);
        var t = Assert.Single(result.Taxpayers);
        Assert.Equal(TaxCreditRating.A, t.LatestRating);
        Assert.Equal(7, result.Rejected.Count);
        Assert.Contains(result.Rejected, r => r.StartsWith("line 3:", StringComparison.Ordinal) && r.Contains("check character", StringComparison.Ordinal));
        Assert.Contains(result.Rejected, r => r.StartsWith("line 4:", StringComparison.Ordinal) && r.Contains("rating", StringComparison.Ordinal));
        Assert.Contains(result.Rejected, r => r.StartsWith("line 9:", StringComparison.Ordinal) && r.Contains("9 columns", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_WrongHeader_RejectsAll()
    {
        var result = TaxpayerImport.ReadCsv("code,name\n914403001922038216,x");
        Assert.Empty(result.Taxpayers);
        Assert.Contains("header", Assert.Single(result.Rejected), StringComparison.Ordinal);
    }

    [Fact]
    public void JsonLines_BadLine_Rejected_OthersKept()
    {
        var text = TaxpayerImport.ToJsonLine(Some[0]) + "\n{broken\n" + TaxpayerImport.ToJsonLine(Some[1]);
        var result = TaxpayerImport.ReadJsonLines(text);
        Assert.Equal(2, result.Taxpayers.Count);
        Assert.StartsWith("line 2:", Assert.Single(result.Rejected), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_PrettyPrintedArray_ReadsEveryTaxpayer()
    {
        var result = TaxpayerImport.ReadJson(PrettyArray(Some.Select(TaxpayerImport.ToJsonLine)));
        Assert.Empty(result.Rejected);
        Assert.Equal(Some.Select(TaxpayerImport.ToJsonLine), result.Taxpayers.Select(TaxpayerImport.ToJsonLine));
    }

    [Fact]
    public void Json_CompactArrayWithBom_AndJsonLines_AndOneObject_AreAllRead()
    {
        var compact = "\uFEFF[" + string.Join(',', Some.Select(TaxpayerImport.ToJsonLine)) + "]\r\n";
        Assert.Equal(Some.Count, TaxpayerImport.ReadJson(compact).Taxpayers.Count);
        Assert.Equal(Some.Count, TaxpayerImport.ReadJson(string.Join('\n', Some.Select(TaxpayerImport.ToJsonLine))).Taxpayers.Count);
        var one = System.Text.Json.Nodes.JsonNode.Parse(TaxpayerImport.ToJsonLine(Some[2]))!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        Assert.Contains('\n', one);
        var single = TaxpayerImport.ReadJson(one);
        Assert.Empty(single.Rejected);
        Assert.Equal(Some[2].CreditCode, Assert.Single(single.Taxpayers).CreditCode);
    }

    [Fact]
    public void Json_ArrayWithBadElements_RejectsEachByItsPositionAndField_KeepsTheOthers()
    {
        var noName = System.Text.Json.Nodes.JsonNode.Parse(TaxpayerImport.ToJsonLine(Some[1]))!.AsObject();
        noName.Remove("name");
        var badPayment = System.Text.Json.Nodes.JsonNode.Parse(TaxpayerImport.ToJsonLine(Some[3]))!.AsObject();
        badPayment["payments"]![0]!["amountFen"] = "lots";
        var elements = new[] { TaxpayerImport.ToJsonLine(Some[0]), noName.ToJsonString(), "42", badPayment.ToJsonString(), TaxpayerImport.ToJsonLine(Some[4]) };

        var result = TaxpayerImport.ReadJson(PrettyArray(elements));

        Assert.Equal([Some[0].CreditCode, Some[4].CreditCode], result.Taxpayers.Select(t => t.CreditCode));
        Assert.Equal(3, result.Rejected.Count);
        Assert.Equal("element 2: 'name' is missing.", result.Rejected[0]);
        Assert.Equal("element 3: a taxpayer is a JSON object, not a number.", result.Rejected[1]);
        Assert.Equal("element 4: 'payments[0].amountFen' must be a number, not a string.", result.Rejected[2]);
    }

    [Fact]
    public void Json_MalformedArray_ImportsNothingAndNamesTheElementAndLine()
    {
        var text = "[\n" + TaxpayerImport.ToJsonLine(Some[0]) + ",\n" + TaxpayerImport.ToJsonLine(Some[1]) + ",\n{\"creditCode\": \"914403001922038216\", name: 1}\n]";

        var result = TaxpayerImport.ReadJson(text);

        Assert.Empty(result.Taxpayers);
        var rejected = Assert.Single(result.Rejected);
        Assert.StartsWith("element 3: the document is not valid JSON (line 4, ", rejected, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported", rejected, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_UnclosedArray_AndTrailingContent_AreRejectedWhole()
    {
        var unclosed = TaxpayerImport.ReadJson("[" + TaxpayerImport.ToJsonLine(Some[0]) + ",");
        Assert.Empty(unclosed.Taxpayers);
        Assert.StartsWith("element 2: the document is not valid JSON", Assert.Single(unclosed.Rejected), StringComparison.Ordinal);

        var trailing = TaxpayerImport.ReadJson("[" + TaxpayerImport.ToJsonLine(Some[0]) + "] x");
        Assert.Empty(trailing.Taxpayers);
        Assert.StartsWith("after the array: the document is not valid JSON", Assert.Single(trailing.Rejected), StringComparison.Ordinal);
    }

    [Fact]
    public void JsonLines_MissingArray_NamesTheField()
    {
        var doc = System.Text.Json.Nodes.JsonNode.Parse(TaxpayerImport.ToJsonLine(Some[0]))!.AsObject();
        doc.Remove("ratings");
        var result = TaxpayerImport.ReadJsonLines(doc.ToJsonString());
        Assert.Equal("line 1: 'ratings' is missing.", Assert.Single(result.Rejected));
    }

    /// <summary>A pretty-printed JSON array (two-space indented, one property per line) of the given JSON values.</summary>
    private static string PrettyArray(IEnumerable<string> elements)
    {
        var array = new System.Text.Json.Nodes.JsonArray(elements.Select(e => System.Text.Json.Nodes.JsonNode.Parse(e)).ToArray());
        return array.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }
}
