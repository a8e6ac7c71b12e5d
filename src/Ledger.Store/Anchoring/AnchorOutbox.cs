using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Internal;
using Ledger.Store.Records;
using LiteDB;

namespace Ledger.Store.Anchoring;

/// <summary>
/// The anchor outbox: records accepted but not yet anchored, and the batches formed from them. Every state change
/// is one LiteDB transaction. Records wait in sequence order: a batch takes the oldest waiting records — first those
/// given back by an abandoned batch (the <c>requeue</c> collection), then the records after the store's
/// <c>batched-through</c> counter, which moves past them — so accepting a record writes nothing for anchoring, and
/// forming a batch writes only the batch and the counter. When the batch is confirmed the batch document records the
/// confirmation once; the member records are not rewritten: a record's anchor and proof are read from its anchored
/// batch (<see cref="BatchAnchors"/>). A record belongs to at most one unfinished batch.
/// </summary>
public sealed class AnchorOutbox
{
    private readonly LedgerStore _store;

    internal AnchorOutbox(LedgerStore store) => _store = store;

    /// <summary>Number of records waiting for a batch.</summary>
    public long PendingCount => _store.Read("count pending records", Pending);

    /// <summary>Number of records not yet anchored (pending or in an unfinished batch).</summary>
    public long UnanchoredCount => _store.Read("count unanchored records", db =>
        Pending(db) + Unfinished(db).Sum(batch => (long)batch["members"].AsArray.Count));

    private static long Pending(LiteDatabase db) =>
        (long)(LedgerStore.CurrentValue(db, LedgerStore.Counter.RecordSequence) - LedgerStore.CurrentValue(db, LedgerStore.Counter.BatchedThrough))
        + db.GetCollection(Collections.Requeue).LongCount();

    /// <summary>
    /// The lowest sequence a record not yet anchored can have: every such record waits in <c>requeue</c>, belongs to
    /// an unfinished batch, or comes after the batched-through counter.
    /// </summary>
    internal static ulong LowestUnanchored(LiteDatabase db)
    {
        var lowest = LedgerStore.CurrentValue(db, LedgerStore.Counter.BatchedThrough) + 1;
        if (db.GetCollection(Collections.Requeue).Find(Query.All("_id", Query.Ascending), 0, 1).FirstOrDefault() is { } requeued)
        {
            lowest = Math.Min(lowest, Bson.ToU64(requeued["_id"]));
        }
        foreach (var batch in Unfinished(db))
        {
            lowest = Math.Min(lowest, Bson.ToU64(batch["first"]));
        }
        return lowest;
    }

    // Two lookups on the `state` index, not one Query.Or: LiteDB cannot use an index for an OR and would read every
    // batch (each with its member and hash arrays) — the batcher asks on every turn, under the store's lock.
    private static IEnumerable<BsonDocument> Unfinished(LiteDatabase db)
    {
        var batches = db.GetCollection(Collections.Batches);
        return UnfinishedFilters.SelectMany(filter => batches.Find(filter));
    }

    /// <summary>The filters <see cref="UnfinishedBatches"/> reads with, one per unfinished state (each on the state index).</summary>
    internal static IReadOnlyList<BsonExpression> UnfinishedFilters { get; } =
        [Query.EQ("state", nameof(AnchorBatchState.Assigned)), Query.EQ("state", nameof(AnchorBatchState.Sent))];

    /// <summary>The batch with this sequence number, or null.</summary>
    public AnchorBatch? GetBatch(ulong sequence) =>
        _store.Read("read a batch", db => db.GetCollection(Collections.Batches).FindById(Bson.U64(sequence)) is { } doc ? ToBatch(doc) : null);

    /// <summary>Batches in sequence order, at most <paramref name="limit"/> after <paramref name="afterSequence"/>.</summary>
    public IReadOnlyList<AnchorBatch> Batches(ulong afterSequence = 0, int limit = 1000) =>
        _store.Read("list batches", db => db.GetCollection(Collections.Batches)
            .Find(Query.GT("_id", Bson.U64(afterSequence)), 0, Math.Clamp(limit, 1, 10_000))
            .Select(ToBatch).ToList());

    /// <summary>Batches formed but not yet anchored (Assigned or Sent), oldest first: what a restart resumes.</summary>
    public IReadOnlyList<AnchorBatch> UnfinishedBatches() =>
        _store.Read("list unfinished batches", db => Unfinished(db).Select(ToBatch).OrderBy(b => b.Sequence).ToList());

    /// <summary>
    /// The anchoring backlog in one read, for health and metrics: the records not yet anchored (pending or in an
    /// unfinished batch) and the earliest time one of them started waiting (unix ms: a pending record's acceptance, an
    /// unfinished batch's formation); null when none waits.
    /// </summary>
    public (long Unanchored, ulong? OldestWaitingSinceMs) Backlog() => _store.Read("inspect the anchoring backlog", db =>
    {
        var pending = Pending(db);
        ulong? oldest = pending == 0 ? null : Bson.ToU64(WaitingInOrder(db, 1).First()["acceptedAtMs"]);
        var unanchored = pending;
        foreach (var batch in Unfinished(db))
        {
            unanchored += batch["members"].AsArray.Count;
            var created = Bson.ToU64(batch["createdAtMs"]);
            oldest = oldest is { } o ? Math.Min(o, created) : created;
        }
        return (unanchored, oldest);
    });

    /// <summary>How many records wait and when the oldest was accepted (unix ms).</summary>
    internal (long Count, ulong? OldestAcceptedAtMs) PendingSummary() => _store.Read("inspect the outbox", db =>
    {
        var count = Pending(db);
        if (count == 0)
        {
            return (0L, (ulong?)null);
        }
        var oldest = WaitingInOrder(db, 1).First();
        return (count, Bson.ToU64(oldest["acceptedAtMs"]));
    });

    // Up to `max` waiting records, oldest first: those an abandoned batch gave back (all older than the counter),
    // then those after the batched-through counter.
    private static List<BsonDocument> WaitingInOrder(LiteDatabase db, int max)
    {
        var records = db.GetCollection(Collections.Records);
        var waiting = new List<BsonDocument>();
        foreach (var row in db.GetCollection(Collections.Requeue).Find(Query.All("_id", Query.Ascending), 0, max))
        {
            waiting.Add(records.FindById(row["_id"]) ?? throw new InvalidOperationException($"Record #{row["_id"]} waits for a batch but is not in the store."));
        }
        if (waiting.Count < max)
        {
            var after = LedgerStore.CurrentValue(db, LedgerStore.Counter.BatchedThrough);
            waiting.AddRange(records.Find(Query.GT("_id", Bson.U64(after)), 0, max - waiting.Count));
        }
        return waiting;
    }

    /// <summary>
    /// Forms the next batch from up to <paramref name="maxSize"/> pending rows (oldest first): allocates the next
    /// batch sequence, computes the root, and persists the batch (Assigned) with its rows in one transaction.
    /// Returns null when nothing is pending.
    /// </summary>
    internal AnchorBatch? AssignNextBatch(int maxSize, string uriTemplate) => _store.Write("form an anchor batch", db =>
    {
        var rows = WaitingInOrder(db, maxSize);
        if (rows.Count == 0)
        {
            return null;
        }
        var sequence = LedgerStore.NextValue(db, LedgerStore.Counter.BatchSequence);
        var id = BatchId.For(_store.Organization, sequence);
        var hashes = rows.Select(r => Bson.ToHash(r["hash"])).ToArray();
        var root = StandardMerkleTree.Of(hashes).Root;
        var kinds = rows.Select(r => r["kind"].AsInt32).Distinct().ToList();
        var kind = kinds.Count == 1 ? (BatchKind)kinds[0] : BatchKind.Mixed;
        var uri = uriTemplate
            .Replace("{org}", _store.Organization.Code, StringComparison.Ordinal)
            .Replace("{sequence}", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{batchId}", id.ToString(), StringComparison.Ordinal);

        var doc = new BsonDocument
        {
            ["_id"] = Bson.U64(sequence),
            ["batchId"] = Bson.Hex(id.Value),
            ["root"] = Bson.Hex(root),
            ["kind"] = (int)kind,
            ["uri"] = uri,
            ["members"] = new BsonArray(rows.Select(r => r["_id"])),
            // The member range, indexed: how a record finds its batch (members are in sequence order).
            ["first"] = rows[0]["_id"],
            ["last"] = rows[^1]["_id"],
            ["hashes"] = Bson.HexArray(hashes),
            ["state"] = nameof(AnchorBatchState.Assigned),
            ["createdAtMs"] = Bson.U64(_store.NowMs),
            ["attempts"] = 0,
            ["lastError"] = BsonValue.Null,
            ["block"] = BsonValue.Null,
            ["txHash"] = BsonValue.Null,
            ["anchoredAtMs"] = BsonValue.Null,
            ["conflictingRoot"] = BsonValue.Null,
        };
        db.GetCollection(Collections.Batches).Insert(doc);
        var requeue = db.GetCollection(Collections.Requeue);
        var through = LedgerStore.CurrentValue(db, LedgerStore.Counter.BatchedThrough);
        foreach (var row in rows)
        {
            var member = Bson.ToU64(row["_id"]);
            if (member > through)
            {
                through = member;
            }
            else
            {
                requeue.Delete(row["_id"]);
            }
        }
        LedgerStore.SetValue(db, LedgerStore.Counter.BatchedThrough, through);
        return ToBatch(doc);
    });

    /// <summary>Records that the anchor is about to be sent (so a restart knows it may be on chain).</summary>
    internal AnchorBatch MarkSent(ulong sequence) => UpdateBatch(sequence, "mark a batch sent", doc =>
    {
        if (doc["state"].AsString == nameof(AnchorBatchState.Assigned) || doc["state"].AsString == nameof(AnchorBatchState.Sent))
        {
            doc["state"] = nameof(AnchorBatchState.Sent);
            doc["attempts"] = doc["attempts"].AsInt32 + 1;
            doc["sentAtMs"] = Bson.U64(_store.NowMs);
        }
    });

    /// <summary>Keeps the last anchoring failure on the batch, for operators.</summary>
    internal void RecordFailure(ulong sequence, string error) => UpdateBatch(sequence, "record an anchoring failure", doc =>
    {
        doc["lastError"] = error.Length > 2000 ? error[..2000] : error;
        doc["lastErrorAtMs"] = Bson.U64(_store.NowMs);
    });

    /// <summary>
    /// Stores the confirmation, in one transaction: the batch's hashes are checked against its root and the batch
    /// document becomes Anchored with the block and transaction — from then on every member record reads its anchor
    /// and proof from it. Recording the same confirmation again changes nothing. The member records are not rewritten
    /// (schema version 1 wrote each record's anchor and proof into it and removed an outbox row per record: a read and
    /// two writes per record, the larger part of the node's anchoring cost).
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1431 when the stored members no longer give the root.</exception>
    internal AnchorBatch MarkAnchored(ulong sequence, ChainConfirmation confirmation) => _store.Write("record an anchor", db =>
    {
        var batches = db.GetCollection(Collections.Batches);
        var doc = batches.FindById(Bson.U64(sequence)) ?? throw new InvalidOperationException($"Anchor batch #{sequence} is not in the store.");
        var batch = ToBatch(doc);
        switch (batch.State)
        {
            case AnchorBatchState.Anchored:
                return batch;
            case AnchorBatchState.Abandoned:
                throw new InvalidOperationException($"Anchor batch #{sequence} was abandoned; it cannot be marked anchored.");
        }
        var tree = StandardMerkleTree.Of(batch.Hashes);
        if (tree.Root != batch.Root)
        {
            throw StoreErrors.BatchTampered(sequence, batch.Root.ToString(), tree.Root.ToString());
        }
        doc["state"] = nameof(AnchorBatchState.Anchored);
        doc["block"] = Bson.U64(confirmation.BlockNumber);
        doc["txHash"] = Bson.Hex(confirmation.TxHash);
        doc["anchoredAtMs"] = Bson.U64(_store.NowMs);
        batches.Update(doc);
        return ToBatch(doc);
    });

    /// <summary>
    /// Gives up a batch whose id the chain holds with another root: its members wait again (at the head of the queue,
    /// before every record after the batched-through counter) and the batch becomes Abandoned. The batch sequence is
    /// not reused.
    /// </summary>
    internal AnchorBatch Abandon(ulong sequence, Hash32 chainRoot) => _store.Write("abandon a batch", db =>
    {
        var batches = db.GetCollection(Collections.Batches);
        var doc = batches.FindById(Bson.U64(sequence)) ?? throw new InvalidOperationException($"Anchor batch #{sequence} is not in the store.");
        if (doc["state"].AsString is nameof(AnchorBatchState.Assigned) or nameof(AnchorBatchState.Sent))
        {
            var requeue = db.GetCollection(Collections.Requeue);
            foreach (var member in doc["members"].AsArray)
            {
                requeue.Upsert(new BsonDocument { ["_id"] = member, ["abandonedBatch"] = doc["_id"] });
            }
            doc["state"] = nameof(AnchorBatchState.Abandoned);
            doc["conflictingRoot"] = Bson.Hex(chainRoot);
            batches.Update(doc);
        }
        return ToBatch(doc);
    });

    private AnchorBatch UpdateBatch(ulong sequence, string operation, Action<BsonDocument> change) => _store.Write(operation, db =>
    {
        var batches = db.GetCollection(Collections.Batches);
        var doc = batches.FindById(Bson.U64(sequence)) ?? throw new InvalidOperationException($"Anchor batch #{sequence} is not in the store.");
        change(doc);
        batches.Update(doc);
        return ToBatch(doc);
    });

    private static AnchorBatch ToBatch(BsonDocument doc) => new(
        Bson.ToU64(doc["_id"]),
        new BatchId(Bson.ToHash(doc["batchId"])),
        Bson.ToHash(doc["root"]),
        (BatchKind)doc["kind"].AsInt32,
        doc["uri"].AsString,
        doc["members"].AsArray.Select(Bson.ToU64).ToList(),
        doc["hashes"].AsArray.Select(h => new RecordHash(Bson.ToHash(h))).ToList(),
        Enum.Parse<AnchorBatchState>(doc["state"].AsString),
        Bson.ToU64(doc["createdAtMs"]),
        doc["attempts"].AsInt32,
        doc["lastError"].IsNull ? null : doc["lastError"].AsString,
        Bson.ToNullableU64(doc["block"]),
        doc["txHash"].IsNull ? null : Bson.ToHash(doc["txHash"]),
        Bson.ToNullableU64(doc["anchoredAtMs"]),
        doc["conflictingRoot"].IsNull ? null : Bson.ToHash(doc["conflictingRoot"]));
}
