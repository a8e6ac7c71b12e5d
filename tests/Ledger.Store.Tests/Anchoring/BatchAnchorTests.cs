using Ledger.Core.Errors;
using Ledger.Core.Merkle;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Anchoring;
using Ledger.Store.Records;
using Ledger.Store.Tests.Support;
using LiteDB;

namespace Ledger.Store.Tests.Anchoring;

/// <summary>
/// Schema version 2: a record's anchor is read from its anchored batch (the member records are not rewritten); a
/// version-1 file, whose anchored records carry their anchor themselves, is upgraded when opened and loses nothing.
/// </summary>
public sealed class BatchAnchorTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ChainConfirmation Confirmation(string tag, ulong block = 42) => new(Keccak.Hash(tag), block, 1_760_000_000);

    private static AnchorBatch Batch(LedgerStore store, int records, int maxSize = 1_000)
    {
        for (var i = 0; i < records; i++)
        {
            store.Records.Accept(SampleRecords.Access());
        }
        return store.Outbox.AssignNextBatch(maxSize, "ledger://{org}/{sequence}") ?? throw new InvalidOperationException("no batch");
    }

    private LiteDatabase Raw() => new(new ConnectionString { Filename = _temp.FilePath, Connection = ConnectionType.Direct });

    [Fact]
    public void ReadAfterAnchoring_EveryMemberHasItsBatchsAnchorAndAProofOfItsOwnHash_OthersNone()
    {
        using var store = _temp.Open();
        var first = Batch(store, 7);
        var second = Batch(store, 9);
        var pending = store.Records.Accept(SampleRecords.Access());

        store.Outbox.MarkAnchored(first.Sequence, Confirmation("first", block: 40));
        store.Outbox.MarkAnchored(second.Sequence, Confirmation("second", block: 41));

        foreach (var (batch, tx, block) in new[] { (first, "first", 40UL), (second, "second", 41UL) })
        {
            var tree = StandardMerkleTree.Of(batch.Hashes);
            for (var i = 0; i < batch.Members.Count; i++)
            {
                var anchor = store.Records.Get(batch.Members[i])!.Anchor!;
                Assert.Equal(batch.Sequence, anchor.BatchSequence);
                Assert.Equal(batch.Id, anchor.BatchId);
                Assert.Equal(tree.Root, anchor.Root);
                Assert.Equal(block, anchor.BlockNumber);
                Assert.Equal(Keccak.Hash(tx), anchor.TxHash);
                Assert.Equal(TempStore.Org, anchor.Organization);
                Assert.True(anchor.Proves(batch.Hashes[i]));
            }
        }
        Assert.Null(store.Records.Get(pending.Sequence)!.Anchor);
        Assert.Equal(16, store.Records.Find(new RecordQuery { Anchored = true }).Count);
        Assert.Equal([pending.Sequence], store.Records.Find(new RecordQuery { Anchored = false }).Select(r => r.Sequence));
    }

    [Fact]
    public void FindAnchored_PagesOverRecordsOfTheOtherStateToFillTheLimit()
    {
        using var store = _temp.Open();
        var anchored = Batch(store, 5);
        Batch(store, 5); // formed, not anchored
        store.Outbox.MarkAnchored(anchored.Sequence, Confirmation("tx"));
        for (var i = 0; i < 3; i++)
        {
            store.Records.Accept(SampleRecords.Access());
        }

        var unanchored = store.Records.Find(new RecordQuery { Anchored = false, Limit = 4 });
        var rest = store.Records.Find(new RecordQuery { Anchored = false, Limit = 4, AfterSequence = unanchored[^1].Sequence });

        Assert.Equal([6UL, 7, 8, 9], unanchored.Select(r => r.Sequence));
        Assert.Equal([10UL, 11, 12, 13], rest.Select(r => r.Sequence));
        Assert.Equal([1UL, 2, 3, 4, 5], store.Records.Find(new RecordQuery { Anchored = true, Limit = 10 }).Select(r => r.Sequence));
    }

    [Fact]
    public void Read_ABatchWhoseHashesWereAlteredInTheFile_IsReportedAsTamperedNotGivenAProof()
    {
        AnchorBatch batch;
        using (var store = _temp.Open())
        {
            batch = Batch(store, 4);
            store.Outbox.MarkAnchored(batch.Sequence, Confirmation("tx"));
        }
        using (var db = Raw())
        {
            var batches = db.GetCollection("batches");
            var doc = batches.FindById((long)batch.Sequence);
            var hashes = doc["hashes"].AsArray;
            hashes[3] = SampleRecords.RandomHash().ToString(); // a record swapped in the batch after anchoring
            batches.Update(doc);
        }
        using var reopened = _temp.Open();

        var ex = Assert.Throws<LedgerException>(() => reopened.Records.Get(batch.Members[0]));

        Assert.Equal(StoreErrors.BatchTamperedCode, ex.Code);
        Assert.Equal(ErrorCategory.Tampered, ex.Category);
    }

    [Fact]
    public void Read_ARecordSwappedForAnotherAfterAnchoring_IsReportedAsNotTheAnchoredRecord()
    {
        AnchorBatch batch;
        using (var store = _temp.Open())
        {
            batch = Batch(store, 4);
            store.Outbox.MarkAnchored(batch.Sequence, Confirmation("tx"));
        }
        // Record #1 becomes a copy of record #2: its content still matches its stored hash, but not the batch's.
        using (var db = Raw())
        {
            var records = db.GetCollection("records");
            var first = records.FindById(1L);
            var second = records.FindById(2L);
            first["body"] = second["body"];
            first["hash"] = second["hash"];
            records.Delete(2L);
            records.Update(first);
        }
        using var reopened = _temp.Open();

        var ex = Assert.Throws<LedgerException>(() => reopened.Records.Get(1UL));

        Assert.Equal(StoreErrors.RecordTamperedCode, ex.Code);
        Assert.Contains($"anchor batch #{batch.Sequence}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(batch.Hashes[0].ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Abandon_TheMembersWaitAgainAheadOfNewerRecords_AndTheNextBatchTakesThemFirst()
    {
        using var store = _temp.Open();
        var abandoned = Batch(store, 3);
        store.Records.Accept(SampleRecords.Access());
        store.Records.Accept(SampleRecords.Access());

        store.Outbox.Abandon(abandoned.Sequence, Keccak.Hash("another root"));

        Assert.Equal(5, store.Outbox.PendingCount);
        var next = store.Outbox.AssignNextBatch(4, "")!;
        Assert.Equal([1UL, 2, 3, 4], next.Members);
        var last = store.Outbox.AssignNextBatch(4, "")!;
        Assert.Equal([5UL], last.Members);
        Assert.Null(store.Outbox.AssignNextBatch(4, ""));
        store.Outbox.MarkAnchored(next.Sequence, Confirmation("next"));
        Assert.Equal(next.Sequence, store.Records.Get(1UL)!.Anchor!.BatchSequence);
        Assert.Equal(AnchorBatchState.Abandoned, store.Outbox.GetBatch(abandoned.Sequence)!.State);
    }

    [Fact]
    public void Open_AVersion1File_UpgradesItAndLosesNothing_AnchorsKept_WaitingRecordsStillWaitInOrder()
    {
        AnchorBatch anchoredV1, unfinished, abandoned;
        var confirmation = Confirmation("v1 tx", block: 77);
        List<ulong> pendingAfter;
        using (var store = _temp.Open())
        {
            anchoredV1 = Batch(store, 6);
            store.Outbox.MarkAnchored(anchoredV1.Sequence, confirmation);
            unfinished = Batch(store, 5);
            abandoned = Batch(store, 3);
            store.Outbox.Abandon(abandoned.Sequence, Keccak.Hash("another root"));
            pendingAfter = [store.Records.Accept(SampleRecords.Access()).Sequence, store.Records.Accept(SampleRecords.Access()).Sequence];
        }
        // Make the file what version 1 wrote: anchors inside the anchored records, an outbox row per unanchored record
        // (Assigned to its unfinished batch, or Pending), no member ranges, no batched-through counter, version 1.
        var tree = StandardMerkleTree.Of(anchoredV1.Hashes);
        using (var db = Raw())
        {
            var records = db.GetCollection("records");
            var batches = db.GetCollection("batches");
            var v1Batch = batches.FindById((long)anchoredV1.Sequence);
            for (var i = 0; i < anchoredV1.Members.Count; i++)
            {
                var record = records.FindById((long)anchoredV1.Members[i]);
                record["anchor"] = new BsonDocument
                {
                    ["organization"] = TempStore.Org.Value.ToString(),
                    ["batchId"] = anchoredV1.Id.Value.ToString(),
                    ["batch"] = (long)anchoredV1.Sequence,
                    ["root"] = tree.Root.ToString(),
                    ["block"] = 77L,
                    ["txHash"] = confirmation.TxHash.ToString(),
                    ["proof"] = new BsonArray(tree.GetProof(i).Select(h => new BsonValue(h.ToString()))),
                    ["anchoredAtMs"] = v1Batch["anchoredAtMs"],
                };
                records.Update(record);
            }
            var outbox = db.GetCollection("outbox");
            void Row(ulong member, string state, BsonValue batch) => outbox.Insert(new BsonDocument
            {
                ["_id"] = (long)member,
                ["hash"] = records.FindById((long)member)["hash"],
                ["kind"] = 1,
                ["state"] = state,
                ["batch"] = batch,
                ["acceptedAtMs"] = records.FindById((long)member)["acceptedAtMs"],
            });
            foreach (var member in unfinished.Members)
            {
                Row(member, "Assigned", (long)unfinished.Sequence);
            }
            foreach (var member in abandoned.Members.Concat(pendingAfter))
            {
                Row(member, "Pending", BsonValue.Null);
            }
            foreach (var doc in batches.FindAll().ToList())
            {
                doc.Remove("first");
                doc.Remove("last");
                batches.Update(doc);
            }
            batches.DropIndex("last");
            db.DropCollection("requeue");
            db.GetCollection("counters").Delete("batched-through");
            var meta = db.GetCollection("meta").FindById("store");
            meta["schemaVersion"] = 1;
            db.GetCollection("meta").Update(meta);
        }

        using (var upgraded = _temp.Open())
        {
            for (var i = 0; i < anchoredV1.Members.Count; i++)
            {
                var stored = upgraded.Records.Get(anchoredV1.Members[i])!;
                Assert.Equal(77UL, stored.Anchor!.BlockNumber);
                Assert.Equal(tree.GetProof(i), stored.Anchor.Proof);
                Assert.True(stored.Anchor.Proves(stored.Hash));
            }
            Assert.Equal(5, upgraded.Outbox.PendingCount);
            Assert.Equal(10, upgraded.Outbox.UnanchoredCount);
            Assert.Equal(unfinished.Members, upgraded.Outbox.UnfinishedBatches().Single().Members);

            upgraded.Outbox.MarkAnchored(unfinished.Sequence, Confirmation("v2 tx", block: 78));
            var rest = upgraded.Outbox.AssignNextBatch(100, "")!;
            Assert.Equal(abandoned.Members.Concat(pendingAfter), rest.Members);
            upgraded.Outbox.MarkAnchored(rest.Sequence, Confirmation("v2 tx 2", block: 79));

            Assert.All(unfinished.Members.Concat(rest.Members), m =>
            {
                var stored = upgraded.Records.Get(m)!;
                Assert.True(stored.Anchor!.BlockNumber is 78 or 79);
                Assert.True(stored.Anchor.Proves(stored.Hash));
            });
            Assert.Equal(16, upgraded.Records.Find(new RecordQuery { Anchored = true }).Count);
            Assert.Equal(0, upgraded.Outbox.UnanchoredCount);
        }
        using var raw = Raw();
        Assert.Equal(LedgerStore.CurrentSchemaVersion, raw.GetCollection("meta").FindById("store")["schemaVersion"].AsInt32);
        Assert.False(raw.CollectionExists("outbox"));
        Assert.Equal((long)unfinished.Members[0], raw.GetCollection("batches").FindById((long)unfinished.Sequence)["first"].AsInt64);
    }
}
