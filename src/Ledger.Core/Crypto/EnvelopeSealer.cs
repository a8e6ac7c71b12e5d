using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Ledger.Core.Crypto;

/// <summary>
/// Seals <see cref="Envelope"/>s for a sender that seals many to the same few recipients (a tax node answering banks):
/// the ephemeral key and the AES key derived from it are kept per recipient for a short while and a bounded number
/// of envelopes — like an HPKE sender context that seals several messages — instead of two scalar multiplications
/// (about half a millisecond) per envelope. Every envelope still gets its own random 96-bit nonce and is bound to its
/// consent and request in the associated data, and the format is <see cref="Envelope"/>'s, byte for byte: any
/// recipient opens it with <see cref="Envelope.Open"/> unchanged.
/// <para>
/// What the reuse changes: envelopes sealed to one recipient within <see cref="KeyLifetime"/> share an ephemeral
/// public key (an observer learns they are for the same recipient, which the recipient key id in every header says
/// anyway), and one AES key protects at most <see cref="MaxEnvelopesPerKey"/> of them (random nonces stay far below
/// AES-GCM's 2^32 bound). The ephemeral private key is discarded once the AES key is derived; the AES key lives in
/// memory only and used for at most <see cref="KeyLifetime"/>.
/// </para>
/// Thread-safe.
/// </summary>
public sealed class EnvelopeSealer
{
    private readonly ConcurrentDictionary<string, SealingKey> _keys = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>A sealer reusing an ephemeral key for at most <paramref name="keyLifetime"/> (default 1 s) and <paramref name="maxEnvelopesPerKey"/> envelopes (default 4,096).</summary>
    public EnvelopeSealer(TimeSpan? keyLifetime = null, int maxEnvelopesPerKey = 4096, TimeProvider? time = null)
    {
        KeyLifetime = keyLifetime ?? TimeSpan.FromSeconds(1);
        if (KeyLifetime < TimeSpan.Zero || KeyLifetime > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(keyLifetime), KeyLifetime, "An ephemeral key lives between 0 and 5 minutes.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEnvelopesPerKey, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxEnvelopesPerKey, 1 << 20);
        MaxEnvelopesPerKey = maxEnvelopesPerKey;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long one ephemeral key is used for one recipient.</summary>
    public TimeSpan KeyLifetime { get; }

    /// <summary>How many envelopes one ephemeral key seals at most.</summary>
    public int MaxEnvelopesPerKey { get; }

    /// <summary>Encrypts <paramref name="plaintext"/> to <paramref name="recipientPublicKey"/>, bound to <paramref name="binding"/> (see <see cref="Envelope.Seal(ReadOnlySpan{byte}, ReadOnlySpan{byte}, EnvelopeBinding)"/>).</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1102 when the recipient key is not a compressed secp256k1 key.</exception>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> recipientPublicKey, EnvelopeBinding binding)
    {
        var recipient = Convert.ToHexString(recipientPublicKey);
        var now = _time.GetTimestamp();
        SealingKey? key;
        while (true)
        {
            if (!_keys.TryGetValue(recipient, out key) || !key.TryTake(now))
            {
                var fresh = SealingKey.Create(recipientPublicKey, now, _time.GetTimestamp() + (long)(KeyLifetime.TotalSeconds * _time.TimestampFrequency), MaxEnvelopesPerKey);
                if (key is null ? !_keys.TryAdd(recipient, fresh) : !_keys.TryUpdate(recipient, fresh, key))
                {
                    continue; // another thread replaced it first: use theirs
                }
                key = fresh;
                if (!key.TryTake(now))
                {
                    continue;
                }
            }
            break;
        }
        Span<byte> nonce = stackalloc byte[12];
        RandomNumberGenerator.Fill(nonce);
        return Envelope.SealWithKey(plaintext, key.EphemeralPublic, key.RecipientKeyId, key.Key, binding, nonce);
    }

    private sealed class SealingKey
    {
        private readonly long _expires;
        private int _remaining;

        private SealingKey(byte[] ephemeralPublic, byte[] recipientKeyId, byte[] key, long expires, int uses)
        {
            EphemeralPublic = ephemeralPublic;
            RecipientKeyId = recipientKeyId;
            Key = key;
            _expires = expires;
            _remaining = uses;
        }

        public byte[] EphemeralPublic { get; }

        public byte[] RecipientKeyId { get; }

        public byte[] Key { get; }

        public static SealingKey Create(ReadOnlySpan<byte> recipientPublicKey, long now, long expires, int uses)
        {
            var ephemeral = EnvelopeCurve.RandomScalar();
            var key = new byte[32];
            try
            {
                var ephemeralPublic = Envelope.DeriveSealingKey(recipientPublicKey, ephemeral, key);
                return new SealingKey(ephemeralPublic, EnvelopeCurve.KeyId(recipientPublicKey), key, Math.Max(expires, now), uses);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(ephemeral);
            }
        }

        /// <summary>Counts one envelope against this key; false when it is used up or expired.</summary>
        public bool TryTake(long now) => now <= _expires && Interlocked.Decrement(ref _remaining) >= 0;
    }
}
