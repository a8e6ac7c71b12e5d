using System.Security.Cryptography;
using Ledger.Core.Primitives;

namespace Ledger.Core.Crypto;

/// <summary>
/// secp256k1 arithmetic for envelopes, with every input checked before use, on <see cref="Secp256k1Backend"/>
/// (libsecp256k1, or its C# port where the native library does not load: the same bytes): the public key of a
/// private key, point checks, and the constant-time ECDH of every envelope.
/// </summary>
internal static class EnvelopeCurve
{
    public const int PublicKeyLength = 33;
    public const int PrivateKeyLength = 32;
    public const int KeyIdLength = 8;

    // The group order n, big-endian.
    private static ReadOnlySpan<byte> Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
        0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
    ];

    /// <summary>A uniformly random scalar in [1, n − 1].</summary>
    public static byte[] RandomScalar()
    {
        var bytes = new byte[PrivateKeyLength];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            if (InRange(bytes))
            {
                return bytes;
            }
        }
    }

    /// <summary>Throws LEDGER-1103 unless the key is 32 bytes in [1, n − 1].</summary>
    public static void CheckPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeyLength)
        {
            throw EnvelopeErrors.InvalidPrivateKey($"{privateKey.Length} bytes");
        }
        if (!InRange(privateKey))
        {
            throw EnvelopeErrors.InvalidPrivateKey(privateKey.IndexOfAnyExcept((byte)0) < 0 ? "zero" : "not below the curve order");
        }
    }

    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        CheckPrivateKey(privateKey);
        var compressed = new byte[PublicKeyLength];
        if (!Secp256k1Backend.Current.TryPublicKey(privateKey, true, compressed))
        {
            throw new CryptographicException("secp256k1 could not derive the public key of a checked private key.");
        }
        return compressed;
    }

    /// <summary>True when the bytes are a compressed point on the curve; otherwise says why not.</summary>
    public static bool IsValidPoint(ReadOnlySpan<byte> compressed, out string why)
    {
        if (compressed.Length != PublicKeyLength)
        {
            why = $"{compressed.Length} bytes instead of {PublicKeyLength}";
            return false;
        }
        if (compressed[0] is not (0x02 or 0x03))
        {
            why = $"prefix 0x{compressed[0]:x2} instead of 0x02 or 0x03";
            return false;
        }
        if (!Secp256k1Backend.Current.IsValidPublicKey(compressed))
        {
            why = "x has no point on the curve";
            return false;
        }
        why = string.Empty;
        return true;
    }

    /// <summary>The x coordinate of d·P, 32 bytes big-endian, for a checked point and a checked private key.</summary>
    public static byte[] SharedSecret(ReadOnlySpan<byte> compressedPoint, ReadOnlySpan<byte> privateKey)
    {
        // Both inputs were checked (a point on the curve, a scalar in [1, n − 1]), so the product is never infinity.
        var x = new byte[32];
        if (!Secp256k1Backend.Current.TrySharedX(compressedPoint, privateKey, x))
        {
            throw new CryptographicException("ECDH was given a point that is not on the curve.");
        }
        return x;
    }

    /// <summary>The first 8 bytes of keccak256(compressed public key): names a recipient key without revealing more.</summary>
    public static byte[] KeyId(ReadOnlySpan<byte> compressedPublicKey) => Keccak.Hash(compressedPublicKey).ToArray()[..KeyIdLength];

    private static bool InRange(ReadOnlySpan<byte> scalar) =>
        scalar.Length == PrivateKeyLength && scalar.IndexOfAnyExcept((byte)0) >= 0 && scalar.SequenceCompareTo(Order) < 0;
}
