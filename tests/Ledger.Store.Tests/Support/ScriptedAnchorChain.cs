using System.Collections.Concurrent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Store.Tests.Support;

/// <summary>
/// A test double of <see cref="IAnchorChain"/> that behaves like the AccessLog contract behind an idempotent sender
/// (a batch id is accepted once; the same root again returns the first anchor's confirmation; another root is
/// refused) and that a test can make fail on purpose at a chosen point. It outlives store and batcher instances,
/// like a real chain outlives a node's restarts.
/// </summary>
public sealed class ScriptedAnchorChain(OrgId organization) : IAnchorChain
{
    public sealed record Anchor(BatchId BatchId, Hash32 Root, uint Count, BatchKind Kind, string Uri, ChainConfirmation Confirmation);

    private readonly ConcurrentDictionary<BatchId, Anchor> _anchors = new();
    private readonly Lock _gate = new();
    private ulong _block = 100;
    private int _transactions;

    public OrgId Organization { get; } = organization;

    /// <summary>Every call fails as if the RPC endpoint were down.</summary>
    public bool Unreachable { get; set; }

    /// <summary>The next N AnchorAsync calls fail before anything reaches the chain.</summary>
    public int FailBeforeSending { get; set; }

    /// <summary>The next N AnchorAsync calls reach the chain (the batch is anchored) and then fail, as if the receipt were lost.</summary>
    public int FailAfterAnchoring { get; set; }

    /// <summary>Anchor transactions that changed chain state (a resend of an anchored batch is not one).</summary>
    public int AnchorTransactions => Volatile.Read(ref _transactions);

    private int _anchorCalls;

    /// <summary>Every AnchorAsync call, resends included.</summary>
    public int AnchorCalls => Volatile.Read(ref _anchorCalls);

    public IReadOnlyDictionary<BatchId, Anchor> Anchors => _anchors;

    /// <summary>Plants an anchor made by someone else (e.g. the same organization from another store).</summary>
    public void Plant(BatchId batchId, Hash32 root) =>
        _anchors[batchId] = new Anchor(batchId, root, 1, BatchKind.Mixed, "elsewhere", new ChainConfirmation(SampleRecords.RandomHash(), NextBlock(), 1));

    public Task<Hash32?> FindAnchoredRootAsync(BatchId batchId, CancellationToken cancellationToken = default)
    {
        ThrowIfUnreachable();
        return Task.FromResult(_anchors.TryGetValue(batchId, out var a) ? a.Root : (Hash32?)null);
    }

    public Task<ChainConfirmation> AnchorAsync(BatchId batchId, Hash32 root, uint count, BatchKind kind, string uri, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _anchorCalls);
        ThrowIfUnreachable();
        lock (_gate)
        {
            if (FailBeforeSending > 0)
            {
                FailBeforeSending--;
                throw Unavailable("the connection dropped before the transaction was sent");
            }
            if (_anchors.TryGetValue(batchId, out var existing))
            {
                return existing.Root == root
                    ? Task.FromResult(existing.Confirmation)
                    : throw new LedgerException("LEDGER-1299", ErrorCategory.AlreadyExists, $"batch {batchId} is anchored with another root {existing.Root}");
            }
            var anchor = new Anchor(batchId, root, count, kind, uri, new ChainConfirmation(SampleRecords.RandomHash(), NextBlock(), 1));
            _anchors[batchId] = anchor;
            _transactions++;
            if (FailAfterAnchoring > 0)
            {
                FailAfterAnchoring--;
                throw Unavailable("the connection dropped while waiting for the receipt");
            }
            return Task.FromResult(anchor.Confirmation);
        }
    }

    private ulong NextBlock() => Interlocked.Increment(ref _block);

    private void ThrowIfUnreachable()
    {
        if (Unreachable)
        {
            throw Unavailable("the chain cannot be reached");
        }
    }

    private static LedgerException Unavailable(string what) => new("LEDGER-1300", ErrorCategory.Unavailable, $"Test chain: {what}.");
}
