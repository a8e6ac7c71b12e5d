using System.Globalization;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using LiteDB;

namespace Ledger.Node.Alerts;

/// <summary>An alert as the node keeps it: its sequence (the id streamed), the alert, and who may see it.</summary>
/// <param name="Sequence">The node's sequence number of the alert (1, 2, …); <see cref="Id"/> is its wire form.</param>
/// <param name="Alert">The alert.</param>
/// <param name="Audience">The members exposed to the enterprise when the alert was raised: the only ones it is streamed to.</param>
/// <param name="Key">What the alert was raised from (<c>chain:&lt;event id&gt;</c>, <c>upstream:&lt;org&gt;:&lt;id&gt;</c>, <c>local:…</c>); raised once per key.</param>
public sealed record StoredAlert(long Sequence, NodeAlert Alert, IReadOnlySet<OrgId> Audience, string Key)
{
    /// <summary>The alert id on the wire.</summary>
    public string Id => AlertIds.Format(Sequence);
}

/// <summary>Alert ids on the wire: the node's sequence number, 16 digits zero-padded, so ids order as strings and as numbers.</summary>
public static class AlertIds
{
    /// <summary>The wire form of a sequence number.</summary>
    public static string Format(long sequence) => sequence.ToString("D16", CultureInfo.InvariantCulture);

    /// <summary>Parses an id (any decimal of 1 to 18 digits; <c>0</c> means "before the first alert").</summary>
    public static bool TryParse(string? text, out long sequence)
    {
        sequence = 0;
        return text is { Length: > 0 and <= 18 } && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }
}

/// <summary>
/// The node's alert log: <c>DataDir/alerts.db</c> (LiteDB), one document per alert under its sequence number, with a
/// unique index on the key it was raised from (so a page of chain events delivered again, or an upstream alert
/// received again after a reconnect, is not raised twice), the cursor of each upstream stream, and the most recent
/// <see cref="RingSize"/> alerts in memory for streaming. Keeps the latest <see cref="Retain"/> alerts. Thread-safe.
/// </summary>
public sealed class AlertStore : IDisposable
{
    /// <summary>Alerts kept in memory.</summary>
    public const int RingSize = 4096;

    /// <summary>Alerts kept on disk; older ones are dropped (a resume from before them starts at the oldest kept).</summary>
    public const long Retain = 100_000;

    private const string Alerts = "alerts";
    private const string Cursors = "cursors";

    private readonly LiteDatabase _db;
    private readonly object _gate = new();
    private readonly LinkedList<StoredAlert> _ring = new();
    private long _last;
    private long _oldest;

    private AlertStore(LiteDatabase db)
    {
        _db = db;
        var alerts = db.GetCollection(Alerts);
        alerts.EnsureIndex("key", unique: true);
        _last = alerts.Count() == 0 ? 0 : alerts.Max("_id").AsInt64;
        _oldest = alerts.Count() == 0 ? 1 : alerts.Min("_id").AsInt64;
        foreach (var doc in alerts.Query().Where("$._id > @0", Math.Max(0, _last - RingSize)).OrderBy("_id").ToList())
        {
            _ring.AddLast(FromDocument(doc));
        }
    }

    /// <summary>Opens (or creates) the alert log at <paramref name="path"/>.</summary>
    public static AlertStore Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
#pragma warning disable CA2000 // owned by the store
        var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
#pragma warning restore CA2000
        try
        {
            return new AlertStore(db);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>The sequence of the latest alert (0 when none yet).</summary>
    public long LastSequence
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>
    /// Appends alerts in one transaction, skipping keys raised before, and moves the upstream cursor when given;
    /// returns those appended.
    /// </summary>
    public IReadOnlyList<StoredAlert> Append(IEnumerable<(string Key, NodeAlert Alert, IReadOnlySet<OrgId> Audience)> items, (OrgId Upstream, string AfterId)? cursor = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        lock (_gate)
        {
            var appended = new List<StoredAlert>();
            var alerts = _db.GetCollection(Alerts);
            _db.BeginTrans();
            try
            {
                var next = _last;
                foreach (var (key, alert, audience) in items)
                {
                    if (alerts.Exists(Query.EQ("key", key)) || appended.Any(a => a.Key == key))
                    {
                        continue;
                    }
                    var stored = new StoredAlert(++next, alert, audience, key);
                    alerts.Insert(ToDocument(stored));
                    appended.Add(stored);
                }
                if (cursor is { } c)
                {
                    _db.GetCollection(Cursors).Upsert(new BsonDocument { ["_id"] = c.Upstream.Value.ToString(), ["after"] = c.AfterId });
                }
                var oldest = _oldest;
                if (next - oldest >= Retain + 1024)
                {
                    // Dropped in chunks of 1,024, not one document per append.
                    alerts.DeleteMany(Query.LTE("_id", next - Retain));
                    oldest = next - Retain + 1;
                }
                _db.Commit();
                _last = next;
                _oldest = oldest;
            }
            catch
            {
                _db.Rollback();
                throw;
            }
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

    /// <summary>Up to <paramref name="limit"/> alerts after <paramref name="sequence"/>, in order.</summary>
    public IReadOnlyList<StoredAlert> After(long sequence, int limit)
    {
        lock (_gate)
        {
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
            return _db.GetCollection(Alerts).Query().Where("$._id > @0", sequence).OrderBy("_id").Limit(limit).ToList().Select(FromDocument).ToList();
        }
    }

    /// <summary>The id after which the stream from <paramref name="upstream"/> resumes (null: never received).</summary>
    public string? Cursor(OrgId upstream)
    {
        lock (_gate)
        {
            return _db.GetCollection(Cursors).FindById(upstream.Value.ToString()) is { } doc ? doc["after"].AsString : null;
        }
    }

    /// <summary>Forgets where the stream from <paramref name="upstream"/> stood (its node's alert log was reset).</summary>
    public void ResetCursor(OrgId upstream)
    {
        lock (_gate)
        {
            _db.GetCollection(Cursors).Delete(upstream.Value.ToString());
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _db.Dispose();

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
