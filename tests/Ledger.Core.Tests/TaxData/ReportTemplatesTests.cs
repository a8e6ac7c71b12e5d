using System.Text;
using Ledger.Core.Model;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;

namespace Ledger.Core.Tests.TaxData;

public sealed class ReportTemplatesTests
{
    private static readonly IReadOnlyList<Taxpayer> Taxpayers = SyntheticTaxpayers.Generate(12, 11, new DateOnly(2026, 11, 1));

    // A taxpayer as the tax node's data store hands it out: a new object whenever the data changes.
    private static Taxpayer Entry(Taxpayer taxpayer) => taxpayer with { };

    private static byte[] FullBuild(Taxpayer taxpayer, Scopes scopes, YearMonth from, YearMonth until, DateTimeOffset at) =>
        Encoding.UTF8.GetBytes(taxpayer.Report(scopes, from, until, at).ToJson());

    [Fact]
    public void Json_IsTheFullBuildByteForByte_ForEveryTaxpayerScopesPeriodAndTime()
    {
        var templates = new ReportTemplates();
        var random = new Random(3);
        var entries = Taxpayers.Select(Entry).ToList();
        for (var i = 0; i < 400; i++)
        {
            var entry = entries[random.Next(entries.Count)];
            var scopes = (Scopes)random.Next(1, 0x80);
            var from = new YearMonth(2023 + random.Next(3), 1 + random.Next(12));
            var until = new YearMonth(from.Year + random.Next(2), 1 + random.Next(12));
            // Times of every length, including the probe's own digits and 0.
            var at = DateTimeOffset.FromUnixTimeMilliseconds(random.Next(5) switch
            {
                0 => 0,
                1 => 1_234_567_890_123,
                2 => random.Next(1, 1000),
                _ => 1_700_000_000_000 + random.NextInt64(0, 100_000_000_000),
            });
            Assert.Equal(FullBuild(entry, scopes, from, until, at), templates.Json(entry, scopes, from, until, at));
            // Asked again (now from the template) with another time.
            var later = at.AddMilliseconds(random.Next(1, 10_000_000));
            Assert.Equal(FullBuild(entry, scopes, from, until, later), templates.Json(entry, scopes, from, until, later));
        }
    }

    [Fact]
    public void Json_OfChangedTaxpayerData_IsTheNewData()
    {
        var templates = new ReportTemplates();
        var scopes = Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices;
        var from = new YearMonth(2024, 1);
        var until = new YearMonth(2026, 10);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_760_000_000_000);
        var before = Entry(Taxpayers[0]);
        var first = templates.Json(before, scopes, from, until, at);

        // The tax data store hands out a new entry when the data changes.
        var after = Entry(Taxpayers[0] with { Name = Taxpayers[0].Name + " (renamed)", Invoices = [] });
        var second = templates.Json(after, scopes, from, until, at);

        Assert.Equal(FullBuild(after, scopes, from, until, at), second);
        Assert.NotEqual(first, second);
        Assert.Equal(FullBuild(before, scopes, from, until, at), templates.Json(before, scopes, from, until, at));
    }

    [Fact]
    public void Json_OfANameThatLooksLikeTheTimeKey_IsStillTheFullBuild()
    {
        var templates = new ReportTemplates();
        var odd = Entry(Taxpayers[1] with { Name = "\"generatedAtMs\":1234567890123,\"x\":\"}" });
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_765_432_109_876);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(FullBuild(odd, Scopes.TaxCreditRating, new YearMonth(2024, 1), new YearMonth(2025, 12), at),
                templates.Json(odd, Scopes.TaxCreditRating, new YearMonth(2024, 1), new YearMonth(2025, 12), at));
            at = at.AddSeconds(1);
        }
    }

    [Fact]
    public void Json_BeyondTheTemplatesOfOneTaxpayer_IsStillTheFullBuild()
    {
        var templates = new ReportTemplates();
        var entry = Entry(Taxpayers[2]);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_766_000_000_000);
        for (var month = 0; month < ReportTemplates.MaxPerTaxpayer + 20; month++)
        {
            var from = new YearMonth(2020 + (month / 12), 1 + (month % 12));
            var until = new YearMonth(2026, 12);
            Assert.Equal(FullBuild(entry, Scopes.TaxPayments, from, until, at), templates.Json(entry, Scopes.TaxPayments, from, until, at));
        }
    }
}
