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

    /// <summary>A cache for the time window <paramref name="window"/>, of a node that accepts requests signed from <paramref name="acceptsSignedFromMs"/> on.</summary>
    public NonceCache(TimeSpan window, long acceptsSignedFromMs = 0)
    {
        _windowMs = (long)window.TotalMilliseconds;
        AcceptsSignedFromMs = acceptsSignedFromMs;
    }

    /// <summary>
    /// Requests signed before this moment (unix ms; the node process's start) are refused: the node may have accepted
    /// them before it restarted, and the nonces it saw then were kept in memory only. A request signed since is either
    /// in this cache or new — so a restart opens no window for replaying what the node accepted before it.
    /// </summary>
    public long AcceptsSignedFromMs { get; }

    /// <summary>When this process started (unix ms).</summary>
    public static long ProcessStartMs()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

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
