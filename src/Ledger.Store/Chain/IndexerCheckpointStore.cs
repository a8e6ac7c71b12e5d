using Ledger.Core.Ports;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Chain;

/// <summary>The event indexers' checkpoints, one document per indexer name.</summary>
internal sealed class IndexerCheckpointStore : IIndexerCheckpoints
{
    private const string Prefix = "indexer:"; // keeps indexer names apart from the store's own entries

    private readonly LedgerStore _store;

    internal IndexerCheckpointStore(LedgerStore store) => _store = store;

    public ulong? LastProcessedBlock(string indexer) => _store.Read("read an indexer checkpoint", db =>
        db.GetCollection(Collections.Checkpoints).FindById(Key(indexer)) is { } doc ? Bson.ToU64(doc["block"]) : (ulong?)null);

    public void MarkProcessed(string indexer, ulong block) => _store.Write("save an indexer checkpoint", db =>
        db.GetCollection(Collections.Checkpoints).Upsert(new BsonDocument
        {
            ["_id"] = Key(indexer),
            ["block"] = Bson.U64(block),
            ["updatedAtMs"] = Bson.U64(_store.NowMs),
        }));

    private static string Key(string indexer) =>
        string.IsNullOrWhiteSpace(indexer) || indexer.Length > 200
            ? throw StoreErrors.InvalidEntry($"An indexer name is 1 to 200 characters; '{indexer}' is not.")
            : Prefix + indexer;
}
