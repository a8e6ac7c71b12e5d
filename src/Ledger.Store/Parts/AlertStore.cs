using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Parts;

/// <summary>
/// The node's alert log (<see cref="LedgerStore.Alerts"/>; schema 4, once <c>DataDir/alerts.db</c>): collection
/// <c>alerts</c>, one document per alert under its sequence number, with a unique index on the key it was raised from
/// (so a page of chain events delivered again, or an upstream alert received again after a reconnect, is not raised
/// twice); <c>alertCursors</c>, the cursor of each upstream stream; and the most recent <see cref="RingSize"/> alerts in
/// memory for streaming (loaded on first use). Keeps the latest <see cref="Retain"/> alerts. Thread-safe.
/// </summary>
internal sealed class AlertStore : IAlertStore
{
    /// <summary>Alerts kept in memory.</summary>
    public const int RingSize = 4096;

    /// <summary>Alerts kept on disk; older ones are dropped (a resume from before them starts at the oldest kept).</summary>
    public const long Retain = 100_000;

    private readonly LedgerStore _store;
    private readonly Lock _gate = new();
    private readonly LinkedList<StoredAlert> _ring = new();
    private bool _loaded;
    private long _last;
    private long _oldest;

    internal AlertStore(LedgerStore store) => _store = store;

    internal static void EnsureIndexes(LiteDatabase db) => db.GetCollection(Collections.Alerts).EnsureIndex("key", "$.key", unique: true);

    // Under _gate: the sequence, the oldest kept and the ring, read once from the store.
    private void EnsureLoaded()
    {
        if (_loaded)
        {
            return;
        }
        _store.Read("load the alert log", db =>
        {
            var alerts = db.GetCollection(Collections.Alerts);
            var any = alerts.Count() > 0;
            _last = any ? alerts.Max("_id").AsInt64 : 0;
            _oldest = any ? alerts.Min("_id").AsInt64 : 1;
            foreach (var doc in alerts.Query().Where("$._id > @0", Math.Max(0, _last - RingSize)).OrderBy("_id").ToList())
            {
                _ring.AddLast(FromDocument(doc));
            }
            return true;
        });
        _loaded = true;
    }

    public long LastSequence
    {
        get
        {
            lock (_gate)
            {
                EnsureLoaded();
                return _last;
            }
        }
    }

    public IReadOnlyList<StoredAlert> Append(IEnumerable<(string Key, NodeAlert Alert, IReadOnlySet<OrgId> Audience)> items, (OrgId Upstream, string AfterId)? cursor = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = items.ToList();
        lock (_gate)
        {
            EnsureLoaded();
            var (appended, next, oldest) = _store.Write("append alerts", db =>
            {
                var added = new List<StoredAlert>();
                var alerts = db.GetCollection(Collections.Alerts);
                var next = _last;
                foreach (var (key, alert, audience) in list)
                {
                    if (alerts.Exists(Query.EQ("key", key)) || added.Any(a => a.Key == key))
                    {
                        continue;
                    }
                    var stored = new StoredAlert(++next, alert, audience, key);
                    alerts.Insert(ToDocument(stored));
                    added.Add(stored);
                }
                if (cursor is { } c)
                {
                    db.GetCollection(Collections.AlertCursors).Upsert(new BsonDocument { ["_id"] = c.Upstream.Value.ToString(), ["after"] = c.AfterId });
                }
                var oldest = _oldest;
                if (next - oldest >= Retain + 1024)
                {
                    // Dropped in chunks of 1,024, not one document per append.
                    alerts.DeleteMany(Query.LTE("_id", next - Retain));
                    oldest = next - Retain + 1;
                }
                return (added, next, oldest);
            });
            // Committed and on the disk: now visible to the streams.
            _last = next;
            _oldest = oldest;
            foreach (var stored in appended)
            {
                _ring.AddLast(stored);
                if (_ring.Count > RingSize)
                {
                    _ring.RemoveFirst();
                }
            }
            return appended;
        }
    }

    public IReadOnlyList<StoredAlert> After(long sequence, int limit)
    {
        lock (_gate)
        {
            EnsureLoaded();
            if (sequence >= _last)
            {
                return [];
            }
            if (_ring.First is { } first && first.Value.Sequence <= sequence + 1)
            {
                var found = new List<StoredAlert>(Math.Min(limit, _ring.Count));
                for (var node = _ring.Last; node is not null && node.Value.Sequence > sequence; node = node.Previous)
                {
                    found.Add(node.Value);
                }
                found.Reverse();
                return found.Count > limit ? found.GetRange(0, limit) : found;
            }
            return _store.Read("read alerts", db =>
                db.GetCollection(Collections.Alerts).Query().Where("$._id > @0", sequence).OrderBy("_id").Limit(limit).ToList().Select(FromDocument).ToList());
        }
    }

    public string? Cursor(OrgId upstream) => _store.Read("read an alert stream's cursor", db =>
        db.GetCollection(Collections.AlertCursors).FindById(upstream.Value.ToString()) is { } doc ? doc["after"].AsString : null);

    public void ResetCursor(OrgId upstream) => _store.Write("reset an alert stream's cursor", db =>
        db.GetCollection(Collections.AlertCursors).Delete(upstream.Value.ToString()));

    private static BsonDocument ToDocument(StoredAlert stored)
    {
        var a = stored.Alert;
        var details = new BsonDocument();
        foreach (var (name, value) in a.Details)
        {
            details[name] = value;
        }
        return new BsonDocument
        {
            ["_id"] = stored.Sequence,
            ["key"] = stored.Key,
            ["kind"] = (int)a.Kind,
            ["enterprise"] = a.Enterprise.ToString(),
            ["summary"] = a.Summary,
            ["details"] = details,
            ["raisedAtMs"] = (long)a.RaisedAtMs,
            ["source"] = a.Source.Value.ToString(),
            ["loan"] = a.Loan?.ToString() ?? "",
            ["consent"] = a.Consent?.ToString() ?? "",
            ["block"] = (long)a.BlockNumber,
            ["tx"] = a.TxHash?.ToString() ?? "",
            ["audience"] = new BsonArray(stored.Audience.Select(o => new BsonValue(o.Value.ToString()))),
        };
    }

    private static StoredAlert FromDocument(BsonDocument doc)
    {
        var loan = doc["loan"].AsString;
        var consent = doc["consent"].AsString;
        var tx = doc["tx"].AsString;
        var alert = new NodeAlert(
            (AlertKind)doc["kind"].AsInt32,
            EnterpriseHash.Parse(doc["enterprise"].AsString),
            doc["summary"].AsString,
            doc["details"].AsDocument.ToDictionary(kv => kv.Key, kv => kv.Value.AsString, StringComparer.Ordinal),
            (ulong)doc["raisedAtMs"].AsInt64,
            new OrgId(Hash32.Parse(doc["source"].AsString)))
        {
            Loan = loan.Length == 0 ? null : LoanId.Parse(loan),
            Consent = consent.Length == 0 ? null : ConsentId.Parse(consent),
            BlockNumber = (ulong)doc["block"].AsInt64,
            TxHash = tx.Length == 0 ? null : Hash32.Parse(tx),
        };
        var audience = doc["audience"].AsArray.Select(v => new OrgId(Hash32.Parse(v.AsString))).ToHashSet();
        return new StoredAlert(doc["_id"].AsInt64, alert, audience, doc["key"].AsString);
    }
}
