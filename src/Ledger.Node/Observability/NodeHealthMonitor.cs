using System.Diagnostics.Metrics;
using Ledger.Core.Errors;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ledger.Node.Observability;

/// <summary>
/// Reads the node's health signals — chain view, event indexer position, anchoring backlog, store, free disk — and
/// judges them with <see cref="NodeHealthRules"/> against <c>Ledger:Node:Health</c>. One reading serves the gRPC health
/// check, <c>Node.GetInfo</c>, the metrics endpoint's <c>/health</c> and the node's gauges for 250 ms, so a busy
/// scraper or health prober costs the store one read per quarter second at most.
/// </summary>
public sealed class NodeHealthMonitor : IDisposable
{
    private static readonly TimeSpan Reuse = TimeSpan.FromMilliseconds(250);

    private readonly NodeIdentity _node;
    private readonly ChainHead _head;
    private readonly Ledger.Store.LedgerStore _store;
    private readonly Ledger.Chain.Profiles.ChainEnvironment _chain;
    private readonly TimeProvider _time;
    private readonly Meter _meter;
    private readonly object _gate = new();
    private Reading? _last;

    /// <summary>The signals and the verdict on them, read at <see cref="ReadAt"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    public sealed record Reading(NodeHealthSignals Signals, NodeHealthReport Report, ulong ChainHead, long StoreBytes, TimeSpan? OldestWait, long ReadAt);

    /// <summary>Creates the monitor and the node's gauges (<c>ledger.node.*</c>, docs/observability.md).</summary>
    public NodeHealthMonitor(NodeIdentity node, ChainHead head, Ledger.Store.LedgerStore store, Ledger.Chain.Profiles.ChainEnvironment chain, IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _node = node;
        _head = head;
        _store = store;
        _chain = chain;
        _time = time;
        _meter = meters.Create(NodeTelemetry.Name);
        _meter.CreateObservableGauge("ledger.node.health", () => (int)Current().Report.State, unit: "{state}",
            description: "The node's health: 0 serving, 1 degraded (serving, a signal past its degraded threshold), 2 unhealthy (NOT_SERVING).");
        _meter.CreateObservableGauge("ledger.node.chain.head", () => (long)Current().ChainHead, unit: "{block}",
            description: "The latest chain block the node has seen.");
        _meter.CreateObservableGauge("ledger.node.indexer.lag", () => Measurements((long?)Current().Signals.IndexerLagBlocks), unit: "{block}",
            description: "Blocks the node's event indexer is behind the chain head less the finality depth.");
        _meter.CreateObservableGauge("ledger.node.anchor.backlog", () => Measurements(Current().Signals.AnchorBacklog), unit: "{record}",
            description: "Records accepted but not yet anchored (waiting for a batch, or in a batch not yet confirmed).");
        _meter.CreateObservableGauge("ledger.node.anchor.oldest_wait", () => Measurements(Current().OldestWait?.TotalSeconds), unit: "s",
            description: "How long the oldest unanchored record has waited: the anchoring lag as it stands.");
        _meter.CreateObservableGauge("ledger.node.store.size", () => Current().StoreBytes, unit: "By",
            description: "Bytes of the node's store on the disk (ledger.db and its log).");
    }

    /// <summary>The current reading (at most 250 ms old).</summary>
    public Reading Current()
    {
        lock (_gate)
        {
            if (_last is { } last && _time.GetElapsedTime(last.ReadAt) < Reuse)
            {
                return last;
            }
            _last = Read();
            return _last;
        }
    }

    /// <summary>The verdict now.</summary>
    public NodeHealthReport Report() => Current().Report;

    private Reading Read()
    {
        var now = _time.GetTimestamp();
        var options = _node.Options;
        var view = _head.View();
        ulong? lag = null;
        long? backlog = null;
        TimeSpan? oldestWait = null;
        var overdue = TimeSpan.Zero;
        string? storeError = null;
        long storeBytes = 0;
        try
        {
            var store = _store;
            var depth = _chain.Profile.EffectiveFinalityDepth;
            var final = view.Latest.Number > depth ? view.Latest.Number - depth : 0;
            var deployBlock = _node.Deployment.DeployBlock;
            var indexed = store.Audit.IndexedThroughBlock ?? (deployBlock > 0 ? deployBlock - 1 : 0);
            lag = final > indexed ? final - indexed : 0;
            var (unanchored, oldestSinceMs) = store.Outbox.Backlog();
            backlog = unanchored;
            if (oldestSinceMs is { } since)
            {
                var waited = TimeSpan.FromMilliseconds(Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)since));
                oldestWait = waited;
                var late = waited - TimeSpan.FromMilliseconds(options.Batcher.MaxWaitMs);
                overdue = late > TimeSpan.Zero ? late : TimeSpan.Zero;
            }
            storeBytes = store.SizeBytes;
        }
        catch (LedgerException ex)
        {
            storeError = $"{ex.Code}: {ex.Message}";
        }
        catch (ObjectDisposedException)
        {
            storeError = "the store is closed";
        }
        var signals = new NodeHealthSignals(true, view.Degraded, view.Reason, lag, backlog, overdue, storeError, FreeDiskBytes(options.DataDir));
        return new Reading(signals, NodeHealthRules.Evaluate(signals, options.Health), view.Latest.Number, storeBytes, oldestWait, now);
    }

    private static long? FreeDiskBytes(string dataDir)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(dataDir)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static IEnumerable<Measurement<long>> Measurements(long? value) => value is { } v ? [new Measurement<long>(v)] : [];

    private static IEnumerable<Measurement<double>> Measurements(double? value) => value is { } v ? [new Measurement<double>(v)] : [];

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}

/// <summary>
/// The gRPC health check (<c>grpc.health.v1.Health</c>): SERVING when the node is serving or degraded, NOT_SERVING when
/// it is unhealthy (starting, chain unreachable or stalled — the node then refuses data requests with LEDGER-1330 —,
/// store unreadable, or a signal past its unhealthy threshold); the description says why.
/// </summary>
internal sealed class NodeHealthCheck(NodeHealthMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = monitor.Report();
        return Task.FromResult(report.State switch
        {
            NodeHealthState.Serving => HealthCheckResult.Healthy(report.Summary),
            NodeHealthState.Degraded => HealthCheckResult.Degraded(report.Summary),
            _ => HealthCheckResult.Unhealthy(report.Summary),
        });
    }
}
