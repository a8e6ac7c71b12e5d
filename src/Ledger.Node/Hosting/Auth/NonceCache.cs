using System.Collections.Concurrent;
using Ledger.Core.Primitives;

namespace Ledger.Node.Hosting.Auth;

/// <summary>
/// The nonces of signed requests seen within the accepted time window: a nonce is accepted once. Entries older than
/// the window are dropped from time to time (a request that old is refused as stale anyway), so memory stays bounded
/// by the request rate times the window.
/// </summary>
public sealed class NonceCache
{
    private readonly ConcurrentDictionary<Hash32, long> _seen = new();
    private readonly long _windowMs;
    private long _adds;

    public NonceCache(TimeSpan window) => _windowMs = (long)window.TotalMilliseconds;

    public int Count => _seen.Count;

    /// <summary>Records the nonce; false when it was seen before.</summary>
    public bool TryUse(Hash32 nonce, long nowMs)
    {
        if (!_seen.TryAdd(nonce, nowMs))
        {
            return false;
        }
        if (Interlocked.Increment(ref _adds) % 4096 == 0)
        {
            Purge(nowMs);
        }
        return true;
    }

    private void Purge(long nowMs)
    {
        // Requests signed more than one window before now are refused as stale, so their nonces need not be kept
        // longer than two windows after first use.
        var cutoff = nowMs - (2 * _windowMs);
        foreach (var (nonce, at) in _seen)
        {
            if (at < cutoff)
            {
                _seen.TryRemove(new KeyValuePair<Hash32, long>(nonce, at));
            }
        }
    }
}
