using System.Numerics;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Sdk;

/// <summary>
/// An enterprise's wallet: holds the enterprise's account key in this process — it is never sent anywhere — and signs
/// the EIP-712 artefacts the enterprise gives: consents, revocations and narrowings. Before signing typed data a node
/// prepared, it recomputes the digest from the terms itself, so a node cannot make it sign something else.
/// Any member node relays what it signs, so the enterprise needs no gas and no node of its own.
/// <see cref="ToString"/> shows the address only.
/// </summary>
public sealed class EnterpriseWallet : IDisposable
{
    private readonly byte[] _key;

    private EnterpriseWallet(byte[] key)
    {
        _key = key;
        Address = Secp256k1Signer.AddressOf(key);
    }

    /// <summary>The enterprise account (bound to its credit-code hash by the tax bureau).</summary>
    public EthAddress Address { get; }

    /// <summary>A wallet with a fresh random key.</summary>
    public static EnterpriseWallet Generate()
    {
        var key = new byte[32];
        do
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(key);
        }
        while (!NBitcoin.Secp256k1.Context.Instance.TryCreateECPrivKey(key, out _));
        return new EnterpriseWallet(key);
    }

    /// <summary>A wallet of an existing key.</summary>
    /// <exception cref="ArgumentException">when the key is not a valid secp256k1 private key.</exception>
    public static EnterpriseWallet FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != 32 || !NBitcoin.Secp256k1.Context.Instance.TryCreateECPrivKey(privateKey, out _))
        {
            throw new ArgumentException("An enterprise key is a 32-byte secp256k1 private key.", nameof(privateKey));
        }
        return new EnterpriseWallet(privateKey.ToArray());
    }

    /// <summary>The private key, to back it up (the caller keeps it safe).</summary>
    public byte[] ExportPrivateKey() => (byte[])_key.Clone();

    /// <summary>Signs consent terms in <paramref name="domain"/> (the consent registry's); returns the 65-byte signature.</summary>
    /// <exception cref="LedgerException">LEDGER-1620 when the terms name another enterprise account.</exception>
    public byte[] SignConsent(ConsentTerms terms, Eip712Domain domain)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(domain);
        RequireOwn(terms.Enterprise, "consent");
        return ConsentSignatures.Sign(terms, domain, _key);
    }

    /// <summary>Signs consent terms a node prepared, after checking that <paramref name="expectedId"/> is their digest in <paramref name="domain"/>.</summary>
    /// <exception cref="LedgerException">LEDGER-1620 for another account's terms; LEDGER-1621 when the id does not match the terms.</exception>
    public byte[] SignConsent(ConsentTerms terms, ConsentId expectedId, Eip712Domain domain)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(domain);
        var actual = terms.IdIn(domain);
        if (actual != expectedId)
        {
            throw new LedgerException(SdkErrors.WalletDigestMismatchCode, ErrorCategory.Tampered,
                $"The node said the consent id is {expectedId} but the terms it returned hash to {actual}; nothing was signed. Use another node, or prepare the terms yourself.");
        }
        return SignConsent(terms, domain);
    }

    /// <summary>Signs a revocation.</summary>
    public byte[] SignRevocation(ConsentRevocation revocation, Eip712Domain domain)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        ArgumentNullException.ThrowIfNull(domain);
        return ConsentSignatures.Sign(revocation, domain, _key);
    }

    /// <summary>Signs a narrowing (scopes only shrink, validity only shortens; the registry refuses anything else).</summary>
    public byte[] SignNarrowing(ConsentNarrowing narrowing, Eip712Domain domain)
    {
        ArgumentNullException.ThrowIfNull(narrowing);
        ArgumentNullException.ThrowIfNull(domain);
        return ConsentSignatures.Sign(narrowing, domain, _key);
    }

    /// <summary>
    /// Signs a binding of this wallet's account to its credit-code hash, for the tax bureau the binding names: the
    /// proof that the enterprise holds the key. Refuses another account's binding.
    /// </summary>
    public byte[] SignBinding(EnterpriseBinding binding, Eip712Domain domain)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(domain);
        RequireOwn(binding.Enterprise, "binding");
        return ConsentSignatures.Sign(binding, domain, _key);
    }

    /// <summary>
    /// Signs an enterprise's own call (<see cref="Core.Auth.SignedRequest.EnterpriseDigest(Core.Consent.Eip712Domain, string, ReadOnlySpan{byte}, Core.Model.OrgId, Core.Primitives.EthAddress, ulong, Core.Primitives.Hash32)"/>) with this wallet's
    /// account: the method, the request body, the node called, the time and a nonce; returns the 65-byte signature.
    /// </summary>
    public byte[] SignRequest(Eip712Domain domain, string method, ReadOnlySpan<byte> body, OrgId audience, ulong timestampMs, Hash32 nonce) =>
        Secp256k1Signer.SignDigest(Core.Auth.SignedRequest.EnterpriseDigest(domain, method, body, audience, Address, timestampMs, nonce), _key);

    /// <summary>A random unused-looking nonce (nonces are unordered: any number not used before works once).</summary>
    public static BigInteger NewNonce() => new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16), isUnsigned: true);

    /// <summary>The address only.</summary>
    public override string ToString() => $"EnterpriseWallet({Address})";

    /// <summary>Clears the key from memory.</summary>
    public void Dispose() => Array.Clear(_key);

    private void RequireOwn(EthAddress account, string what)
    {
        if (account != Address)
        {
            throw new LedgerException(SdkErrors.WalletWrongAccountCode, ErrorCategory.PermissionDenied,
                $"The {what} is for enterprise account {account}, but this wallet holds {Address}; nothing was signed.");
        }
    }
}
