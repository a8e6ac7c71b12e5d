using System.Security.Cryptography;
using System.Text;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Crypto;

/// <summary>What an envelope is bound to: the consent it was served under and the request it answers.</summary>
/// <param name="ConsentId">The consent the data was served under.</param>
/// <param name="RequestHash">The hash of the request the data answers (the access record's <c>requestHash</c>).</param>
public readonly record struct EnvelopeBinding(ConsentId ConsentId, Hash32 RequestHash)
{
    /// <summary>keccak256(consentId ‖ requestHash): the binding digest; its first 8 bytes travel in the header.</summary>
    public Hash32 Digest() => Keccak.Hash(ConsentId.Value, RequestHash);
}

/// <summary>
/// Envelope encryption of data sent to a member, sealed to the member's registered compressed secp256k1 public key:
/// a fresh ephemeral key per envelope, ECDH (the shared point's x coordinate), HKDF-SHA256 (salt = ephemeral public
/// key ‖ recipient public key, info = <c>ledger/envelope/v1</c>) to a 256-bit key, and AES-256-GCM with a random
/// 96-bit nonce. The associated data is the header (version, ephemeral key, recipient key id, binding id, nonce)
/// followed by the full consent id and request hash, so an envelope opens only for the consent and request it was
/// sealed for, and no header byte can change unnoticed.
/// <code>
/// offset  size  field
///      0     1  version (1)
///      1    33  ephemeral public key, compressed
///     34     8  recipient key id  = keccak256(recipient public key)[0..8]
///     42     8  binding id        = keccak256(consentId ‖ requestHash)[0..8]
///     50    12  nonce
///     62    16  GCM tag
///     78     n  ciphertext (as long as the plaintext)
/// </code>
/// The two ids are hints that let <see cref="Open"/> say "sealed to another key" or "bound to another consent or
/// request" instead of a bare authentication failure; they are authenticated like the rest of the header.
/// </summary>
public static class Envelope
{
    /// <summary>The format version this code writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>Bytes before the ciphertext.</summary>
    public const int HeaderLength = 1 + EphemeralKeyLength + KeyIdLength + BindingIdLength + NonceLength + TagLength;

    /// <summary>The HKDF info string.</summary>
    public const string KdfInfo = "ledger/envelope/v1";

    private const int EphemeralKeyLength = EnvelopeCurve.PublicKeyLength;
    private const int KeyIdLength = EnvelopeCurve.KeyIdLength;
    private const int BindingIdLength = 8;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int EphemeralKeyOffset = 1;
    private const int KeyIdOffset = EphemeralKeyOffset + EphemeralKeyLength;
    private const int BindingIdOffset = KeyIdOffset + KeyIdLength;
    private const int NonceOffset = BindingIdOffset + BindingIdLength;
    private const int TagOffset = NonceOffset + NonceLength;
    private const int AuthenticatedHeaderLength = TagOffset; // everything before the tag

    private static readonly byte[] KdfInfoBytes = Encoding.UTF8.GetBytes(KdfInfo);

    /// <summary>Encrypts <paramref name="plaintext"/> to <paramref name="recipientPublicKey"/>, bound to <paramref name="binding"/>.</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1102 when the recipient key is not a compressed secp256k1 key.</exception>
    public static byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> recipientPublicKey, EnvelopeBinding binding)
    {
        var ephemeral = EnvelopeCurve.RandomScalar();
        Span<byte> nonce = stackalloc byte[NonceLength];
        RandomNumberGenerator.Fill(nonce);
        try
        {
            return Seal(plaintext, recipientPublicKey, binding, ephemeral, nonce);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeral);
        }
    }

    /// <summary>Seal with a given ephemeral key and nonce: for test vectors only, never reuse either.</summary>
    internal static byte[] Seal(
        ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> recipientPublicKey, EnvelopeBinding binding,
        ReadOnlySpan<byte> ephemeralPrivateKey, ReadOnlySpan<byte> nonce)
    {
        Span<byte> key = stackalloc byte[32];
        var ephemeralPublic = DeriveSealingKey(recipientPublicKey, ephemeralPrivateKey, key);
        try
        {
            return SealWithKey(plaintext, ephemeralPublic, EnvelopeCurve.KeyId(recipientPublicKey), key, binding, nonce);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// The sealing side's ECDH and HKDF: checks the recipient key, computes the shared secret with the ephemeral key
    /// and derives the AES key into <paramref name="key"/>; returns the ephemeral public key (compressed).
    /// </summary>
    internal static byte[] DeriveSealingKey(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> ephemeralPrivateKey, Span<byte> key)
    {
        if (!EnvelopeCurve.IsValidPoint(recipientPublicKey, out var why))
        {
            throw EnvelopeErrors.InvalidPublicKey("recipient public key", why);
        }
        var ephemeralPublic = EnvelopeCurve.PublicKeyOf(ephemeralPrivateKey);
        var shared = EnvelopeCurve.SharedSecret(recipientPublicKey, ephemeralPrivateKey);
        try
        {
            DeriveKey(shared, ephemeralPublic, recipientPublicKey, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
        return ephemeralPublic;
    }

    /// <summary>Writes the header and encrypts under an AES key derived for (ephemeral key, recipient key).</summary>
    internal static byte[] SealWithKey(
        ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> ephemeralPublic, ReadOnlySpan<byte> recipientKeyId, ReadOnlySpan<byte> key,
        EnvelopeBinding binding, ReadOnlySpan<byte> nonce)
    {
        var envelope = new byte[HeaderLength + plaintext.Length];
        envelope[0] = Version;
        ephemeralPublic.CopyTo(envelope.AsSpan(EphemeralKeyOffset, EphemeralKeyLength));
        recipientKeyId.CopyTo(envelope.AsSpan(KeyIdOffset, KeyIdLength));
        WriteBindingId(binding, envelope.AsSpan(BindingIdOffset, BindingIdLength));
        nonce.CopyTo(envelope.AsSpan(NonceOffset, NonceLength));
        using var aes = NewAesGcm(key);
        aes.Encrypt(
            envelope.AsSpan(NonceOffset, NonceLength),
            plaintext,
            envelope.AsSpan(HeaderLength),
            envelope.AsSpan(TagOffset, TagLength),
            AssociatedData(envelope, binding));
        return envelope;
    }

    /// <summary>Decrypts an envelope sealed to the key pair of <paramref name="recipientPrivateKey"/> under <paramref name="binding"/>.</summary>
    /// <exception cref="Errors.LedgerException">
    /// LEDGER-1100 truncated, LEDGER-1101 unknown version, LEDGER-1103 invalid private key, LEDGER-1104 sealed to another
    /// key, LEDGER-1105 bound to another consent or request, LEDGER-1106 altered or forged.
    /// </exception>
    public static byte[] Open(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> recipientPrivateKey, EnvelopeBinding binding)
    {
        if (envelope.Length < HeaderLength)
        {
            throw EnvelopeErrors.Truncated(envelope.Length);
        }
        if (envelope[0] != Version)
        {
            throw EnvelopeErrors.UnsupportedVersion(envelope[0]);
        }
        var recipientPublicKey = EnvelopeCurve.PublicKeyOf(recipientPrivateKey);

        var ownKeyId = EnvelopeCurve.KeyId(recipientPublicKey);
        var sealedFor = envelope.Slice(KeyIdOffset, KeyIdLength);
        if (!sealedFor.SequenceEqual(ownKeyId))
        {
            throw EnvelopeErrors.WrongRecipient(Convert.ToHexStringLower(sealedFor), Convert.ToHexStringLower(ownKeyId));
        }
        Span<byte> bindingId = stackalloc byte[BindingIdLength];
        WriteBindingId(binding, bindingId);
        if (!envelope.Slice(BindingIdOffset, BindingIdLength).SequenceEqual(bindingId))
        {
            throw EnvelopeErrors.WrongBinding(binding.ConsentId.Value.ToShortString(), binding.RequestHash.ToShortString());
        }
        var ephemeralPublic = envelope.Slice(EphemeralKeyOffset, EphemeralKeyLength);
        if (!EnvelopeCurve.IsValidPoint(ephemeralPublic, out var why))
        {
            throw EnvelopeErrors.Tampered($"its ephemeral public key is invalid: {why}");
        }

        var plaintext = new byte[envelope.Length - HeaderLength];
        Span<byte> key = stackalloc byte[32];
        var shared = EnvelopeCurve.SharedSecret(ephemeralPublic, recipientPrivateKey);
        try
        {
            DeriveKey(shared, ephemeralPublic, recipientPublicKey, key);
            using var aes = NewAesGcm(key);
            aes.Decrypt(
                envelope.Slice(NonceOffset, NonceLength),
                envelope[HeaderLength..],
                envelope.Slice(TagOffset, TagLength),
                plaintext,
                AssociatedData(envelope, binding));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw EnvelopeErrors.Tampered("the GCM tag does not match its header, nonce and ciphertext", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(key);
        }
        return plaintext;
    }

    /// <summary>The first 8 bytes of keccak256(recipient public key): which key an envelope is sealed to.</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1100 when the envelope is shorter than its header.</exception>
    public static string RecipientKeyId(ReadOnlySpan<byte> envelope) =>
        envelope.Length < HeaderLength
            ? throw EnvelopeErrors.Truncated(envelope.Length)
            : Convert.ToHexStringLower(envelope.Slice(KeyIdOffset, KeyIdLength));

    private static void WriteBindingId(EnvelopeBinding binding, Span<byte> destination)
    {
        Span<byte> digest = stackalloc byte[32];
        binding.Digest().CopyTo(digest);
        digest[..BindingIdLength].CopyTo(destination);
    }

    // header-before-tag ‖ consentId ‖ requestHash
    private static byte[] AssociatedData(ReadOnlySpan<byte> envelope, EnvelopeBinding binding)
    {
        var data = new byte[AuthenticatedHeaderLength + 64];
        envelope[..AuthenticatedHeaderLength].CopyTo(data);
        binding.ConsentId.Value.CopyTo(data.AsSpan(AuthenticatedHeaderLength));
        binding.RequestHash.CopyTo(data.AsSpan(AuthenticatedHeaderLength + 32));
        return data;
    }

    private static void DeriveKey(ReadOnlySpan<byte> sharedX, ReadOnlySpan<byte> ephemeralPublic, ReadOnlySpan<byte> recipientPublic, Span<byte> key)
    {
        Span<byte> salt = stackalloc byte[2 * EnvelopeCurve.PublicKeyLength];
        ephemeralPublic.CopyTo(salt);
        recipientPublic.CopyTo(salt[EnvelopeCurve.PublicKeyLength..]);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedX, key, salt, KdfInfoBytes);
    }

    private static AesGcm NewAesGcm(ReadOnlySpan<byte> key) =>
        AesGcm.IsSupported ? new AesGcm(key, TagLength) : throw EnvelopeErrors.Unavailable();
}
