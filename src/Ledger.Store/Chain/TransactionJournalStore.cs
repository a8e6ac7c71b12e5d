using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Chain;

/// <summary>
/// The transaction sender's write-ahead journal: a signed transaction is saved (committed) before it is
/// broadcast, so after a restart the sender rebroadcasts the same bytes instead of signing a second transaction.
/// </summary>
internal sealed class TransactionJournalStore : ITransactionJournal
{
    private readonly LedgerStore _store;

    internal TransactionJournalStore(LedgerStore store) => _store = store;

    public void Save(JournaledTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (string.IsNullOrWhiteSpace(transaction.Id) || transaction.Id.Length > 500)
        {
            throw StoreErrors.InvalidEntry($"A journaled transaction's id is 1 to 500 characters; '{transaction.Id}' is not.");
        }
        if (string.IsNullOrEmpty(transaction.RawTransaction) || !transaction.RawTransaction.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            throw StoreErrors.InvalidEntry($"Transaction '{transaction.Id}' has no signed bytes (expected 0x-prefixed hex).");
        }
        _store.Write("journal a signed transaction", db => db.GetCollection(Collections.Journal).Upsert(ToDocument(transaction)));
    }

    public JournaledTransaction? Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _store.Read("read the transaction journal", db => db.GetCollection(Collections.Journal).FindById(id) is { } doc ? ToTransaction(doc) : null);
    }

    /// <remarks>Superseded transactions are left out: their replacement (same nonce) is the one that is pending.</remarks>
    public IReadOnlyList<JournaledTransaction> Pending(EthAddress from) => _store.Read("read the transaction journal", db =>
        db.GetCollection(Collections.Journal)
            .Find(Query.EQ("from", FromKey(from)))
            .Where(doc => doc["minedInBlock"].IsNull && !doc["superseded"].AsBoolean)
            .Select(ToTransaction)
            .OrderBy(t => t.Nonce)
            .ThenBy(t => t.CreatedAtMs)
            .ToList());

    public void MarkMined(string id, ulong blockNumber, bool succeeded)
    {
        ArgumentNullException.ThrowIfNull(id);
        _store.Write("record a mined transaction", db =>
        {
            var journal = db.GetCollection(Collections.Journal);
            var doc = journal.FindById(id) ?? throw StoreErrors.UnknownTransaction(id);
            doc["minedInBlock"] = Bson.U64(blockNumber);
            doc["succeeded"] = succeeded;
            return journal.Update(doc);
        });
    }

    private static string FromKey(EthAddress from) => from.ToString().ToLowerInvariant();

    private static BsonDocument ToDocument(JournaledTransaction t) => new()
    {
        ["_id"] = t.Id,
        ["from"] = FromKey(t.From),
        ["nonce"] = Bson.U64(t.Nonce),
        ["raw"] = t.RawTransaction,
        ["txHash"] = Bson.Hex(t.TxHash),
        ["createdAtMs"] = t.CreatedAtMs,
        ["minedInBlock"] = Bson.Nullable(t.MinedInBlock),
        ["succeeded"] = t.Succeeded is { } s ? new BsonValue(s) : BsonValue.Null,
        ["superseded"] = t.Superseded,
    };

    private static JournaledTransaction ToTransaction(BsonDocument doc) => new(
        doc["_id"].AsString,
        EthAddress.Parse(doc["from"].AsString),
        Bson.ToU64(doc["nonce"]),
        doc["raw"].AsString,
        Bson.ToHash(doc["txHash"]),
        doc["createdAtMs"].AsInt64)
    {
        MinedInBlock = Bson.ToNullableU64(doc["minedInBlock"]),
        Succeeded = doc["succeeded"].IsNull ? null : doc["succeeded"].AsBoolean,
        Superseded = doc["superseded"].AsBoolean,
    };
}
