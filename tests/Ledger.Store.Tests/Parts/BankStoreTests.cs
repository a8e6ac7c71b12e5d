using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.Parts;

/// <summary>The bank's held data, a part of the store (schema 4; was bank.db): kept, found, deleted with a receipt, reopened.</summary>
public sealed class BankStoreTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void HeldData_KeptDeletedAndReceipted_ReadsBackTheSameAfterReopening()
    {
        var consent = new ConsentId(Keccak.Hash("consent/shared"));
        var receipt = new RecordHash(Keccak.Hash("receipt"));
        using (var store = _temp.Open())
        {
            store.Held.Add(PartSamples.Held(1, keepUntilMs: 2_000, consent: consent));
            store.Held.Add(PartSamples.Held(2, keepUntilMs: 9_000, consent: consent));
            store.Held.Add(PartSamples.Held(3, keepUntilMs: 1_500));
            var deleted = store.Held.MarkDeleted(Keccak.Hash("request/3"), DeletionCause.DataLifeEnded, 1_600);
            Assert.NotNull(deleted);
            Assert.Null(deleted.Envelope);
            Assert.Null(store.Held.MarkDeleted(Keccak.Hash("request/3"), DeletionCause.DataLifeEnded, 1_700)); // once
            Assert.Equal([Keccak.Hash("request/3")], store.Held.AwaitingReceipt().Select(i => i.RequestHash));
            store.Held.SetReceipt(Keccak.Hash("request/3"), receipt);
            store.Held.RevocationCursor = "event/42";
            store.Held.PutReference(new LoanId(Keccak.Hash("loan")), "CCB-2026-0001");
            store.Held.PutReasons(Keccak.Hash("reasons"), new CreditReasons("{\"format\":\"ledger/credit-reasons/v1\"}", "A"));
        }

        using var reopened = _temp.Open();
        var held = reopened.Held;
        Assert.Equal(PartSamples.Held(2, keepUntilMs: 9_000, consent: consent) with { Envelope = null }, held.Get(Keccak.Hash("request/2"))! with { Envelope = null });
        Assert.Equal(new byte[] { 1, 2, 3, 2 }, held.Get(Keccak.Hash("request/2"))!.Envelope);
        Assert.Equal(Keccak.Hash("request/2"), held.LatestLive(consent, 1_900)!.RequestHash);
        Assert.Equal(Keccak.Hash("request/2"), held.LatestLive(consent, 2_500)!.RequestHash);
        Assert.Equal(2, held.Live(consent).Count);
        Assert.Equal([Keccak.Hash("request/1")], held.Expired(2_000).Select(i => i.RequestHash));
        Assert.Empty(held.AwaitingReceipt());
        Assert.True(held.IsAssigned(receipt));
        var third = held.Get(Keccak.Hash("request/3"))!;
        Assert.True(third.Deleted);
        Assert.Equal((1_600UL, DeletionCause.DataLifeEnded, receipt), (third.DeletedAtMs!.Value, third.Cause!.Value, third.Receipt!.Value));
        Assert.Equal(2, held.List(includeDeleted: false).Count);
        Assert.Equal([3, 2, 1], held.List(includeDeleted: true).Select(i => (int)(i.FetchedAtMs - 1_000)));
        Assert.Equal("event/42", held.RevocationCursor);
        Assert.Equal("CCB-2026-0001", held.Reference(new LoanId(Keccak.Hash("loan"))));
        Assert.Null(held.Reference(new LoanId(Keccak.Hash("another loan"))));
        Assert.Equal("A", held.Find(Keccak.Hash("reasons"))!.Rating);
        Assert.Null(held.Find(Keccak.Hash("no reasons")));
    }

    [Fact]
    public void HeldData_IsWrittenIntoTheStoreFile_AndNoFileOfItsOwn()
    {
        using (var store = _temp.Open())
        {
            store.Held.Add(PartSamples.Held(1));
        }

        // Only the store's own files (its data file, log and lock): no bank.db beside it.
        Assert.All(Directory.GetFiles(_temp.Folder), f => Assert.StartsWith("node.ledger", Path.GetFileName(f), StringComparison.Ordinal));
        using var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = _temp.FilePath, ReadOnly = true });
        Assert.Equal(1, db.GetCollection("held").Count());
    }
}
