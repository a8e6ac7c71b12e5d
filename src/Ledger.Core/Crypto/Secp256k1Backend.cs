using System.Security.Cryptography;
using Ledger.Core.Primitives;
using NBitcoin.Secp256k1;

namespace Ledger.Core.Crypto;

/// <summary>
/// The secp256k1 arithmetic under <see cref="Secp256k1Signer"/> and the envelope's ECDH: libsecp256k1 itself (the
/// native library that Bitcoin Core uses, shipped for every common platform by the Secp256k1.Net package) when it
/// loads, and NBitcoin.Secp256k1 (a C# port of the same library, about 5–10 times slower) where it does not. Both
/// give the same bytes: RFC 6979 nonces, low s, the same recovery ids, and a constant-time ECDH returning the
/// shared point's x coordinate. Callers check lengths before calling; every method returns false on an invalid key,
/// point or signature rather than throwing. Setting the environment variable <c>LEDGER_SECP256K1=managed</c> forces the
/// managed port (to compare the two).
/// </summary>
internal abstract class Secp256k1Backend
{
    /// <summary>The backend in use: native when libsecp256k1 loaded and agreed with the managed port on a known vector.</summary>
    public static Secp256k1Backend Current { get; } = Choose();

    /// <summary>The managed port, always available (and what the cross-check tests compare against).</summary>
    public static Secp256k1Backend Managed { get; } = new ManagedBackend();

    /// <summary>"libsecp256k1 (native)" or "NBitcoin.Secp256k1 (managed)".</summary>
    public abstract string Name { get; }

    /// <summary>True for a 32-byte key in [1, n − 1].</summary>
    public abstract bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey);

    /// <summary>Signs a 32-byte digest: r ‖ s (64 bytes, low s) and the recovery id (0 or 1).</summary>
    public abstract bool TrySign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> digest, Span<byte> compact64, out int recoveryId);

    /// <summary>The uncompressed public key (65 bytes, 0x04 ‖ x ‖ y) that signed <paramref name="digest"/>.</summary>
    public abstract bool TryRecover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> compact64, int recoveryId, Span<byte> uncompressed65);

    /// <summary>The public key of a private key: 33 bytes compressed or 65 uncompressed.</summary>
    public abstract bool TryPublicKey(ReadOnlySpan<byte> privateKey, bool compressed, Span<byte> publicKey);

    /// <summary>True when the bytes are a point on the curve (33 compressed or 65 uncompressed).</summary>
    public abstract bool IsValidPublicKey(ReadOnlySpan<byte> publicKey);

    /// <summary>ECDH in constant time: the x coordinate (32 bytes) of privateKey · publicKey.</summary>
    public abstract bool TrySharedX(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> privateKey, Span<byte> x32);

    private static Secp256k1Backend Choose()
    {
        if (Environment.GetEnvironmentVariable("LEDGER_SECP256K1") is { } forced && forced.Equals("managed", StringComparison.OrdinalIgnoreCase))
        {
            return new ManagedBackend();
        }
        try
        {
            var native = new NativeBackend();
            return native.AgreesWith(new ManagedBackend()) ? native : new ManagedBackend();
        }
#pragma warning disable CA1031 // any failure to load or run the native library means: use the managed port
        catch (Exception)
#pragma warning restore CA1031
        {
            return new ManagedBackend();
        }
    }

    /// <summary>A self-check on a fixed key and digest: same signature, same recovered key, same shared x.</summary>
    internal bool AgreesWith(Secp256k1Backend other)
    {
        Span<byte> key = stackalloc byte[32];
        Span<byte> peer = stackalloc byte[32];
        for (var i = 0; i < 32; i++)
        {
            key[i] = (byte)(i + 1);
            peer[i] = (byte)(0x80 - i);
        }
        var digest = Keccak.Hash("ledger/secp256k1/self-check").ToArray();
        Span<byte> a = stackalloc byte[64];
        Span<byte> b = stackalloc byte[64];
        Span<byte> pa = stackalloc byte[65];
        Span<byte> pb = stackalloc byte[65];
        Span<byte> peerPublic = stackalloc byte[33];
        Span<byte> xa = stackalloc byte[32];
        Span<byte> xb = stackalloc byte[32];
        return TrySign(key, digest, a, out var ra) && other.TrySign(key, digest, b, out var rb) && a.SequenceEqual(b) && ra == rb
            && TryRecover(digest, a, ra, pa) && other.TryRecover(digest, b, rb, pb) && pa.SequenceEqual(pb)
            && other.TryPublicKey(peer, true, peerPublic)
            && TrySharedX(peerPublic, key, xa) && other.TrySharedX(peerPublic, key, xb) && xa.SequenceEqual(xb);
    }

    /// <summary>libsecp256k1 through Secp256k1.Net: one context for the process (its operations only read it, so it is shared by every thread).</summary>
#pragma warning disable CA1001 // the context is never disposed: it lives as long as the process
    private sealed class NativeBackend : Secp256k1Backend
#pragma warning restore CA1001
    {
        private const int PubkeyStructLength = 64;
        private const int RecoverableSignatureStructLength = 65;
        private static readonly Secp256k1Net.EcdhHashFunction CopyX = (output, x32, _, _) =>
        {
            x32[..32].CopyTo(output);
            return 1;
        };

        // Never disposed: the context lives as long as the process.
        private readonly Secp256k1Net.Secp256k1 _lib = new();

        public override string Name => "libsecp256k1 (native)";

        public override bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey) => privateKey.Length == 32 && _lib.EcSeckeyVerify(privateKey);

        public override bool TrySign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> digest, Span<byte> compact64, out int recoveryId)
        {
            recoveryId = -1;
            Span<byte> signature = stackalloc byte[RecoverableSignatureStructLength];
            return IsValidPrivateKey(privateKey)
                && _lib.EcdsaSignRecoverable(signature, digest, privateKey)
                && _lib.EcdsaRecoverableSignatureSerializeCompact(compact64, out recoveryId, signature);
        }

        public override bool TryRecover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> compact64, int recoveryId, Span<byte> uncompressed65)
        {
            Span<byte> signature = stackalloc byte[RecoverableSignatureStructLength];
            Span<byte> publicKey = stackalloc byte[PubkeyStructLength];
            if (!_lib.EcdsaRecoverableSignatureParseCompact(signature, compact64, recoveryId) || !_lib.EcdsaRecover(publicKey, signature, digest))
            {
                return false;
            }
            nuint length = 65;
            return _lib.EcPubkeySerialize(uncompressed65, ref length, publicKey, Secp256k1Net.Secp256k1EcFlags.Uncompressed) && length == 65;
        }

        public override bool TryPublicKey(ReadOnlySpan<byte> privateKey, bool compressed, Span<byte> publicKey)
        {
            Span<byte> point = stackalloc byte[PubkeyStructLength];
            if (!IsValidPrivateKey(privateKey) || !_lib.EcPubkeyCreate(point, privateKey))
            {
                return false;
            }
            nuint length = compressed ? 33u : 65u;
            return _lib.EcPubkeySerialize(publicKey, ref length, point, compressed ? Secp256k1Net.Secp256k1EcFlags.Compressed : Secp256k1Net.Secp256k1EcFlags.Uncompressed)
                && length == (compressed ? 33u : 65u);
        }

        public override bool IsValidPublicKey(ReadOnlySpan<byte> publicKey)
        {
            Span<byte> point = stackalloc byte[PubkeyStructLength];
            return publicKey.Length is 33 or 65 && _lib.EcPubkeyParse(point, publicKey);
        }

        public override bool TrySharedX(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> privateKey, Span<byte> x32)
        {
            Span<byte> point = stackalloc byte[PubkeyStructLength];
            return publicKey.Length is 33 or 65 && IsValidPrivateKey(privateKey)
                && _lib.EcPubkeyParse(point, publicKey)
                && _lib.Ecdh(x32[..32], point, privateKey, CopyX, IntPtr.Zero);
        }
    }

    /// <summary>NBitcoin.Secp256k1 with its shared context.</summary>
    private sealed class ManagedBackend : Secp256k1Backend
    {
        private static Context Context => Context.Instance;

        public override string Name => "NBitcoin.Secp256k1 (managed)";

        public override bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey)
        {
            if (privateKey.Length != 32 || !Context.TryCreateECPrivKey(privateKey, out var key) || key is null)
            {
                return false;
            }
            key.Dispose();
            return true;
        }

        public override bool TrySign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> digest, Span<byte> compact64, out int recoveryId)
        {
            recoveryId = -1;
            if (privateKey.Length != 32 || !Context.TryCreateECPrivKey(privateKey, out var key) || key is null)
            {
                return false;
            }
            using (key)
            {
                if (!key.TrySignRecoverable(digest, out var signature) || signature is null)
                {
                    return false;
                }
                signature.WriteToSpanCompact(compact64, out recoveryId);
                return true;
            }
        }

        public override bool TryRecover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> compact64, int recoveryId, Span<byte> uncompressed65)
        {
            if (!SecpRecoverableECDSASignature.TryCreateFromCompact(compact64, recoveryId, out var signature) || signature is null
                || !ECPubKey.TryRecover(Context, signature, digest, out var publicKey) || publicKey is null)
            {
                return false;
            }
            publicKey.WriteToSpan(false, uncompressed65, out _);
            return true;
        }

        public override bool TryPublicKey(ReadOnlySpan<byte> privateKey, bool compressed, Span<byte> publicKey)
        {
            if (privateKey.Length != 32 || !Context.TryCreateECPrivKey(privateKey, out var key) || key is null)
            {
                return false;
            }
            using (key)
            {
                key.CreatePubKey().WriteToSpan(compressed, publicKey, out _);
                return true;
            }
        }

        public override bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) => ECPubKey.TryCreate(publicKey, Context, out _, out var point) && point is not null;

        public override bool TrySharedX(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> privateKey, Span<byte> x32)
        {
            if (!ECPubKey.TryCreate(publicKey, Context, out _, out var point) || point is null
                || privateKey.Length != 32 || !Context.TryCreateECPrivKey(privateKey, out var key) || key is null)
            {
                return false;
            }
            using (key)
            {
                Span<byte> product = stackalloc byte[33];
                point.GetSharedPubkey(key).WriteToSpan(true, product, out _);
                product[1..].CopyTo(x32);
                CryptographicOperations.ZeroMemory(product);
                return true;
            }
        }
    }
}
