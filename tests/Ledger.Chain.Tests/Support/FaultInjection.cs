using Nethereum.JsonRpc.Client;

namespace Ledger.Chain.Tests.Support;

/// <summary>
/// A transport that drops one JSON-RPC method on purpose (the connection "breaks" as that request goes out), so a
/// test can crash the sender between journaling a transaction and broadcasting it.
/// </summary>
internal sealed class DropMethodInterceptor(string method) : RequestInterceptor
{
    public int Dropped { get; private set; }

    public override Task<object> InterceptSendRequestAsync<T>(Func<RpcRequest, string, Task<T>> interceptedSendRequestAsync, RpcRequest request, string route = null!)
    {
        if (request.Method == method)
        {
            Dropped++;
            throw new HttpRequestException($"connection dropped while sending {method} (test)");
        }
        return base.InterceptSendRequestAsync(interceptedSendRequestAsync, request, route);
    }

    public static RpcClient ClientFor(string rpcUrl, string method, out DropMethodInterceptor interceptor)
    {
        interceptor = new DropMethodInterceptor(method);
#pragma warning disable CA2000 // owned by the client for the test's lifetime
        return new RpcClient(new Uri(rpcUrl), new HttpClient(), null, null, null) { OverridingRequestInterceptor = interceptor };
#pragma warning restore CA2000
    }
}

/// <summary>Checkpoints in memory; optionally fails the first mark, as a crash between delivery and checkpoint would.</summary>
internal sealed class MemoryCheckpoints(bool failFirstMark = false) : Core.Ports.IIndexerCheckpoints
{
    private readonly Dictionary<string, ulong> _marks = [];
    private bool _failNext = failFirstMark;

    public ulong? LastProcessedBlock(string indexer) => _marks.TryGetValue(indexer, out var block) ? block : null;

    public void MarkProcessed(string indexer, ulong block)
    {
        if (_failNext)
        {
            _failNext = false;
            throw new IOException("simulated crash before the checkpoint was written");
        }
        _marks[indexer] = block;
    }
}

/// <summary>A sink that keeps each event once (by id) and counts every delivery.</summary>
internal sealed class DedupingSink : Core.Ports.IChainEventSink
{
    private readonly Dictionary<string, Core.Ports.ChainEvent> _events = new(StringComparer.Ordinal);

    public int Deliveries { get; private set; }

    public ulong? ThroughBlock { get; private set; }

    public IReadOnlyCollection<Core.Ports.ChainEvent> Events => _events.Values;

    public void Accept(IReadOnlyList<Core.Ports.ChainEvent> events, ulong throughBlock)
    {
        foreach (var e in events)
        {
            Deliveries++;
            _events.TryAdd(e.Id, e);
        }
        ThroughBlock = throughBlock;
    }
}
