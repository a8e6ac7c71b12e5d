using System.Threading.Channels;
using Ledger.Core.Records;

namespace Ledger.Store.Records;

/// <summary>
/// The group-commit queue behind <see cref="RecordStore.AcceptAsync"/>: one loop takes whatever callers queued while
/// the previous commit ran and commits it as one transaction (<see cref="RecordStore.AcceptMany"/>), then completes
/// every caller. Under load the groups grow by themselves (more callers queue during each commit); alone, a record
/// is committed at once.
/// </summary>
internal sealed class RecordCommitQueue
{
    private const int MaxGroup = 512;

    private readonly RecordStore _records;
    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private Task? _loop;

    public RecordCommitQueue(RecordStore records) => _records = records;

    public Task<AcceptedRecord> Enqueue(Func<ulong, ILedgerRecord> create)
    {
        var pending = new Pending(create, new TaskCompletionSource<AcceptedRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_startLock)
        {
            if (!_channel.Writer.TryWrite(pending))
            {
                throw new ObjectDisposedException(nameof(LedgerStore), "The store is closed; no record can be accepted.");
            }
            _loop ??= Task.Run(RunAsync);
        }
        return pending.Completion.Task;
    }

    /// <summary>Stops accepting, commits what is queued and waits for the loop.</summary>
    public void Close()
    {
        Task? loop;
        lock (_startLock)
        {
            _channel.Writer.TryComplete();
            loop = _loop;
        }
        loop?.GetAwaiter().GetResult();
    }

    private async Task RunAsync()
    {
        var group = new List<Pending>(64);
        while (await _channel.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < MaxGroup && _channel.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }
            Commit(group);
        }
    }

    private void Commit(List<Pending> group)
    {
        try
        {
            var results = _records.AcceptMany(group.ConvertAll(p => p.Create));
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Completion.TrySetResult(results[i]);
            }
            return;
        }
#pragma warning disable CA1031 // every failure goes back to the callers; the queue itself must keep running
        catch (Exception ex) when (group.Count == 1)
        {
            group[0].Completion.TrySetException(ex);
            return;
        }
        catch (Exception)
        {
            // Fall through: isolate the record (or the disk fault) that failed the group.
        }
        foreach (var pending in group)
        {
            try
            {
                pending.Completion.TrySetResult(_records.Accept(pending.Create));
            }
            catch (Exception ex)
            {
                pending.Completion.TrySetException(ex);
            }
        }
#pragma warning restore CA1031
    }

    private sealed record Pending(Func<ulong, ILedgerRecord> Create, TaskCompletionSource<AcceptedRecord> Completion);
}
