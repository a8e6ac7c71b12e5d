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
/// is one LiteDB transaction. A row is Pending until a batch takes it (Assigned, with the batch's sequence); when
/// the batch is confirmed the batch document records the confirmation once and the rows are removed. The member
/// records themselves are not rewritten: a record's anchor and proof are read from its anchored batch
/// (<see cref="BatchAnchors"/>). A row belongs to at most one unfinished batch.
/// </summary>
public sealed class AnchorOutbox
{
    private readonly LedgerStore _store;

    internal AnchorOutbox(LedgerStore store) => _store = store;

    /// <summary>Number of records waiting for a batch.</summary>
    public long PendingCount => _store.Read("count pending records", db => db.GetCollection(Collections.Outbox).LongCount(Query.EQ("state", OutboxState.Pending)));

    /// <summary>Number of records not yet anchored (pending or in an unfinished batch).</summary>
    public long UnanchoredCount => _store.Read("count unanchored records", db => db.GetCollection(Collections.Outbox).LongCount());

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
        _store.Read("list unfinished batches", db => db.GetCollection(Collections.Batches)
            .Find(Query.Or(Query.EQ("state", nameof(AnchorBatchState.Assigned)), Query.EQ("state", nameof(AnchorBatchState.Sent))))
            .Select(ToBatch).OrderBy(b => b.Sequence).ToList());

    /// <summary>How many records wait and when the oldest was accepted (unix ms).</summary>
    internal (long Count, ulong? OldestAcceptedAtMs) PendingSummary() => _store.Read("inspect the outbox", db =>
    {
        var outbox = db.GetCollection(Collections.Outbox);
        var count = outbox.LongCount(Query.EQ("state", OutboxState.Pending));
        if (count == 0)
        {
            return (0L, (ulong?)null);
        }
        var oldest = PendingInOrder(outbox).First();
        return (count, Bson.ToU64(oldest["acceptedAtMs"]));
    });

    // Rows in sequence order: Assigned rows (at most one batch's worth) come before every Pending row, so this
    // reads little more than the rows it returns.
    private static IEnumerable<BsonDocument> PendingInOrder(ILiteCollection<BsonDocument> outbox) =>
        outbox.Find(Query.All("_id", Query.Ascending)).Where(row => row["state"].AsString == OutboxState.Pending);

    /// <summary>
    /// Forms the next batch from up to <paramref name="maxSize"/> pending rows (oldest first): allocates the next
    /// batch sequence, computes the root, and persists the batch (Assigned) with its rows in one transaction.
    /// Returns null when nothing is pending.
    /// </summary>
    internal AnchorBatch? AssignNextBatch(int maxSize, string uriTemplate) => _store.Write("form an anchor batch", db =>
    {
        var outbox = db.GetCollection(Collections.Outbox);
        var rows = PendingInOrder(outbox).Take(maxSize).ToList();
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
        foreach (var row in rows)
        {
            row["state"] = OutboxState.Assigned;
            row["batch"] = Bson.U64(sequence);
            outbox.Update(row);
        }
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
    /// Outbox rows removed per transaction by <see cref="MarkAnchored(ulong, ChainConfirmation)"/>: the store's lock is
    /// let go between them, so records accepted meanwhile wait for one chunk, not for the whole batch.
    /// </summary>
    internal const int MarkChunkSize = 256;

    /// <summary>
    /// Stores the confirmation: the batch's hashes are checked against its root, the members' outbox rows are removed
    /// (in transactions of <see cref="MarkChunkSize"/> rows), and then the batch document becomes Anchored with the
    /// block and transaction — from then on every member record reads its anchor and proof from it. Recording the same
    /// confirmation again changes nothing, and a marking cut short (a crash between two transactions: the batch is
    /// still Sent, so a restart resumes it) is finished by the next call. The member records are not rewritten (schema
    /// version 1 wrote each record's anchor and proof into it: a read and a rewrite of every record, the larger part
    /// of the node's anchoring cost).
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1431 when the stored members no longer give the root.</exception>
    internal AnchorBatch MarkAnchored(ulong sequence, ChainConfirmation confirmation) => MarkAnchored(sequence, confirmation, int.MaxValue);

    /// <summary>As <see cref="MarkAnchored(ulong, ChainConfirmation)"/>, but stops after <paramref name="maxChunks"/> chunks of rows (tests: a crash between chunks).</summary>
    internal AnchorBatch MarkAnchored(ulong sequence, ChainConfirmation confirmation, int maxChunks)
    {
        var batch = _store.Read("read an anchor batch", db =>
        {
            var doc = db.GetCollection(Collections.Batches).FindById(Bson.U64(sequence)) ?? throw new InvalidOperationException($"Anchor batch #{sequence} is not in the store.");
            if (doc["state"].AsString == nameof(AnchorBatchState.Abandoned))
            {
                throw new InvalidOperationException($"Anchor batch #{sequence} was abandoned; it cannot be marked anchored.");
            }
            return ToBatch(doc);
        });
        if (batch.State == AnchorBatchState.Anchored)
        {
            return batch;
        }
        var tree = StandardMerkleTree.Of(batch.Hashes);
        if (tree.Root != batch.Root)
        {
            throw StoreErrors.BatchTampered(sequence, batch.Root.ToString(), tree.Root.ToString());
        }

        var chunks = 0;
        for (var from = 0; from < batch.Members.Count; from += MarkChunkSize)
        {
            if (chunks++ == maxChunks)
            {
                return batch;
            }
            if (from > 0)
            {
                Thread.Yield(); // let a commit waiting for the lock go first
            }
            var start = from;
            _store.Write("record an anchor", db =>
            {
                var outbox = db.GetCollection(Collections.Outbox);
                for (var i = start; i < Math.Min(start + MarkChunkSize, batch.Members.Count); i++)
                {
                    var member = Bson.U64(batch.Members[i]);
                    if (outbox.FindById(member) is { } row && row["batch"] == Bson.U64(sequence))
                    {
                        outbox.Delete(member);
                    }
                }
            });
        }

        return _store.Write("record an anchor", db =>
        {
            var batches = db.GetCollection(Collections.Batches);
            var doc = batches.FindById(Bson.U64(sequence)) ?? throw new InvalidOperationException($"Anchor batch #{sequence} is not in the store.");
            if (doc["state"].AsString == nameof(AnchorBatchState.Anchored))
            {
                return ToBatch(doc);
            }
            doc["state"] = nameof(AnchorBatchState.Anchored);
            doc["block"] = Bson.U64(confirmation.BlockNumber);
            doc["txHash"] = Bson.Hex(confirmation.TxHash);
            doc["anchoredAtMs"] = Bson.U64(_store.NowMs);
            batches.Update(doc);
            return ToBatch(doc);
        });
    }

    /// <summary>
    /// Gives up a batch whose id the chain holds with another root: its rows go back to Pending (they keep their
    /// place at the head of the outbox) and the batch becomes Abandoned. The batch sequence is not reused.
    /// </summary>
    internal AnchorBatch Abandon(ulong sequence, Hash32 chainRoot) => _store.Write("abandon a batch", db =>
    {
        var batches = db.GetCollection(Collections.Batches);
        var doc = batches.FindById(Bson.U64(sequence)) ?? throw new InvalidOperationException($"Anchor batch #{sequence} is not in the store.");
        var outbox = db.GetCollection(Collections.Outbox);
        foreach (var member in doc["members"].AsArray)
        {
            if (outbox.FindById(member) is { } row && row["batch"] == doc["_id"])
            {
                row["state"] = OutboxState.Pending;
                row["batch"] = BsonValue.Null;
                outbox.Update(row);
            }
        }
        doc["state"] = nameof(AnchorBatchState.Abandoned);
        doc["conflictingRoot"] = Bson.Hex(chainRoot);
        batches.Update(doc);
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
