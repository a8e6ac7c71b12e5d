using Ledger.Core.Merkle;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Anchoring;
using Ledger.Store.Records;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.Anchoring;

/// <summary>
/// MarkAnchored marks the batch once, in one transaction, without rewriting its members: every member reads its anchor
/// from the batch, marking again changes nothing, and records accepted meanwhile wait for the next batch.
/// </summary>
public sealed class MarkAnchoredTests : IDisposable
{
    private const int Records = 773;
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ChainConfirmation Confirmation(string tag) => new(Keccak.Hash(tag), 42, 1_760_000_000);

    private static AnchorBatch FormBatch(LedgerStore store)
    {
        for (var i = 0; i < Records; i++)
        {
            store.Records.Accept(SampleRecords.Access());
        }
        return store.Outbox.AssignNextBatch(1_000, "ledger://{org}/{sequence}") ?? throw new InvalidOperationException("no batch");
    }

    [Fact]
    public void MarkAnchored_EveryMemberReadsTheBatchsAnchorAndItsOwnProof()
    {
        using var store = _temp.Open();
        var batch = FormBatch(store);
        var confirmation = Confirmation("tx");
        Assert.Equal(Records, store.Outbox.UnanchoredCount);
        Assert.Equal(0, store.Outbox.PendingCount);

        var done = store.Outbox.MarkAnchored(batch.Sequence, confirmation);

        Assert.Equal(AnchorBatchState.Anchored, done.State);
        Assert.Equal(0, store.Outbox.UnanchoredCount);
        Assert.Empty(store.Outbox.UnfinishedBatches());
        var tree = StandardMerkleTree.Of(batch.Hashes);
        for (var i = 0; i < batch.Members.Count; i++)
        {
            var stored = store.Records.Get(batch.Members[i])!;
            Assert.NotNull(stored.Anchor);
            Assert.Equal(batch.Sequence, stored.Anchor.BatchSequence);
            Assert.Equal(confirmation.TxHash, stored.Anchor.TxHash);
            Assert.Equal(tree.GetProof(i), stored.Anchor.Proof);
            Assert.True(stored.Anchor.Proves(stored.Hash));
        }
        Assert.Equal(Records, store.Records.Find(new RecordQuery { Anchored = true, Limit = 1_000 }).Count);
    }

    [Fact]
    public void MarkAnchored_Again_ChangesNothing()
    {
        using var store = _temp.Open();
        var batch = FormBatch(store);
        var done = store.Outbox.MarkAnchored(batch.Sequence, Confirmation("tx"));
        var anchors = batch.Members.Select(m => store.Records.Get(m)!.Anchor).ToList();

        var again = store.Outbox.MarkAnchored(batch.Sequence, Confirmation("another tx"));

        Assert.Equal(done.TxHash, again.TxHash);
        Assert.Equal(anchors, batch.Members.Select(m => store.Records.Get(m)!.Anchor), AnchorComparer.Instance);
    }

    [Fact]
    public async Task RecordsAcceptedWhileABatchIsMarked_AreStoredAndQueuedForTheNextBatch()
    {
        using var store = _temp.Open();
        var batch = FormBatch(store);
        var accepting = Task.Run(async () =>
        {
            var accepted = new List<AcceptedRecord>();
            for (var i = 0; i < 40; i++)
            {
                accepted.Add(await store.Records.AcceptAsync(sequence => SampleRecords.Access(sequence: sequence)));
            }
            return accepted;
        });

        store.Outbox.MarkAnchored(batch.Sequence, Confirmation("tx"));
        var accepted = await accepting;

        Assert.Equal(40, accepted.Select(a => a.Sequence).Distinct().Count());
        Assert.All(accepted, a => Assert.Null(store.Records.Get(a.Sequence)!.Anchor));
        Assert.Equal(40, store.Outbox.UnanchoredCount);
        Assert.Equal(AnchorBatchState.Anchored, store.Outbox.GetBatch(batch.Sequence)!.State);
    }

    private sealed class AnchorComparer : IEqualityComparer<RecordAnchor?>
    {
        public static readonly AnchorComparer Instance = new();

        public bool Equals(RecordAnchor? x, RecordAnchor? y) =>
            x is null || y is null ? x is null && y is null
            : x.BatchSequence == y.BatchSequence && x.TxHash == y.TxHash && x.AnchoredAtMs == y.AnchoredAtMs && x.Proof.SequenceEqual(y.Proof) && x.Root == y.Root;

        public int GetHashCode(RecordAnchor? obj) => obj?.BatchSequence.GetHashCode() ?? 0;
    }
}
