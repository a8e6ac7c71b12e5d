using Ledger.Core.Primitives;

namespace Ledger.Core.Crypto;

/// <summary>
/// secp256k1 signatures as Ethereum makes them: 65 bytes r ‖ s ‖ v, v ∈ {27, 28}, s in the lower half of the
/// curve order (EIP-2; OpenZeppelin's ECDSA refuses the upper half). The one implementation of the solution, on
/// <see cref="Secp256k1Backend"/>: libsecp256k1 (native) where it loads, else NBitcoin.Secp256k1, its C# port — the
/// same bytes either way (RFC 6979 nonces, so a digest and key always give the same signature). Every signed request
/// is signed by a client and recovered by a node, so this is on the hot path of every call.
/// </summary>
public static class Secp256k1Signer
{
    // n / 2, big-endian: s must not exceed it (EIP-2).
    private static ReadOnlySpan<byte> HalfOrder =>
    [
        0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
    ];

    /// <summary>Which implementation runs: "libsecp256k1 (native)" or "NBitcoin.Secp256k1 (managed)".</summary>
    public static string Implementation => Secp256k1Backend.Current.Name;

    /// <summary>Signs a 32-byte digest (no prefix is added).</summary>
    /// <exception cref="ArgumentException">when the key is not a 32-byte secp256k1 private key in [1, n − 1].</exception>
    public static byte[] SignDigest(Hash32 digest, ReadOnlySpan<byte> privateKey)
    {
        var result = new byte[65];
        SignDigest(digest, privateKey, result);
        return result;
    }

    /// <summary>Signs a 32-byte digest into <paramref name="signature"/> (65 bytes r ‖ s ‖ v).</summary>
    /// <exception cref="ArgumentException">when the key is not a 32-byte secp256k1 private key in [1, n − 1], or the destination is not 65 bytes.</exception>
    public static void SignDigest(Hash32 digest, ReadOnlySpan<byte> privateKey, Span<byte> signature)
    {
        if (signature.Length != 65)
        {
            throw new ArgumentException("A signature is 65 bytes r ‖ s ‖ v.", nameof(signature));
        }
        if (!Secp256k1Backend.Current.IsValidPrivateKey(privateKey))
        {
            throw new ArgumentException("A secp256k1 private key is 32 bytes in [1, n-1].", nameof(privateKey));
        }
        Span<byte> hash = stackalloc byte[32];
        digest.CopyTo(hash);
        if (!Secp256k1Backend.Current.TrySign(privateKey, hash, signature[..64], out var recoveryId) || recoveryId is not (0 or 1))
        {
            throw new InvalidOperationException("secp256k1 signing failed.");
        }
        signature[64] = (byte)(27 + recoveryId);
        if (!IsLowS(signature))
        {
            throw new InvalidOperationException("The signer produced a high-s signature; refusing to emit a malleable signature.");
        }
    }

    /// <summary>The address that signed <paramref name="digest"/>, or null when the signature is malformed or malleable (high s).</summary>
    public static EthAddress? Recover(Hash32 digest, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 65 || signature[64] is not (27 or 28) || !IsLowS(signature))
        {
            return null;
        }
        Span<byte> hash = stackalloc byte[32];
        digest.CopyTo(hash);
        Span<byte> uncompressed = stackalloc byte[65];
        if (!Secp256k1Backend.Current.TryRecover(hash, signature[..64], signature[64] - 27, uncompressed))
        {
            return null;
        }
        return AddressOfPublicKey(uncompressed);
    }

    /// <summary>True when s ≤ n/2 (and s is not zero).</summary>
    public static bool IsLowS(ReadOnlySpan<byte> signature)
    {
        var s = signature.Slice(32, 32);
        return s.IndexOfAnyExcept((byte)0) >= 0 && s.SequenceCompareTo(HalfOrder) <= 0;
    }

    /// <summary>The Ethereum address of a private key.</summary>
    /// <exception cref="ArgumentException">when the key is not a valid secp256k1 private key.</exception>
    public static EthAddress AddressOf(ReadOnlySpan<byte> privateKey)
    {
        Span<byte> uncompressed = stackalloc byte[65];
        if (!Secp256k1Backend.Current.TryPublicKey(privateKey, false, uncompressed))
        {
            throw new ArgumentException("A secp256k1 private key is 32 bytes in [1, n-1].", nameof(privateKey));
        }
        return AddressOfPublicKey(uncompressed);
    }

    /// <summary>The compressed (33-byte) public key of a private key — the form the consortium registers.</summary>
    /// <exception cref="ArgumentException">when the key is not a valid secp256k1 private key.</exception>
    public static byte[] CompressedPublicKey(ReadOnlySpan<byte> privateKey)
    {
        var compressed = new byte[33];
        if (!Secp256k1Backend.Current.TryPublicKey(privateKey, true, compressed))
        {
            throw new ArgumentException("A secp256k1 private key is 32 bytes in [1, n-1].", nameof(privateKey));
        }
        return compressed;
    }

    /// <summary>True when the bytes are a 32-byte secp256k1 private key in [1, n − 1].</summary>
    public static bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey) => Secp256k1Backend.Current.IsValidPrivateKey(privateKey);

    // keccak256(x ‖ y)[12..] of an uncompressed key 0x04 ‖ x ‖ y.
    private static EthAddress AddressOfPublicKey(ReadOnlySpan<byte> uncompressed)
    {
        Span<byte> hash = stackalloc byte[32];
        Keccak.Hash(uncompressed[1..]).CopyTo(hash);
        return EthAddress.FromBytes(hash[12..]);
    }
}
