using LiteDB;

namespace Ledger.Store.Internal;

/// <summary>
/// Schema 4's migration of the files a node kept apart from its store until schema 3 (bank.db, alerts.db, auditor.db,
/// taxdata.db). Each file that exists is read whole, its documents are copied unchanged into the store's collections
/// of that part together with a marker (<c>meta/imported:&lt;part&gt;</c>) in one transaction, committed and flushed,
/// and only then is the file renamed to <c>&lt;name&gt;.migrated</c> (never deleted). A crash between the commit and
/// the rename leaves the file in place with the marker in the store: the next open sees the marker, imports nothing
/// again and only renames it.
/// </summary>
internal static class LegacyImport
{
    /// <summary>A part's old file: the marker name, and the old collections (or meta ids) mapped to the store's.</summary>
    internal sealed record Part(string Name, IReadOnlyList<(string From, string To)> Collections, IReadOnlyList<(string FromId, string ToId)> Meta);

    internal static readonly Part Bank = new(
        "bank",
        [("held", Internal.Collections.Held), ("reasons", Internal.Collections.CreditReasons), ("references", Internal.Collections.LoanReferences)],
        [("revocation-cursor", MetaIds.RevocationCursor)]);

    internal static readonly Part Alerts = new(
        "alerts",
        [("alerts", Internal.Collections.Alerts), ("cursors", Internal.Collections.AlertCursors)],
        []);

    internal static readonly Part Auditor = new(
        "auditor",
        [
            ("records", Internal.Collections.AuditorRecords), ("documents", Internal.Collections.AuditorDocuments),
            ("members", Internal.Collections.AuditorMembers), ("blocktimes", Internal.Collections.AuditorBlockTimes),
            ("roots", Internal.Collections.AuditorRoots),
        ],
        []);

    internal static readonly Part TaxData = new(
        "taxdata",
        [("taxpayers", Internal.Collections.Taxpayers)],
        [("salt", MetaIds.TaxSalt)]);

    /// <summary>The documents of an old file, by the store collection (or meta id) they go to.</summary>
    internal sealed record Contents(IReadOnlyList<(string Collection, List<BsonDocument> Documents)> Collections, IReadOnlyList<BsonDocument> Meta);

    /// <summary>Reads an old file whole (LiteDB replays its log, if any, on open).</summary>
    internal static Contents Read(string file, Part part)
    {
        using var old = new LiteDatabase(new ConnectionString { Filename = file, Connection = ConnectionType.Direct, Upgrade = false, AutoRebuild = false });
        var names = old.GetCollectionNames().ToHashSet(StringComparer.Ordinal);
        var collections = part.Collections
            .Select(c => (c.To, names.Contains(c.From) ? old.GetCollection(c.From).FindAll().ToList() : []))
            .ToList();
        var meta = new List<BsonDocument>();
        if (names.Contains("meta"))
        {
            var oldMeta = old.GetCollection("meta");
            foreach (var (fromId, toId) in part.Meta)
            {
                if (oldMeta.FindById(fromId) is { } doc)
                {
                    doc["_id"] = toId;
                    meta.Add(doc);
                }
            }
        }
        return new Contents(collections, meta);
    }

    /// <summary>Copies what was read into the store, inside the caller's transaction; returns the documents copied.</summary>
    internal static int Write(LiteDatabase db, Contents contents)
    {
        var copied = 0;
        foreach (var (collection, documents) in contents.Collections)
        {
            if (documents.Count > 0)
            {
                // Upsert by _id: the documents keep their ids (sequence, request hash, credit code, …).
                db.GetCollection(collection).Upsert(documents);
                copied += documents.Count;
            }
        }
        var meta = db.GetCollection(Internal.Collections.Meta);
        foreach (var doc in contents.Meta)
        {
            // A value the store already has (written since) wins over the old file's.
            if (meta.FindById(doc["_id"]) is null)
            {
                meta.Insert(doc);
                copied++;
            }
        }
        return copied;
    }

    /// <summary>Renames an imported file (and a write-ahead log left beside it) to <c>.migrated</c>, never over an earlier one.</summary>
    internal static void Rename(string file)
    {
        var log = Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileNameWithoutExtension(file) + "-log" + Path.GetExtension(file));
        foreach (var path in new[] { file, log })
        {
            if (!File.Exists(path))
            {
                continue;
            }
            var target = path + ".migrated";
            for (var n = 1; File.Exists(target); n++)
            {
                target = $"{path}.migrated.{n}";
            }
            try
            {
                File.Move(path, target, overwrite: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw StoreErrors.LegacyFileNotRenamed(path, target, ex);
            }
        }
    }
}
