using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Sdk;

/// <summary>
/// Reads back the EIP-712 typed data of a consent (<c>eth_signTypedData_v4</c> JSON, as <c>PrepareAsync</c> returns it
/// and <c>ledger consent prepare --out</c> writes it), so a signature made elsewhere — by the enterprise's own wallet —
/// can be submitted with the exact terms it signed.
/// </summary>
public static class ConsentTypedData
{
    /// <summary>The consent terms and the domain of <paramref name="json"/>.</summary>
    /// <exception cref="FormatException">when it is not the typed data of a Ledger consent.</exception>
    public static (ConsentTerms Terms, Eip712Domain Domain) Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.GetProperty("primaryType").GetString() != "Consent")
            {
                throw new FormatException($"its primaryType is '{root.GetProperty("primaryType").GetString()}', not Consent");
            }
            var d = root.GetProperty("domain");
            var domain = new Eip712Domain(
                d.GetProperty("name").GetString()!,
                d.GetProperty("version").GetString()!,
                d.GetProperty("chainId").ValueKind == JsonValueKind.Number ? new BigInteger(d.GetProperty("chainId").GetUInt64()) : BigInteger.Parse(d.GetProperty("chainId").GetString()!, CultureInfo.InvariantCulture),
                EthAddress.Parse(d.GetProperty("verifyingContract").GetString()!));
            var m = root.GetProperty("message");
            string S(string name) => m.GetProperty(name).ValueKind == JsonValueKind.Number ? m.GetProperty(name).GetRawText() : m.GetProperty(name).GetString()!;
            ulong U(string name) => ulong.Parse(S(name), NumberStyles.None, CultureInfo.InvariantCulture);
            var terms = new ConsentTerms(
                EthAddress.Parse(S("enterprise")),
                new EnterpriseHash(Hash32.Parse(S("creditCodeHash"))),
                new OrgId(Hash32.Parse(S("consumer"))),
                new OrgId(Hash32.Parse(S("provider"))),
                (Scopes)U("scopes"),
                checked((uint)U("purpose")),
                U("validFrom"),
                U("validUntil"),
                U("dataFrom"),
                U("dataUntil"),
                checked((uint)U("fetchCap")),
                checked((uint)U("fetchPeriod")),
                U("dataLife"),
                BigInteger.Parse(S("nonce"), NumberStyles.None, CultureInfo.InvariantCulture),
                BigInteger.Parse(S("deadline"), NumberStyles.None, CultureInfo.InvariantCulture));
            return (terms, domain);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or OverflowException or ArgumentException or FormatException)
        {
            throw new FormatException($"It is not the EIP-712 typed data of a Ledger consent: {ex.Message}", ex);
        }
    }
}
