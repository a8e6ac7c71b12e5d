namespace Ledger.Core.Crypto;

/// <summary>
/// A node's encryption key pair on secp256k1: a 32-byte private key and the 33-byte compressed public key that the
/// member registers in the consortium, to which providers seal the data they send it. Kept apart from the node's
/// signing (account) key so that rotating one does not touch the other. <see cref="ToString"/> never shows the
/// private key.
/// </summary>
public sealed class EnvelopeKeyPair
{
    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;

    private EnvelopeKeyPair(byte[] privateKey)
    {
        _privateKey = privateKey;
        _publicKey = EnvelopeCurve.PublicKeyOf(privateKey);
    }

    /// <summary>A new key pair from the operating system's random number generator.</summary>
    public static EnvelopeKeyPair Generate() => new(EnvelopeCurve.RandomScalar());

    /// <summary>The key pair of an existing private key (e.g. loaded from the node's key store).</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1103 when the key is not 32 bytes in [1, n − 1].</exception>
    public static EnvelopeKeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        EnvelopeCurve.CheckPrivateKey(privateKey);
        return new(privateKey.ToArray());
    }

    /// <summary>The 33-byte compressed public key (0x02 or 0x03 ‖ x).</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>The 32-byte private key, for the node's key store only.</summary>
    public ReadOnlySpan<byte> PrivateKey => _privateKey;

    /// <summary>A short id of the public key (the first 8 bytes of its keccak-256, as hex) that envelopes carry.</summary>
    public string KeyId => Convert.ToHexStringLower(EnvelopeCurve.KeyId(_publicKey));

    /// <summary>Opens an envelope sealed to this key pair (see <see cref="Envelope.Open"/>).</summary>
    public byte[] Open(ReadOnlySpan<byte> envelope, EnvelopeBinding binding) => Envelope.Open(envelope, _privateKey, binding);

    /// <summary>Shows the public key only.</summary>
    public override string ToString() => $"EnvelopeKeyPair(public 0x{Convert.ToHexStringLower(_publicKey)})";
}
