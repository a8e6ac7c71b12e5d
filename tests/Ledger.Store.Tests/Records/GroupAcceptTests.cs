using Ledger.Core.Records;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.Records;

/// <summary>The group path (AcceptMany): one transaction, the counter written once, duplicates found by the unique index.</summary>
public sealed class GroupAcceptTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Func<ulong, ILedgerRecord> Of(AccessRecord record) => sequence => record with { Sequence = sequence };

    [Fact]
    public void AcceptMany_NewRecords_GetConsecutiveSequencesThatSurviveReopen()
    {
        using (var store = _temp.Open())
        {
            store.Records.Accept(SampleRecords.Access());
            var accepted = store.Records.AcceptMany([.. Enumerable.Range(0, 5).Select(_ => Of(SampleRecords.Access()))]);
            Assert.Equal([2UL, 3, 4, 5, 6], accepted.Select(a => a.Sequence));
            Assert.All(accepted, a => Assert.False(a.AlreadyStored));
            Assert.All(accepted, a => Assert.Equal(a.Sequence, ((AccessRecord)store.Records.Get(a.Hash)!.Record).Sequence));
        }
        using var reopened = _temp.Open();
        Assert.Equal(6UL, reopened.Records.LastSequence);
        Assert.Equal(7UL, reopened.Records.Accept(SampleRecords.Access()).Sequence);
    }

    [Fact]
    public void AcceptMany_ARecordStoredBefore_IsReturnedAsStoredAndTheOthersAreStoredOnce()
    {
        using var store = _temp.Open();
        var first = store.Records.Accept(SampleRecords.Access());
        var earlier = store.Records.Get(first.Hash)!.Record; // as stored: numbered under its consent
        var fresh = SampleRecords.Access();

        // The same record as before (its own sequence field and its consent sequence): its hash is the earlier one.
        var accepted = store.Records.AcceptMany([Of(fresh), _ => earlier, Of(SampleRecords.Access())]);

        Assert.False(accepted[0].AlreadyStored);
        Assert.True(accepted[1].AlreadyStored);
        Assert.Equal(first.Sequence, accepted[1].Sequence);
        Assert.Equal(first.Hash, accepted[1].Hash);
        Assert.False(accepted[2].AlreadyStored);
        Assert.Equal([2UL, 3], new[] { accepted[0].Sequence, accepted[2].Sequence });
        Assert.Equal(3, store.Records.Count);
        Assert.Equal(3UL, store.Records.LastSequence);
        Assert.Equal(3, store.Outbox.UnanchoredCount);
    }

    [Fact]
    public void AcceptMany_TheSameRecordTwiceInOneGroup_StoresItOnce()
    {
        using var store = _temp.Open();
        var record = SampleRecords.Access() with { ConsentSequence = 1 };

        var accepted = store.Records.AcceptMany([_ => record, _ => record]);

        Assert.False(accepted[0].AlreadyStored);
        Assert.True(accepted[1].AlreadyStored);
        Assert.Equal(accepted[0].Sequence, accepted[1].Sequence);
        Assert.Equal(1, store.Records.Count);
        Assert.Equal(1UL, store.Records.LastSequence);
    }
}
