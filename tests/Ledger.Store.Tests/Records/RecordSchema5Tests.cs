using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Store.Records;
using Ledger.Store.Tests.Support;
using LiteDB;

namespace Ledger.Store.Tests.Records;

/// <summary>
/// Schema 5 (docs/store.md, "Why the records collection has no hash index"): records carry their hash as binary with
/// no index on it and are found by hash through the store's hash directory; the ids a record names are one multikey
/// index of binary keys; a schema-3 file is upgraded in place with every record still found by every query.
/// </summary>
public sealed class RecordSchema5Tests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private LiteDatabase Raw() => new(new ConnectionString { Filename = _temp.FilePath, Connection = ConnectionType.Direct, Upgrade = false });

    [Fact]
    public void NewStore_IndexesTheRecordsBySequenceRefsAndTimeOnly_AndStoresTheHashAsBinary()
    {
        using (var store = _temp.Open())
        {
            store.Records.Accept(SampleRecords.Access());
        }
        using var db = Raw();
        var indexes = db.GetCollection("$indexes").Find(Query.EQ("collection", "records")).Select(i => i["name"].AsString).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["_id", "refs", "timeMs"], indexes);
        var doc = db.GetCollection("records").FindById(1L);
        Assert.True(doc["hash"].IsBinary);
        Assert.Equal(3, doc["refs"].AsArray.Count); // consent, provider, consumer
        Assert.All(doc["refs"].AsArray, key => Assert.Equal(33, key.AsBinary.Length));
        Assert.False(doc.ContainsKey("consent"));
        Assert.False(doc.ContainsKey("orgs"));
    }

    [Fact]
    public void Accept_ARecordClaimingASequenceAheadOfItsOwn_IsFoundWhenTheFactoryLaterBuildsTheSameRecord()
    {
        var consent = new ConsentId(SampleRecords.RandomHash());
        // Stored as #1 although its own sequence field says 3: the factory below builds the same record at #3.
        var ahead = SampleRecords.Deletion(consent) with { Sequence = 3 };
        using (var store = _temp.Open())
        {
            store.Records.Accept(ahead);
            store.Records.Accept(SampleRecords.Access());
        }
        using var reopened = _temp.Open(); // the hash directory is built again from the file

        var again = reopened.Records.AcceptMany([sequence => ahead with { Sequence = sequence }]);

        Assert.True(again[0].AlreadyStored);
        Assert.Equal(1UL, again[0].Sequence);
        Assert.Equal(2UL, reopened.Records.LastSequence);
        Assert.Equal(2L, reopened.Records.Count);
    }

    [Fact]
    public void Accept_TheSameRecordTwiceInOneGroup_StoresItOnce()
    {
        var record = SampleRecords.Deletion();
        using var store = _temp.Open();

        var results = store.Records.AcceptMany([_ => record, _ => record]);

        Assert.False(results[0].AlreadyStored);
        Assert.True(results[1].AlreadyStored);
        Assert.Equal(results[0].Sequence, results[1].Sequence);
        Assert.Equal(1L, store.Records.Count);
        Assert.Equal(record.Hash(), store.Records.Get(record.Hash())!.Hash);
    }

    [Fact]
    public void Open_ASchema3Store_UpgradesTo5_EveryRecordIsFoundByHashAndByEveryQuery()
    {
        var consent = new ConsentId(SampleRecords.RandomHash());
        var loan = new LoanId(SampleRecords.RandomHash());
        var enterprise = new EnterpriseHash(SampleRecords.RandomHash());
        var records = new ILedgerRecord[]
        {
            SampleRecords.Access(consent),
            SampleRecords.Refusal(consent),
            SampleRecords.Deletion(consent),
            SampleRecords.FundFlow(loan),
            SampleRecords.Decision(consent, enterprise),
            SampleRecords.Deletion() with { Sequence = 40 }, // claims a sequence ahead of its own (#6)
        };
        List<RecordHash> hashes;
        using (var store = _temp.Open())
        {
            hashes = store.Records.AcceptAll(records).Select(r => r.Hash).ToList();
        }
        WriteAsSchema3();

        using (var upgraded = _temp.Open())
        {
            for (var i = 0; i < hashes.Count; i++)
            {
                var stored = upgraded.Records.Get(hashes[i])!;
                Assert.Equal((ulong)i + 1, stored.Sequence);
                Assert.Equal(hashes[i], stored.Record.Hash());
            }
            Assert.Equal([1UL, 2, 3, 5], Sequences(upgraded, new RecordQuery { Consent = consent }));
            Assert.Equal([4UL], Sequences(upgraded, new RecordQuery { Loan = loan }));
            Assert.Equal([5UL], Sequences(upgraded, new RecordQuery { Enterprise = enterprise }));
            Assert.Equal([1UL, 2], Sequences(upgraded, new RecordQuery { Organization = SampleRecords.Tax }));
            Assert.Equal([3UL, 6], Sequences(upgraded, new RecordQuery { Kind = BatchKind.DeletionReceipts }));
            // A record accepted again after the upgrade is found, even one the store numbers itself (#40 is claimed).
            Assert.True(upgraded.Records.Accept(records[2]).AlreadyStored);
            Assert.Equal(7UL, upgraded.Records.Accept(SampleRecords.Access()).Sequence);
        }
        using var db = Raw();
        Assert.Equal(LedgerStore.CurrentSchemaVersion, db.GetCollection("meta").FindById("store")["schemaVersion"].AsInt32);
        var indexes = db.GetCollection("$indexes").Find(Query.EQ("collection", "records")).Select(i => i["name"].AsString).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["_id", "refs", "timeMs"], indexes);
        Assert.Equal(40L, db.GetCollection("counters").FindById(RecordStore.ClaimedAheadCounter)["value"].AsInt64);
        Assert.All(db.GetCollection("records").FindAll(), doc =>
        {
            Assert.True(doc["hash"].IsBinary);
            Assert.False(doc.ContainsKey("orgs"));
        });
    }

    // What a schema-3 node wrote: hex-string hashes and ids at the top of each record, the six indexes on them, no refs.
    private void WriteAsSchema3()
    {
        using var db = Raw();
        var records = db.GetCollection("records");
        records.DropIndex("refs");
        foreach (var doc in records.FindAll().ToList())
        {
            var body = doc["body"].AsDocument;
            doc["hash"] = new Hash32(doc["hash"].AsBinary).ToString();
            var orgs = new BsonArray();
            foreach (var field in new[] { "provider", "consumer", "bank", "recorder" })
            {
                if (body.TryGetValue(field, out var org) && !orgs.Contains(org))
                {
                    orgs.Add(org);
                }
            }
            doc["orgs"] = orgs;
            if (body.TryGetValue("consentId", out var consent))
            {
                doc["consent"] = consent;
            }
            if (body.TryGetValue("enterprise", out var enterprise))
            {
                doc["enterprise"] = enterprise;
            }
            if (body.TryGetValue("loanId", out var loan))
            {
                doc["loan"] = loan;
            }
            doc.Remove("refs");
            records.Update(doc);
        }
        records.EnsureIndex("hash", "$.hash", unique: true);
        records.EnsureIndex("consent", "$.consent");
        records.EnsureIndex("loan", "$.loan");
        records.EnsureIndex("enterprise", "$.enterprise");
        records.EnsureIndex("orgs", "$.orgs[*]");
        records.EnsureIndex("kind", "$.kind");
        db.GetCollection("counters").Delete(RecordStore.ClaimedAheadCounter);
        var meta = db.GetCollection("meta").FindById("store");
        meta["schemaVersion"] = 3;
        db.GetCollection("meta").Update(meta);
    }

    private static List<ulong> Sequences(LedgerStore store, RecordQuery query) => store.Records.Find(query).Select(r => r.Sequence).ToList();
}
