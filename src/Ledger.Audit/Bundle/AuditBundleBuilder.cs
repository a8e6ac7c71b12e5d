using Ledger.Audit.History;
using Ledger.Audit.Indexing;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Records;

namespace Ledger.Audit.Bundle;

/// <summary>
/// Makes bundles: the whole ledger an auditor holds (records from every node, events from its index), and from
/// it the bundle of one enterprise, loan, consent or time range — with everything needed to verify it offline:
/// the anchors of the records' batches, the membership events, each consent's grant, narrowings, revocation and
/// strong-mode accesses, the decisions' and anchors' events, and the times of the blocks the checks refer to.
/// </summary>
public static class AuditBundleBuilder
{
    /// <summary>
    /// The whole ledger as evidence. The anchors are those of the records' batches, taken from the
    /// BatchAnchored events (count, kind, block, transaction, uri); <c>blockTimes</c> gets the time of every block a
    /// check refers to, from <paramref name="blockTimes"/> or from an event of that block (see <see cref="MissingBlockTimes"/>
    /// for the rest).
    /// </summary>
    /// <exception cref="AuditException">LEDGER-1721 when a record's batch has no BatchAnchored event among <paramref name="events"/>.</exception>
    public static AuditBundle FromLedger(
        ChainReference chain,
        IEnumerable<BundleRecord> records,
        IEnumerable<ChainEvent> events,
        IReadOnlyDictionary<ulong, ulong>? blockTimes = null,
        string? createdBy = null,
        ulong? createdAtMs = null)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(events);
        var recordList = records as IReadOnlyList<BundleRecord> ?? [.. records];
        var eventList = events.ToList();
        eventList.Sort(LedgerEvents.CompareChainOrder);
        var anchorEvents = new Dictionary<BatchKey, ChainEvent>();
        foreach (var e in eventList)
        {
            if (e.TryAs<BatchAnchored>() is { } anchored)
            {
                anchorEvents.TryAdd(new BatchKey(anchored.OrgId, anchored.BatchId), e);
            }
        }
        var anchors = new Dictionary<BatchKey, AnchorInfo>();
        foreach (var record in recordList)
        {
            if (record.Anchor is { } anchor && !anchors.ContainsKey(anchor.Batch))
            {
                anchors[anchor.Batch] = anchorEvents.TryGetValue(anchor.Batch, out var e)
                    ? AnchorOf(e)
                    : throw AuditErrors.BundleBuild($"the {anchor.Batch} has no BatchAnchored event among the chain events; index the chain up to block {anchor.BlockNumber} first");
            }
        }
        var bundle = new AuditBundle
        {
            Chain = chain,
            Scope = AuditScope.WholeLedger,
            CreatedAtMs = createdAtMs ?? (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            AsOfBlock = eventList.Count == 0 ? 0 : eventList[^1].BlockNumber,
            CreatedBy = createdBy,
            Records = recordList,
            Anchors = [.. anchors.Values],
            Events = eventList,
        };

        // Every block a check refers to gets its time in blockTimes, even when an event of that block dates it: a
        // scoped bundle may leave that event out.
        var eventTimes = new Dictionary<ulong, ulong>();
        foreach (var e in eventList)
        {
            eventTimes.TryAdd(e.BlockNumber, e.BlockTimestamp);
        }
        var times = new Dictionary<ulong, ulong>();
        foreach (var block in BundleVerifier.NeededBlocks(bundle))
        {
            if (blockTimes is not null && blockTimes.TryGetValue(block, out var time) || eventTimes.TryGetValue(block, out time))
            {
                times[block] = time;
            }
        }
        return bundle with { BlockTimes = times };
    }

    /// <summary>The anchor a BatchAnchored event describes.</summary>
    /// <exception cref="FormatException">when the event is malformed.</exception>
    public static AnchorInfo AnchorOf(ChainEvent batchAnchored)
    {
        ArgumentNullException.ThrowIfNull(batchAnchored);
        var anchored = batchAnchored.As<BatchAnchored>();
        return new AnchorInfo(anchored.OrgId, anchored.BatchId, anchored.Root, anchored.Count, anchored.Kind, batchAnchored.BlockNumber, batchAnchored.TxHash)
        {
            Uri = anchored.Uri,
        };
    }

    /// <summary>
    /// The bundle of <paramref name="scope"/> out of the indexed ledger (<see cref="ScopeSelection"/> says what
    /// belongs to it), with the supporting evidence verification needs.
    /// </summary>
    /// <exception cref="AuditException">LEDGER-1720 for an invalid scope; LEDGER-1721 when a record's batch has no anchor.</exception>
    public static AuditBundle Select(LedgerIndex index, AuditScope scope, string? createdBy = null, ulong? createdAtMs = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        var selection = ScopeSelection.Of(index, scope);
        var evidence = index.Evidence;
        var history = index.History;
        var anchorsByBatch = new Dictionary<BatchKey, AnchorInfo>();
        foreach (var anchor in evidence.Anchors)
        {
            anchorsByBatch.TryAdd(anchor.Batch, anchor);
        }

        var events = new HashSet<int>(selection.Events);
        events.UnionWith(index.MembershipEvents);
        events.UnionWith(index.UnbindEvents);
        var consents = new HashSet<ConsentId>();
        var anchors = new Dictionary<BatchKey, AnchorInfo>();
        var records = new List<BundleRecord>(selection.Records.Count);
        foreach (var i in selection.Records)
        {
            var item = evidence.Records[i];
            records.Add(item);
            if (AuditRecordJson.ConsentOf(item.Record) is { } consent)
            {
                consents.Add(consent);
            }
            if (item.Record is CreditDecisionRecord && index.DecisionEventIndex(item.DeclaredHash.Value) is var d and >= 0)
            {
                events.Add(d);
            }
            if (item.Anchor is { } anchor && !anchors.ContainsKey(anchor.Batch))
            {
                var anchorEvent = history.AnchorEvent(anchor.Batch);
                anchors[anchor.Batch] = anchorsByBatch.TryGetValue(anchor.Batch, out var known) ? known
                    : anchorEvent is not null ? AnchorOf(anchorEvent)
                    : throw AuditErrors.BundleBuild($"the {anchor.Batch} is neither among the ledger's anchors nor its events");
            }
        }
        foreach (var k in selection.Events)
        {
            if (history.Events[k].HashOrNull("consentId") is { } consent)
            {
                consents.Add(new ConsentId(consent));
            }
        }
        foreach (var consent in consents)
        {
            foreach (var k in index.EventsOfConsent(consent))
            {
                var e = history.Events[k];
                if (ScopeSelection.IsConsentLifecycle(e) || e.Name == LedgerEvents.AccessRecorded)
                {
                    events.Add(k);
                }
            }
        }
        foreach (var batch in anchors.Keys)
        {
            if (index.AnchorEventIndex(batch) is var k and >= 0)
            {
                events.Add(k);
            }
        }
        var positions = events.ToList();
        positions.Sort();
        var selectedEvents = positions.Select(k => history.Events[k]).ToList();

        var bundle = new AuditBundle
        {
            Chain = evidence.Chain,
            Scope = scope,
            CreatedAtMs = createdAtMs ?? (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            AsOfBlock = Math.Max(evidence.AsOfBlock, history.LastBlock),
            CreatedBy = createdBy,
            Records = records,
            Anchors = [.. anchors.Values],
            Events = selectedEvents,
        };
        var times = new Dictionary<ulong, ulong>();
        foreach (var block in BundleVerifier.NeededBlocks(bundle))
        {
            if (history.TryGetBlockTime(block, out var time))
            {
                times[block] = time;
            }
        }
        return bundle with { BlockTimes = times };
    }

    /// <summary>
    /// Blocks whose times verification needs but the bundle's <c>blockTimes</c> does not give; read them from the
    /// chain (<see cref="Online.ChainAuditSource.BlockTimesAsync"/>) and add them with <see cref="WithBlockTimes"/>.
    /// </summary>
    public static IReadOnlyCollection<ulong> MissingBlockTimes(AuditBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return [.. BundleVerifier.NeededBlocks(bundle).Where(b => !bundle.BlockTimes.ContainsKey(b)).Order()];
    }

    /// <summary>The bundle with more block times (e.g. those <see cref="MissingBlockTimes"/> named, read from the chain).</summary>
    public static AuditBundle WithBlockTimes(AuditBundle bundle, IReadOnlyDictionary<ulong, ulong> times)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(times);
        var merged = new Dictionary<ulong, ulong>(bundle.BlockTimes);
        foreach (var (block, time) in times)
        {
            merged[block] = time;
        }
        return bundle with { BlockTimes = merged };
    }
}
