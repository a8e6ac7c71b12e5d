using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Store;

namespace Ledger.Node.Tests.Unit;

/// <summary>The store's group commit (RecordStore.AcceptAsync), which the tax node uses for every access and refusal.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private static readonly OrgId Org = OrgId.FromCode("tax.test");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ledger-group-commit", Guid.NewGuid().ToString("N"));

    private LedgerStore Open() => LedgerStore.Open(new LedgerStoreOptions { Path = Path.Combine(_dir, "ledger.db"), Organization = Org });

    private static AccessRecord Access(int i, ulong sequence) =>
        new(new ConsentId(Keccak.Hash("c")), Org, OrgId.FromCode("bank.b"), Scopes.TaxPayments, Keccak.Hash($"request {i}"), Keccak.Hash("r"), 1, 1000, sequence);

    [Fact]
    public async Task AcceptAsync_ManyConcurrentCallers_EachGetsADistinctGapFreeSequenceAndEverythingIsDurable()
    {
        IReadOnlyList<RecordHash> hashes;
        using (var store = Open())
        {
            var accepted = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => store.Records.AcceptAsync(s => Access(i, s)))));
            Assert.Equal(Enumerable.Range(1, 300).Select(i => (ulong)i), accepted.Select(a => a.Sequence).Order());
            Assert.All(accepted, a => Assert.False(a.AlreadyStored));
            hashes = accepted.Select(a => a.Hash).ToList();
        }
        using var reopened = Open();
        Assert.Equal(300, reopened.Records.Count);
        Assert.Equal(300, reopened.Outbox.UnanchoredCount);
        foreach (var hash in hashes)
        {
            var stored = reopened.Records.Get(hash);
            Assert.NotNull(stored);
            Assert.Equal(stored.Sequence, ((AccessRecord)stored.Record).Sequence);
        }
    }

    [Fact]
    public async Task AcceptAsync_OneFactoryFails_OnlyItsCallerFailsAndTheOthersAreStored()
    {
        using var store = Open();
        var tasks = Enumerable.Range(0, 50).Select(i => store.Records.AcceptAsync(s => i == 17 ? throw new InvalidOperationException("bad record") : Access(i, s))).ToList();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => tasks[17]);
        Assert.Equal("bad record", failure.Message);
        var others = await Task.WhenAll(tasks.Where((_, i) => i != 17));
        Assert.Equal(49, others.Select(a => a.Sequence).Distinct().Count());
        Assert.Equal(49, store.Records.Count);
    }

    [Fact]
    public async Task AcceptAsync_TheSameRecordTwice_IsStoredOnce()
    {
        using var store = Open();
        var record = Access(1, 5) with { ConsentSequence = 1 }; // as the store numbers it (an unnumbered one is a new answer each time)
        var first = await store.Records.AcceptAsync(_ => record);
        var second = await store.Records.AcceptAsync(_ => record);
        Assert.False(first.AlreadyStored);
        Assert.True(second.AlreadyStored);
        Assert.Equal(first.Sequence, second.Sequence);
        Assert.Equal(1, store.Records.Count);
    }

    [Fact]
    public async Task AcceptAsync_AfterTheStoreClosed_IsRefused()
    {
        var store = Open();
        var accepted = store.Records.AcceptAsync(s => Access(1, s));
        store.Dispose();
        Assert.False((await accepted).AlreadyStored); // queued before the close: committed by it
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.Records.AcceptAsync(s => Access(2, s)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
