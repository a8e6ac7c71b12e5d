using Ledger.Audit.Bundle;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using LiteDB;

namespace Ledger.Node.Auditor;

/// <summary>Where the auditor stands with one member: the last sequence pulled and the first one still waiting for its anchor.</summary>
/// <param name="LastSequence">The highest record sequence pulled from the member (0: none yet).</param>
/// <param name="FirstPending">The lowest sequence pulled without an anchor (0: none); the next pull starts there again,
/// so a record exported while it waited in the member's outbox gets its anchor and proof later.</param>
/// <param name="LastSyncMs">When the member was last pulled from successfully (unix ms).</param>
public sealed record MemberCursor(ulong LastSequence, ulong FirstPending, ulong LastSyncMs)
{
    /// <summary>Nothing pulled yet.</summary>
    public static MemberCursor Start { get; } = new(0, 0, 0);

    /// <summary>The <c>after_sequence</c> of the next pull.</summary>
    public ulong ResumeAfter => FirstPending > 0 ? FirstPending - 1 : LastSequence;
}

/// <summary>A record pulled from a member: who holds it, its sequence there, and the record as evidence.</summary>
public sealed record PulledRecord(OrgId Member, ulong Sequence, string Type, string FieldsJson, BundleRecord Record);

/// <summary>
/// The auditor's own copy of the ledger's off-chain records, in a LiteDB file of its own (<c>DataDir/auditor.db</c>,
/// beside the node's <c>ledger.db</c>, whose file lock also guards it): collection <c>records</c> (one document per
/// member and sequence: type, the record's canonical fields JSON, the hash its holder declared, and its anchor
/// reference with the inclusion proof once anchored), <c>documents</c> (a credit decision's reasons document and
/// reported rating), <c>members</c> (each member's <see cref="MemberCursor"/>), and two caches of chain facts that
/// never change once read — <c>blocktimes</c> and <c>roots</c> (anchored batch roots). A page of pulled records and
/// its member's cursor are written in one transaction. Hashes and proofs are kept as bytes (a proof as one blob of
/// 32-byte siblings): a million records load in seconds.
/// </summary>
public sealed class AuditorStore : IDisposable
{
    private const string Records = "records";
    private const string Documents = "documents";
    private const string Members = "members";
    private const string BlockTimes = "blocktimes";
    private const string Roots = "roots";

    private readonly LiteDatabase _db;
    private readonly Lock _write = new();

    private AuditorStore(LiteDatabase db, string path)
    {
        _db = db;
        Path = path;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Opens (or creates) the auditor's file.</summary>
    /// <exception cref="LedgerException">LEDGER-1560 when it cannot be opened.</exception>
    public static AuditorStore Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            var db = new LiteDatabase(new ConnectionString { Filename = full, Connection = ConnectionType.Direct, Upgrade = false });
            return new AuditorStore(db, full);
        }
        catch (Exception ex) when (ex is LiteException or IOException or UnauthorizedAccessException or InvalidCastException)
        {
            throw AuditorErrors.StoreUnusable(full, ex);
        }
    }

    /// <summary>Every member's cursor.</summary>
    public IReadOnlyDictionary<OrgId, MemberCursor> LoadMembers()
    {
        var members = new Dictionary<OrgId, MemberCursor>();
        foreach (var doc in _db.GetCollection(Members).FindAll())
        {
            members[new OrgId(new Hash32(doc["org"].AsBinary))] = new MemberCursor(U64(doc["last"]), U64(doc["pending"]), U64(doc["syncedAtMs"]));
        }
        return members;
    }

    /// <summary>
    /// Every stored record, member by member in sequence order. A document that no longer parses (the file was
    /// altered) is reported to <paramref name="unreadable"/> (its id, and its member and sequence when those read)
    /// and skipped, so the caller can pull it again.
    /// </summary>
    public IEnumerable<PulledRecord> LoadRecords(Action<string, OrgId?, ulong?, Exception> unreadable)
    {
        ArgumentNullException.ThrowIfNull(unreadable);
        var documents = new Dictionary<string, (string? Reasons, string? Rating)>(StringComparer.Ordinal);
        foreach (var doc in _db.GetCollection(Documents).FindAll())
        {
            documents[doc["_id"].AsString] = (NullIfEmpty(doc["reasons"]), NullIfEmpty(doc["rating"]));
        }
        foreach (var doc in _db.GetCollection(Records).Query().OrderBy("_id").ToEnumerable())
        {
            var id = doc["_id"].AsString;
            OrgId? member = null;
            ulong? sequence = null;
            PulledRecord pulled;
            try
            {
                member = new OrgId(new Hash32(doc["m"].AsBinary));
                sequence = U64(doc["s"]);
                var type = doc["t"].AsString;
                var json = doc["j"].AsString;
                var record = RecordJson.FromJson(type, json);
                var item = new BundleRecord(record, new RecordHash(new Hash32(doc["h"].AsBinary)), AnchorOf(doc["a"]));
                if (documents.TryGetValue(id, out var side))
                {
                    item = item with { ReasonsJson = side.Reasons, Rating = side.Rating };
                }
                pulled = new PulledRecord(member.Value, sequence.Value, type, json, item);
            }
            catch (Exception ex) when (ex is LedgerException or ArgumentException or InvalidCastException or FormatException)
            {
                unreadable(id, member, sequence, ex);
                continue;
            }
            yield return pulled;
        }
    }

    /// <summary>
    /// Writes a page of pulled records — <paramref name="added"/> new to the auditor, <paramref name="changed"/>
    /// replacing what it held (e.g. now anchored) — and the member's cursor, in one transaction.
    /// </summary>
    public void Save(OrgId member, IReadOnlyList<PulledRecord> added, IReadOnlyList<PulledRecord> changed, MemberCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(cursor);
        lock (_write)
        {
            _db.BeginTrans();
            try
            {
                var records = _db.GetCollection(Records);
                var documents = _db.GetCollection(Documents);
                if (added.Count > 0)
                {
                    records.Insert(added.Select(ToDocument));
                }
                foreach (var r in changed)
                {
                    records.Upsert(ToDocument(r));
                }
                foreach (var r in added.Concat(changed))
                {
                    if (r.Record.ReasonsJson is not null || r.Record.Rating is not null)
                    {
                        documents.Upsert(new BsonDocument
                        {
                            ["_id"] = Key(r.Member, r.Sequence),
                            ["reasons"] = r.Record.ReasonsJson ?? "",
                            ["rating"] = r.Record.Rating ?? "",
                        });
                    }
                }
                _db.GetCollection(Members).Upsert(new BsonDocument
                {
                    ["_id"] = member.Code,
                    ["org"] = member.Value.ToArray(),
                    ["last"] = U64(cursor.LastSequence),
                    ["pending"] = U64(cursor.FirstPending),
                    ["syncedAtMs"] = U64(cursor.LastSyncMs),
                });
                _db.Commit();
            }
            catch
            {
                _db.Rollback();
                throw;
            }
        }
    }

    private static BsonDocument ToDocument(PulledRecord r)
    {
        var anchor = r.Record.Anchor;
        return new BsonDocument
        {
            ["_id"] = Key(r.Member, r.Sequence),
            ["m"] = r.Member.Value.ToArray(),
            ["s"] = U64(r.Sequence),
            ["t"] = r.Type,
            // The canonical form of the fields (the same record; the declared hash is kept apart).
            ["j"] = RecordJson.ToJson(r.Record.Record),
            ["h"] = r.Record.DeclaredHash.Value.ToArray(),
            ["a"] = anchor is null ? BsonValue.Null : new BsonDocument
            {
                ["o"] = anchor.Org.Value.ToArray(),
                ["b"] = anchor.BatchId.Value.ToArray(),
                ["r"] = anchor.Root.ToArray(),
                ["p"] = ProofBlob(anchor.Proof),
                ["n"] = U64(anchor.BlockNumber),
                ["x"] = anchor.TxHash.ToArray(),
            },
        };
    }

    private static RecordAnchorRef? AnchorOf(BsonValue value)
    {
        if (value.IsNull)
        {
            return null;
        }
        var a = value.AsDocument;
        var blob = a["p"].AsBinary;
        if (blob.Length % 32 != 0)
        {
            throw new FormatException("the stored proof is not a whole number of 32-byte siblings");
        }
        var proof = new Hash32[blob.Length / 32];
        for (var i = 0; i < proof.Length; i++)
        {
            proof[i] = new Hash32(blob.AsSpan(i * 32, 32));
        }
        return new RecordAnchorRef(
            new OrgId(new Hash32(a["o"].AsBinary)), new BatchId(new Hash32(a["b"].AsBinary)), new Hash32(a["r"].AsBinary), proof,
            U64(a["n"]), new Hash32(a["x"].AsBinary));
    }

    private static byte[] ProofBlob(IReadOnlyList<Hash32> proof)
    {
        var blob = new byte[proof.Count * 32];
        for (var i = 0; i < proof.Count; i++)
        {
            proof[i].CopyTo(blob.AsSpan(i * 32, 32));
        }
        return blob;
    }

    /// <summary>Block times read from the chain before.</summary>
    public Dictionary<ulong, ulong> LoadBlockTimes() =>
        _db.GetCollection(BlockTimes).FindAll().ToDictionary(d => U64(d["_id"]), d => U64(d["time"]));

    /// <summary>Keeps block times read from the chain.</summary>
    public void SaveBlockTimes(IReadOnlyDictionary<ulong, ulong> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        lock (_write)
        {
            _db.GetCollection(BlockTimes).Upsert(times.Select(t => new BsonDocument { ["_id"] = U64(t.Key), ["time"] = U64(t.Value) }));
        }
    }

    /// <summary>Anchored roots read from the chain before (a root, once anchored, never changes).</summary>
    public Dictionary<BatchKey, Hash32> LoadRoots() =>
        _db.GetCollection(Roots).FindAll().ToDictionary(
            d => new BatchKey(new OrgId(new Hash32(d["org"].AsBinary)), new BatchId(new Hash32(d["batch"].AsBinary))),
            d => new Hash32(d["root"].AsBinary));

    /// <summary>Keeps anchored roots read from the chain (never a zero root: that batch may be anchored later).</summary>
    public void SaveRoots(IReadOnlyDictionary<BatchKey, Hash32> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        lock (_write)
        {
            _db.GetCollection(Roots).Upsert(roots.Where(r => !r.Value.IsZero).Select(r => new BsonDocument
            {
                ["_id"] = $"{r.Key.Org.Value}/{r.Key.BatchId.Value}",
                ["org"] = r.Key.Org.Value.ToArray(),
                ["batch"] = r.Key.BatchId.Value.ToArray(),
                ["root"] = r.Value.ToArray(),
            }));
        }
    }

    // Member code, then zero-padded sequence: the natural _id order is member by member, in sequence order.
    private static string Key(OrgId member, ulong sequence) => $"{member.Code}/{sequence:D20}";

    private static BsonValue U64(ulong value) => new((long)value);

    private static ulong U64(BsonValue value) => value.IsNull ? 0 : (ulong)value.AsInt64;

    private static string? NullIfEmpty(BsonValue value) => value.IsString && value.AsString.Length > 0 ? value.AsString : null;

    /// <inheritdoc/>
    public void Dispose() => _db.Dispose();
}
