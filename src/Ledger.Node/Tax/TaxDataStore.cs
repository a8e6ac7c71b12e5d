using System.Collections.Concurrent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using LiteDB;

namespace Ledger.Node.Tax;

/// <summary>A taxpayer the tax node holds, with its salted credit-code hash and the enterprise account bound to it.</summary>
public sealed record TaxpayerEntry(Taxpayer Taxpayer, EnterpriseHash CreditCodeHash, EthAddress? BoundAccount);

/// <summary>
/// The tax bureau's own data, in a LiteDB file of its own (<c>DataDir/taxdata.db</c>, apart from the ledger store):
/// collection <c>taxpayers</c>, one document per unified social credit code (<c>_id</c>) with the salted hash the chain
/// knows (unique index), name, latest rating, the taxpayer as a JSON line (<see cref="TaxpayerImport.ToJsonLine"/>)
/// and the bound enterprise account. The salt's fingerprint is kept in <c>meta</c>, so a node started with another
/// salt is refused instead of silently finding no enterprise. Reads of hot taxpayers are served from memory.
/// </summary>
public sealed class TaxDataStore : IDisposable
{
    private const string Taxpayers = "taxpayers";
    private const string Meta = "meta";

    private readonly LiteDatabase _db;
    private readonly Hash32 _salt;
    private readonly Lock _write = new();
    private readonly ConcurrentDictionary<EnterpriseHash, TaxpayerEntry?> _byHash = new();

    private TaxDataStore(LiteDatabase db, Hash32 salt)
    {
        _db = db;
        _salt = salt;
    }

    /// <summary>Opens (or creates) the tax data file.</summary>
    /// <exception cref="LedgerException">LEDGER-1500 when the file cannot be opened or was written with another salt.</exception>
    public static TaxDataStore Open(string path, Hash32 salt)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        LiteDatabase db;
        try
        {
            db = new LiteDatabase(new ConnectionString { Filename = full, Connection = ConnectionType.Direct, Upgrade = false });
        }
        catch (Exception ex) when (ex is LiteException or IOException or UnauthorizedAccessException or InvalidCastException)
        {
            throw Hosting.NodeErrors.Configuration($"The tax data file {full} cannot be opened ({ex.Message}); restore it from a backup or move it away to start empty.", ex);
        }
        try
        {
            var fingerprint = Keccak.Hash(salt, Keccak.Hash("ledger/tax-salt/v1")).ToString();
            var meta = db.GetCollection(Meta);
            var stored = meta.FindById("salt");
            if (stored is null)
            {
                meta.Insert(new BsonDocument { ["_id"] = "salt", ["fingerprint"] = fingerprint });
            }
            else if (stored["fingerprint"].AsString != fingerprint)
            {
                throw Hosting.NodeErrors.Configuration(
                    $"The tax data in {full} was written with another Ledger:Node:Tax:Salt; every credit-code hash on chain depends on the salt, so configure the salt this bureau has always used.");
            }
            db.GetCollection(Taxpayers).EnsureIndex("hash", "$.hash", unique: true);
            db.GetCollection(Taxpayers).EnsureIndex("name", "$.name"); // ResolveEnterprise by registered name
            return new TaxDataStore(db, salt);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Number of taxpayers held.</summary>
    public int Count => _db.GetCollection(Taxpayers).Count();

    /// <summary>The salted hash the chain knows for a credit code.</summary>
    public EnterpriseHash HashOf(CreditCode code) => code.Hash(_salt);

    /// <summary>Adds or replaces taxpayers (by credit code) in one transaction; a replaced taxpayer keeps its bound account.</summary>
    public int Upsert(IEnumerable<Taxpayer> taxpayers)
    {
        ArgumentNullException.ThrowIfNull(taxpayers);
        var list = taxpayers.ToList();
        lock (_write)
        {
            _db.BeginTrans();
            try
            {
                var collection = _db.GetCollection(Taxpayers);
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
                _db.Commit();
            }
            catch
            {
                _db.Rollback();
                throw;
            }
            foreach (var t in list)
            {
                _byHash.TryRemove(HashOf(t.CreditCode), out _);
            }
        }
        return list.Count;
    }

    /// <summary>The taxpayer whose salted credit-code hash is <paramref name="hash"/>, or null.</summary>
    public TaxpayerEntry? Find(EnterpriseHash hash) =>
        _byHash.GetOrAdd(hash, h => _db.GetCollection(Taxpayers).FindOne(Query.EQ("hash", h.ToString())) is { } doc ? ToEntry(doc) : null);

    /// <summary>The taxpayers registered under exactly this name (at most <paramref name="limit"/>).</summary>
    public IReadOnlyList<TaxpayerEntry> ByName(string name, int limit = 2) =>
        _db.GetCollection(Taxpayers).Find(Query.EQ("name", name), limit: limit).Select(ToEntry).ToList();

    /// <summary>The taxpayer with this credit code, or null.</summary>
    public TaxpayerEntry? Get(CreditCode code) => Find(HashOf(code));

    /// <summary>Records that <paramref name="account"/> is bound to the taxpayer on chain.</summary>
    public void RecordBinding(CreditCode code, EthAddress account, Hash32 txHash)
    {
        lock (_write)
        {
            var collection = _db.GetCollection(Taxpayers);
            var doc = collection.FindById(code.Value) ?? throw new InvalidOperationException($"Taxpayer {code} is not held.");
            doc["boundAccount"] = account.ToString();
            doc["bindTx"] = txHash.ToString();
            collection.Update(doc);
            _byHash.TryRemove(HashOf(code), out _);
        }
    }

    /// <summary>Sets the rating of <paramref name="year"/>; returns the latest rating before the change and the updated entry.</summary>
    public (TaxCreditRating? Previous, TaxpayerEntry Updated) UpdateRating(CreditCode code, int year, TaxCreditRating rating)
    {
        lock (_write)
        {
            var entry = Get(code) ?? throw new LedgerException(Hosting.NodeErrors.UnknownEnterpriseCode, ErrorCategory.NotFound,
                $"The tax bureau holds no data on {code}; import its data before rating it.");
            var previous = entry.Taxpayer.LatestRating;
            var ratings = entry.Taxpayer.Ratings.Where(r => r.Year != year).Append(new RatingOfYear(year, rating)).OrderBy(r => r.Year).ToList();
            var updated = entry.Taxpayer with { Ratings = ratings };
            var collection = _db.GetCollection(Taxpayers);
            var doc = collection.FindById(code.Value);
            var replacement = ToDocument(updated);
            replacement["boundAccount"] = doc["boundAccount"];
            replacement["bindTx"] = doc["bindTx"];
            collection.Update(replacement);
            _byHash.TryRemove(entry.CreditCodeHash, out _);
            return (previous, entry with { Taxpayer = updated });
        }
    }

    /// <summary>Up to <paramref name="limit"/> taxpayers in credit-code order.</summary>
    public IReadOnlyList<TaxpayerEntry> List(int limit) =>
        _db.GetCollection(Taxpayers).Query().OrderBy("_id").Limit(limit).ToList().Select(ToEntry).ToList();

    private BsonDocument ToDocument(Taxpayer t) => new()
    {
        ["_id"] = t.CreditCode.Value,
        ["hash"] = HashOf(t.CreditCode).ToString(),
        ["name"] = t.Name,
        ["latestRating"] = t.LatestRating?.ToString() ?? "",
        ["json"] = TaxpayerImport.ToJsonLine(t),
        ["boundAccount"] = BsonValue.Null,
        ["bindTx"] = BsonValue.Null,
        ["updatedAtMs"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
    };

    private static TaxpayerEntry ToEntry(BsonDocument doc)
    {
        var read = TaxpayerImport.ReadJsonLines(doc["json"].AsString);
        if (read.Taxpayers.Count != 1)
        {
            throw new LedgerException(Hosting.NodeErrors.InternalCode, ErrorCategory.Tampered,
                $"The tax data of {doc["_id"].AsString} cannot be read ({string.Join("; ", read.Rejected)}); restore the tax data file from a backup.");
        }
        var bound = doc["boundAccount"].IsString && EthAddress.TryParse(doc["boundAccount"].AsString, out var account) ? account : (EthAddress?)null;
        return new TaxpayerEntry(read.Taxpayers[0], EnterpriseHash.Parse(doc["hash"].AsString), bound);
    }

    /// <inheritdoc/>
    public void Dispose() => _db.Dispose();
}
