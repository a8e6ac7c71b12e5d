using System.Numerics;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Auth;

/// <summary>
/// How a node proves, on every gRPC call to another node, that the call comes from an operator of a consortium
/// member: it signs an EIP-712 <c>LedgerRequest</c> over the method, the request body, the audience (the called
/// organization), a timestamp and a random nonce, with its operator key. The server recovers the account, asks the
/// chain which member it operates and with which role, and refuses stale timestamps and reused nonces.
/// The domain is bound to the chain and the consortium contract, so a signature is good for one consortium only.
/// </summary>
public static class SignedRequest
{
    /// <summary>Metadata keys carried by a signed call.</summary>
    public static class Headers
    {
        /// <summary>Caller's organization code.</summary>
        public const string Org = "ledger-org";
        /// <summary>Unix milliseconds at signing.</summary>
        public const string Timestamp = "ledger-timestamp";
        /// <summary>Random 32-byte nonce (0x-hex).</summary>
        public const string Nonce = "ledger-nonce";
        /// <summary>65-byte signature (0x-hex).</summary>
        public const string Signature = "ledger-signature";
        /// <summary>The enterprise account of an enterprise's own call (<see cref="EnterpriseTypeString"/>; instead of <see cref="Org"/>).</summary>
        public const string Enterprise = "ledger-enterprise";
    }

    /// <summary>The EIP-712 type string.</summary>
    public static readonly string TypeString = Eip712Types.TypeString("LedgerRequest");

    /// <summary>
    /// The EIP-712 type string of an enterprise's own call (it reads its own consents and the accesses to its data):
    /// signed with the key bound to its credit-code hash, in the same domain as member calls. The type differs, so a
    /// member's request signature is never an enterprise's, nor the reverse.
    /// </summary>
    public static readonly string EnterpriseTypeString = Eip712Types.TypeString("EnterpriseRequest");

    /// <summary>The signing domain for a consortium: name "Ledger gRPC", version 1, its chain and contract.</summary>
    public static Eip712Domain Domain(BigInteger chainId, EthAddress consortium) => new(GrpcDomain.Name, GrpcDomain.Version, chainId, consortium);

    private static readonly (string Name, string Version) GrpcDomain = Eip712Types.Domain("Grpc");

    /// <summary>The digest that is signed.</summary>
    public static Hash32 Digest(
        Eip712Domain domain, string method, ReadOnlySpan<byte> body, OrgId audience, OrgId caller, ulong timestampMs, Hash32 nonce) =>
        Digest(domain, method, Keccak.Hash(body), audience, caller, timestampMs, nonce);

    /// <summary>The digest that is signed, given the keccak256 of the request's bytes (as a node receives them).</summary>
    public static Hash32 Digest(
        Eip712Domain domain, string method, Hash32 bodyHash, OrgId audience, OrgId caller, ulong timestampMs, Hash32 nonce) =>
        domain.Digest(Eip712Types.Struct("LedgerRequest")
            .Set("method", method)
            .Set("bodyHash", bodyHash)
            .Set("audience", audience.Value)
            .Set("caller", caller.Value)
            .Set("timestampMs", timestampMs)
            .Set("nonce", nonce)
            .Hash());

    /// <summary>The digest an enterprise signs for its own call (<see cref="EnterpriseTypeString"/>).</summary>
    public static Hash32 EnterpriseDigest(
        Eip712Domain domain, string method, ReadOnlySpan<byte> body, OrgId audience, EthAddress enterprise, ulong timestampMs, Hash32 nonce) =>
        EnterpriseDigest(domain, method, Keccak.Hash(body), audience, enterprise, timestampMs, nonce);

    /// <summary>The digest an enterprise signs, given the keccak256 of the request's bytes.</summary>
    public static Hash32 EnterpriseDigest(
        Eip712Domain domain, string method, Hash32 bodyHash, OrgId audience, EthAddress enterprise, ulong timestampMs, Hash32 nonce) =>
        domain.Digest(Eip712Types.Struct("EnterpriseRequest")
            .Set("method", method)
            .Set("bodyHash", bodyHash)
            .Set("audience", audience.Value)
            .Set("enterprise", enterprise)
            .Set("timestampMs", timestampMs)
            .Set("nonce", nonce)
            .Hash());

    /// <summary>Signs a call; returns the signature (65 bytes).</summary>
    public static byte[] Sign(
        Eip712Domain domain, string method, ReadOnlySpan<byte> body, OrgId audience, OrgId caller, ulong timestampMs, Hash32 nonce,
        ReadOnlySpan<byte> operatorKey) =>
        Secp256k1Signer.SignDigest(Digest(domain, method, body, audience, caller, timestampMs, nonce), operatorKey);

    /// <summary>The account that signed the call, or null when the signature is malformed or malleable.</summary>
    public static EthAddress? Recover(
        Eip712Domain domain, string method, ReadOnlySpan<byte> body, OrgId audience, OrgId caller, ulong timestampMs, Hash32 nonce,
        ReadOnlySpan<byte> signature) =>
        Secp256k1Signer.Recover(Digest(domain, method, body, audience, caller, timestampMs, nonce), signature);
}
