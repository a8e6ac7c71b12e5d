using Ledger.Core.Consent;

namespace Ledger.Node.Services;

/// <summary>
/// EIP-712 typed data as wallets take it (<c>eth_signTypedData_v4</c>) for the artefacts the node prepares, from the
/// one definition of the types (<see cref="Eip712Types"/>, contracts/eip712/types.json).
/// </summary>
internal static class TypedData
{
    public static string Consent(Eip712Domain domain, ConsentTerms t) => Eip712TypedData.Json(domain, t.ToStruct());

    public static string Revocation(Eip712Domain domain, ConsentRevocation r) => Eip712TypedData.Json(domain, r.ToStruct());

    public static string Narrowing(Eip712Domain domain, ConsentNarrowing n) => Eip712TypedData.Json(domain, n.ToStruct());
}
