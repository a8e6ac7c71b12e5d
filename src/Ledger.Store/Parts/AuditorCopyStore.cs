using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Parts;

/// <summary>
/// The auditor's copy of the ledger's off-chain records (<see cref="LedgerStore.AuditorCopy"/>; schema 4, once
/// <c>DataDir/auditor.db</c>): <c>auditorRecords</c> (one document per member and sequence: type, the record's
/// canonical fields JSON, the hash its holder declared, and its anchor reference with the inclusion proof once
/// anchored), <c>auditorDocuments</c> (a credit decision's reasons document and reported rating),
/// <c>auditorMembers</c> (each member's <see cref="MemberCursor"/>), and two caches of chain facts that never change
/// once read — <c>auditorBlockTimes</c> and <c>auditorRoots</c>. A page of records and its member's cursor are written
/// in one transaction. Hashes and proofs are kept as bytes (a proof as one blob of 32-byte siblings): a million
/// records load in seconds. The document layout is the one auditor.db had, so an import copies documents as they are.
/// </summary>
internal sealed class AuditorCopyStore : IAuditorCopy
{
    private readonly LedgerStore _store;

    internal AuditorCopyStore(LedgerStore store) => _store = store;

    public IReadOnlyDictionary<OrgId, MemberCursor> LoadMembers() => _store.Read("read the auditor's cursors", db =>
    {
        var members = new Dictionary<OrgId, MemberCursor>();
        foreach (var doc in db.GetCollection(Collections.AuditorMembers).FindAll())
        {
            members[new OrgId(new Hash32(doc["org"].AsBinary))] = new MemberCursor(U64(doc["last"]), U64(doc["pending"]), U64(doc["syncedAtMs"]));
        }
        return members;
    });

    public IEnumerable<CopiedRecord> LoadRecords(Action<string, OrgId?, ulong?, Exception> unreadable)
    {
        ArgumentNullException.ThrowIfNull(unreadable);
        // Read whole under the store's lock (LiteDB binds a cursor to its thread), then handed out.
        var (documents, records) = _store.Read("read the auditor's copy", db =>
        {
            var documents = new Dictionary<string, (string? Reasons, string? Rating)>(StringComparer.Ordinal);
            foreach (var doc in db.GetCollection(Collections.AuditorDocuments).FindAll())
            {
                documents[doc["_id"].AsString] = (NullIfEmpty(doc["reasons"]), NullIfEmpty(doc["rating"]));
            }
            return (documents, db.GetCollection(Collections.AuditorRecords).Query().OrderBy("_id").ToList());
        });
        foreach (var doc in records)
        {
            var id = doc["_id"].AsString;
            OrgId? member = null;
            ulong? sequence = null;
            CopiedRecord copied;
            try
            {
                member = new OrgId(new Hash32(doc["m"].AsBinary));
                sequence = U64(doc["s"]);
                documents.TryGetValue(id, out var side);
                copied = new CopiedRecord(
                    member.Value, sequence.Value, doc["t"].AsString, doc["j"].AsString,
                    new RecordHash(new Hash32(doc["h"].AsBinary)), AnchorOf(doc["a"]), side.Reasons, side.Rating);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidCastException or FormatException)
            {
                unreadable(id, member, sequence, ex);
                continue;
            }
            yield return copied;
        }
    }

    public void Save(OrgId member, IReadOnlyList<CopiedRecord> added, IReadOnlyList<CopiedRecord> changed, MemberCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(cursor);
        _store.Write("save records pulled by the auditor", db =>
        {
            var records = db.GetCollection(Collections.AuditorRecords);
            var documents = db.GetCollection(Collections.AuditorDocuments);
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
                if (r.ReasonsJson is not null || r.Rating is not null)
                {
                    documents.Upsert(new BsonDocument
                    {
                        ["_id"] = Key(r.Member, r.Sequence),
                        ["reasons"] = r.ReasonsJson ?? "",
                        ["rating"] = r.Rating ?? "",
                    });
                }
            }
            db.GetCollection(Collections.AuditorMembers).Upsert(new BsonDocument
            {
                ["_id"] = member.Code,
                ["org"] = member.Value.ToArray(),
                ["last"] = U64(cursor.LastSequence),
                ["pending"] = U64(cursor.FirstPending),
                ["syncedAtMs"] = U64(cursor.LastSyncMs),
            });
        });
    }

    public Dictionary<ulong, ulong> LoadBlockTimes() => _store.Read("read the auditor's block times", db =>
        db.GetCollection(Collections.AuditorBlockTimes).FindAll().ToDictionary(d => U64(d["_id"]), d => U64(d["time"])));

    public void SaveBlockTimes(IReadOnlyDictionary<ulong, ulong> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        _store.Write("save the auditor's block times", db =>
            db.GetCollection(Collections.AuditorBlockTimes).Upsert(times.Select(t => new BsonDocument { ["_id"] = U64(t.Key), ["time"] = U64(t.Value) })));
    }

    public Dictionary<(OrgId Org, BatchId Batch), Hash32> LoadRoots() => _store.Read("read the auditor's anchored roots", db =>
        db.GetCollection(Collections.AuditorRoots).FindAll().ToDictionary(
            d => (new OrgId(new Hash32(d["org"].AsBinary)), new BatchId(new Hash32(d["batch"].AsBinary))),
            d => new Hash32(d["root"].AsBinary)));

    public void SaveRoots(IReadOnlyDictionary<(OrgId Org, BatchId Batch), Hash32> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        _store.Write("save the auditor's anchored roots", db =>
            db.GetCollection(Collections.AuditorRoots).Upsert(roots.Where(r => !r.Value.IsZero).Select(r => new BsonDocument
            {
                ["_id"] = $"{r.Key.Org.Value}/{r.Key.Batch.Value}",
                ["org"] = r.Key.Org.Value.ToArray(),
                ["batch"] = r.Key.Batch.Value.ToArray(),
                ["root"] = r.Value.ToArray(),
            })));
    }

    private static BsonDocument ToDocument(CopiedRecord r)
    {
        var anchor = r.Anchor;
        return new BsonDocument
        {
            ["_id"] = Key(r.Member, r.Sequence),
            ["m"] = r.Member.Value.ToArray(),
            ["s"] = U64(r.Sequence),
            ["t"] = r.Type,
            ["j"] = r.FieldsJson,
            ["h"] = r.DeclaredHash.Value.ToArray(),
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

    private static CopiedAnchor? AnchorOf(BsonValue value)
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
        return new CopiedAnchor(
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

    // Member code, then zero-padded sequence: the natural _id order is member by member, in sequence order.
    private static string Key(OrgId member, ulong sequence) => $"{member.Code}/{sequence:D20}";

    private static BsonValue U64(ulong value) => new((long)value);

    private static ulong U64(BsonValue value) => value.IsNull ? 0 : (ulong)value.AsInt64;

    private static string? NullIfEmpty(BsonValue value) => value.IsString && value.AsString.Length > 0 ? value.AsString : null;
}
