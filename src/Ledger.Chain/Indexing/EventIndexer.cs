using Ledger.Chain.Deployment;
using Ledger.Chain.Rpc;
using Ledger.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Chain.Indexing;

/// <summary>Settings of an <see cref="EventIndexer"/>.</summary>
public sealed record IndexerOptions
{
    /// <summary>The checkpoint name (one per indexer in a store).</summary>
    public string Name { get; init; } = "ledger-events";

    /// <summary>Blocks read per eth_getLogs page.</summary>
    public ulong PageSize { get; init; } = 2_000;

    /// <summary>Blocks that must be on top of a block before its events are delivered.</summary>
    public ulong FinalityDepth { get; init; }

    /// <summary>How long <see cref="EventIndexer.RunAsync"/> waits for new blocks when it has caught up.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Reads the logs of all seven contracts in pages from the deployment block (or the checkpoint), waits until a
/// block is <see cref="IndexerOptions.FinalityDepth"/> deep, hands each page to the sink, then moves the checkpoint.
/// A crash between the two re-delivers that page after restart, so sinks must be idempotent (the ids of
/// <see cref="ChainEvent"/> make that easy).
/// </summary>
public sealed class EventIndexer
{
    private readonly ChainRpc _rpc;
    private readonly LedgerDeployment _deployment;
    private readonly IIndexerCheckpoints _checkpoints;
    private readonly IChainEventSink _sink;
    private readonly IndexerOptions _options;
    private readonly EventDecoder _decoder;
    private readonly ILogger _logger;

    /// <summary>Creates the indexer.</summary>
    public EventIndexer(
        ChainRpc rpc, LedgerDeployment deployment, IIndexerCheckpoints checkpoints, IChainEventSink sink, IndexerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(sink);
        _rpc = rpc;
        _deployment = deployment;
        _checkpoints = checkpoints;
        _sink = sink;
        _options = options ?? new IndexerOptions();
        if (_options.PageSize == 0)
        {
            throw new ArgumentException("The page size is at least one block.", nameof(options));
        }
        _decoder = new EventDecoder(deployment);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Indexes every final block not yet processed; returns the last processed block (null when none yet).</summary>
    public async Task<ulong?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var head = (ulong)(await _rpc.CallAsync(w => w.Eth.Blocks.GetBlockNumber.SendRequestAsync(), cancellationToken).ConfigureAwait(false)).Value;
        var last = _checkpoints.LastProcessedBlock(_options.Name);
        if (head < _options.FinalityDepth)
        {
            return last;
        }
        var final = head - _options.FinalityDepth;
        var from = last is { } done ? done + 1 : _deployment.DeployBlock;
        while (from <= final)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var to = Math.Min(final, from + _options.PageSize - 1);
            var events = await ReadPageAsync(from, to, cancellationToken).ConfigureAwait(false);
            _sink.Accept(events, to);
            _checkpoints.MarkProcessed(_options.Name, to);
            ChainLog.IndexedPage(_logger, from, to, events.Count);
            last = to;
            from = to + 1;
        }
        return last;
    }

    /// <summary>Indexes until cancelled, polling for new blocks.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<ChainEvent>> ReadPageAsync(ulong from, ulong to, CancellationToken cancellationToken)
    {
        var filter = new NewFilterInput
        {
            Address = [.. _decoder.Addresses],
            FromBlock = new BlockParameter(new HexBigInteger(from)),
            ToBlock = new BlockParameter(new HexBigInteger(to)),
        };
        var logs = await _rpc.CallAsync(w => w.Eth.Filters.GetLogs.SendRequestAsync(filter), cancellationToken).ConfigureAwait(false);
        var ordered = (logs ?? [])
            .Where(l => l.Removed != true)
            .OrderBy(l => l.BlockNumber.Value)
            .ThenBy(l => l.LogIndex.Value)
            .ToList();
        var timestamps = new Dictionary<ulong, ulong>();
        var events = new List<ChainEvent>(ordered.Count);
        foreach (var log in ordered)
        {
            var block = (ulong)log.BlockNumber.Value;
            if (!timestamps.TryGetValue(block, out var timestamp))
            {
                var header = await _rpc.CallAsync(
                    w => w.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(new HexBigInteger(block))),
                    cancellationToken).ConfigureAwait(false);
                timestamp = (ulong)header.Timestamp.Value;
                timestamps[block] = timestamp;
            }
            events.Add(_decoder.Decode(log, timestamp));
        }
        return events;
    }
}
