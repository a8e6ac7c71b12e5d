using System.Numerics;
using Ledger.Core.Primitives;

namespace Ledger.Core.Consent;

/// <summary>
/// The EIP-712 domain of the consent registry: name, version, chain id and contract. Every signature and every
/// consent id is bound to it, so nothing signed for one chain or contract is valid on another.
/// </summary>
public sealed record Eip712Domain(string Name, string Version, BigInteger ChainId, EthAddress VerifyingContract)
{
    /// <summary>The registry's domain name (from contracts/eip712/types.json).</summary>
    public static readonly string ConsentRegistryName = Eip712Types.Domain("ConsentRegistry").Name;

    /// <summary>The registry's domain version.</summary>
    public static readonly string ConsentRegistryVersion = Eip712Types.Domain("ConsentRegistry").Version;

    /// <summary>The consent registry's domain on <paramref name="chainId"/> at <paramref name="registry"/>.</summary>
    public static Eip712Domain ForConsentRegistry(BigInteger chainId, EthAddress registry) =>
        new(ConsentRegistryName, ConsentRegistryVersion, chainId, registry);

    /// <summary>The domain separator.</summary>
    public Hash32 Separator() => Eip712Types.Struct(Eip712Types.DomainType)
        .Set("name", Name)
        .Set("version", Version)
        .Set("chainId", ChainId)
        .Set("verifyingContract", VerifyingContract)
        .Hash();

    /// <summary>keccak256(0x1901 ‖ separator ‖ structHash): what is signed.</summary>
    public Hash32 Digest(Hash32 structHash)
    {
        Span<byte> buffer = stackalloc byte[66];
        buffer[0] = 0x19;
        buffer[1] = 0x01;
        Separator().CopyTo(buffer[2..]);
        structHash.CopyTo(buffer[34..]);
        return Keccak.Hash(buffer);
    }
}
