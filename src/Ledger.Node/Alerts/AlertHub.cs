using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Node.Hosting;
using Ledger.Sdk;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Alerts;

/// <summary>
/// The node's alert hub (tax, bank and guarantor nodes): raises alerts from the chain events its indexer delivers
/// (<see cref="ChainAlerts"/>), takes the alerts the node itself publishes (the tax node's rating downgrades) and those
/// its upstream streams bring (a bank's or guarantor's copy of the tax node's rating downgrades), gives each its
/// audience — the members that need to know at that moment (<see cref="ExposureIndex.AudienceOf"/>: the parties of its
/// loan, the holders of a monitoring consent) — keeps it in the
/// store's alert log (<see cref="Ledger.Store.LedgerStore.Alerts"/>), and wakes the streams. Other roles keep no alerts.
/// </summary>
public sealed class AlertHub : IAlertPublisher, IIndexedEventsObserver, IDisposable
{
    private readonly NodeIdentity _node;
    private readonly ChainHead _head;
    private readonly Ledger.Store.LedgerStore _ledger;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertHub> _logger;
    private readonly object _openGate = new();
    private IAlertStore? _store;
    private bool _disposed;
    private TaskCompletionSource _pulse = NewPulse();

    /// <summary>Creates the hub (its store opens on first use, once the node is initialized).</summary>
    public AlertHub(NodeIdentity node, ChainHead head, Ledger.Store.LedgerStore ledger, TimeProvider time, ILogger<AlertHub> logger)
    {
        _node = node;
        _head = head;
        _ledger = ledger;
        _time = time;
        _logger = logger;
    }

    /// <summary>Who may learn what about which enterprise, from the node's chain index.</summary>
    public ExposureIndex Exposure { get; } = new();

    /// <summary>Completes when alerts are appended after it was read (read it before reading the log, then await it).</summary>
    public Task Changed => Volatile.Read(ref _pulse).Task;

    /// <summary>The sequence of the latest alert.</summary>
    public long LastSequence => Store.LastSequence;

    private IAlertStore Store => Open(beforeBlock: null);

    /// <summary>
    /// The alert log, opened on first use, when the exposure is also rebuilt from the chain index — up to the block
    /// before <paramref name="beforeBlock"/> when the indexer's next page starts there, so that page is applied in order.
    /// </summary>
    private IAlertStore Open(ulong? beforeBlock)
    {
        if (Volatile.Read(ref _store) is { } open)
        {
            return open;
        }
        lock (_openGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_store is null)
            {
                var store = _ledger.Alerts;
                Exposure.Rebuild(_ledger.Audit, beforeBlock);
                Volatile.Write(ref _store, store);
                AlertsLog.Opened(_logger, store.LastSequence, Exposure.ConsentCount);
            }
            return _store;
        }
    }

    /// <summary>Opens the alert log and rebuilds the exposure now (at start), rather than on the first alert or stream.</summary>
    public void Warm() => _ = Store;

    /// <summary>Up to <paramref name="limit"/> alerts after <paramref name="sequence"/>, in order.</summary>
    public IReadOnlyList<StoredAlert> After(long sequence, int limit) => Store.After(sequence, limit);

    /// <inheritdoc/>
    /// <remarks>
    /// Events are taken in chain order: an alert's audience is taken just before its event updates the index (the
    /// consumer of a revoked consent is added in any case).
    /// </remarks>
    public void OnIndexed(IReadOnlyList<ChainEvent> events, ulong throughBlock)
    {
        ArgumentNullException.ThrowIfNull(events);
        var store = Open(events.Count > 0 ? events[0].BlockNumber : null);
        var raised = new List<(string, NodeAlert, IReadOnlySet<OrgId>)>();
        foreach (var e in events)
        {
            if (ChainAlerts.From(e, Exposure, _node.Organization) is { } alert)
            {
                var audience = new HashSet<OrgId>(Exposure.AudienceOf(alert.Alert, e.BlockTimestamp));
                if (alert.AlsoTo is { } member)
                {
                    audience.Add(member);
                }
                raised.Add(("chain:" + e.Id, alert.Alert, audience));
            }
            Exposure.Apply(e);
        }
        if (raised.Count > 0)
        {
            Announce(store.Append(raised));
        }
    }

    /// <inheritdoc/>
    /// <remarks>The audience is the exposure now, as far as the node has indexed the chain.</remarks>
    public ValueTask PublishAsync(NodeAlert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var store = Store; // opened (and the exposure rebuilt) before the audience is taken from it
        var audience = Exposure.AudienceOf(alert, Now());
        Announce(store.Append([("local:" + Guid.NewGuid().ToString("N"), alert, audience)]));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Re-publishes an alert received from <paramref name="upstream"/>'s stream and moves that stream's cursor to it;
    /// received again (after a reconnect) it is not raised twice. Its audience is this node's own exposure, plus this
    /// node's organization (the upstream node streamed it here because it checked and recorded the organization's
    /// monitoring consent, even when this node's index has not caught up yet).
    /// </summary>
    public void PublishUpstream(OrgId upstream, LedgerAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var local = new NodeAlert(alert.Kind, alert.Enterprise, alert.Summary, alert.Details, alert.RaisedAtMs, alert.Source)
        {
            Loan = alert.Loan,
            Consent = alert.Consent,
            BlockNumber = alert.BlockNumber,
            TxHash = alert.TxHash,
        };
        var store = Store;
        var audience = new HashSet<OrgId>(Exposure.AudienceOf(local, Now())) { _node.Organization };
        Announce(store.Append([($"upstream:{upstream.Value}:{alert.Id}", local, audience)], (upstream, alert.Id)));
    }

    /// <summary>Where the stream from <paramref name="upstream"/> resumes (null: from its start).</summary>
    public string? UpstreamCursor(OrgId upstream) => Store.Cursor(upstream);

    /// <summary>Forgets the cursor of <paramref name="upstream"/> (its alert log was reset).</summary>
    public void ResetUpstreamCursor(OrgId upstream) => Store.ResetCursor(upstream);

    private void Announce(IReadOnlyList<StoredAlert> appended)
    {
        if (appended.Count == 0)
        {
            return;
        }
        foreach (var a in appended)
        {
            AlertsLog.Raised(_logger, a.Id, a.Alert.Kind.ToString(), a.Alert.Enterprise.ToString(), a.Audience.Count);
        }
        Interlocked.Exchange(ref _pulse, NewPulse()).TrySetResult();
    }

    private ulong Now() => Math.Max(_head.Latest.Timestamp, (ulong)_time.GetUtcNow().ToUnixTimeSeconds());

    private static TaskCompletionSource NewPulse() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_openGate)
        {
            _disposed = true; // the alert log is the store's (closed with it)
        }
    }
}
