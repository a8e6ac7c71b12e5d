using Ledger.Core.Merkle;
using Ledger.Store.Anchoring;
using Ledger.Store.Records;

namespace Ledger.Store.Tests.Support;

/// <summary>The invariants of the outbox: every record anchored once, in one batch, with a proof of the chain's root.</summary>
public static class AnchorAssertions
{
    public static void EveryRecordAnchoredExactlyOnce(LedgerStore store, ScriptedAnchorChain chain, long expectedRecords)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(chain);
        var records = store.Records.Find(new RecordQuery { Limit = RecordStore.MaxQueryLimit });
        Assert.Equal(expectedRecords, records.Count);
        Assert.Equal(0, store.Outbox.UnanchoredCount);

        var batches = store.Outbox.Batches(limit: 10_000);
        var anchored = batches.Where(b => b.State == AnchorBatchState.Anchored).ToList();
        Assert.DoesNotContain(batches, b => b.State is AnchorBatchState.Assigned or AnchorBatchState.Sent);

        // One chain transaction per anchored batch, and each anchored batch is on chain with its root.
        Assert.Equal(anchored.Count, chain.AnchorTransactions);
        foreach (var batch in anchored)
        {
            Assert.True(chain.Anchors.TryGetValue(batch.Id, out var onChain), $"batch #{batch.Sequence} is not on chain");
            Assert.Equal(batch.Root, onChain.Root);
            Assert.Equal(batch.Count, onChain.Count);
            Assert.Equal(onChain.Confirmation.BlockNumber, batch.BlockNumber);
            Assert.Equal(batch.Root, StandardMerkleTree.Of(batch.Hashes).Root);
        }

        // No record in two batches; every record in exactly one.
        var members = anchored.SelectMany(b => b.Members).ToList();
        Assert.Equal(members.Count, members.Distinct().Count());
        Assert.Equal(records.Select(r => r.Sequence).Order(), members.Order());

        foreach (var record in records)
        {
            var anchor = record.Anchor;
            Assert.NotNull(anchor);
            var batch = Assert.Single(anchored, b => b.Sequence == anchor.BatchSequence);
            Assert.Contains(record.Sequence, batch.Members);
            Assert.Equal(batch.Id, anchor.BatchId);
            Assert.Equal(chain.Anchors[anchor.BatchId].Root, anchor.Root);
            Assert.Equal(chain.Anchors[anchor.BatchId].Confirmation.TxHash, anchor.TxHash);
            Assert.True(anchor.Proves(record.Hash), $"the proof of record #{record.Sequence} does not verify");
        }
    }
}
