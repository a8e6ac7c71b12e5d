using Ledger.Chain;
using Ledger.Core.Primitives;
using Ledger.Store.Anchoring;
using Ledger.Store.Records;

namespace Ledger.Store.Tests.RealChain;

/// <summary>The outbox's promise checked against the chain itself: each batch anchored once, each record in one batch, each proof verified by the contract.</summary>
public static class OnChainAssertions
{
    public static async Task EveryRecordAnchoredExactlyOnceOnChainAsync(
        HardhatFixture fixture, LedgerStore store, LedgerChainClient client, IReadOnlyCollection<string>? acknowledgedHashes = null)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(client);
        var org = store.Organization;
        Assert.Equal(0, store.Outbox.UnanchoredCount);
        var batches = store.Outbox.Batches(limit: 10_000);
        Assert.DoesNotContain(batches, b => b.State is AnchorBatchState.Assigned or AnchorBatchState.Sent);
        var anchored = batches.Where(b => b.State == AnchorBatchState.Anchored).ToDictionary(b => b.Id);

        // On chain: one BatchAnchored per batch the store anchored, with its root and count, and no other.
        var onChain = await fixture.AnchorsOfAsync(org);
        var ids = onChain.Select(e => new Core.Model.BatchId(new Hash32(e.BatchId))).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(anchored.Keys.OrderBy(k => k.Value), ids.OrderBy(k => k.Value));
        foreach (var e in onChain)
        {
            var batch = anchored[new Core.Model.BatchId(new Hash32(e.BatchId))];
            Assert.Equal(batch.Root, new Hash32(e.Root));
            Assert.Equal(batch.Count, e.Count);
        }

        // In the store: every record in exactly one anchored batch.
        var records = new List<StoredRecord>();
        ulong after = 0;
        while (store.Records.Find(new RecordQuery { AfterSequence = after, Limit = 1000 }) is { Count: > 0 } page)
        {
            records.AddRange(page);
            after = page[^1].Sequence;
        }
        var members = anchored.Values.SelectMany(b => b.Members).ToList();
        Assert.Equal(members.Count, members.Distinct().Count());
        Assert.Equal(records.Select(r => r.Sequence).Order(), members.Order());

        if (acknowledgedHashes is not null)
        {
            var stored = records.Select(r => r.Hash.ToString()).ToHashSet(StringComparer.Ordinal);
            Assert.All(acknowledgedHashes, h => Assert.Contains(h, stored));
        }

        // Each record's stored proof verifies on chain (AccessLog.verifyRecord) against its batch.
        foreach (var record in records)
        {
            var anchor = record.Anchor;
            Assert.NotNull(anchor);
            Assert.Contains(record.Sequence, anchored[anchor.BatchId].Members);
            Assert.True(
                await client.VerifyRecordAsync(org, anchor.BatchId, record.Hash, anchor.Proof),
                $"AccessLog.verifyRecord rejected record #{record.Sequence} in batch #{anchor.BatchSequence}");
        }
    }
}
