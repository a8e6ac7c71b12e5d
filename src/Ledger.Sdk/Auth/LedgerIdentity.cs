using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk.Crypto;
using Ledger.Sdk.Keys;

namespace Ledger.Sdk.Auth;

/// <summary>
/// Who a client acts for: its organization, the operator key that signs every call, and (to open data sealed to the
/// organization) its envelope encryption key. The keys stay in this process; only signatures leave it.
/// <see cref="ToString"/> shows public parts only.
/// </summary>
public sealed class LedgerIdentity : IDisposable
{
    /// <summary>An identity from an organization code, an operator key and, optionally, the encryption key pair.</summary>
    public LedgerIdentity(OrgId organization, ReadOnlySpan<byte> operatorKey, EnvelopeKeyPair? encryption = null)
    {
        Organization = organization;
        Signer = new Secp256k1Fast.SigningKey(operatorKey);
        Encryption = encryption;
    }

    /// <summary>The identity of a node's key store.</summary>
    public static LedgerIdentity FromKeys(OrgId organization, NodeKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new LedgerIdentity(organization, keys.OperatorKey, keys.Encryption);
    }

    /// <summary>The organization the calls are made for.</summary>
    public OrgId Organization { get; }

    /// <summary>The operator account that signs.</summary>
    public EthAddress Operator => Signer.Address;

    /// <summary>The key pair data is sealed to (null when this identity only asks, never reads).</summary>
    public EnvelopeKeyPair? Encryption { get; }

    internal Secp256k1Fast.SigningKey Signer { get; }

    /// <summary>Public parts only.</summary>
    public override string ToString() => $"LedgerIdentity({Organization.Code}, operator {Operator})";

    /// <inheritdoc/>
    public void Dispose() => Signer.Dispose();
}
