using Ledger.Api.V1;
using Ledger.Audit.Bundle;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Auditor;

/// <summary>The outcome of a sync.</summary>
/// <param name="RecordsPulled">Records new to the auditor, or changed (newly anchored), in this sync.</param>
/// <param name="Unreachable">"org: why" for each active member that could not be pulled from (or only partly).</param>
/// <param name="Synced">The members pulled from completely.</param>
/// <param name="RecordsTotal">Records the auditor holds afterwards.</param>
public sealed record SyncOutcome(ulong RecordsPulled, IReadOnlyList<string> Unreachable, IReadOnlyList<OrgId> Synced, int RecordsTotal);

/// <summary>
/// Sync (a use case over ports: <see cref="IConsortiumMembers"/>, <see cref="IMemberRecords"/>,
/// <see cref="ISyncedCopy"/>, <see cref="IIndexProgress"/>, a <see cref="TimeProvider"/>).
/// Pulls new records from every active member of the consortium (as the chain says at the latest block) through
/// <c>RecordExport.ExportRecords</c>, signed as the auditor, each member's node found by its endpoint on chain
/// (<see cref="PeerConnections"/>). A pull resumes after the last sequence seen from the member — or, when records
/// were pulled while still waiting for their anchor, from the first of those, so they get their proofs. Members are
/// pulled in parallel; one that cannot be reached is reported, never fatal. One sync runs at a time.
/// </summary>
public sealed class AuditorSync : IDisposable
{
    private const int PageSize = 1000;

    private readonly IConsortiumMembers _members;
    private readonly IMemberRecords _records;
    private readonly ISyncedCopy _ledger;
    private readonly IIndexProgress _index;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Creates the sync of the auditor node over the consortium, the members' exports, the auditor's copy and its
    /// indexer's progress (ports: the chain, the peers' nodes, the auditor's copy and the audit index in a node; in-memory ones
    /// in unit tests).
    /// </summary>
    public AuditorSync(IConsortiumMembers members, IMemberRecords records, ISyncedCopy ledger, IIndexProgress index, TimeProvider time, ILogger<AuditorSync> logger)
    {
        _members = members ?? throw new ArgumentNullException(nameof(members));
        _records = records ?? throw new ArgumentNullException(nameof(records));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _index = index ?? throw new ArgumentNullException(nameof(index));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger;
    }

    /// <summary>Pulls from every active member now (waiting for a sync already running to finish first).</summary>
    public async Task<SyncOutcome> SyncAsync(CancellationToken cancellationToken = default)
    {
        await _ledger.EnsureLoadedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var members = await ActiveMembersAsync(cancellationToken).ConfigureAwait(false);
            var pulls = members.Select(org => PullAsync(org, cancellationToken)).ToList();
            var results = await Task.WhenAll(pulls).ConfigureAwait(false);
            var unreachable = results.Where(r => r.Error is not null).Select(r => $"{r.Org.Code}: {r.Error}").ToList();
            var synced = results.Where(r => r.Error is null).Select(r => r.Org).ToList();
            var pulled = (ulong)results.Sum(r => (long)r.Pulled);
            await WaitForIndexerAsync(results.Max(r => (ulong?)r.NeededBlock) ?? 0, cancellationToken).ConfigureAwait(false);
            var outcome = new SyncOutcome(pulled, unreachable, synced, _ledger.RecordCount);
            AuditorLog.Synced(_logger, pulled, synced.Count, outcome.RecordsTotal, unreachable.Count == 0 ? "none" : string.Join("; ", unreachable));
            return outcome;
        }
        finally
        {
            _gate.Release();
        }
    }

    // Every member the chain lists, active at the latest block, but this node itself.
    private async Task<IReadOnlyList<OrgId>> ActiveMembersAsync(CancellationToken cancellationToken) =>
        (await _members.MembersAsync(cancellationToken).ConfigureAwait(false))
            .Where(m => m.Org != _members.Self && m.Status == MemberStatus.Active)
            .Select(m => m.Org)
            .ToList();

    private sealed record PullResult(OrgId Org, int Pulled, ulong NeededBlock, string? Error);

    private async Task<PullResult> PullAsync(OrgId org, CancellationToken cancellationToken)
    {
        var pulled = 0;
        ulong needed = 0;
        try
        {
            var cursor = _ledger.CursorOf(org);
            var page = new List<PulledRecord>(PageSize);
            try
            {
                await foreach (var item in _records.ExportAsync(org, cursor.ResumeAfter, cancellationToken).ConfigureAwait(false))
                {
                    needed = Math.Max(needed, NeededBlock(item.Record));
                    page.Add(item);
                    if (page.Count == PageSize)
                    {
                        pulled += _ledger.Apply(org, page);
                        page.Clear();
                    }
                }
            }
            finally
            {
                // What arrived before a failure is kept: the next pull resumes after it.
                if (page.Count > 0)
                {
                    pulled += _ledger.Apply(org, page);
                }
            }
            _ledger.MarkSynced(org);
            return new PullResult(org, pulled, needed, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (LedgerException ex)
        {
            var why = $"{ex.Code} {ex.Message}";
            AuditorLog.MemberUnreachable(_logger, org.Code, why);
            return new PullResult(org, pulled, needed, why);
        }
    }

    /// <summary>An exported record as evidence: its fields, the hash its holder declares, its anchor and side documents.</summary>
    /// <exception cref="LedgerException">LEDGER-1562 when the record cannot be read.</exception>
    internal static PulledRecord Read(OrgId member, Api.V1.ExportedRecord exported)
    {
        ArgumentNullException.ThrowIfNull(exported);
        try
        {
            var record = AuditRecordJson.FromFieldsJson(exported.Type, exported.Json);
            var anchor = exported.Anchor;
            var declared = anchor is { RecordHash.Length: > 0 } ? RecordHash.Parse(anchor.RecordHash) : record.Hash();
            RecordAnchorRef? reference = anchor is { BatchId.Length: > 0 }
                ? new RecordAnchorRef(
                    OrgId.Parse(anchor.Org),
                    new BatchId(Hash32.Parse(anchor.BatchId)),
                    Hash32.Parse(anchor.Root),
                    [.. anchor.Proof.Select(Hash32.Parse)],
                    anchor.AnchoredInBlock,
                    Hash32.Parse(anchor.AnchorTx))
                : null;
            var item = new BundleRecord(record, declared, reference)
            {
                ReasonsJson = exported.ReasonsJson is { Length: > 0 } reasons ? reasons : null,
                Rating = exported.Rating is { Length: > 0 } rating ? rating : null,
            };
            return new PulledRecord(member, exported.Sequence, exported.Type, exported.Json, item);
        }
        catch (LedgerException ex)
        {
            throw AuditorErrors.UnreadableRecord(exported.Sequence, ex.Message, ex);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw AuditorErrors.UnreadableRecord(exported.Sequence, ex.Message, ex);
        }
    }

    // The blocks a record's checks refer to, which the auditor's indexer must have read.
    private static ulong NeededBlock(BundleRecord item) => Math.Max(
        item.Record switch
        {
            AccessRecord r => r.CheckedAtBlock,
            RefusalRecord r => r.CheckedAtBlock,
            _ => 0,
        },
        item.Anchor?.BlockNumber ?? 0);

    private async Task WaitForIndexerAsync(ulong block, CancellationToken cancellationToken)
    {
        if (block == 0)
        {
            return;
        }
        var deadline = _time.GetUtcNow() + _index.MaxWait;
        while ((_index.IndexedThroughBlock ?? 0) < block)
        {
            if (_time.GetUtcNow() >= deadline)
            {
                AuditorLog.IndexerBehind(_logger, _index.IndexedThroughBlock ?? 0, block);
                return;
            }
            await Task.Delay(_index.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();
}
