using Ledger.Chain;
using Ledger.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Hosting;

/// <summary>A block as the node knows it: number and time (unix seconds).</summary>
public readonly record struct ChainBlock(ulong Number, ulong Timestamp);

/// <summary>
/// The chain's latest block as the node knows it, polled at the profile's interval. Every decision a node makes "as of
/// the latest block" (consent checks, membership of callers) is made against <see cref="Latest"/> and records that
/// block, so it can be replayed later with an eth_call at the same block.
/// </summary>
/// <remarks>
/// With each new head the node also learns whether the state those decisions read changed since the previous head:
/// one eth_getLogs over the new blocks for events of the consortium, the consent registry and the access log other
/// than <c>BatchAnchored</c> (<see cref="LedgerChainClient.AccessStateChangedAsync"/>). The last block where it did
/// (or may have: the head's own number when the query failed) is <see cref="StateSince"/>; a check answered at a block
/// at or after it is still the chain's answer at the head, apart from what depends on the block's time. So the caches
/// of <see cref="PerBlockCache{TKey, TValue}"/> keep their answers across anchor blocks instead of asking again.
/// </remarks>
public sealed class ChainHead : IDisposable
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private LedgerChainClient? _client;
    // Boxed, so a reader never sees the number of one block with the time or state mark of another.
    private object _state = new HeadState(default, 0);

    private sealed record HeadState(ChainBlock Block, ulong StateSince);

    /// <summary>The latest block seen.</summary>
    public ChainBlock Latest => ((HeadState)Volatile.Read(ref _state)).Block;

    /// <summary>
    /// The last block up to <see cref="Latest"/> whose events may have changed membership or consent state (the
    /// head's number when it is not known). Read with the head through <see cref="Snapshot"/>.
    /// </summary>
    public ulong StateSince => ((HeadState)Volatile.Read(ref _state)).StateSince;

    /// <summary>The latest block and its state mark, read together.</summary>
    internal (ChainBlock Block, ulong StateSince) Snapshot()
    {
        var state = (HeadState)Volatile.Read(ref _state);
        return (state.Block, state.StateSince);
    }

    internal void Attach(LedgerChainClient client, ChainBlock initial)
    {
        _client = client;
        Volatile.Write(ref _state, new HeadState(initial, initial.Number));
    }

    /// <summary>
    /// Asks the chain for its latest block now (concurrent callers share one request) and returns it; the head never
    /// moves back.
    /// </summary>
    public async Task<ChainBlock> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var client = _client ?? throw new InvalidOperationException("The chain head is not attached yet.");
        var before = Latest;
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Latest.Number != before.Number)
            {
                return Latest; // another caller refreshed while this one waited
            }
            var (number, timestamp) = await client.LatestBlockAsync(cancellationToken).ConfigureAwait(false);
            if (number > before.Number)
            {
                var changed = await StateChangedAsync(client, before, number, cancellationToken).ConfigureAwait(false);
                Advance(new ChainBlock(number, timestamp), changed);
            }
            return Latest;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>
    /// Moves the head to <paramref name="block"/> (never back). <paramref name="stateChanged"/>: a block after the
    /// current head may have changed membership or consent state; then the state mark becomes the new head, so nothing
    /// read before counts for it; otherwise the mark stays.
    /// </summary>
    internal void Advance(ChainBlock block, bool stateChanged)
    {
        var current = (HeadState)Volatile.Read(ref _state);
        if (block.Number > current.Block.Number)
        {
            Volatile.Write(ref _state, new HeadState(block, stateChanged ? block.Number : current.StateSince));
        }
    }

    // Whether the blocks after `before` up to `number` may have changed the state: a state-changing event in them, or
    // the query failed (any failure only makes the caches ask the chain again).
    private static async Task<bool> StateChangedAsync(LedgerChainClient client, ChainBlock before, ulong number, CancellationToken cancellationToken)
    {
        if (before.Number == 0)
        {
            return true;
        }
        try
        {
            return await client.AccessStateChangedAsync(before.Number + 1, number, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // any failure only makes the caches ask the chain again
        catch (Exception)
#pragma warning restore CA1031
        {
            return true;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _refresh.Dispose();

    /// <summary>Polls until cancelled.</summary>
    internal async Task RunAsync(TimeSpan interval, ILogger logger, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // polling must survive any failure; the next poll tries again
            catch (Exception ex)
#pragma warning restore CA1031
            {
                NodeLog.HeadPollFailed(logger, ex is LedgerException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}", Latest.Number);
            }
        }
    }
}
