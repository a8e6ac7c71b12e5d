using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Anchoring;
using Ledger.Store.Internal;
using Ledger.Store.Tests.Support;
using LiteDB;

namespace Ledger.Store.Tests.Anchoring;

/// <summary>
/// The batcher asks for the unfinished batches on every turn, under the store's lock: the question must be answered
/// from the `state` index, not by reading every batch (each with its member and hash arrays) — a store of 1,000,000
/// anchored records has about 4,000 batches, and reading them all on every turn is what made the node slow with a
/// full store. And it still finds every unfinished batch, in both states, oldest first.
/// </summary>
public sealed class UnfinishedBatchesTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void EveryFilterOfTheUnfinishedBatchesIsAnsweredFromTheStateIndex()
    {
        using (var store = _temp.Open())
        {
            store.Records.Accept(SampleRecords.Access());
        }
        using var db = new LiteDatabase(new ConnectionString { Filename = _temp.FilePath, Connection = ConnectionType.Direct });
        var batches = db.GetCollection(Collections.Batches);
        Assert.Equal(2, AnchorOutbox.UnfinishedFilters.Count);
        foreach (var filter in AnchorOutbox.UnfinishedFilters)
        {
            var plan = batches.Query().Where(filter).GetPlan();
            Assert.Equal("state", plan["index"]["name"].AsString);
            Assert.Equal("$.state", plan["index"]["expr"].AsString);
        }
    }

    [Fact]
    public void UnfinishedBatches_FindsAssignedAndSentBatchesOldestFirstAndNoAnchoredOne()
    {
        using var store = _temp.Open();
        AnchorBatch Form()
        {
            for (var i = 0; i < 3; i++)
            {
                store.Records.Accept(SampleRecords.Access());
            }
            return store.Outbox.AssignNextBatch(1_000, "ledger://{org}/{sequence}") ?? throw new InvalidOperationException("no batch");
        }
        var anchored = Form();
        store.Outbox.MarkAnchored(anchored.Sequence, new ChainConfirmation(Keccak.Hash("tx"), 42, 1_760_000_000));
        var sent = Form();
        store.Outbox.MarkSent(sent.Sequence);
        var assigned = Form();

        var unfinished = store.Outbox.UnfinishedBatches();

        Assert.Equal([sent.Sequence, assigned.Sequence], unfinished.Select(b => b.Sequence));
        Assert.Equal([AnchorBatchState.Sent, AnchorBatchState.Assigned], unfinished.Select(b => b.State));
        Assert.Equal(6, store.Outbox.UnanchoredCount);
    }
}
