using System.Runtime.CompilerServices;
using Ledger.Audit.Bundle;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Auditor;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// Sync — the auditor's <see cref="AuditorSync"/> — as a use case over ports (issue 12): the consortium, the members'
/// exports, the auditor's copy and its indexer are in-memory here; AuditorNodeTests syncs from real member nodes.
/// </summary>
public sealed class AuditorSyncTests
{
    private static readonly OrgId Self = OrgId.FromCode("auditor.one");
    private static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    private static readonly OrgId BankA = OrgId.FromCode("bank.ccb");
    private static readonly OrgId BankB = OrgId.FromCode("bank.icbc");
    private static readonly ConsentId Consent = new(new Hash32(Enumerable.Repeat((byte)0xC1, 32).ToArray()));

    private sealed class Members(params (OrgId, MemberStatus)[] members) : IConsortiumMembers
    {
        public OrgId Self => AuditorSyncTests.Self;

        public Task<IReadOnlyList<(OrgId Org, MemberStatus Status)>> MembersAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<(OrgId, MemberStatus)>>(members);
    }

    /// <summary>In-memory exports: each member's records by sequence; a member may be unreachable, or fail after some records.</summary>
    private sealed class Exports : IMemberRecords
    {
        public Dictionary<OrgId, List<PulledRecord>> Records { get; } = [];

        public HashSet<OrgId> Unreachable { get; } = [];

        public Dictionary<OrgId, int> FailAfter { get; } = [];

        public List<(OrgId Member, ulong After)> Asked { get; } = [];

        public async IAsyncEnumerable<PulledRecord> ExportAsync(OrgId member, ulong afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Asked.Add((member, afterSequence));
            await Task.Yield();
            if (Unreachable.Contains(member))
            {
                throw new LedgerException("LEDGER-1600", ErrorCategory.Unavailable, "its node cannot be reached");
            }
            var sent = 0;
            foreach (var record in Records.GetValueOrDefault(member, []).Where(r => r.Sequence > afterSequence))
            {
                if (FailAfter.TryGetValue(member, out var limit) && sent == limit)
                {
                    throw new LedgerException("LEDGER-1600", ErrorCategory.Unavailable, "the stream broke");
                }
                sent++;
                yield return record;
            }
        }
    }

    private sealed class Copy : ISyncedCopy
    {
        public Dictionary<OrgId, SortedDictionary<ulong, PulledRecord>> Held { get; } = [];

        public HashSet<OrgId> Synced { get; } = [];

        public int RecordCount => Held.Values.Sum(h => h.Count);

        public Task EnsureLoadedAsync() => Task.CompletedTask;

        public MemberCursor CursorOf(OrgId member) =>
            Held.TryGetValue(member, out var held) && held.Count > 0 ? new MemberCursor(held.Keys.Max(), 0, 1) : MemberCursor.Start;

        public int Apply(OrgId member, IReadOnlyList<PulledRecord> page)
        {
            if (!Held.TryGetValue(member, out var held))
            {
                Held[member] = held = [];
            }
            var added = 0;
            foreach (var record in page)
            {
                added += held.TryAdd(record.Sequence, record) ? 1 : 0;
            }
            return added;
        }

        public void MarkSynced(OrgId member) => Synced.Add(member);
    }

    /// <summary>An indexer that reads <see cref="Step"/> blocks each time it is asked how far it is.</summary>
    private sealed class Index : IIndexProgress
    {
        private ulong _through;

        public ulong Step { get; init; }

        public int Reads { get; private set; }

        public ulong? IndexedThroughBlock
        {
            get
            {
                Reads++;
                return _through += Step;
            }
        }

        public TimeSpan PollInterval => TimeSpan.FromMilliseconds(1);

        public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(30);
    }

    private static PulledRecord Access(OrgId member, ulong sequence, ulong checkedAtBlock = 0)
    {
        var record = new AccessRecord(Consent, member, BankA, Scopes.TaxCreditRating, Keccak.Hash($"request {sequence}"), Keccak.Hash($"report {sequence}"), checkedAtBlock, 1_800_000_000_000, sequence);
        return new PulledRecord(member, sequence, AccessRecord.Type, "{}", new BundleRecord(record, record.Hash(), null));
    }

    private static AuditorSync Sync(Members members, Exports exports, Copy copy, Index? index = null) =>
        new(members, exports, copy, index ?? new Index { Step = 1_000 }, TimeProvider.System, NullLogger<AuditorSync>.Instance);

    [Fact]
    public async Task Sync_PullsFromEveryActiveMemberButItself_AndResumesAfterWhatItHolds()
    {
        var members = new Members((Self, MemberStatus.Active), (Tax, MemberStatus.Active), (BankA, MemberStatus.Suspended), (BankB, MemberStatus.Active));
        var exports = new Exports();
        exports.Records[Tax] = [Access(Tax, 1), Access(Tax, 2)];
        exports.Records[BankA] = [Access(BankA, 1)];
        exports.Records[BankB] = [Access(BankB, 1)];
        var copy = new Copy();
        var sync = Sync(members, exports, copy);

        var first = await sync.SyncAsync();

        Assert.Equal(3UL, first.RecordsPulled);
        Assert.Equal(3, first.RecordsTotal);
        Assert.Empty(first.Unreachable);
        Assert.Equal(new HashSet<OrgId> { Tax, BankB }, first.Synced.ToHashSet());
        Assert.Equal(new HashSet<OrgId> { Tax, BankB }, copy.Synced);
        Assert.DoesNotContain(exports.Asked, a => a.Member == Self || a.Member == BankA);

        exports.Records[Tax].Add(Access(Tax, 3));
        var second = await sync.SyncAsync();

        Assert.Equal(1UL, second.RecordsPulled);
        Assert.Contains((Tax, 2UL), exports.Asked);
    }

    [Fact]
    public async Task Sync_AnUnreachableMember_IsReported_NotFatal_AndNotMarkedSynced()
    {
        var exports = new Exports();
        exports.Records[BankB] = [Access(BankB, 1)];
        exports.Unreachable.Add(Tax);
        var copy = new Copy();

        var outcome = await Sync(new Members((Tax, MemberStatus.Active), (BankB, MemberStatus.Active)), exports, copy).SyncAsync();

        var why = Assert.Single(outcome.Unreachable);
        Assert.StartsWith($"{Tax.Code}: LEDGER-1600", why, StringComparison.Ordinal);
        Assert.Equal([BankB], outcome.Synced);
        Assert.DoesNotContain(Tax, copy.Synced);
        Assert.Equal(1UL, outcome.RecordsPulled);
    }

    [Fact]
    public async Task Sync_AStreamBrokenPartWay_KeepsWhatArrived_SoTheNextPullResumesAfterIt()
    {
        var exports = new Exports();
        exports.Records[Tax] = [Access(Tax, 1), Access(Tax, 2), Access(Tax, 3)];
        exports.FailAfter[Tax] = 2;
        var copy = new Copy();
        var sync = Sync(new Members((Tax, MemberStatus.Active)), exports, copy);

        var broken = await sync.SyncAsync();

        Assert.Single(broken.Unreachable);
        Assert.Equal(2UL, broken.RecordsPulled);
        Assert.Equal([1UL, 2UL], copy.Held[Tax].Keys);
        Assert.DoesNotContain(Tax, copy.Synced);

        exports.FailAfter.Clear();
        var resumed = await sync.SyncAsync();
        Assert.Equal(1UL, resumed.RecordsPulled);
        Assert.Equal((Tax, 2UL), exports.Asked[^1]);
        Assert.Contains(Tax, copy.Synced);
    }

    [Fact]
    public async Task Sync_WaitsForItsIndexerToReachTheBlocksTheRecordsReferTo_ButNoLongerThanTheMaxWait()
    {
        var exports = new Exports();
        exports.Records[Tax] = [Access(Tax, 1, checkedAtBlock: 50)];
        var index = new Index { Step = 10 };

        await Sync(new Members((Tax, MemberStatus.Active)), exports, new Copy(), index).SyncAsync();

        Assert.True(index.Reads >= 5, $"the sync returned after {index.Reads} looks at the indexer, before it reached block 50");

        var stuck = new Index { Step = 0, MaxWait = TimeSpan.Zero };
        var outcome = await Sync(new Members((Tax, MemberStatus.Active)), exports, new Copy(), stuck).SyncAsync();
        Assert.Equal(1UL, outcome.RecordsPulled);
        Assert.InRange(stuck.Reads, 1, 3);
    }
}
