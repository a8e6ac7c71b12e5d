using Ledger.Audit.Bundle;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Node.Auditor;

/// <summary>A record pulled from a member: who holds it, its sequence there, and the record as evidence.</summary>
public sealed record PulledRecord(OrgId Member, ulong Sequence, string Type, string FieldsJson, BundleRecord Record);

/// <summary>
/// The auditor's copy as the auditor's code sees it: pulled records as evidence (<see cref="BundleRecord"/>) over the
/// store's part (<see cref="IAuditorCopy"/>, <see cref="Ledger.Store.LedgerStore.AuditorCopy"/>; schema 4, once
/// <c>DataDir/auditor.db</c>), which keeps each record as its type, canonical fields JSON, declared hash and anchor.
/// A page of pulled records and its member's cursor are written in one transaction, committed and flushed before
/// the call returns. Its methods are those of the former file of its own.
/// </summary>
public sealed class AuditorStore
{
    private readonly IAuditorCopy _copy;

    /// <summary>The auditor's copy kept in <paramref name="copy"/> (the node's store).</summary>
    public AuditorStore(IAuditorCopy copy, string path)
    {
        ArgumentNullException.ThrowIfNull(copy);
        _copy = copy;
        Path = path;
    }

    /// <summary>The store file that keeps it.</summary>
    public string Path { get; }

    /// <summary>Every member's cursor.</summary>
    public IReadOnlyDictionary<OrgId, MemberCursor> LoadMembers() => _copy.LoadMembers();

    /// <summary>
    /// Every stored record, member by member in sequence order. A document that no longer parses (the file was
    /// altered) is reported to <paramref name="unreadable"/> (its id, and its member and sequence when those read)
    /// and skipped, so the caller can pull it again.
    /// </summary>
    public IEnumerable<PulledRecord> LoadRecords(Action<string, OrgId?, ulong?, Exception> unreadable)
    {
        ArgumentNullException.ThrowIfNull(unreadable);
        foreach (var copied in _copy.LoadRecords(unreadable))
        {
            PulledRecord pulled;
            try
            {
                var record = RecordJson.FromJson(copied.Type, copied.FieldsJson);
                var item = new BundleRecord(record, copied.DeclaredHash, AnchorOf(copied.Anchor))
                {
                    ReasonsJson = copied.ReasonsJson,
                    Rating = copied.Rating,
                };
                pulled = new PulledRecord(copied.Member, copied.Sequence, copied.Type, copied.FieldsJson, item);
            }
            catch (Exception ex) when (ex is LedgerException or ArgumentException or InvalidCastException or FormatException)
            {
                unreadable($"{copied.Member.Code}/{copied.Sequence:D20}", copied.Member, copied.Sequence, ex);
                continue;
            }
            yield return pulled;
        }
    }

    /// <summary>
    /// Writes a page of pulled records — <paramref name="added"/> new to the auditor, <paramref name="changed"/>
    /// replacing what it held (e.g. now anchored) — and the member's cursor, in one transaction.
    /// </summary>
    public void Save(OrgId member, IReadOnlyList<PulledRecord> added, IReadOnlyList<PulledRecord> changed, MemberCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(changed);
        _copy.Save(member, added.Select(ToCopy).ToList(), changed.Select(ToCopy).ToList(), cursor);
    }

    /// <summary>Block times read from the chain before.</summary>
    public Dictionary<ulong, ulong> LoadBlockTimes() => _copy.LoadBlockTimes();

    /// <summary>Keeps block times read from the chain.</summary>
    public void SaveBlockTimes(IReadOnlyDictionary<ulong, ulong> times) => _copy.SaveBlockTimes(times);

    /// <summary>Anchored roots read from the chain before (a root, once anchored, never changes).</summary>
    public Dictionary<BatchKey, Hash32> LoadRoots() =>
        _copy.LoadRoots().ToDictionary(r => new BatchKey(r.Key.Org, r.Key.Batch), r => r.Value);

    /// <summary>Keeps anchored roots read from the chain (never a zero root: that batch may be anchored later).</summary>
    public void SaveRoots(IReadOnlyDictionary<BatchKey, Hash32> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        _copy.SaveRoots(roots.ToDictionary(r => (r.Key.Org, r.Key.BatchId), r => r.Value));
    }

    private static CopiedRecord ToCopy(PulledRecord r)
    {
        var anchor = r.Record.Anchor;
        return new CopiedRecord(
            r.Member,
            r.Sequence,
            r.Type,
            // The canonical form of the fields (the same record; the declared hash is kept apart).
            RecordJson.ToJson(r.Record.Record),
            r.Record.DeclaredHash,
            anchor is null ? null : new CopiedAnchor(anchor.Org, anchor.BatchId, anchor.Root, anchor.Proof, anchor.BlockNumber, anchor.TxHash),
            r.Record.ReasonsJson,
            r.Record.Rating);
    }

    private static RecordAnchorRef? AnchorOf(CopiedAnchor? a) =>
        a is null ? null : new RecordAnchorRef(a.Org, a.BatchId, a.Root, a.Proof, a.BlockNumber, a.TxHash);
}
