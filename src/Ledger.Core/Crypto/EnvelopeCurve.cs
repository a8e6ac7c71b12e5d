using System.Security.Cryptography;
using Ledger.Core.Primitives;
using Org.BouncyCastle.Asn1.X9;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Ledger.Core.Crypto;

/// <summary>
/// secp256k1 arithmetic for envelopes, with every input checked before use: BouncyCastle checks and decodes, the two
/// scalar multiplications of every envelope (public key of the ephemeral key, ECDH) run on NBitcoin.Secp256k1 (a
/// port of libsecp256k1, several times faster); both give the same bytes.
/// </summary>
internal static class EnvelopeCurve
{
    public const int PublicKeyLength = 33;
    public const int PrivateKeyLength = 32;
    public const int KeyIdLength = 8;

    private static readonly X9ECParameters Parameters = Org.BouncyCastle.Asn1.Sec.SecNamedCurves.GetByName("secp256k1");

    public static BigInteger Order => Parameters.N;

    /// <summary>A uniformly random scalar in [1, n − 1].</summary>
    public static byte[] RandomScalar()
    {
        var bytes = new byte[PrivateKeyLength];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            var d = new BigInteger(1, bytes);
            if (d.SignValue > 0 && d.CompareTo(Parameters.N) < 0)
            {
                return bytes;
            }
        }
    }

    public static BigInteger CheckPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeyLength)
        {
            throw EnvelopeErrors.InvalidPrivateKey($"{privateKey.Length} bytes");
        }
        var d = new BigInteger(1, privateKey.ToArray());
        if (d.SignValue == 0 || d.CompareTo(Parameters.N) >= 0)
        {
            throw EnvelopeErrors.InvalidPrivateKey(d.SignValue == 0 ? "zero" : "not below the curve order");
        }
        return d;
    }

    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        CheckPrivateKey(privateKey);
        using var key = NBitcoin.Secp256k1.Context.Instance.CreateECPrivKey(privateKey);
        var compressed = new byte[PublicKeyLength];
        key.CreatePubKey().WriteToSpan(true, compressed, out _);
        return compressed;
    }

    /// <summary>Decodes a compressed point; null when it is not one (wrong length, prefix, or not on the curve).</summary>
    public static ECPoint? TryDecode(ReadOnlySpan<byte> compressed, out string why)
    {
        if (compressed.Length != PublicKeyLength)
        {
            why = $"{compressed.Length} bytes instead of {PublicKeyLength}";
            return null;
        }
        if (compressed[0] is not (0x02 or 0x03))
        {
            why = $"prefix 0x{compressed[0]:x2} instead of 0x02 or 0x03";
            return null;
        }
        try
        {
            var point = Parameters.Curve.DecodePoint(compressed.ToArray());
            if (point.IsInfinity || !point.IsValid())
            {
                why = "not a point on the curve";
                return null;
            }
            why = string.Empty;
            return point;
        }
        catch (ArgumentException)
        {
            why = "x has no point on the curve";
            return null;
        }
    }

    /// <summary>The x coordinate of d·P, 32 bytes big-endian.</summary>
    public static byte[] SharedSecret(ECPoint publicPoint, BigInteger privateScalar)
    {
        // Both inputs were checked (a point on the curve, a scalar in [1, n − 1]), so the product is never infinity.
        Span<byte> scalar = stackalloc byte[PrivateKeyLength];
        var magnitude = privateScalar.ToByteArrayUnsigned();
        scalar.Clear();
        magnitude.CopyTo(scalar[(PrivateKeyLength - magnitude.Length)..]);
        var context = NBitcoin.Secp256k1.Context.Instance;
        if (!NBitcoin.Secp256k1.ECPubKey.TryCreate(publicPoint.GetEncoded(true), context, out _, out var point) || point is null)
        {
            throw new CryptographicException("ECDH was given a point that is not on the curve.");
        }
        using var key = context.CreateECPrivKey(scalar);
        CryptographicOperations.ZeroMemory(scalar);
        CryptographicOperations.ZeroMemory(magnitude);
        Span<byte> product = stackalloc byte[PublicKeyLength];
        point.GetSharedPubkey(key).WriteToSpan(true, product, out _);
        return product[1..].ToArray();
    }

    /// <summary>The first 8 bytes of keccak256(compressed public key): names a recipient key without revealing more.</summary>
    public static byte[] KeyId(ReadOnlySpan<byte> compressedPublicKey) => Keccak.Hash(compressedPublicKey).ToArray()[..KeyIdLength];
}
