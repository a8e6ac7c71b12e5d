using System.Collections.Concurrent;
using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Store.Internal;
using Ledger.Store.Records;
using LiteDB;

namespace Ledger.Store.Anchoring;

/// <summary>
/// A record's anchor, read from its batch. Since schema version 2 a confirmed batch is marked once on its own document
/// (state, block, transaction) and its member records are not rewritten: a record's anchor — batch id, root, block,
/// transaction and its inclusion proof — is derived when the record is read, from the anchored batch whose members
/// include it (found through the batch's member range, <c>first</c>..<c>last</c>, which is indexed). The proof comes
/// from the batch's stored hashes (the tree is rebuilt, checked against the stored root and kept for the next read),
/// and the record's stored hash must be the batch's hash at its position, so a record changed after anchoring or a
/// damaged batch is reported (LEDGER-1420 / LEDGER-1431), never given a proof that does not prove it.
/// Records anchored by schema version 1 carry their anchor in their own document and are read as they are.
/// </summary>
internal sealed class BatchAnchors
{
    // Trees of confirmed batches (immutable once anchored): a page of records is mostly a few batches, and auditors
    // ask for records of the same recent batches again and again.
    private const int MaxCachedBatches = 64;

    private readonly OrgId _organization;
    private readonly ConcurrentDictionary<ulong, AnchoredBatch> _cache = new();

    public BatchAnchors(OrgId organization) => _organization = organization;

    /// <summary>The anchor of record <paramref name="sequence"/> with <paramref name="hash"/>, or null when no anchored batch holds it.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1431 when the batch's hashes no longer give its root;
    /// LEDGER-1420 when the record's hash is not the one its batch anchored.</exception>
    public RecordAnchor? AnchorOf(LiteDatabase db, ulong sequence, RecordHash hash)
    {
        foreach (var cached in _cache.Values)
        {
            if (cached.Position(sequence) is { } index)
            {
                return cached.AnchorAt(index, sequence, hash);
            }
        }
        // Batches in the order of their last member, from the first that ends at or after the record: normally the
        // first one read holds it (ranges of batches do not overlap unless a batch was abandoned and its members were
        // batched again), so a lookup reads one batch, not every batch after the record.
        var candidates = db.GetCollection(Collections.Batches).Query()
            .Where("$.last >= @0", Bson.U64(sequence))
            .OrderBy("$.last")
            .ToEnumerable();
        foreach (var doc in candidates)
        {
            if (Bson.ToU64(doc["first"]) > sequence || doc["state"].AsString != nameof(AnchorBatchState.Anchored))
            {
                continue;
            }
            var batch = new AnchoredBatch(_organization, doc);
            if (batch.Position(sequence) is { } index)
            {
                if (_cache.Count >= MaxCachedBatches)
                {
                    _cache.Clear();
                }
                _cache[batch.Sequence] = batch;
                return batch.AnchorAt(index, sequence, hash);
            }
        }
        return null;
    }

    private sealed class AnchoredBatch
    {
        private readonly OrgId _organization;
        private readonly BatchId _id;
        private readonly Hash32 _root;
        private readonly ulong _block;
        private readonly Hash32 _txHash;
        private readonly ulong _anchoredAtMs;
        private readonly ulong[] _members;
        private readonly Hash32[] _hashes;
        private StandardMerkleTree? _tree;

        public AnchoredBatch(OrgId organization, BsonDocument doc)
        {
            _organization = organization;
            Sequence = Bson.ToU64(doc["_id"]);
            _id = new BatchId(Bson.ToHash(doc["batchId"]));
            _root = Bson.ToHash(doc["root"]);
            _block = Bson.ToU64(doc["block"]);
            _txHash = Bson.ToHash(doc["txHash"]);
            _anchoredAtMs = Bson.ToU64(doc["anchoredAtMs"]);
            _members = doc["members"].AsArray.Select(Bson.ToU64).ToArray();
            _hashes = Bson.ToHashes(doc["hashes"]);
            _sorted = _members.Zip(_members.Skip(1)).All(pair => pair.First < pair.Second);
        }

        private readonly bool _sorted;

        public ulong Sequence { get; }

        // Members are in sequence order (a batch takes the oldest pending rows in order); searched in order otherwise.
        public int? Position(ulong sequence)
        {
            var index = _sorted ? Array.BinarySearch(_members, sequence) : Array.IndexOf(_members, sequence);
            return index >= 0 ? index : null;
        }

        public RecordAnchor AnchorAt(int index, ulong sequence, RecordHash hash)
        {
            if (_hashes[index] != hash.Value)
            {
                throw StoreErrors.RecordNotAsAnchored(sequence, hash.ToString(), Sequence, _hashes[index].ToString());
            }
            var tree = Tree();
            return new RecordAnchor(_organization, _id, Sequence, _root, _block, _txHash, tree.GetProof(index), _anchoredAtMs);
        }

        private StandardMerkleTree Tree()
        {
            if (Volatile.Read(ref _tree) is { } built)
            {
                return built;
            }
            var tree = StandardMerkleTree.Of(_hashes);
            if (tree.Root != _root)
            {
                throw StoreErrors.BatchTampered(Sequence, _root.ToString(), tree.Root.ToString());
            }
            Volatile.Write(ref _tree, tree);
            return tree;
        }
    }
}
