using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.Parts;

/// <summary>The auditor's copy, a part of the store (schema 4; was auditor.db): pages with their cursor, caches, reopened.</summary>
public sealed class AuditorCopyStoreTests : IDisposable
{
    private static readonly OrgId Tax = TempStore.Org;
    private static readonly OrgId Bank = PartSamples.Bank;

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AuditorCopy_PagesCursorsAndCaches_ReadBackAfterReopening_AndAChangedRecordReplacesItsCopy()
    {
        var batch = (Tax, new BatchId(Keccak.Hash("batch/1")));
        var unanchored = (Tax, new BatchId(Keccak.Hash("batch/2")));
        using (var store = _temp.Open())
        {
            store.AuditorCopy.Save(Tax, [PartSamples.Copied(Tax, 1, PartSamples.Anchor(120)), PartSamples.Copied(Tax, 2)], [], new MemberCursor(2, 2, 1_000));
            store.AuditorCopy.Save(Bank, [PartSamples.Copied(Bank, 1, reasons: "{\"format\":\"ledger/credit-reasons/v1\"}", rating: "A")], [], new MemberCursor(1, 0, 2_000));
            store.AuditorCopy.Save(Tax, [], [PartSamples.Copied(Tax, 2, PartSamples.Anchor(130))], new MemberCursor(2, 0, 3_000));
            store.AuditorCopy.SaveBlockTimes(new Dictionary<ulong, ulong> { [120] = 1_767_225_640 });
            store.AuditorCopy.SaveRoots(new Dictionary<(OrgId, BatchId), Hash32> { [batch] = Keccak.Hash("root/1"), [unanchored] = Hash32.Zero });
        }

        using var reopened = _temp.Open();
        var unreadable = new List<string>();
        var records = reopened.AuditorCopy.LoadRecords((id, _, _, _) => unreadable.Add(id)).ToList();
        Assert.Empty(unreadable);
        Assert.Equal([(Bank, 1UL), (Tax, 1UL), (Tax, 2UL)], records.Select(r => (r.Member, r.Sequence)).OrderBy(r => r.Item1.Code, StringComparer.Ordinal));
        var first = records.Single(r => r.Member == Tax && r.Sequence == 1);
        Assert.Equal(PartSamples.Anchor(120).Proof, first.Anchor!.Proof);
        Assert.Equal(PartSamples.Anchor(120) with { Proof = first.Anchor.Proof }, first.Anchor);
        Assert.Equal(130UL, records.Single(r => r.Member == Tax && r.Sequence == 2).Anchor!.BlockNumber);
        Assert.Equal("A", records.Single(r => r.Member == Bank).Rating);
        Assert.Equal(new MemberCursor(2, 0, 3_000), reopened.AuditorCopy.LoadMembers()[Tax]);
        Assert.Equal(1_767_225_640UL, reopened.AuditorCopy.LoadBlockTimes()[120]);
        var roots = reopened.AuditorCopy.LoadRoots();
        Assert.Equal(Keccak.Hash("root/1"), roots[batch]);
        Assert.False(roots.ContainsKey(unanchored));
    }
}
