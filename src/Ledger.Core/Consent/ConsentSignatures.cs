using Ledger.Core.Crypto;
using Ledger.Core.Primitives;

namespace Ledger.Core.Consent;

/// <summary>Signing and checking the enterprise's EIP-712 artefacts, byte for byte as the consent registry does.</summary>
public static class ConsentSignatures
{
    /// <summary>Signs consent terms with the enterprise's key; returns the 65-byte signature.</summary>
    public static byte[] Sign(ConsentTerms terms, Eip712Domain domain, ReadOnlySpan<byte> enterpriseKey) =>
        Secp256k1Signer.SignDigest(terms.IdIn(domain).Value, enterpriseKey);

    /// <summary>Signs a revocation.</summary>
    public static byte[] Sign(ConsentRevocation revocation, Eip712Domain domain, ReadOnlySpan<byte> enterpriseKey) =>
        Secp256k1Signer.SignDigest(domain.Digest(revocation.StructHash()), enterpriseKey);

    /// <summary>Signs a narrowing.</summary>
    public static byte[] Sign(ConsentNarrowing narrowing, Eip712Domain domain, ReadOnlySpan<byte> enterpriseKey) =>
        Secp256k1Signer.SignDigest(domain.Digest(narrowing.StructHash()), enterpriseKey);

    /// <summary>Signs a binding with the enterprise account's key (the account proves it holds the key).</summary>
    public static byte[] Sign(EnterpriseBinding binding, Eip712Domain domain, ReadOnlySpan<byte> enterpriseKey)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return Secp256k1Signer.SignDigest(binding.DigestIn(domain), enterpriseKey);
    }

    /// <summary>True when an EOA signature over the binding recovers to the binding's enterprise account.</summary>
    public static bool IsSignedByEnterprise(EnterpriseBinding binding, Eip712Domain domain, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return Secp256k1Signer.Recover(binding.DigestIn(domain), signature) == binding.Enterprise;
    }

    /// <summary>True when an EOA signature over the terms recovers to the terms' enterprise account.</summary>
    public static bool IsSignedByEnterprise(ConsentTerms terms, Eip712Domain domain, ReadOnlySpan<byte> signature) =>
        Secp256k1Signer.Recover(terms.IdIn(domain).Value, signature) == terms.Enterprise;
}
