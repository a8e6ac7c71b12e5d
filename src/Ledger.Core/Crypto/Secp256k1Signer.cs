using System.Numerics;
using Ledger.Core.Primitives;
using NBitcoin.Secp256k1;

namespace Ledger.Core.Crypto;

/// <summary>
/// secp256k1 signatures as Ethereum makes them: 65 bytes r ‖ s ‖ v, v ∈ {27, 28}, s in the lower half of the
/// curve order (EIP-2; OpenZeppelin's ECDSA refuses the upper half). The one implementation of the solution:
/// NBitcoin.Secp256k1, a C# port of libsecp256k1 (RFC 6979 nonces, so a digest and key always give the same
/// signature), several times faster than a general-purpose big-integer implementation — every signed request is
/// signed by a client and recovered by a node.
/// </summary>
public static class Secp256k1Signer
{
    private static readonly BigInteger CurveOrder =
        BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    private static readonly BigInteger HalfOrder = CurveOrder / 2;

    /// <summary>Signs a 32-byte digest (no prefix is added).</summary>
    /// <exception cref="ArgumentException">when the key is not a 32-byte secp256k1 private key in [1, n − 1].</exception>
    public static byte[] SignDigest(Hash32 digest, ReadOnlySpan<byte> privateKey)
    {
        using var key = PrivateKey(privateKey);
        return Sign(key, digest);
    }

    /// <summary>Signs a 32-byte digest with a key kept ready (see <see cref="PrivateKey"/>).</summary>
    public static byte[] Sign(ECPrivKey key, Hash32 digest)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[32];
        digest.CopyTo(hash);
        if (!key.TrySignRecoverable(hash, out var signature) || signature is null)
        {
            throw new InvalidOperationException("secp256k1 signing failed.");
        }
        var result = new byte[65];
        signature.WriteToSpanCompact(result.AsSpan(0, 64), out var recoveryId);
        result[64] = (byte)(27 + recoveryId);
        if (!IsLowS(result))
        {
            throw new InvalidOperationException("The signer produced a high-s signature; refusing to emit a malleable signature.");
        }
        return result;
    }

    /// <summary>The address that signed <paramref name="digest"/>, or null when the signature is malformed or malleable (high s).</summary>
    public static EthAddress? Recover(Hash32 digest, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 65 || signature[64] is not (27 or 28) || !IsLowS(signature))
        {
            return null;
        }
        if (!SecpRecoverableECDSASignature.TryCreateFromCompact(signature[..64], signature[64] - 27, out var recoverable) || recoverable is null)
        {
            return null;
        }
        Span<byte> hash = stackalloc byte[32];
        digest.CopyTo(hash);
        if (!ECPubKey.TryRecover(Context.Instance, recoverable, hash, out var publicKey) || publicKey is null)
        {
            return null;
        }
        return AddressOf(publicKey);
    }

    /// <summary>True when s ≤ n/2 (and s is not zero).</summary>
    public static bool IsLowS(ReadOnlySpan<byte> signature)
    {
        var s = new BigInteger(signature.Slice(32, 32), isUnsigned: true, isBigEndian: true);
        return s.Sign > 0 && s <= HalfOrder;
    }

    /// <summary>The Ethereum address of a private key.</summary>
    /// <exception cref="ArgumentException">when the key is not a valid secp256k1 private key.</exception>
    public static EthAddress AddressOf(ReadOnlySpan<byte> privateKey)
    {
        using var key = PrivateKey(privateKey);
        return AddressOf(key.CreatePubKey());
    }

    /// <summary>The compressed (33-byte) public key of a private key — the form the consortium registers.</summary>
    /// <exception cref="ArgumentException">when the key is not a valid secp256k1 private key.</exception>
    public static byte[] CompressedPublicKey(ReadOnlySpan<byte> privateKey)
    {
        using var key = PrivateKey(privateKey);
        var compressed = new byte[33];
        key.CreatePubKey().WriteToSpan(true, compressed, out _);
        return compressed;
    }

    /// <summary>A private key ready for signing (the caller disposes it).</summary>
    /// <exception cref="ArgumentException">when the bytes are not a 32-byte secp256k1 private key in [1, n − 1].</exception>
    public static ECPrivKey PrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != 32 || !Context.Instance.TryCreateECPrivKey(privateKey, out var key) || key is null)
        {
            throw new ArgumentException("A secp256k1 private key is 32 bytes in [1, n-1].", nameof(privateKey));
        }
        return key;
    }

    private static EthAddress AddressOf(ECPubKey publicKey)
    {
        Span<byte> uncompressed = stackalloc byte[65];
        publicKey.WriteToSpan(false, uncompressed, out _);
        Span<byte> hash = stackalloc byte[32];
        Keccak.Hash(uncompressed[1..]).CopyTo(hash);
        return EthAddress.FromBytes(hash[12..]);
    }
}
