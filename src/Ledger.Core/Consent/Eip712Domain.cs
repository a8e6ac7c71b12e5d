using System.Numerics;
using Ledger.Core.Primitives;

namespace Ledger.Core.Consent;

/// <summary>
/// The EIP-712 domain of the consent registry: name, version, chain id and contract. Every signature and every
/// consent id is bound to it, so nothing signed for one chain or contract is valid on another.
/// </summary>
public sealed record Eip712Domain(string Name, string Version, BigInteger ChainId, EthAddress VerifyingContract)
{
    /// <summary>The registry's domain name.</summary>
    public const string ConsentRegistryName = "Ledger ConsentRegistry";

    /// <summary>The registry's domain version.</summary>
    public const string ConsentRegistryVersion = "1";

    private static readonly Hash32 DomainTypeHash =
        Keccak.Hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    /// <summary>The consent registry's domain on <paramref name="chainId"/> at <paramref name="registry"/>.</summary>
    public static Eip712Domain ForConsentRegistry(BigInteger chainId, EthAddress registry) =>
        new(ConsentRegistryName, ConsentRegistryVersion, chainId, registry);

    /// <summary>The domain separator.</summary>
    public Hash32 Separator() => new AbiWords()
        .Bytes32(DomainTypeHash)
        .Bytes32(Keccak.Hash(Name))
        .Bytes32(Keccak.Hash(Version))
        .Number(ChainId)
        .Address(VerifyingContract)
        .Keccak();

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
