using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Records;

/// <summary>The records collection's part of a schema upgrade (run by <see cref="LedgerStore"/> in its upgrade transaction).</summary>
internal static class RecordsUpgrade
{
    // Schema 5 (from 3; it touches nothing of version 4's): the records collection's six indexes besides _id and timeMs
    // (hash, consent, loan, enterprise, orgs[*], kind) are dropped, and every record is rewritten once: its hash as 32
    // bytes of binary, its ids as the binary keys of `refs` (RecordKeys: consent, every organization, enterprise, loan,
    // from the top-level fields the record had), those top-level fields removed. The body, the record's hash value, its
    // sequence, kind, type and times are untouched. The counter `claimed-ahead` is set to the highest sequence field of a
    // record stored under a lower sequence (0 when none). Runs in the caller's transaction.
    public static void ToVersion5(LiteDatabase db)
    {
        var records = db.GetCollection(Collections.Records);
        foreach (var index in new[] { "hash", "consent", "loan", "enterprise", "orgs", "kind" })
        {
            records.DropIndex(index);
        }
        var claimedAhead = 0UL;
        var after = long.MinValue;
        while (true)
        {
            var page = records.Find(Query.GT("_id", after), 0, 10_000).ToList();
            if (page.Count == 0)
            {
                break;
            }
            foreach (var doc in page)
            {
                after = doc["_id"].AsInt64;
                if (doc["hash"].IsString)
                {
                    doc["hash"] = Bson.Binary(Hash32.Parse(doc["hash"].AsString));
                }
                if (!doc.ContainsKey("refs"))
                {
                    var orgs = doc.TryGetValue("orgs", out var listed) && listed.IsArray ? listed.AsArray.Select(o => new OrgId(Bson.ToHash(o))).ToList() : [];
                    doc["refs"] = RecordKeys.Refs(new RecordCodec.IndexFields(
                        doc["type"].AsString,
                        0,
                        Field(doc, "consent") is { } consent ? new ConsentId(consent) : null,
                        orgs,
                        Field(doc, "enterprise") is { } enterprise ? new EnterpriseHash(enterprise) : null,
                        Field(doc, "loan") is { } loan ? new LoanId(loan) : null));
                }
                if (doc["body"] is { IsDocument: true } body && body.AsDocument.TryGetValue("sequence", out var own) && own.IsNumber
                    && Bson.ToU64(own) > Bson.ToU64(doc["_id"]))
                {
                    claimedAhead = Math.Max(claimedAhead, Bson.ToU64(own));
                }
                doc.Remove("consent");
                doc.Remove("orgs");
                doc.Remove("enterprise");
                doc.Remove("loan");
                records.Update(doc);
            }
        }
        db.GetCollection(Collections.Counters).Upsert(new BsonDocument { ["_id"] = RecordStore.ClaimedAheadCounter, ["value"] = Bson.U64(claimedAhead) });

        static Hash32? Field(BsonDocument doc, string name) =>
            doc.TryGetValue(name, out var value) && (value.IsString || value.IsBinary) ? Bson.ToHash(value) : null;
    }

}
