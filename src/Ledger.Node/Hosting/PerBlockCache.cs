using System.Collections.Concurrent;

namespace Ledger.Node.Hosting;

/// <summary>
/// Chain reads memoized for one block: every value is read at most once per block (concurrent readers share the read),
/// and the whole cache is dropped when a newer block is asked for. Reads for an older block are not cached. A failed
/// read is forgotten, so the next caller tries again.
/// </summary>
internal sealed class PerBlockCache<TKey, TValue>
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private ulong _block;
    private ConcurrentDictionary<TKey, Task<TValue>> _entries = new();

    public async Task<TValue> GetAsync(ulong block, TKey key, Func<TKey, ulong, Task<TValue>> load)
    {
        ConcurrentDictionary<TKey, Task<TValue>>? entries;
        lock (_gate)
        {
            if (block > _block)
            {
                _block = block;
                _entries = new ConcurrentDictionary<TKey, Task<TValue>>();
            }
            entries = block == _block ? _entries : null;
        }
        if (entries is null)
        {
            return await load(key, block).ConfigureAwait(false);
        }
        var task = entries.GetOrAdd(key, k => load(k, block));
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch
        {
            entries.TryRemove(new KeyValuePair<TKey, Task<TValue>>(key, task));
            throw;
        }
    }
}
