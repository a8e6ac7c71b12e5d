using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Bank;
using Ledger.Node.Bank.UseCases;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// DeleteHeld — the bank's <see cref="DataLifeKeeper"/> — as a use case over ports (issue 12): held data, receipts and
/// revocations are in-memory here; DataLifeTests checks the same rules with real bank.db files, a real chain and nodes.
/// </summary>
public sealed class DataLifeKeeperTests
{
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    private static readonly ConsentId ConsentA = new(new Hash32(Enumerable.Repeat((byte)0xA1, 32).ToArray()));
    private static readonly ConsentId ConsentB = new(new Hash32(Enumerable.Repeat((byte)0xB1, 32).ToArray()));
    private const ulong NowMs = 1_800_000_000_000;

    /// <summary>Held data in memory (also as the report fetch keeps and finds it: <see cref="ReportFetcherTests"/>).</summary>
    internal sealed class Held : IHeldData, IFetchedReports
    {
        public Dictionary<Hash32, HeldItem> Items { get; } = [];

        public void Add(HeldItem item) => Items[item.RequestHash] = item;

        public HeldItem? LatestLive(ConsentId consent, ulong nowMs) =>
            Items.Values.Where(i => !i.Deleted && i.ConsentId == consent && i.KeepUntilMs > nowMs).MaxBy(i => i.FetchedAtMs);

        public string? RevocationCursor { get; set; }

        public IReadOnlyList<HeldItem> AwaitingReceipt() => Items.Values.Where(i => i.Deleted && i.Receipt is null).ToList();

        public IReadOnlyList<HeldItem> Expired(ulong nowMs) => Items.Values.Where(i => !i.Deleted && i.KeepUntilMs <= nowMs).ToList();

        public IReadOnlyList<HeldItem> Live(ConsentId consent) => Items.Values.Where(i => !i.Deleted && i.ConsentId == consent).ToList();

        public HeldItem? MarkDeleted(Hash32 requestHash, DeletionCause cause, ulong atMs)
        {
            if (!Items.TryGetValue(requestHash, out var item) || item.Deleted)
            {
                return null;
            }
            return Items[requestHash] = item with { Envelope = null, DeletedAtMs = atMs, Cause = cause };
        }

        public void SetReceipt(Hash32 requestHash, RecordHash receipt) => Items[requestHash] = Items[requestHash] with { Receipt = receipt };

        public bool IsAssigned(RecordHash receipt) => Items.Values.Any(i => i.Receipt == receipt);
    }

    internal sealed class Receipts : IDeletionReceipts
    {
        public OrgId Consumer => Bank;

        public List<(RecordHash Hash, DeletionReceipt Receipt)> Accepted { get; } = [];

        public bool Fail { get; set; }

        public IEnumerable<(RecordHash Hash, DeletionReceipt Receipt)> Under(ConsentId consent) => Accepted.Where(r => r.Receipt.ConsentId == consent).ToList();

        public Task<RecordHash> AcceptAsync(Func<ulong, DeletionReceipt> create)
        {
            if (Fail)
            {
                return Task.FromException<RecordHash>(new LedgerException("LEDGER-1100", ErrorCategory.Unavailable, "The ledger store cannot be written."));
            }
            var receipt = create((ulong)Accepted.Count + 1);
            Accepted.Add((receipt.Hash(), receipt));
            return Task.FromResult(receipt.Hash());
        }
    }

    internal sealed class Revocations : IRevocationFeed
    {
        public List<RevocationSeen> Seen { get; } = [];

        public List<string?> AskedAfter { get; } = [];

        public bool IsRevoked(ConsentId consent) => Seen.Any(s => s.Consent == consent);

        public IReadOnlyList<RevocationSeen> After(string? cursor, int limit)
        {
            AskedAfter.Add(cursor);
            return Seen.Where(s => cursor is null || string.CompareOrdinal(s.Cursor, cursor) > 0).Take(limit).ToList();
        }
    }

    private static HeldItem Item(int n, ConsentId consent, ulong keepUntilMs) => new(
        Keccak.Hash($"request {n}"), consent, OrgId.FromCode("tax.liuzhou"), Scopes.TaxCreditRating, Keccak.Hash($"report {n}"),
        [1, 2, 3], NowMs - 10_000, keepUntilMs, 7, Keccak.Hash($"access {n}"));

    private static (DataLifeKeeper Keeper, Held Held, Receipts Receipts, Revocations Revocations) Keeper(params HeldItem[] items)
    {
        var held = new Held();
        foreach (var item in items)
        {
            held.Items[item.RequestHash] = item;
        }
        var receipts = new Receipts();
        var revocations = new Revocations();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds((long)NowMs));
        return (new DataLifeKeeper(held, receipts, revocations, time, NullLogger<DataLifeKeeper>.Instance), held, receipts, revocations);
    }

    [Fact]
    public async Task Sweep_DeletesWhatOutlivedItsDataLife_WithOneReceiptEach_AndKeepsTheRest()
    {
        var old = Item(1, ConsentA, NowMs - 1);
        var fresh = Item(2, ConsentA, NowMs + 60_000);
        var (keeper, held, receipts, _) = Keeper(old, fresh);

        Assert.Equal(1, await keeper.SweepAsync());

        var deleted = held.Items[old.RequestHash];
        Assert.Null(deleted.Envelope);
        Assert.Equal((NowMs, DeletionCause.DataLifeEnded), (deleted.DeletedAtMs, deleted.Cause));
        var (hash, receipt) = Assert.Single(receipts.Accepted);
        Assert.Equal(hash, deleted.Receipt);
        Assert.Equal((ConsentA, Bank, old.ResponseHash, DeletionCause.DataLifeEnded, NowMs), (receipt.ConsentId, receipt.Consumer, receipt.DataHash, receipt.Cause, receipt.DeletedAtMs));
        Assert.False(held.Items[fresh.RequestHash].Deleted);
        Assert.Equal(0, await keeper.SweepAsync());
        Assert.Single(receipts.Accepted);
    }

    [Fact]
    public async Task Sweep_DeletesWhatARevocationCovers_AndFollowsTheFeedFromWhereItStopped()
    {
        var a = Item(1, ConsentA, NowMs + 60_000);
        var b = Item(2, ConsentB, NowMs + 60_000);
        var (keeper, held, receipts, revocations) = Keeper(a, b);
        revocations.Seen.Add(new RevocationSeen("000000000010-000001", null)); // an event without a readable consent is passed over
        revocations.Seen.Add(new RevocationSeen("000000000011-000000", ConsentA));

        Assert.Equal(1, await keeper.SweepAsync());

        Assert.Equal(DeletionCause.ConsentRevoked, held.Items[a.RequestHash].Cause);
        Assert.False(held.Items[b.RequestHash].Deleted);
        Assert.Equal(DeletionCause.ConsentRevoked, Assert.Single(receipts.Accepted).Receipt.Cause);
        Assert.Equal("000000000011-000000", held.RevocationCursor);
        await keeper.SweepAsync();
        Assert.Equal("000000000011-000000", revocations.AskedAfter[^1]);
    }

    [Fact]
    public async Task Sweep_FinishesADeletionInterruptedBeforeItsReceipt_WithExactlyOneReceipt()
    {
        var item = Item(1, ConsentA, NowMs - 1);
        var (keeper, held, receipts, _) = Keeper(item);
        receipts.Fail = true;

        await Assert.ThrowsAsync<LedgerException>(() => keeper.SweepAsync());
        Assert.True(held.Items[item.RequestHash].Deleted);
        Assert.Null(held.Items[item.RequestHash].Receipt);
        Assert.Empty(receipts.Accepted);

        receipts.Fail = false;
        Assert.Equal(0, await keeper.SweepAsync()); // finished, not deleted again

        var (hash, receipt) = Assert.Single(receipts.Accepted);
        Assert.Equal(hash, held.Items[item.RequestHash].Receipt);
        Assert.Equal((DeletionCause.DataLifeEnded, NowMs), (receipt.Cause, receipt.DeletedAtMs));
    }

    [Fact]
    public async Task Sweep_AReceiptAcceptedBeforeACrash_IsReused_UnlessAnotherItemHasIt()
    {
        var item = Item(1, ConsentA, NowMs - 1);
        var (keeper, held, receipts, _) = Keeper(item);
        held.MarkDeleted(item.RequestHash, DeletionCause.DataLifeEnded, NowMs - 5);
        var earlier = new DeletionReceipt(ConsentA, Bank, item.ResponseHash, DeletionCause.DataLifeEnded, NowMs - 5, 1);
        receipts.Accepted.Add((earlier.Hash(), earlier));

        await keeper.SweepAsync();

        Assert.Single(receipts.Accepted);
        Assert.Equal(earlier.Hash(), held.Items[item.RequestHash].Receipt);

        // The same receipt fields for a second item: that receipt is the first item's, so the second gets its own.
        var twin = Item(1, ConsentA, NowMs - 1) with { RequestHash = Keccak.Hash("request twin") };
        held.Items[twin.RequestHash] = twin with { Envelope = null, DeletedAtMs = NowMs - 5, Cause = DeletionCause.DataLifeEnded };
        await keeper.SweepAsync();
        Assert.Equal(2, receipts.Accepted.Count);
        Assert.NotEqual(held.Items[item.RequestHash].Receipt, held.Items[twin.RequestHash].Receipt);
    }

    [Fact]
    public async Task EnforceRevocation_DeletesNowOnlyWhenTheConsentIsRevoked()
    {
        var a = Item(1, ConsentA, NowMs + 60_000);
        var (keeper, held, receipts, revocations) = Keeper(a);

        Assert.False(await keeper.EnforceRevocationAsync(ConsentA));
        Assert.False(held.Items[a.RequestHash].Deleted);

        revocations.Seen.Add(new RevocationSeen("000000000011-000000", ConsentA));
        Assert.True(await keeper.EnforceRevocationAsync(ConsentA));
        Assert.Equal(DeletionCause.ConsentRevoked, held.Items[a.RequestHash].Cause);
        Assert.Single(receipts.Accepted);
    }
}
