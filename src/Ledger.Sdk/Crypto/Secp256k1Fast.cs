using System.Security.Cryptography;
using Ledger.Core.Crypto;
using Ledger.Core.Primitives;

namespace Ledger.Sdk.Crypto;

/// <summary>
/// secp256k1 signing and recovery on the hot path of every call (signing each request, checking each request's
/// signature). The implementation is <see cref="Secp256k1Signer"/> (libsecp256k1, or its C# port where the native
/// library does not load; the one implementation of the solution); this class keeps a signing key checked and its
/// address computed once. Same bytes: RFC 6979 nonces, low s, v ∈ {27, 28}.
/// </summary>
public static class Secp256k1Fast
{
    /// <summary>A signing key kept ready (checked, its address computed once); disposing it wipes the key.</summary>
    public sealed class SigningKey : IDisposable
    {
        private readonly byte[] _key;

        /// <summary>Wraps a 32-byte private key.</summary>
        /// <exception cref="ArgumentException">when the bytes are not a valid secp256k1 private key.</exception>
        public SigningKey(ReadOnlySpan<byte> privateKey)
        {
            Address = Secp256k1Signer.AddressOf(privateKey);
            _key = privateKey.ToArray();
        }

        /// <summary>The key's Ethereum address.</summary>
        public EthAddress Address { get; }

        /// <summary>Signs a 32-byte digest: 65 bytes r ‖ s ‖ v.</summary>
        /// <exception cref="ObjectDisposedException">after <see cref="Dispose"/>.</exception>
        public byte[] Sign(Hash32 digest)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Secp256k1Signer.SignDigest(digest, _key);
        }

        private bool _disposed;

        /// <summary>Shows the address only.</summary>
        public override string ToString() => $"SigningKey({Address})";

        /// <inheritdoc/>
        public void Dispose()
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_key);
        }
    }

    /// <summary>The address that signed <paramref name="digest"/>, or null when the signature is malformed or malleable (high s).</summary>
    public static EthAddress? Recover(Hash32 digest, ReadOnlySpan<byte> signature) => Secp256k1Signer.Recover(digest, signature);
}
