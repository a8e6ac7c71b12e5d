using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Store.Records;
using Ledger.Store.Tests.Support;
using LiteDB;

namespace Ledger.Store.Tests.Records;

/// <summary>
/// Accesses and refusals are numbered per consent by the store, in the transaction that accepts them: 1, 2, 3 …
/// without gaps, durable, shared by accesses and refusals, on every accept path (docs/store.md, "Consent sequences").
/// </summary>
public sealed class ConsentSequenceTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ulong NumberOf(LedgerStore store, AcceptedRecord accepted) =>
        ((IConsentSequencedRecord)store.Records.Get(accepted.Hash)!.Record).ConsentSequence;

    [Fact]
    public void Accept_AccessesAndRefusals_AreNumberedPerConsent_AndTheNumbersSurviveReopen()
    {
        var a = new ConsentId(SampleRecords.RandomHash());
        var b = new ConsentId(SampleRecords.RandomHash());
        using (var store = _temp.Open())
        {
            var numbers = new[]
            {
                store.Records.Accept(SampleRecords.Access(a)),
                store.Records.Accept(SampleRecords.Access(b)),
                store.Records.Accept(SampleRecords.Refusal(a)),
                store.Records.Accept(SampleRecords.Deletion(a)), // a bank's record: not numbered
                store.Records.Accept(sequence => SampleRecords.Access(a, sequence: sequence)),
            }.Select(r => store.Records.Get(r.Hash)!.Record switch { IConsentSequencedRecord n => n.ConsentSequence, _ => 0UL }).ToList();

            Assert.Equal([1UL, 1, 2, 0, 3], numbers);
        }
        using var reopened = _temp.Open();
        Assert.Equal(4UL, NumberOf(reopened, reopened.Records.Accept(SampleRecords.Refusal(a))));
        Assert.Equal(2UL, NumberOf(reopened, reopened.Records.AcceptAll([SampleRecords.Access(b)]).Single()));
    }

    [Fact]
    public async Task AcceptAsync_ManyConcurrentCallers_GetEveryNumberOfTheirConsentOnce_InTheOrderOfTheRecordSequence()
    {
        using var store = _temp.Open();
        var consents = Enumerable.Range(0, 3).Select(_ => new ConsentId(SampleRecords.RandomHash())).ToArray();

        var accepted = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => store.Records.AcceptAsync(sequence =>
            i % 4 == 0 ? SampleRecords.Refusal(consents[i % 3]) with { Sequence = sequence } : SampleRecords.Access(consents[i % 3], sequence: sequence)))));

        foreach (var consent in consents)
        {
            var answers = store.Records.Find(new RecordQuery { Consent = consent, Limit = 1000 });
            Assert.Equal(100, answers.Count);
            // Find returns the consent's records in record-sequence order: their consent sequences are then 1 … 100.
            Assert.Equal(Enumerable.Range(1, 100).Select(n => (ulong)n), answers.Select(r => ((IConsentSequencedRecord)r.Record).ConsentSequence));
        }
        Assert.Equal(300, accepted.Select(a => a.Hash).Distinct().Count());
    }

    [Fact]
    public void AcceptMany_AGroupThatFails_UsesNoConsentNumber()
    {
        using var store = _temp.Open();
        var consent = new ConsentId(SampleRecords.RandomHash());
        store.Records.Accept(SampleRecords.Access(consent));

        Assert.Throws<LedgerException>(() => store.Records.AcceptMany(
        [
            sequence => SampleRecords.Access(consent, sequence: sequence),
            _ => new AlienRecord(),
        ]));

        Assert.Equal(2UL, NumberOf(store, store.Records.Accept(SampleRecords.Access(consent))));
    }

    [Fact]
    public void AcceptMany_AGroupThatFails_UsesNoRecordSequence_AndTheNextGroupContinuesBothCounters()
    {
        // The counters are kept beside the file between transactions: a rolled-back group must leave them as the
        // file has them, and committed groups must carry on from what they wrote.
        using var store = _temp.Open();
        var consent = new ConsentId(SampleRecords.RandomHash());
        var first = store.Records.Accept(SampleRecords.Access(consent));

        Assert.Throws<LedgerException>(() => store.Records.AcceptMany(
        [
            sequence => SampleRecords.Access(consent, sequence: sequence),
            sequence => SampleRecords.Access(consent, sequence: sequence),
            _ => new AlienRecord(),
        ]));
        var group = store.Records.AcceptMany(
        [
            sequence => SampleRecords.Access(consent, sequence: sequence),
            sequence => SampleRecords.Access(consent, sequence: sequence),
        ]);
        var after = store.Records.Accept(SampleRecords.Access(consent));

        Assert.Equal(1UL, first.Sequence);
        Assert.Equal([2UL, 3UL], group.Select(a => a.Sequence));
        Assert.Equal([2UL, 3UL], group.Select(a => NumberOf(store, a)));
        Assert.Equal(4UL, after.Sequence);
        Assert.Equal(4UL, NumberOf(store, after));
        Assert.Equal(4UL, store.Records.LastSequence);
    }

    [Fact]
    public void Accept_ARecordCarryingAnotherNumberThanTheNext_IsRefusedAndNothingIsStored_ButTheStoredRecordAgainIsAlreadyStored()
    {
        using var store = _temp.Open();
        var consent = new ConsentId(SampleRecords.RandomHash());
        var first = store.Records.Accept(SampleRecords.Access(consent));

        var ex = Assert.Throws<LedgerException>(() => store.Records.Accept(SampleRecords.Access(consent) with { ConsentSequence = 5 }));
        var again = store.Records.Accept(store.Records.Get(first.Hash)!.Record);
        var next = store.Records.Accept(SampleRecords.Access(consent) with { ConsentSequence = 2 });

        Assert.Equal(StoreErrors.ConsentSequenceOutOfOrderCode, ex.Code);
        Assert.Contains("consent sequence 5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("next one here is 2", ex.Message, StringComparison.Ordinal);
        Assert.True(again.AlreadyStored);
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.False(next.AlreadyStored);
        Assert.Equal(2UL, NumberOf(store, next));
        Assert.Equal(2, store.Records.Count);
    }

    [Fact]
    public void Open_ASchema2Store_UpgradesTo3_ItsRecordsKeepTheirHashes_AndItsConsentsAreNumberedFromOne()
    {
        var consent = new ConsentId(SampleRecords.RandomHash());
        var legacy = new List<RecordHash>();
        using (var store = _temp.Open())
        {
            for (var i = 0; i < 3; i++)
            {
                store.Records.Accept(SampleRecords.Access(consent));
            }
        }
        // What a schema-2 node wrote: no consent sequence in the bodies, the records' legacy hashes, no counters.
        using (var db = new LiteDatabase(new ConnectionString { Filename = _temp.FilePath, Connection = ConnectionType.Direct, Upgrade = false }))
        {
            var records = db.GetCollection("records");
            foreach (var doc in records.FindAll().ToList())
            {
                var body = doc["body"].AsDocument;
                body.Remove("consentSequence");
                var access = new AccessRecord(
                    new ConsentId(Hash32.Parse(body["consentId"].AsString)), new OrgId(Hash32.Parse(body["provider"].AsString)), new OrgId(Hash32.Parse(body["consumer"].AsString)),
                    (Scopes)body["scopes"].AsInt64, Hash32.Parse(body["requestHash"].AsString), Hash32.Parse(body["responseHash"].AsString),
                    (ulong)body["checkedAtBlock"].AsInt64, (ulong)body["servedAtMs"].AsInt64, (ulong)body["sequence"].AsInt64);
                doc["hash"] = access.Hash().ToString();
                legacy.Add(access.Hash());
                records.Update(doc);
            }
            db.DropCollection("consentSequences");
            var meta = db.GetCollection("meta").FindById("store");
            meta["schemaVersion"] = 2;
            db.GetCollection("meta").Update(meta);
        }

        using (var upgraded = _temp.Open())
        {
            Assert.All(legacy, hash =>
            {
                var stored = (AccessRecord)upgraded.Records.Get(hash)!.Record;
                Assert.Equal(0UL, stored.ConsentSequence);
                Assert.Equal(AccessRecord.LegacyType, stored.TypeString);
            });
            Assert.Equal(1UL, NumberOf(upgraded, upgraded.Records.Accept(SampleRecords.Refusal(consent))));
        }
        using var raw = new LiteDatabase(new ConnectionString { Filename = _temp.FilePath, Connection = ConnectionType.Direct, Upgrade = false });
        var upgradedMeta = raw.GetCollection("meta").FindById("store");
        Assert.Equal(LedgerStore.CurrentSchemaVersion, upgradedMeta["schemaVersion"].AsInt32); // through 3, 4 and 5 in one open
        Assert.True(upgradedMeta.ContainsKey("upgradedAtMs"));
    }

    private sealed class AlienRecord : ILedgerRecord
    {
        public BatchKind Kind => BatchKind.Mixed;

        public string TypeString => "Alien()";

        public RecordHash Hash() => new(Keccak.Hash("alien"));
    }
}
