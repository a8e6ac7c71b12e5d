using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Store.Records;
using Ledger.Store.Tests.Support;
using LiteDB;

namespace Ledger.Store.Tests.Records;

public sealed class RecordStoreTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Accept_EachRecordKind_ReadsBackEqualWithItsCanonicalHash()
    {
        using var store = _temp.Open();
        foreach (var given in SampleRecords.OneOfEach())
        {
            var accepted = store.Records.Accept(given);

            // An access or refusal is numbered under its consent as it is accepted (each sample has a consent of its own).
            var record = given is IConsentSequencedRecord answer ? answer.WithConsentSequence(1) : given;
            Assert.Equal(record.Hash(), accepted.Hash);
            var stored = store.Records.Get(accepted.Hash);
            Assert.NotNull(stored);
            Assert.Equal(record, stored.Record);
            Assert.Equal(accepted.Sequence, stored.Sequence);
            Assert.Null(stored.Anchor);
            Assert.Equal(stored, store.Records.Get(accepted.Sequence));
        }
    }

    [Fact]
    public void Accept_ManyRecords_SequencesAreOneTwoThreeAndSurviveReopen()
    {
        using (var store = _temp.Open())
        {
            var sequences = Enumerable.Range(0, 5).Select(_ => store.Records.Accept(SampleRecords.Access()).Sequence).ToList();
            Assert.Equal([1UL, 2, 3, 4, 5], sequences);
        }
        using (var reopened = _temp.Open())
        {
            Assert.Equal(5UL, reopened.Records.LastSequence);
            Assert.Equal(6UL, reopened.Records.Accept(SampleRecords.Access()).Sequence);
            Assert.Equal(6, reopened.Records.Count);
        }
    }

    [Fact]
    public void Accept_SameRecordTwice_StoresItOnceAndReturnsTheFirstAcceptance()
    {
        using var store = _temp.Open();
        var record = SampleRecords.Deletion();

        var first = store.Records.Accept(record);
        var again = store.Records.Accept(record);

        Assert.False(first.AlreadyStored);
        Assert.True(again.AlreadyStored);
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.Equal(1, store.Records.Count);
        Assert.Equal(1, store.Outbox.PendingCount);
        Assert.Equal(1UL, store.Records.LastSequence);
    }

    [Fact]
    public void Accept_WithSequenceFactory_TheRecordCarriesTheStoreSequence()
    {
        using var store = _temp.Open();
        store.Records.Accept(SampleRecords.Refusal());

        var accepted = store.Records.Accept(sequence => SampleRecords.Access(sequence: sequence));

        Assert.Equal(2UL, accepted.Sequence);
        var stored = Assert.IsType<AccessRecord>(store.Records.Get(accepted.Hash)!.Record);
        Assert.Equal(2UL, stored.Sequence);
    }

    [Fact]
    public void Accept_NewRecord_WritesItsOutboxRowWithIt()
    {
        using var store = _temp.Open();

        store.Records.Accept(SampleRecords.Access());
        store.Records.Accept(SampleRecords.Deletion());

        Assert.Equal(2, store.Outbox.PendingCount);
        Assert.Equal(2, store.Outbox.UnanchoredCount);
    }

    [Fact]
    public void AcceptAll_WithAnUnknownRecordType_StoresNothingAndUsesNoSequence()
    {
        using var store = _temp.Open();
        store.Records.Accept(SampleRecords.Access());

        var ex = Assert.Throws<LedgerException>(() => store.Records.AcceptAll([SampleRecords.Access(), new AlienRecord()]));

        Assert.Equal(StoreErrors.UnsupportedRecordCode, ex.Code);
        Assert.Contains(nameof(AlienRecord), ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, store.Records.Count);
        Assert.Equal(1, store.Outbox.PendingCount);
        Assert.Equal(1UL, store.Records.LastSequence);
        Assert.Equal(2UL, store.Records.Accept(SampleRecords.Access()).Sequence);
    }

    [Fact]
    public void Accept_FactoryThatThrows_LeavesTheStoreUnchanged()
    {
        using var store = _temp.Open();

        Assert.Throws<InvalidOperationException>(() => store.Records.Accept(_ => throw new InvalidOperationException("no")));

        Assert.Equal(0, store.Records.Count);
        Assert.Equal(0UL, store.Records.LastSequence);
        Assert.Equal(0, store.Outbox.PendingCount);
    }

    [Fact]
    public void Find_ByConsentOrganizationEnterpriseLoanAndKind_ReturnsExactlyTheMatches()
    {
        using var store = _temp.Open();
        var consent = new ConsentId(SampleRecords.RandomHash());
        var enterprise = new EnterpriseHash(SampleRecords.RandomHash());
        var loan = new LoanId(SampleRecords.RandomHash());
        var access = store.Records.Accept(SampleRecords.Access(consent));
        var refusal = store.Records.Accept(SampleRecords.Refusal(consent));
        var decision = store.Records.Accept(SampleRecords.Decision(consent, enterprise));
        var otherBank = store.Records.Accept(SampleRecords.Access(consumer: SampleRecords.OtherBank));
        var fundFlow = store.Records.Accept(SampleRecords.FundFlow(loan));
        store.Records.Accept(SampleRecords.FundFlow());

        Assert.Equal([access.Sequence, refusal.Sequence, decision.Sequence], Sequences(store, new RecordQuery { Consent = consent }));
        Assert.Equal([otherBank.Sequence], Sequences(store, new RecordQuery { Organization = SampleRecords.OtherBank }));
        Assert.Equal([decision.Sequence], Sequences(store, new RecordQuery { Enterprise = enterprise }));
        Assert.Equal([fundFlow.Sequence], Sequences(store, new RecordQuery { Loan = loan }));
        Assert.Equal([access.Sequence, otherBank.Sequence], Sequences(store, new RecordQuery { Kind = BatchKind.AccessRecords }));
        Assert.Equal([access.Sequence], Sequences(store, new RecordQuery { Consent = consent, Kind = BatchKind.AccessRecords }));
        Assert.Empty(Sequences(store, new RecordQuery { Consent = consent, Organization = SampleRecords.OtherBank }));
    }

    [Fact]
    public void Find_ByTimeRange_UsesEachRecordsOwnTimeFromInclusiveUntilExclusive()
    {
        using var store = _temp.Open();
        var t0 = store.Records.Accept(SampleRecords.Access(servedAtMs: 1_000)).Sequence;
        var t1 = store.Records.Accept(SampleRecords.Deletion(deletedAtMs: 2_000)).Sequence;
        var t2 = store.Records.Accept(SampleRecords.FundFlow(recordedAtMs: 3_000)).Sequence;
        _ = t0;

        Assert.Equal([t1, t2], Sequences(store, new RecordQuery { FromMs = 2_000 }));
        Assert.Equal([t1], Sequences(store, new RecordQuery { FromMs = 2_000, UntilMs = 3_000 }));
        Assert.Empty(Sequences(store, new RecordQuery { FromMs = 3_001 }));
    }

    [Fact]
    public void Find_WithPaging_ReturnsEveryRecordOnceInSequenceOrder()
    {
        using var store = _temp.Open();
        var consent = new ConsentId(SampleRecords.RandomHash());
        var all = Enumerable.Range(0, 25).Select(_ => store.Records.Accept(SampleRecords.Access(consent)).Sequence).ToList();

        var seen = new List<ulong>();
        ulong after = 0;
        while (true)
        {
            var page = store.Records.Find(new RecordQuery { Consent = consent, AfterSequence = after, Limit = 10 });
            if (page.Count == 0)
            {
                break;
            }
            seen.AddRange(page.Select(r => r.Sequence));
            after = page[^1].Sequence;
        }

        Assert.Equal(all, seen);
    }

    [Fact]
    public void Find_LimitOutOfRange_IsRefusedClearly()
    {
        using var store = _temp.Open();

        var ex = Assert.Throws<LedgerException>(() => store.Records.Find(new RecordQuery { Limit = 0 }));

        Assert.Equal(StoreErrors.InvalidEntryCode, ex.Code);
    }

    [Fact]
    public void Get_RecordAlteredInTheFile_ThrowsTamperedWithBothHashes()
    {
        RecordHash hash;
        using (var store = _temp.Open())
        {
            hash = store.Records.Accept(SampleRecords.Access()).Hash;
        }
        using (var db = new LiteDatabase(new ConnectionString { Filename = _temp.FilePath, Connection = ConnectionType.Direct }))
        {
            var records = db.GetCollection("records");
            var doc = records.FindById(1L);
            doc["body"]["scopes"] = 127L; // someone widens the scopes after the fact
            records.Update(doc);
        }
        using var reopened = _temp.Open();

        var ex = Assert.Throws<LedgerException>(() => reopened.Records.Get(hash));

        Assert.Equal(StoreErrors.RecordTamperedCode, ex.Code);
        Assert.Equal(ErrorCategory.Tampered, ex.Category);
        Assert.Contains(hash.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_WhenTheInsertFails_NothingIsHalfWritten_TheSequenceIsNotAdvanced()
    {
        using (var store = _temp.Open())
        {
            store.Records.Accept(SampleRecords.Access());
        }
        // Plant a document where the next record will go: the sequence counter is advanced in the same transaction,
        // the record insert fails on the duplicate key, and the whole acceptance must roll back.
        using (var db = new LiteDatabase(new ConnectionString { Filename = _temp.FilePath, Connection = ConnectionType.Direct }))
        {
            db.GetCollection("records").Insert(new BsonDocument { ["_id"] = 2L, ["hash"] = Hash32.Zero.ToString(), ["planted"] = true });
        }
        using var reopened = _temp.Open();

        var ex = Assert.Throws<LedgerException>(() => reopened.Records.Accept(SampleRecords.Access()));

        Assert.Equal(StoreErrors.StorageFailureCode, ex.Code);
        Assert.Equal(1UL, reopened.Records.LastSequence);
        Assert.Equal(1, reopened.Outbox.PendingCount);
    }

    private static List<ulong> Sequences(LedgerStore store, RecordQuery query) => store.Records.Find(query).Select(r => r.Sequence).ToList();

    private sealed class AlienRecord : ILedgerRecord
    {
        public BatchKind Kind => BatchKind.Mixed;

        public string TypeString => "Alien()";

        public RecordHash Hash() => new(Keccak.Hash("alien"));
    }
}
