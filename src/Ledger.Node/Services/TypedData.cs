using System.Globalization;
using System.Text;
using System.Text.Json;
using Ledger.Core.Consent;

namespace Ledger.Node.Services;

/// <summary>
/// EIP-712 typed data as wallets take it (<c>eth_signTypedData_v4</c>): types, primary type, domain and message.
/// Integers of the message are decimal strings (exact for uint256), the chain id a number.
/// </summary>
internal static class TypedData
{
    private static readonly (string Name, string Type)[] DomainFields =
        [("name", "string"), ("version", "string"), ("chainId", "uint256"), ("verifyingContract", "address")];

    /// <summary>The JSON of the primary type of <paramref name="typeString"/>, with <paramref name="values"/> in its fields' order.</summary>
    public static string Json(Eip712Domain domain, string typeString, IReadOnlyList<string> values)
    {
        var open = typeString.IndexOf('(', StringComparison.Ordinal);
        var primaryType = typeString[..open];
        var fields = typeString[(open + 1)..^1].Split(',').Select(f => f.Split(' ')).Select(p => (Name: p[1], Type: p[0])).ToArray();
        if (fields.Length != values.Count)
        {
            throw new ArgumentException($"{primaryType} has {fields.Length} fields and {values.Count} values were given.", nameof(values));
        }
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("types");
            WriteFields(w, "EIP712Domain", DomainFields);
            WriteFields(w, primaryType, fields);
            w.WriteEndObject();
            w.WriteString("primaryType", primaryType);
            w.WriteStartObject("domain");
            w.WriteString("name", domain.Name);
            w.WriteString("version", domain.Version);
            w.WriteNumber("chainId", (ulong)domain.ChainId);
            w.WriteString("verifyingContract", domain.VerifyingContract.ToString());
            w.WriteEndObject();
            w.WriteStartObject("message");
            for (var i = 0; i < fields.Length; i++)
            {
                w.WriteString(fields[i].Name, values[i]);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Consent(Eip712Domain domain, ConsentTerms t) => Json(domain, ConsentTerms.TypeString,
    [
        t.Enterprise.ToString(), t.CreditCodeHash.ToString(), t.Consumer.Value.ToString(), t.Provider.Value.ToString(),
        N(t.Scopes), N(t.Purpose), N(t.ValidFrom), N(t.ValidUntil), N(t.DataFrom), N(t.DataUntil), N(t.FetchCap), N(t.FetchPeriod),
        N(t.DataLife), t.Nonce.ToString(CultureInfo.InvariantCulture), t.Deadline.ToString(CultureInfo.InvariantCulture),
    ]);

    public static string Revocation(Eip712Domain domain, ConsentRevocation r) => Json(domain, ConsentRevocation.TypeString,
        [r.ConsentId.ToString(), r.Nonce.ToString(CultureInfo.InvariantCulture), r.Deadline.ToString(CultureInfo.InvariantCulture)]);

    public static string Narrowing(Eip712Domain domain, ConsentNarrowing n) => Json(domain, ConsentNarrowing.TypeString,
    [
        n.ConsentId.ToString(), N(n.Scopes), N(n.ValidUntil), n.Nonce.ToString(CultureInfo.InvariantCulture), n.Deadline.ToString(CultureInfo.InvariantCulture),
    ]);

    private static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string N(Core.Model.Scopes value) => ((ulong)value).ToString(CultureInfo.InvariantCulture);

    private static void WriteFields(Utf8JsonWriter w, string name, IEnumerable<(string Name, string Type)> fields)
    {
        w.WriteStartArray(name);
        foreach (var (field, type) in fields)
        {
            w.WriteStartObject();
            w.WriteString("name", field);
            w.WriteString("type", type);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
