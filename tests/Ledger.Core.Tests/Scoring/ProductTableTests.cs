using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Scoring;

namespace Ledger.Core.Tests.Scoring;

public class ProductTableTests
{
    [Fact]
    public void Default_HasShuiYiDaiAndYinShuiDaiWithTheDocumentedTerms()
    {
        var table = ProductTable.Default;
        Assert.Equal(["SHUIYIDAI", "YINSHUIDAI"], table.Products.Select(p => p.Code.Code));
        var shuiyidai = table.Find(ProductCode.FromCode("SHUIYIDAI"));
        Assert.Equal("税易贷", shuiyidai.Name);
        Assert.Equal(new RatingTerms(TaxCreditRating.A, 10, 300_000_000, 365, 12, 550), shuiyidai.TermsFor(TaxCreditRating.A));
        Assert.Equal(new RatingTerms(TaxCreditRating.B, 6, 200_000_000, 420, 12, 600), shuiyidai.TermsFor(TaxCreditRating.B));
        Assert.Equal(new RatingTerms(TaxCreditRating.M, 3, 100_000_000, 480, 12, 650), shuiyidai.TermsFor(TaxCreditRating.M));
        Assert.Null(shuiyidai.TermsFor(TaxCreditRating.C));
        Assert.Null(shuiyidai.TermsFor(TaxCreditRating.D));
        Assert.Equal("银税贷", table.Find(ProductCode.FromCode("YINSHUIDAI")).Name);
    }

    [Fact]
    public void ToJsonThenFromJson_GivesTheSameTable()
    {
        var json = ProductTable.Default.ToJson();
        Assert.Contains("\"税易贷\"", json, StringComparison.Ordinal); // readable, not \u-escaped
        var again = ProductTable.FromJson(json);
        Assert.Equal(ProductTable.Default.Version, again.Version);
        Assert.Equal(ProductTable.Default.Products.Count, again.Products.Count);
        for (var i = 0; i < again.Products.Count; i++)
        {
            var (a, b) = (ProductTable.Default.Products[i], again.Products[i]);
            Assert.Equal(a with { Ratings = [] }, b with { Ratings = [] });
            Assert.Equal(a.Ratings, b.Ratings);
        }
    }

    [Fact]
    public void FromJson_BankTableWithCommentsAndDecimalMultiple_Loads()
    {
        var table = ProductTable.FromJson("""
            // A bank's own table
            {
              "version": "ccb-liuzhou-2026-03",
              "products": [
                { "code": "SHUIYIDAI", "name": "税易贷", "minYearsInBusiness": 1, "requireNoArrears": false, "maxEnforcementCases": 2,
                  "minLimitFen": 0,
                  "ratings": [ { "rating": "A", "limitMultiple": 12.5, "capFen": 400000000, "rateBps": 350, "termMonths": 24, "minScore": 500 }, ] }
              ]
            }
            """);
        var product = Assert.Single(table.Products);
        Assert.Equal(12.5m, product.Ratings[0].LimitMultiple);
        Assert.False(product.RequireNoArrears);
        Assert.Equal("ccb-liuzhou-2026-03", table.Version);
    }

    public static TheoryData<string, string, string> BadTables()
    {
        const string rating = """{ "rating": "A", "limitMultiple": 10, "capFen": 300000000, "rateBps": 365, "termMonths": 12, "minScore": 550 }""";
        static string Table(string products) => $$"""{ "version": "t", "products": [{{products}}] }""";
        static string Product(string ratings, string extra = "") =>
            $$"""{ "code": "SHUIYIDAI", "name": "税易贷", "minYearsInBusiness": 2, "minLimitFen": 1000000{{extra}}, "ratings": [{{ratings}}] }""";
        return new()
        {
            { "not JSON", "{ products: ", "the JSON cannot be read" },
            { "unknown property", Table(Product(rating, ", \"maxRate\": 5")), "maxRate" },
            { "no products", Table(""), "no products" },
            { "no version", """{ "products": [] }""", "no version" },
            { "duplicate product", Table(Product(rating) + "," + Product(rating)), "SHUIYIDAI appears 2 times" },
            { "unknown rating letter", Table(Product(rating.Replace("\"A\"", "\"E\"", StringComparison.Ordinal))), "the JSON cannot be read" },
            { "rating twice", Table(Product(rating + "," + rating)), "rating A twice" },
            { "B cheaper than A", Table(Product(rating + "," + rating.Replace("\"A\"", "\"B\"", StringComparison.Ordinal).Replace("365", "300", StringComparison.Ordinal))), "a better rating must get a lower rate" },
            { "B bigger multiple", Table(Product(rating + "," + rating.Replace("\"A\"", "\"B\"", StringComparison.Ordinal).Replace("365", "400", StringComparison.Ordinal).Replace(": 10,", ": 11,", StringComparison.Ordinal))), "lower limit multiple" },
            { "zero multiple", Table(Product(rating.Replace(": 10,", ": 0,", StringComparison.Ordinal))), "limit multiple 0" },
            { "cap below minimum", Table(Product(rating.Replace("300000000", "5", StringComparison.Ordinal))), "cap 0.05 CNY" },
            { "zero rate", Table(Product(rating.Replace("365", "0", StringComparison.Ordinal))), "rate 0 bps" },
            { "zero term", Table(Product(rating.Replace(": 12,", ": 0,", StringComparison.Ordinal))), "term 0 months" },
            { "score above 1000", Table(Product(rating.Replace("550", "1001", StringComparison.Ordinal))), "minimum score 1001" },
            { "no ratings", Table(Product("")), "no eligible rating" },
            { "bad code", Table(Product(rating).Replace("SHUIYIDAI", "SHUI YI DAI", StringComparison.Ordinal)), "has code 'SHUI YI DAI'" },
            { "negative minimum years", Table(Product(rating).Replace("\"minYearsInBusiness\": 2", "\"minYearsInBusiness\": -1", StringComparison.Ordinal)), "negative" },
        };
    }

    [Theory]
    [MemberData(nameof(BadTables))]
    public void FromJson_BadTable_ThrowsInvalidProductTableSayingWhy(string what, string json, string expectedInMessage)
    {
        var ex = Assert.Throws<LedgerException>(() => ProductTable.FromJson(json));
        Assert.True(ex.Code == ScoringErrors.InvalidProductTableCode, what);
        Assert.StartsWith("The product table is invalid: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expectedInMessage, ex.Message, StringComparison.Ordinal);
    }
}
