using System.Collections.Concurrent;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Parts;

/// <summary>
/// The tax bureau's own data (<see cref="LedgerStore.OpenTaxData"/>; schema 4, once <c>DataDir/taxdata.db</c>):
/// collection <c>taxpayers</c>, one document per unified social credit code (<c>_id</c>) with the salted hash the chain
/// knows (unique index), name, latest rating, the taxpayer as a JSON line (<see cref="TaxpayerImport.ToJsonLine"/>)
/// and the bound enterprise account. The salt's fingerprint is kept in <c>meta/tax-salt</c>, so a node started with
/// another salt is refused instead of silently finding no enterprise. Reads of hot taxpayers are served from memory.
/// </summary>
internal sealed class TaxDataStore : ITaxDataStore
{
    private readonly LedgerStore _store;
    private readonly Hash32 _salt;
    private readonly ConcurrentDictionary<EnterpriseHash, TaxpayerEntry?> _byHash = new();

    private TaxDataStore(LedgerStore store, Hash32 salt)
    {
        _store = store;
        _salt = salt;
    }

    internal static void EnsureIndexes(LiteDatabase db)
    {
        var taxpayers = db.GetCollection(Collections.Taxpayers);
        taxpayers.EnsureIndex("hash", "$.hash", unique: true);
        taxpayers.EnsureIndex("name", "$.name"); // ResolveEnterprise by registered name
    }

    internal static string Fingerprint(Hash32 salt) => Keccak.Hash(salt, Keccak.Hash("ledger/tax-salt/v1")).ToString();

    /// <summary>The tax data kept with <paramref name="salt"/>: its fingerprint is written on first use and checked after.</summary>
    internal static TaxDataStore Open(LedgerStore store, Hash32 salt)
    {
        var fingerprint = Fingerprint(salt);
        store.Write("check the tax data's salt", db =>
        {
            var meta = db.GetCollection(Collections.Meta);
            var stored = meta.FindById(MetaIds.TaxSalt);
            if (stored is null)
            {
                meta.Insert(new BsonDocument { ["_id"] = MetaIds.TaxSalt, ["fingerprint"] = fingerprint });
            }
            else if (stored["fingerprint"].AsString != fingerprint)
            {
                throw StoreErrors.TaxSaltMismatch(store.Path);
            }
        });
        return new TaxDataStore(store, salt);
    }

    public int Count => _store.Read("count the taxpayers", db => db.GetCollection(Collections.Taxpayers).Count());

    public EnterpriseHash HashOf(CreditCode code) => code.Hash(_salt);

    public int Upsert(IEnumerable<Taxpayer> taxpayers)
    {
        ArgumentNullException.ThrowIfNull(taxpayers);
        var list = taxpayers.ToList();
        _store.Write("keep tax data", db =>
        {
            var collection = db.GetCollection(Collections.Taxpayers);
            foreach (var t in list)
            {
                var existing = collection.FindById(t.CreditCode.Value);
                var doc = ToDocument(t);
                if (existing is not null)
                {
                    doc["boundAccount"] = existing["boundAccount"];
                    doc["bindTx"] = existing["bindTx"];
                }
                collection.Upsert(doc);
            }
        });
        foreach (var t in list)
        {
            _byHash.TryRemove(HashOf(t.CreditCode), out _);
        }
        return list.Count;
    }

    public TaxpayerEntry? Find(EnterpriseHash hash) =>
        _byHash.GetOrAdd(hash, h => _store.Read("read tax data", db =>
            db.GetCollection(Collections.Taxpayers).FindOne(Query.EQ("hash", h.ToString())) is { } doc ? ToEntry(doc) : null));

    public IReadOnlyList<TaxpayerEntry> ByName(string name, int limit = 2) => _store.Read("read tax data", db =>
        db.GetCollection(Collections.Taxpayers).Find(Query.EQ("name", name), limit: limit).Select(ToEntry).ToList());

    public TaxpayerEntry? Get(CreditCode code) => Find(HashOf(code));

    public void RecordBinding(CreditCode code, EthAddress account, Hash32 txHash)
    {
        _store.Write("record an enterprise's binding", db =>
        {
            var collection = db.GetCollection(Collections.Taxpayers);
            var doc = collection.FindById(code.Value) ?? throw StoreErrors.TaxpayerNotHeld(code.Value);
            doc["boundAccount"] = account.ToString();
            doc["bindTx"] = txHash.ToString();
            collection.Update(doc);
        });
        _byHash.TryRemove(HashOf(code), out _);
    }

    public (TaxCreditRating? Previous, TaxpayerEntry Updated) UpdateRating(CreditCode code, int year, TaxCreditRating rating)
    {
        var result = _store.Write("update a rating", db =>
        {
            var collection = db.GetCollection(Collections.Taxpayers);
            var doc = collection.FindById(code.Value) ?? throw StoreErrors.TaxpayerNotHeld(code.Value);
            var entry = ToEntry(doc);
            var previous = entry.Taxpayer.LatestRating;
            var ratings = entry.Taxpayer.Ratings.Where(r => r.Year != year).Append(new RatingOfYear(year, rating)).OrderBy(r => r.Year).ToList();
            var updated = entry.Taxpayer with { Ratings = ratings };
            var replacement = ToDocument(updated);
            replacement["boundAccount"] = doc["boundAccount"];
            replacement["bindTx"] = doc["bindTx"];
            collection.Update(replacement);
            return (previous, entry with { Taxpayer = updated });
        });
        _byHash.TryRemove(result.Item2.CreditCodeHash, out _);
        return result;
    }

    public IReadOnlyList<TaxpayerEntry> List(int limit) => _store.Read("read tax data", db =>
        db.GetCollection(Collections.Taxpayers).Query().OrderBy("_id").Limit(limit).ToList().Select(ToEntry).ToList());

    private BsonDocument ToDocument(Taxpayer t) => new()
    {
        ["_id"] = t.CreditCode.Value,
        ["hash"] = HashOf(t.CreditCode).ToString(),
        ["name"] = t.Name,
        ["latestRating"] = t.LatestRating?.ToString() ?? "",
        ["json"] = TaxpayerImport.ToJsonLine(t),
        ["boundAccount"] = BsonValue.Null,
        ["bindTx"] = BsonValue.Null,
        ["updatedAtMs"] = Bson.U64(_store.NowMs),
    };

    private static TaxpayerEntry ToEntry(BsonDocument doc)
    {
        var read = TaxpayerImport.ReadJsonLines(doc["json"].AsString);
        if (read.Taxpayers.Count != 1)
        {
            throw StoreErrors.TaxDataUnreadable(doc["_id"].AsString, string.Join("; ", read.Rejected));
        }
        var bound = doc["boundAccount"].IsString && EthAddress.TryParse(doc["boundAccount"].AsString, out var account) ? account : (EthAddress?)null;
        return new TaxpayerEntry(read.Taxpayers[0], EnterpriseHash.Parse(doc["hash"].AsString), bound);
    }
}
