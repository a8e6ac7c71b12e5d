using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ledger.Node.Hosting;

/// <summary>
/// Chain reads memoized by block: every value is read at most once per block (concurrent readers share the read), and
/// a value read at an earlier block still answers for the head while the head says nothing it depends on changed since
/// (<see cref="ChainHead.StateSince"/> at or before the block it was read at), the value still holds at the head's time
/// (<c>stillHolds</c>), and it is younger than <see cref="MaxCarry"/>. Reads for a block older than the cached one are
/// not cached. A failed read is forgotten, so the next caller tries again. Values too old to be carried are swept once
/// the cache holds a few thousand, so it keeps what was read lately rather than every key ever asked for.
/// </summary>
/// <remarks>
/// Without the head's state mark every new block (on a busy node: every anchor transaction) emptied the cache and
/// every consent and caller was read again from the chain, dozens of eth_calls per block, and the requests that
/// found an empty cache waited for them.
/// </remarks>
internal sealed class PerBlockCache<TKey, TValue>
    where TKey : notnull
{
    /// <summary>
    /// Longest a value is carried from block to block without being read again: a bound on how long a state change
    /// that emitted no event (there should be none) could go unseen.
    /// </summary>
    public static readonly TimeSpan MaxCarry = TimeSpan.FromSeconds(5);

    // Entries kept before the ones too old to be carried are swept (on the next new key): the cache holds what was
    // read in the last MaxCarry, not every consent and caller the node has ever seen.
    private const int SweepAbove = 4096;

    private readonly ChainHead _head;
    private readonly Func<TValue, ChainBlock, bool> _stillHolds;
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    /// <summary>
    /// A cache that carries a value to newer heads of <paramref name="head"/> while the chain's state it depends on is
    /// unchanged and <paramref name="stillHolds"/> says the value is still the answer at the head's block (its time).
    /// </summary>
    public PerBlockCache(ChainHead head, Func<TValue, ChainBlock, bool> stillHolds)
    {
        _head = head;
        _stillHolds = stillHolds;
    }

    /// <summary>Number of values held (tests).</summary>
    internal int Count => _entries.Count;

    public async Task<TValue> GetAsync(ulong block, TKey key, Func<TKey, ulong, Task<TValue>> load)
    {
        while (true)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                if (entry.Epoch == _head.Epoch && (entry.Block == block || Carries(entry, block)))
                {
                    return await Await(key, entry).ConfigureAwait(false);
                }
                if (entry.Block > block && entry.Epoch == _head.Epoch)
                {
                    return await load(key, block).ConfigureAwait(false);
                }
                var fresher = new Entry(block, _head.Epoch, key, load);
                if (_entries.TryUpdate(key, fresher, entry))
                {
                    return await Await(key, fresher).ConfigureAwait(false);
                }
            }
            else
            {
                if (_entries.Count >= SweepAbove)
                {
                    Sweep();
                }
                var fresh = new Entry(block, _head.Epoch, key, load);
                if (_entries.TryAdd(key, fresh))
                {
                    return await Await(key, fresh).ConfigureAwait(false);
                }
            }
        }
    }

    // A value read at an earlier block answers for `block` only when `block` is the head, nothing it depends on changed
    // since it was read, it is recent, it was read successfully, and it still holds at the head's time.
    private bool Carries(Entry entry, ulong block)
    {
        if (entry.Block > block || Stopwatch.GetElapsedTime(entry.ReadAt) > MaxCarry)
        {
            return false;
        }
        var (head, since) = _head.Snapshot();
        if (head.Number != block || since > entry.Block)
        {
            return false;
        }
        var value = entry.Value;
        return value.IsValueCreated && value.Value.IsCompletedSuccessfully && _stillHolds(value.Value.Result, head);
    }

    // Drops the values too old to be carried (a value for the current block is read again anyway when asked for).
    private void Sweep()
    {
        foreach (var (key, entry) in _entries)
        {
            if (Stopwatch.GetElapsedTime(entry.ReadAt) > MaxCarry)
            {
                _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
            }
        }
    }

    private async Task<TValue> Await(TKey key, Entry entry)
    {
        try
        {
            return await entry.Value.Value.ConfigureAwait(false);
        }
        catch
        {
            _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
            throw;
        }
    }

    private sealed class Entry
    {
        public Entry(ulong block, long epoch, TKey key, Func<TKey, ulong, Task<TValue>> load)
        {
            Block = block;
            Epoch = epoch;
            ReadAt = Stopwatch.GetTimestamp();
            Value = new Lazy<Task<TValue>>(() => load(key, block), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public ulong Block { get; }

        /// <summary>The head's epoch when the value was read: a read of an epoch the chain rolled back from is never used.</summary>
        public long Epoch { get; }

        public long ReadAt { get; }

        public Lazy<Task<TValue>> Value { get; }
    }
}
