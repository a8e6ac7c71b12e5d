using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Cli.Tests.Support;
using Ledger.Core.TaxData;

namespace Ledger.Cli.Tests;

/// <summary>
/// `ledger tax import` of each file format docs/api.md describes (CSV, a pretty-printed JSON array), through the
/// running tax node, then `ledger tax list` finds the taxpayers it now holds.
/// </summary>
[Collection(SharedConsortium.Name)]
public sealed class TaxImportTests(ConsortiumFixture fixture)
{
    [Fact]
    public async Task TaxImport_CsvFileAndJsonArrayFile_AreImportedAndListedByTaxList()
    {
        var forCsv = NewTaxpayers(3);
        var forJson = NewTaxpayers(3);
        var csv = Path.Combine(fixture.Dir, $"taxpayers-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, TaxpayerImport.ToCsv(forCsv));
        var json = Path.Combine(fixture.Dir, $"taxpayers-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(json, PrettyArray(forJson.Select(TaxpayerImport.ToJsonLine)));
        Assert.StartsWith("[\n", (await File.ReadAllTextAsync(json)).ReplaceLineEndings("\n"), StringComparison.Ordinal);

        var fromCsv = await fixture.RunAsync("tax", "import", csv, "--json");
        var fromJson = await fixture.RunAsync("tax", "import", json, "--json");

        foreach (var run in new[] { fromCsv, fromJson })
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(3, run.Json().GetProperty("imported").GetInt32());
            Assert.Empty(run.Json().GetProperty("rejected").EnumerateArray());
        }
        var listed = await ListedAsync();
        foreach (var taxpayer in forCsv.Concat(forJson))
        {
            Assert.True(listed.TryGetValue(taxpayer.CreditCode.Value, out var entry), $"{taxpayer.CreditCode} is not listed after the import");
            Assert.Equal(taxpayer.Name, entry.GetProperty("name").GetString());
            // `--json` leaves out what a taxpayer does not have (a rating).
            Assert.Equal(taxpayer.LatestRating?.ToString(), entry.TryGetProperty("latestRating", out var rating) ? rating.GetString() : null);
        }
    }

    [Fact]
    public async Task TaxImport_JsonArrayWithABadElement_NamesItExitsOneAndImportsTheOthers()
    {
        var taxpayers = NewTaxpayers(2);
        var broken = JsonNode.Parse(TaxpayerImport.ToJsonLine(NewTaxpayers(1)[0]))!.AsObject();
        broken.Remove("registeredOn");
        var file = Path.Combine(fixture.Dir, $"taxpayers-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, PrettyArray([TaxpayerImport.ToJsonLine(taxpayers[0]), broken.ToJsonString(), TaxpayerImport.ToJsonLine(taxpayers[1])]));

        var run = await fixture.RunAsync("tax", "import", file, "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(2, run.Json().GetProperty("imported").GetInt32());
        Assert.Equal("element 2: 'registeredOn' is missing.", Assert.Single(run.Json().GetProperty("rejected").EnumerateArray()).GetString());
        var listed = await ListedAsync();
        Assert.All(taxpayers, t => Assert.True(listed.ContainsKey(t.CreditCode.Value), $"{t.CreditCode} is not listed"));
        Assert.False(listed.ContainsKey(broken["creditCode"]!.GetValue<string>()));
    }

    /// <summary>`ledger tax list` as JSON, by credit code.</summary>
    private async Task<Dictionary<string, JsonElement>> ListedAsync()
    {
        var list = await fixture.RunAsync("tax", "list", "--limit", "10000", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        return list.Json().GetProperty("enterprises").EnumerateArray()
            .ToDictionary(e => e.GetProperty("creditCode").GetString()!, e => e.Clone(), StringComparer.Ordinal);
    }

    private static IReadOnlyList<Taxpayer> NewTaxpayers(int count) =>
        SyntheticTaxpayers.Generate(count, RandomNumberGenerator.GetInt32(1, int.MaxValue), DateOnly.FromDateTime(DateTime.UtcNow));

    /// <summary>A pretty-printed JSON array of the given JSON values, as a person or another system would write it.</summary>
    private static string PrettyArray(IEnumerable<string> elements) =>
        new JsonArray(elements.Select(e => JsonNode.Parse(e)).ToArray()).ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
}
