using Ledger.Core.Crypto;
using Ledger.Core.Primitives;
using NBitcoin.Secp256k1;

namespace Ledger.Sdk.Crypto;

/// <summary>
/// secp256k1 signing and recovery on the hot path of every call (signing each request, checking each request's
/// signature). The implementation is <see cref="Secp256k1Signer"/> (NBitcoin.Secp256k1, a port of libsecp256k1; the
/// one implementation of the solution); this class keeps a signing key ready so each signature skips the key checks.
/// Same bytes: RFC 6979 nonces, low s, v ∈ {27, 28}.
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
            _key = Secp256k1Signer.PrivateKey(privateKey);
            Address = Secp256k1Signer.AddressOf(privateKey);
        }

        /// <summary>The key's Ethereum address.</summary>
        public EthAddress Address { get; }

        /// <summary>Signs a 32-byte digest: 65 bytes r ‖ s ‖ v.</summary>
        public byte[] Sign(Hash32 digest) => Secp256k1Signer.Sign(_key, digest);

        /// <summary>Shows the address only.</summary>
        public override string ToString() => $"SigningKey({Address})";

        /// <inheritdoc/>
        public void Dispose() => _key.Dispose();
    }

    /// <summary>The address that signed <paramref name="digest"/>, or null when the signature is malformed or malleable (high s).</summary>
    public static EthAddress? Recover(Hash32 digest, ReadOnlySpan<byte> signature) => Secp256k1Signer.Recover(digest, signature);
}
