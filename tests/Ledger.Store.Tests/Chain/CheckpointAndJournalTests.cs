using Ledger.Core.Errors;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.Chain;

public sealed class CheckpointAndJournalTests : IDisposable
{
    private static readonly EthAddress Sender = EthAddress.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    private static readonly EthAddress OtherSender = EthAddress.Parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Checkpoints_UnknownIndexer_HasNone_AndEachIndexerKeepsItsOwnAcrossReopen()
    {
        using (var store = _temp.Open())
        {
            Assert.Null(store.Checkpoints.LastProcessedBlock("audit"));
            store.Checkpoints.MarkProcessed("audit", 120);
            store.Checkpoints.MarkProcessed("alerts", 7);
            store.Checkpoints.MarkProcessed("audit", 150);
        }
        using var reopened = _temp.Open();

        Assert.Equal(150UL, reopened.Checkpoints.LastProcessedBlock("audit"));
        Assert.Equal(7UL, reopened.Checkpoints.LastProcessedBlock("alerts"));
    }

    [Fact]
    public void Checkpoints_IndexerNamedLikeTheAuditIndexState_DoesNotCollideWithIt()
    {
        using var store = _temp.Open();
        store.Audit.Accept([], 99);

        store.Checkpoints.MarkProcessed("audit-index", 5);

        Assert.Equal(99UL, store.Audit.IndexedThroughBlock);
        Assert.Equal(5UL, store.Checkpoints.LastProcessedBlock("audit-index"));
    }

    [Fact]
    public void Checkpoints_EmptyName_IsRefused()
    {
        using var store = _temp.Open();

        var ex = Assert.Throws<LedgerException>(() => store.Checkpoints.MarkProcessed(" ", 1));

        Assert.Equal(StoreErrors.InvalidEntryCode, ex.Code);
    }

    [Fact]
    public void Journal_SavedTransaction_IsFoundAfterReopenWithEveryField()
    {
        var tx = Journaled("anchor:1", Sender, 7);
        using (var store = _temp.Open())
        {
            store.Journal.Save(tx);
        }
        using var reopened = _temp.Open();

        var found = reopened.Journal.Find("anchor:1");

        Assert.Equal(tx, found);
    }

    [Fact]
    public void Journal_Pending_ListsUnminedTransactionsOfTheSenderByNonceWithoutSupersededOnes()
    {
        using var store = _temp.Open();
        store.Journal.Save(Journaled("c", Sender, 9));
        store.Journal.Save(Journaled("a", Sender, 7));
        store.Journal.Save(Journaled("b", Sender, 8));
        store.Journal.Save(Journaled("b-old", Sender, 8) with { Superseded = true });
        store.Journal.Save(Journaled("other", OtherSender, 1));
        store.Journal.MarkMined("a", 1234, succeeded: true);

        var pending = store.Journal.Pending(Sender);

        Assert.Equal(["b", "c"], pending.Select(t => t.Id));
        var mined = store.Journal.Find("a")!;
        Assert.Equal(1234UL, mined.MinedInBlock);
        Assert.True(mined.Succeeded);
        Assert.Equal(["other"], store.Journal.Pending(OtherSender).Select(t => t.Id));
    }

    [Fact]
    public void Journal_SaveUnderAnExistingId_ReplacesIt()
    {
        using var store = _temp.Open();
        store.Journal.Save(Journaled("anchor:9", Sender, 3));
        var replacement = Journaled("anchor:9", Sender, 4);

        store.Journal.Save(replacement);

        Assert.Equal(replacement, store.Journal.Find("anchor:9"));
        Assert.Single(store.Journal.Pending(Sender));
    }

    [Fact]
    public void Journal_MarkMinedOfAnUnknownId_FailsClearly()
    {
        using var store = _temp.Open();

        var ex = Assert.Throws<LedgerException>(() => store.Journal.MarkMined("nope", 1, true));

        Assert.Equal(StoreErrors.UnknownTransactionCode, ex.Code);
        Assert.Equal(ErrorCategory.NotFound, ex.Category);
    }

    [Fact]
    public void Journal_TransactionWithoutSignedBytes_IsRefused()
    {
        using var store = _temp.Open();

        var ex = Assert.Throws<LedgerException>(() => store.Journal.Save(Journaled("x", Sender, 1) with { RawTransaction = "" }));

        Assert.Equal(StoreErrors.InvalidEntryCode, ex.Code);
        Assert.Null(store.Journal.Find("x"));
    }

    private static JournaledTransaction Journaled(string id, EthAddress from, ulong nonce) =>
        new(id, from, nonce, "0x02f8" + Convert.ToHexStringLower(SampleRecords.RandomHash().ToArray()), SampleRecords.RandomHash(), 1_760_000_000_000 + (long)nonce);
}
