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

    // The separator with the fields it was computed from: a node hashes it for every signed request, and `with`
    // copies this field into a record whose fields may differ, so it is used only when they are the same.
    // A reference, written whole (readers on other threads see all of it or none).
    private Computed? _separator;

    private sealed record Computed(string Name, string Version, BigInteger ChainId, EthAddress Contract, Hash32 Separator);

    /// <summary>The domain separator (computed once per domain).</summary>
    public Hash32 Separator()
    {
        if (_separator is { } known && known.Name == Name && known.Version == Version && known.ChainId == ChainId && known.Contract == VerifyingContract)
        {
            return known.Separator;
        }
        var separator = Eip712Types.Struct(Eip712Types.DomainType)
            .Set("name", Name)
            .Set("version", Version)
            .Set("chainId", ChainId)
            .Set("verifyingContract", VerifyingContract)
            .Hash();
        _separator = new Computed(Name, Version, ChainId, VerifyingContract, separator);
        return separator;
    }

    /// <summary>Equal when name, version, chain id and contract are (the cached separator is not part of a domain).</summary>
    public bool Equals(Eip712Domain? other) => other is not null
        && Name == other.Name && Version == other.Version && ChainId == other.ChainId && VerifyingContract == other.VerifyingContract;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Version, ChainId, VerifyingContract);

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
