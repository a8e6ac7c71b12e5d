using Ledger.Audit.Bundle;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.AccessLog;
using Ledger.Chain.Deployment;
using Ledger.Chain.Indexing;
using Ledger.Chain.Rpc;
using Ledger.Core.Errors;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Audit.Online;

/// <summary>
/// Read-only access to the chain for an auditor: checks that the chain is the bundle's (chain id, code at every
/// contract address), then reads what verification trusts the chain for — the anchored roots, every event of the
/// seven contracts, and block times. Needs no key: nothing is sent.
/// </summary>
public sealed class ChainAuditSource
{
    private readonly AccessLogService _accessLog;

    private ChainAuditSource(ChainRpc rpc, ChainReference chain, LedgerDeployment deployment)
    {
        Rpc = rpc;
        Chain = chain;
        Deployment = deployment;
        _accessLog = new AccessLogService(rpc.Web3, deployment[LedgerContracts.AccessLog].ToString());
    }

    /// <summary>The endpoint.</summary>
    public ChainRpc Rpc { get; }

    /// <summary>The chain and contracts expected.</summary>
    public ChainReference Chain { get; }

    /// <summary>The deployment built from <see cref="Chain"/> (for the event indexer).</summary>
    public LedgerDeployment Deployment { get; }

    /// <summary>
    /// Connects to <paramref name="rpcUrl"/> and checks it is the chain of <paramref name="chain"/>.
    /// </summary>
    /// <exception cref="AuditException">LEDGER-1705 unreachable (or not an http(s) URL), 1706 another chain id,
    /// 1707 no contract code at one of the addresses.</exception>
    public static async Task<ChainAuditSource> ConnectAsync(string rpcUrl, ChainReference chain, RetryOptions? retry = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rpcUrl);
        ArgumentNullException.ThrowIfNull(chain);
        ChainRpc rpc;
        try
        {
            rpc = new ChainRpc(rpcUrl, retry ?? new RetryOptions { MaxRetryAttempts = 2, RequestTimeout = TimeSpan.FromSeconds(15) });
        }
        catch (LedgerException ex)
        {
            throw AuditErrors.ChainUnreachable(rpcUrl, $"'{rpcUrl}' is not an http(s) URL such as http://127.0.0.1:8545", ex);
        }
        var deployment = new LedgerDeployment
        {
            Network = "audit-bundle",
            ChainId = chain.ChainId,
            DeployBlock = chain.DeployBlock,
            Addresses = LedgerContracts.Names.ToDictionary(
                n => n,
                n => chain.AddressOf(n) ?? throw AuditErrors.BundleIncomplete($"the address of {n} is missing"),
                StringComparer.Ordinal),
        };
        var source = new ChainAuditSource(rpc, chain, deployment);
        var chainId = await source.Call(w => w.Eth.ChainId.SendRequestAsync(), cancellationToken).ConfigureAwait(false);
        if (chainId.Value != chain.ChainId)
        {
            throw AuditErrors.WrongChain(rpcUrl, chain.ChainId, chainId.Value);
        }
        foreach (var name in LedgerContracts.Names)
        {
            var address = deployment[name].ToString();
            var code = await source.Call(w => w.Eth.GetCode.SendRequestAsync(address, BlockParameter.CreateLatest()), cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(code) || code == "0x")
            {
                throw AuditErrors.ContractsNotOnChain(rpcUrl, $"there is no contract at {name}'s address {address}");
            }
        }
        return source;
    }

    /// <summary>The latest block number.</summary>
    public async Task<ulong> HeadAsync(CancellationToken cancellationToken = default) =>
        (ulong)(await Call(w => w.Eth.Blocks.GetBlockNumber.SendRequestAsync(), cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Every event of the seven contracts from the deployment block to the head, in chain order.</summary>
    public async Task<IReadOnlyList<ChainEvent>> ReadEventsAsync(CancellationToken cancellationToken = default)
    {
        var sink = new MemorySink();
        var indexer = new EventIndexer(Rpc, Deployment, sink, sink, new IndexerOptions { Name = "audit", PageSize = 5_000, FinalityDepth = 0 });
        try
        {
            await indexer.RunOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerException ex) when (ex.Category == ErrorCategory.Unavailable)
        {
            throw AuditErrors.ChainUnreachable(Rpc.Url, Why(ex), ex);
        }
        return sink.Events;
    }

    /// <summary>The root the chain holds for each batch (zero when it holds none).</summary>
    public async Task<IReadOnlyDictionary<BatchKey, Hash32>> AnchoredRootsAsync(IEnumerable<BatchKey> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var keys = batches.Distinct().ToList();
        var roots = new Dictionary<BatchKey, Hash32>(keys.Count);
        // A few reads in flight at once: an auditor may check thousands of batches, one call each.
        foreach (var chunk in keys.Chunk(16))
        {
            var reads = chunk.Select(async key =>
            {
                var root = await Call(_ => _accessLog.AnchoredRootQueryAsync(key.Org.Value.ToArray(), key.BatchId.Value.ToArray()), cancellationToken).ConfigureAwait(false);
                return (key, root: new Hash32(root));
            });
            foreach (var (key, root) in await Task.WhenAll(reads).ConfigureAwait(false))
            {
                roots[key] = root;
            }
        }
        return roots;
    }

    /// <summary>The time (unix seconds) of each block.</summary>
    public async Task<IReadOnlyDictionary<ulong, ulong>> BlockTimesAsync(IEnumerable<ulong> blocks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var times = new Dictionary<ulong, ulong>();
        foreach (var chunk in blocks.Distinct().Chunk(16))
        {
            var reads = chunk.Select(async block =>
            {
                var header = await Call(
                    w => w.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(new HexBigInteger(block))),
                    cancellationToken).ConfigureAwait(false);
                return (block, time: header is null ? (ulong?)null : (ulong)header.Timestamp.Value);
            });
            foreach (var (block, time) in await Task.WhenAll(reads).ConfigureAwait(false))
            {
                if (time is { } t)
                {
                    times[block] = t;
                }
            }
        }
        return times;
    }

    private async Task<T> Call<T>(Func<Nethereum.Web3.IWeb3, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await Rpc.CallAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerException ex) when (ex.Category == ErrorCategory.Unavailable)
        {
            throw AuditErrors.ChainUnreachable(Rpc.Url, Why(ex), ex);
        }
    }

    private static string Why(LedgerException ex) => ex.Code switch
    {
        Ledger.Chain.Errors.ChainUnavailableException.UnreachableCode => "the connection failed",
        Ledger.Chain.Errors.ChainUnavailableException.TimeoutCode => "it did not answer in time",
        _ => ex.Message,
    };

    private sealed class MemorySink : IChainEventSink, IIndexerCheckpoints
    {
        private readonly Dictionary<string, ChainEvent> _events = new(StringComparer.Ordinal);
        private ulong? _last;

        public List<ChainEvent> Events => [.. _events.Values.OrderBy(e => e.BlockNumber).ThenBy(e => e.LogIndex)];

        public void Accept(IReadOnlyList<ChainEvent> events, ulong throughBlock)
        {
            foreach (var e in events)
            {
                _events[e.Id] = e;
            }
        }

        public ulong? LastProcessedBlock(string indexer) => _last;

        public void MarkProcessed(string indexer, ulong block) => _last = block;
    }
}
