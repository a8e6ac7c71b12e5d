using Ledger.Chain.Indexing;
using Ledger.Core.Errors;
using Ledger.Store.Anchoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Hosting;

/// <summary>Polls the chain head at the profile's interval.</summary>
internal sealed class ChainHeadService(ChainHead head) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => head.RunAsync(stoppingToken);
}

/// <summary>
/// Feeds the store's audit index from the chain's events (every contract of the deployment), from its checkpoint on;
/// a failure is logged and retried with backoff — the checkpoint makes it resume without loss or duplicates. Each page
/// then goes to the registered <see cref="IIndexedEventsObserver"/>s (alerts, …) before the checkpoint moves.
/// </summary>
internal sealed class IndexerService(
    Chain.Profiles.ChainEnvironment chain, Store.LedgerStore store, ILogger<IndexerService> logger, ILoggerFactory loggers, IEnumerable<IIndexedEventsObserver> observers) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watching = observers.ToList();
        Core.Ports.IChainEventSink sink = watching.Count == 0 ? store.Audit : new ObservedEventSink(store.Audit, watching);
        var indexer = new EventIndexer(
            chain.Rpc, chain.Deployment, store.Checkpoints, sink,
            new IndexerOptions
            {
                Name = "ledger-events",
                FinalityDepth = chain.Profile.EffectiveFinalityDepth,
                PollInterval = chain.Profile.EffectivePollInterval,
            },
            loggers.CreateLogger("Ledger.Chain.Indexer"));
        // The indexer must survive any failure (its checkpoint makes a retry safe): again after 250 ms, doubling to 5 s.
        var retry = Core.Resilience.Backoff.UntilItSucceeds(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5), (ex, delay) =>
            NodeLog.IndexerFailed(logger, (ex as LedgerException)?.Code ?? ex.GetType().Name, ex.Message, (long)delay.TotalMilliseconds));
        try
        {
            await retry.ExecuteAsync(async ct => await indexer.RunAsync(ct).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }
}

/// <summary>Runs the store's anchor batcher for the node's lifetime (it resumes unfinished batches first).</summary>
internal sealed class AnchorService(
    Store.LedgerStore store, Chain.AnchorChain anchorChain, AnchorBatcherOptions options, ILogger<AnchorBatcher> logger) : IHostedService, IAsyncDisposable
{
    private AnchorBatcher? _batcher;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _batcher = new AnchorBatcher(store, anchorChain, options, logger);
        _batcher.BatchAnchored += RecordBatch;
        _batcher.Start();
        return Task.CompletedTask;
    }

    // Batch size and anchoring lag (the batch's oldest record's acceptance to the confirmation) for the node's metrics.
    private void RecordBatch(AnchorBatch batch)
    {
        var size = Observability.NodeTelemetry.AnchorBatchSize;
        var lag = Observability.NodeTelemetry.AnchorLag;
        if (!size.Enabled && !lag.Enabled)
        {
            return;
        }
        // The lag first: a scrape that sees the batch's size sees its lag too (the two are not recorded atomically).
        try
        {
            if (batch.Members.Count > 0 && batch.AnchoredAtMs is { } anchoredAt && store.Records.Get(batch.Members.Min()) is { } oldest)
            {
                lag.Record(Math.Max(0, (long)anchoredAt - (long)oldest.AcceptedAtMs) / 1000.0);
            }
        }
        catch (Exception ex) when (ex is LedgerException or ObjectDisposedException)
        {
            // A metric is not worth failing an anchored batch for; the store's trouble shows in the health check.
        }
        size.Record(batch.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_batcher is not null)
        {
            await _batcher.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_batcher is not null)
        {
            await _batcher.DisposeAsync().ConfigureAwait(false);
            _batcher = null;
        }
    }
}
