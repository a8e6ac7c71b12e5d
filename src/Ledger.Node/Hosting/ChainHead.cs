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
public sealed class ChainHead : IDisposable
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private LedgerChainClient? _client;
    // Boxed, so a reader never sees the number of one block with the time of another.
    private object _latest = new ChainBlock();

    /// <summary>The latest block seen.</summary>
    public ChainBlock Latest => (ChainBlock)Volatile.Read(ref _latest);

    internal void Attach(LedgerChainClient client, ChainBlock initial)
    {
        _client = client;
        Volatile.Write(ref _latest, initial);
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
            if (number > Latest.Number)
            {
                Volatile.Write(ref _latest, new ChainBlock(number, timestamp));
            }
            return Latest;
        }
        finally
        {
            _refresh.Release();
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
