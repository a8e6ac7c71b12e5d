using Ledger.Core.Primitives;
using Ledger.Core.Crypto;
using NBitcoin.Secp256k1;

namespace Ledger.Sdk.Crypto;

/// <summary>
/// secp256k1 signing and recovery on the hot path of every call (signing each request, checking each request's
/// signature), with NBitcoin.Secp256k1 (a port of libsecp256k1): about eight times faster than the general-purpose
/// signer. Same bytes as <see cref="Secp256k1Signer"/>: RFC 6979 nonces, low s, v ∈ {27, 28}.
/// </summary>
public static class Secp256k1Fast
{
    /// <summary>A signing key kept ready (its public key computed once).</summary>
    public sealed class SigningKey : IDisposable
    {
        private readonly ECPrivKey _key;

        /// <summary>Wraps a 32-byte private key.</summary>
        /// <exception cref="ArgumentException">when the bytes are not a valid secp256k1 private key.</exception>
        public SigningKey(ReadOnlySpan<byte> privateKey)
        {
            if (privateKey.Length != 32 || !Context.Instance.TryCreateECPrivKey(privateKey, out var key) || key is null)
            {
                throw new ArgumentException("A secp256k1 private key is 32 bytes in [1, n-1].", nameof(privateKey));
            }
            _key = key;
            Address = Secp256k1Signer.AddressOf(privateKey);
        }

        /// <summary>The key's Ethereum address.</summary>
        public EthAddress Address { get; }

        /// <summary>Signs a 32-byte digest: 65 bytes r ‖ s ‖ v.</summary>
        public byte[] Sign(Hash32 digest)
        {
            Span<byte> hash = stackalloc byte[32];
            digest.CopyTo(hash);
            if (!_key.TrySignRecoverable(hash, out var signature) || signature is null)
            {
                throw new InvalidOperationException("secp256k1 signing failed.");
            }
            var result = new byte[65];
            signature.WriteToSpanCompact(result.AsSpan(0, 64), out var recoveryId);
            result[64] = (byte)(27 + recoveryId);
            return result;
        }

        /// <summary>Shows the address only.</summary>
        public override string ToString() => $"SigningKey({Address})";

        /// <inheritdoc/>
        public void Dispose() => _key.Dispose();
    }

    /// <summary>The address that signed <paramref name="digest"/>, or null when the signature is malformed or malleable (high s).</summary>
    public static EthAddress? Recover(Hash32 digest, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 65 || signature[64] is not (27 or 28) || !Secp256k1Signer.IsLowS(signature))
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
        Span<byte> uncompressed = stackalloc byte[65];
        publicKey.WriteToSpan(false, uncompressed, out _);
        var keyHash = Keccak.Hash(uncompressed[1..]);
        Span<byte> hashBytes = stackalloc byte[32];
        keyHash.CopyTo(hashBytes);
        return EthAddress.FromBytes(hashBytes[12..]);
    }
}
