using System.Text.Json;
using Ledger.Core.Scoring;

namespace Ledger.Core.Tests.Scoring;

/// <summary>The canonical reasons document against JSON.stringify in node (tests/fixtures/records/record-hashes.json → creditReasons).</summary>
public class CanonicalJsonFixtureTests
{
    [Fact]
    public void CanonicalReasonsJson_TrickyStrings_EqualsJavaScriptsAndHashesTheSame()
    {
        var fixture = Fixtures.Load("records/record-hashes.json").GetProperty("creditReasons");
        var factors = fixture.GetProperty("factors").EnumerateArray()
            .Select(f => new FactorContribution(f.Str("factor"), f.GetProperty("points").GetInt32(), f.GetProperty("maxPoints").GetInt32(), f.Str("reason")))
            .ToList();
        var reasons = fixture.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();
        var decision = new CreditDecision(false, null, 0, 0, 0, 0, factors, reasons, null, "v", DateTimeOffset.UnixEpoch);

        Assert.Equal(fixture.Str("canonicalJson"), decision.CanonicalReasonsJson());
        Assert.Equal(fixture.GetProperty("reasonsHash").Hash(), decision.ReasonsHash());
    }

    [Fact]
    public void CanonicalJson_Escaping_IsMinimal()
    {
        var json = new CanonicalJson().StartArray()
            .String("\"\\\b\f\n\r\t\u0001\u001f /<>&'+é税😀")
            .Number(-12).Number(0).Bool(true).Bool(false)
            .StartObject().Name("a").StartArray().EndArray().Name("b").StartObject().EndObject().EndObject()
            .EndArray().ToString();
        Assert.Equal("[\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f /<>&'+é税😀\",-12,0,true,false,{\"a\":[],\"b\":{}}]", json);
        using var parsed = JsonDocument.Parse(json);
        Assert.Equal("\"\\\b\f\n\r\t\u0001\u001f /<>&'+é税😀", parsed.RootElement[0].GetString());
    }
}
