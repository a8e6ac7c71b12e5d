using System.Diagnostics;
using Ledger.Audit.Bundle;
using Ledger.Audit.History;
using Ledger.Audit.Indexing;
using Ledger.Audit.Online;
using Ledger.Audit.Verification;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using Ledger.Store.Audit;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Auditor;

/// <summary>
/// The ledger as the auditor sees it at one moment: every record it holds with the chain events its indexer had
/// read, indexed once (<see cref="LedgerIndex"/>) and verified against the chain's anchored roots. Trails, bundles
/// and statistics are answered from it until records or events change; the whole-ledger report is computed at most
/// once per snapshot (<see cref="Report"/>) and then also gives trails their statuses.
/// </summary>
public sealed class AuditSnapshot
{
    private readonly Lazy<VerificationReport> _report;

    internal AuditSnapshot(long recordsVersion, int eventCount, AuditBundle evidence, LedgerIndex index, LedgerVerifier verifier, IReadOnlyList<string> notices)
    {
        RecordsVersion = recordsVersion;
        EventCount = eventCount;
        Evidence = evidence;
        Index = index;
        Verifier = verifier;
        Notices = notices;
        _report = new Lazy<VerificationReport>(() => verifier.VerifyAll(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    internal long RecordsVersion { get; }

    internal int EventCount { get; }

    /// <summary>The records, anchors, events and block times.</summary>
    public AuditBundle Evidence { get; }

    /// <summary>The evidence indexed by enterprise, consent, loan and batch.</summary>
    public LedgerIndex Index { get; }

    /// <summary>The verifier (roots from the chain, complete batches required).</summary>
    public LedgerVerifier Verifier { get; }

    /// <summary>What the auditor could not check yet, one sentence each (not failures).</summary>
    public IReadOnlyList<string> Notices { get; }

    /// <summary>True once <see cref="Report"/> has been computed.</summary>
    public bool HasReport => _report.IsValueCreated;

    /// <summary>The whole-ledger verification (each batch rebuilt once), computed on first use.</summary>
    public VerificationReport Report => _report.Value;
}

/// <summary>
/// The auditor's copy of every member's off-chain records (durable in the store's auditor copy through <see cref="AuditorStore"/>, held in memory),
/// the chain events of the node's own indexer (read incrementally from the audit index), and the chain facts it
/// reads once (block times, anchored roots). <see cref="Apply"/> takes pulled records; <see cref="SnapshotAsync"/>
/// gives the current <see cref="AuditSnapshot"/>, rebuilt only when records or events changed since the last one.
/// </summary>
public sealed class AuditorLedger : ISyncedCopy, IDisposable
{
    private const int MaxNotices = 20;

    private readonly NodeIdentity _node;
    private readonly Ledger.Store.LedgerStore _ledger;
    private readonly Ledger.Chain.Profiles.ChainEnvironment _chainEnvironment;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<BundleRecord> _records = [];
    private readonly Dictionary<OrgId, MemberState> _members = [];
    private readonly SemaphoreSlim _build = new(1, 1);
    private readonly List<ChainEvent> _events = [];
    private readonly Lock _loadGate = new();
    private Dictionary<ulong, ulong> _blockTimes = [];
    private Dictionary<BatchKey, Hash32> _roots = [];
    private long _version;
    private AuditSnapshot? _snapshot;
    private AuditorStore? _store;
    private Task? _load;
    private Task<ChainAuditSource>? _source;
    private ChainReference? _chain;

    private sealed class MemberState
    {
        public Dictionary<ulong, int> Positions { get; } = [];
        public SortedSet<ulong> Pending { get; } = [];
        public MemberCursor Cursor { get; set; } = MemberCursor.Start;
    }

    /// <summary>Creates the (not yet loaded) ledger of the auditor node.</summary>
    public AuditorLedger(NodeIdentity node, Ledger.Store.LedgerStore ledger, Ledger.Chain.Profiles.ChainEnvironment chainEnvironment, ILogger<AuditorLedger> logger, TimeProvider time)
    {
        _node = node;
        _ledger = ledger;
        _chainEnvironment = chainEnvironment;
        _logger = logger;
        _time = time;
    }

    /// <summary>The chain the evidence is from (the node's deployment).</summary>
    public ChainReference Chain => _chain ??= new ChainReference((ulong)_node.Deployment.ChainId, _node.Deployment.DeployBlock, _node.Deployment.Addresses);

    /// <summary>Records held.</summary>
    public int RecordCount
    {
        get
        {
            lock (_gate)
            {
                return _records.Count;
            }
        }
    }

    private AuditorStore Store => _store ?? throw new InvalidOperationException("The auditor's copy is not loaded yet.");

    /// <summary>Loads what earlier syncs kept in the store's auditor copy (once; later calls share it).</summary>
    public Task EnsureLoadedAsync()
    {
        lock (_loadGate)
        {
            if (_load is null || _load.IsFaulted)
            {
                _load = Task.Run(Load);
            }
            return _load;
        }
    }

    private void Load()
    {
        var clock = Stopwatch.StartNew();
        var store = new AuditorStore(_ledger.AuditorCopy, _ledger.Path);
        var cursors = store.LoadMembers();
        var unreadable = new Dictionary<OrgId, ulong>();
        void Unreadable(string id, OrgId? member, ulong? sequence, Exception ex)
        {
            AuditorLog.UnreadableStored(_logger, id, ex.Message);
            if (member is { } m && sequence is { } seq)
            {
                unreadable[m] = Math.Min(unreadable.GetValueOrDefault(m, ulong.MaxValue), seq);
            }
        }
        lock (_gate)
        {
            _records.Clear();
            _members.Clear();
            foreach (var pulled in store.LoadRecords(Unreadable))
            {
                var state = StateOf(pulled.Member);
                state.Positions[pulled.Sequence] = _records.Count;
                _records.Add(pulled.Record);
                if (pulled.Record.Anchor is null)
                {
                    state.Pending.Add(pulled.Sequence);
                }
            }
            foreach (var (org, cursor) in cursors)
            {
                var state = StateOf(org);
                // Pending records are asked for again, and so is a stored record that no longer reads.
                var first = Math.Min(state.Pending.Count > 0 ? state.Pending.Min : ulong.MaxValue, unreadable.GetValueOrDefault(org, ulong.MaxValue));
                state.Cursor = cursor with { FirstPending = first == ulong.MaxValue ? 0 : first };
            }
            _version++;
        }
        _blockTimes = store.LoadBlockTimes();
        _roots = store.LoadRoots();
        _store = store;
        AuditorLog.Loaded(_logger, store.Path, _records.Count, _members.Count, clock.ElapsedMilliseconds);
    }

    private MemberState StateOf(OrgId org)
    {
        if (!_members.TryGetValue(org, out var state))
        {
            _members[org] = state = new MemberState();
        }
        return state;
    }

    /// <summary>Where the next pull from <paramref name="member"/> resumes.</summary>
    public MemberCursor CursorOf(OrgId member)
    {
        lock (_gate)
        {
            return _members.TryGetValue(member, out var state) ? state.Cursor : MemberCursor.Start;
        }
    }

    /// <summary>
    /// Takes a page of records pulled from <paramref name="member"/>: those new to the auditor or changed (a pending
    /// record now anchored, a reasons document added) are written with the member's cursor in one transaction, then
    /// replace or join the copy in memory. Returns how many were new or changed.
    /// </summary>
    public int Apply(OrgId member, IReadOnlyList<PulledRecord> page)
    {
        ArgumentNullException.ThrowIfNull(page);
        lock (_gate)
        {
            var state = StateOf(member);
            var added = new List<PulledRecord>(page.Count);
            var changed = new List<PulledRecord>();
            var seen = new HashSet<ulong>();
            var pending = new SortedSet<ulong>(state.Pending);
            var last = state.Cursor.LastSequence;
            foreach (var pulled in page)
            {
                last = Math.Max(last, pulled.Sequence);
                if (!seen.Add(pulled.Sequence))
                {
                    continue; // a member repeating a sequence within a page: the first one counts
                }
                if (state.Positions.TryGetValue(pulled.Sequence, out var position))
                {
                    var held = _records[position];
                    if (Same(held, pulled.Record))
                    {
                        continue;
                    }
                    if (held.DeclaredHash != pulled.Record.DeclaredHash)
                    {
                        AuditorLog.RecordChanged(_logger, member.Code, pulled.Sequence, held.DeclaredHash.ToString(), pulled.Record.DeclaredHash.ToString());
                    }
                    changed.Add(pulled);
                }
                else
                {
                    added.Add(pulled);
                }
                if (pulled.Record.Anchor is null)
                {
                    pending.Add(pulled.Sequence);
                }
                else
                {
                    pending.Remove(pulled.Sequence);
                }
            }
            var cursor = new MemberCursor(last, pending.Count > 0 ? pending.Min : 0, NowMs());
            var count = added.Count + changed.Count;
            if (count == 0 && cursor with { LastSyncMs = 0 } == state.Cursor with { LastSyncMs = 0 })
            {
                return 0;
            }
            Store.Save(member, added, changed, cursor); // durable first, then visible
            foreach (var pulled in changed)
            {
                _records[state.Positions[pulled.Sequence]] = pulled.Record;
            }
            foreach (var pulled in added)
            {
                state.Positions[pulled.Sequence] = _records.Count;
                _records.Add(pulled.Record);
            }
            state.Pending.Clear();
            state.Pending.UnionWith(pending);
            state.Cursor = cursor;
            if (count > 0)
            {
                _version++;
            }
            return count;
        }
    }

    /// <summary>Notes a complete pull from <paramref name="member"/> (its cursor's time).</summary>
    public void MarkSynced(OrgId member)
    {
        lock (_gate)
        {
            var state = StateOf(member);
            state.Cursor = state.Cursor with { LastSyncMs = NowMs() };
            Store.Save(member, [], [], state.Cursor);
        }
    }

    private ulong NowMs() => (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();

    private static bool Same(BundleRecord a, BundleRecord b) =>
        a.DeclaredHash == b.DeclaredHash
        && string.Equals(a.ReasonsJson, b.ReasonsJson, StringComparison.Ordinal)
        && string.Equals(a.Rating, b.Rating, StringComparison.Ordinal)
        && (a.Anchor, b.Anchor) switch
        {
            (null, null) => true,
            ({ } x, { } y) => x.Org == y.Org && x.BatchId == y.BatchId && x.Root == y.Root && x.BlockNumber == y.BlockNumber
                && x.TxHash == y.TxHash && x.Proof.SequenceEqual(y.Proof),
            _ => false,
        };

    /// <summary>
    /// The current view: the last snapshot when neither the records nor the indexed events changed since, else a new
    /// one (block times and roots not known yet are read from the chain once and kept).
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1705 when the chain must be read and cannot be reached.</exception>
    public async Task<AuditSnapshot> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        await EnsureLoadedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _build.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            RefreshEvents();
            long version;
            lock (_gate)
            {
                version = _version;
            }
            if (_snapshot is { } current && current.RecordsVersion == version && current.EventCount == _events.Count)
            {
                return current;
            }
            var built = await BuildAsync(cancellationToken).ConfigureAwait(false);
            _snapshot = built;
            return built;
        }
        finally
        {
            _build.Release();
        }
    }

    // New events of the node's own indexer, by id (ids sort in chain order, and the indexer only moves forward).
    private void RefreshEvents()
    {
        var after = _events.Count > 0 ? _events[^1].Id : null;
        while (true)
        {
            var page = _ledger.Audit.Find(new EventQuery { AfterId = after, Limit = AuditIndex.MaxQueryLimit });
            _events.AddRange(page);
            if (page.Count < AuditIndex.MaxQueryLimit)
            {
                return;
            }
            after = page[^1].Id;
        }
    }

    private async Task<AuditSnapshot> BuildAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        BundleRecord[] records;
        long version;
        lock (_gate)
        {
            records = [.. _records];
            version = _version;
        }
        var events = _events.ToArray();
        var anchorEvents = new Dictionary<BatchKey, ChainEvent>();
        foreach (var e in events)
        {
            if (e.TryAs<BatchAnchored>() is { } anchored)
            {
                anchorEvents.TryAdd(new BatchKey(anchored.OrgId, anchored.BatchId), e);
            }
        }

        // A record whose batch's BatchAnchored event the indexer has not read yet cannot be checked against its anchor:
        // it counts as pending (accepted, anchoring not seen) until the indexer gets there.
        var notices = new List<string>();
        var unseen = 0;
        ulong unseenBlock = 0;
        for (var i = 0; i < records.Length; i++)
        {
            if (records[i].Anchor is { } a && !anchorEvents.ContainsKey(a.Batch))
            {
                records[i] = records[i] with { Anchor = null };
                unseen++;
                unseenBlock = Math.Max(unseenBlock, a.BlockNumber);
            }
        }
        if (unseen > 0)
        {
            notices.Add($"{unseen} record(s) are anchored (up to block {unseenBlock}), but the auditor's event indexer has not read those anchors yet (it is at block {_ledger.Audit.IndexedThroughBlock ?? 0}); they count as pending until it does.");
        }

        var evidence = AuditBundleBuilder.FromLedger(Chain, records, events, _blockTimes, createdBy: _node.Organization.Code);
        var missing = AuditBundleBuilder.MissingBlockTimes(evidence);
        if (missing.Count > 0)
        {
            var source = await SourceAsync(cancellationToken).ConfigureAwait(false);
            var times = await source.BlockTimesAsync(missing, cancellationToken).ConfigureAwait(false);
            foreach (var (block, time) in times)
            {
                _blockTimes[block] = time;
            }
            Store.SaveBlockTimes(times);
            evidence = AuditBundleBuilder.WithBlockTimes(evidence, times);
        }

        var index = LedgerIndex.Build(evidence);
        var batches = Enumerable.Range(0, index.BatchCount).Select(index.BatchKeyAt).ToList();
        var unknown = batches.Where(b => !_roots.ContainsKey(b)).ToList();
        if (unknown.Count > 0)
        {
            var source = await SourceAsync(cancellationToken).ConfigureAwait(false);
            var read = await source.AnchoredRootsAsync(unknown, cancellationToken).ConfigureAwait(false);
            foreach (var (batch, root) in read)
            {
                if (!root.IsZero)
                {
                    _roots[batch] = root;
                }
            }
            Store.SaveRoots(read);
        }
        var roots = new Dictionary<BatchKey, Hash32>(batches.Count);
        foreach (var batch in batches)
        {
            roots[batch] = _roots.GetValueOrDefault(batch);
        }
        var verifier = new LedgerVerifier(
            index,
            RootAuthority.FromChain(roots, $"the chain {Chain.ChainId} at {_chainEnvironment.RpcUrl}"),
            new VerificationOptions { RequireCompleteBatches = true });

        // Batches anchored on chain of which the auditor holds no record: not verified, said so.
        var held = batches.ToHashSet();
        var notHeld = anchorEvents.Where(kv => !held.Contains(kv.Key)).Select(kv => kv.Value).ToList();
        foreach (var e in notHeld.Take(MaxNotices))
        {
            var anchored = e.As<BatchAnchored>();
            notices.Add($"The batch {anchored.BatchId.Value} of {anchored.OrgId} ({anchored.Count} record(s), anchored at block {e.BlockNumber}) is on chain, but the auditor holds none of its records yet; sync with {anchored.OrgId} to verify it.");
        }
        if (notHeld.Count > MaxNotices)
        {
            notices.Add($"… and {notHeld.Count - MaxNotices} more anchored batch(es) of which the auditor holds no record.");
        }

        AuditorLog.SnapshotBuilt(_logger, records.Length, index.BatchCount, events.Length, clock.ElapsedMilliseconds);
        return new AuditSnapshot(version, events.Length, evidence, index, verifier, notices);
    }

    // Read-only chain access for roots and block times; connected (chain id and contracts checked) on first use.
    private async Task<ChainAuditSource> SourceAsync(CancellationToken cancellationToken)
    {
        if (_source is null || _source.IsFaulted || _source.IsCanceled)
        {
            _source = ChainAuditSource.ConnectAsync(_chainEnvironment.RpcUrl, Chain, cancellationToken: CancellationToken.None);
        }
        return await _source.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _build.Dispose();
    }
}
