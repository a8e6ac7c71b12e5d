using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ledger.Audit.Bundle;
using Ledger.Audit.History;
using Ledger.Audit.Indexing;
using Ledger.Core.Events;
using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Audit.Verification;

/// <summary>
/// Verifies records against the chain's history (docs/audit.md, "Verification rules"):
/// (a) each record's fields hash to its declared hash; (b) it is in its anchored batch; (c) the batch root is the
/// authority's (chain, trusted roots, or the evidence's own anchors); (d) an access was covered by its consent at the
/// block it was checked against — granted, not revoked, scopes, window, parties, fetch cap — and the other records
/// are consistent with their consents and the chain; (e) the acting organization was an active member with the
/// right role at that block.
/// <para>
/// <see cref="VerifyAll"/> checks rule (b) by rebuilding each batch once from its records' recomputed hashes
/// (<see cref="StandardMerkleTree"/>) and comparing the root — not one proof at a time — in parallel over batches;
/// only a batch that does not rebuild (a record missing, altered or foreign) falls back to per-record proofs to name
/// the culprits. <see cref="VerifyRecord"/> checks one record with its own proof (for trails).
/// </para>
/// </summary>
public sealed class LedgerVerifier
{
    private static readonly Role[] AnyRole = [Role.TaxBureau, Role.Bank, Role.Guarantor, Role.Auditor, Role.Regulator];

    private readonly LedgerIndex _index;
    private readonly ChainHistory _history;
    private readonly RootAuthority _roots;
    private readonly VerificationOptions _options;
    private readonly IReadOnlyList<BundleRecord> _records;
    private readonly Dictionary<BatchKey, AnchorInfo> _anchors = [];
    private readonly List<AuditProblem> _evidenceProblems = [];
    private readonly BatchResolution?[] _resolutions;
    private readonly ConcurrentDictionary<ConsentId, ConsentFetches> _fetches = new();
    private readonly bool _wholeLedger;
    private readonly bool _requireComplete;
    private readonly ulong _slackMs;
    private readonly Lazy<Dictionary<OrgId, HashSet<ulong>>> _sequencesByAuthor;

    /// <summary>A verifier of the evidence in <paramref name="index"/> against <paramref name="roots"/>.</summary>
    /// <param name="evidenceProblems">Problems found with the evidence beforehand (e.g. bundle events that are not the chain's).</param>
    public LedgerVerifier(LedgerIndex index, RootAuthority roots, VerificationOptions? options = null, IEnumerable<AuditProblem>? evidenceProblems = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(roots);
        _index = index;
        _history = index.History;
        _roots = roots;
        _options = options ?? new VerificationOptions();
        _options.Validate();
        _records = index.Evidence.Records;
        _resolutions = new BatchResolution?[index.BatchCount];
        // A whole ledger holds every record of every batch: its scope says so, whatever the options.
        _wholeLedger = index.Evidence.Scope.Kind == AuditScopeKind.Ledger;
        _requireComplete = _wholeLedger || _options.RequireCompleteBatches;
        _slackMs = SlackMs(_options);
        _sequencesByAuthor = new Lazy<Dictionary<OrgId, HashSet<ulong>>>(SequencesByAuthor, LazyThreadSafetyMode.ExecutionAndPublication);
        foreach (var anchor in index.Evidence.Anchors)
        {
            if (_anchors.TryGetValue(anchor.Batch, out var other) && other.Root != anchor.Root)
            {
                _evidenceProblems.Add(new(ProblemKind.RootMismatch, $"The bundle lists {anchor.Batch} twice, with roots {other.Root} and {anchor.Root}: one of them was forged."));
                continue;
            }
            _anchors.TryAdd(anchor.Batch, anchor);
        }
        _evidenceProblems.AddRange(_history.Problems.Select(p => new AuditProblem(ProblemKind.EventMismatch, p)));
        if (evidenceProblems is not null)
        {
            _evidenceProblems.AddRange(evidenceProblems);
        }
    }

    /// <summary>The index verified.</summary>
    public LedgerIndex Index => _index;

    /// <summary>What roots are checked against.</summary>
    public RootAuthority Roots => _roots;

    /// <summary>
    /// The records 0..<paramref name="n"/> in ranges for the workers; none for evidence without records (a bundle of an
    /// enterprise nothing was recorded about yet), which <see cref="Partitioner.Create(int, int, int)"/> refuses.
    /// </summary>
    private static IEnumerable<Tuple<int, int>> Ranges(int n) =>
        n == 0 ? [] : Partitioner.Create(0, n, Math.Max(1024, n / (Environment.ProcessorCount * 8) + 1)).GetDynamicPartitions();

    /// <summary>
    /// Verifies every record and batch; each batch is rebuilt once where all its records are present. Evidence whose
    /// scope is the whole ledger must hold every record of every batch (docs/audit.md, "Completeness").
    /// </summary>
    public VerificationReport VerifyAll(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var n = _records.Count;
        var computed = new Hash32[n];
        var problems = new List<AuditProblem>?[n];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };

        // (a) every hash, recomputed from the fields.
        Parallel.ForEach(Ranges(n), parallel, range =>
        {
            RecordHasher.HashAll(_records, range.Item1, range.Item2, computed);
            for (var i = range.Item1; i < range.Item2; i++)
            {
                CheckHash(i, computed[i], ref problems[i]);
            }
        });

        // (b), (c) and the batch's own problems: batches in parallel, each rebuilt once when complete.
        for (var b = 0; b < _resolutions.Length; b++)
        {
            Resolution(b);
        }
        var verified = new AnchorVerification[_resolutions.Length];
        Parallel.For(0, _resolutions.Length, parallel, b => verified[b] = VerifyBatch(b, computed, problems));
        IReadOnlyList<AnchorVerification> anchors = _wholeLedger ? [.. verified, .. SkippedBatches()] : verified;

        // Fetch counts per consent, then (d), (e) and consistency for every record.
        Parallel.ForEach(_index.ConsentsWithRecords, parallel, consent => Fetches(consent));
        Parallel.ForEach(Ranges(n), parallel, range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                CheckSemantics(i, computed[i], ref problems[i]);
            }
        });

        var statuses = new VerificationStatus[n];
        var failures = new List<RecordVerification>();
        for (var i = 0; i < n; i++)
        {
            if (problems[i] is { Count: > 0 } list)
            {
                statuses[i] = VerificationStatus.Failed;
                failures.Add(new RecordVerification(i, AuditRecordJson.TypeName(_records[i].Record), _records[i].DeclaredHash, VerificationStatus.Failed, list));
            }
            else
            {
                statuses[i] = _records[i].Anchor is null ? VerificationStatus.Pending : VerificationStatus.Verified;
            }
        }
        return new VerificationReport(_records, statuses, failures, anchors, _evidenceProblems, _roots.Description, clock.Elapsed)
        {
            CompletenessProblems = CoversWholeConsents ? ConsentSequenceProblems() : [],
        };
    }

    /// <summary>
    /// True when the evidence holds every record of each consent it holds records of: the whole ledger, an
    /// enterprise, a consent or a loan — but not a time range, which cuts a consent's records at its edges.
    /// </summary>
    private bool CoversWholeConsents => _index.Evidence.Scope is { FromMs: null, UntilMs: null };

    /// <summary>
    /// Gaps and repeats in the consent sequences of each provider's accesses and refusals under each consent: its
    /// records numbered 1 … n must all be there, once (docs/audit.md, "Completeness"). Records made before consent
    /// sequences (number 0) are not counted.
    /// </summary>
    private List<AuditProblem> ConsentSequenceProblems()
    {
        var groups = new Dictionary<(OrgId Provider, ConsentId Consent), List<int>>();
        for (var i = 0; i < _records.Count; i++)
        {
            if (_records[i].Record is IConsentSequencedRecord { ConsentSequence: > 0 } r && _index.DuplicateOf(i) is null)
            {
                if (!groups.TryGetValue((r.Provider, r.ConsentId), out var list))
                {
                    groups[(r.Provider, r.ConsentId)] = list = [];
                }
                list.Add(i);
            }
        }
        var problems = new List<AuditProblem>();
        foreach (var ((provider, consent), members) in groups)
        {
            var bySequence = new SortedDictionary<ulong, int>();
            foreach (var i in members)
            {
                var sequence = ((IConsentSequencedRecord)_records[i].Record).ConsentSequence;
                if (!bySequence.TryAdd(sequence, i))
                {
                    problems.Add(new(ProblemKind.ConsentSequenceRepeated,
                        $"{provider} numbered two records {sequence} under consent {consent} ({Label(bySequence[sequence])} and {Label(i)}); a provider's store gives each number once."));
                }
            }
            var last = bySequence.Keys.Max();
            if ((ulong)bySequence.Count == last)
            {
                continue;
            }
            var missing = new List<ulong>();
            var count = 0UL;
            for (var n = 1UL; n <= last; n++)
            {
                if (!bySequence.ContainsKey(n))
                {
                    count++;
                    if (missing.Count < 10)
                    {
                        missing.Add(n);
                    }
                }
            }
            var numbers = string.Join(", ", missing) + (count > (ulong)missing.Count ? ", …" : "");
            problems.Add(new(ProblemKind.ConsentSequenceGap,
                $"The evidence lacks {count} of {provider}'s accesses and refusals under consent {consent}: it holds numbers 1 to {last} but not {numbers}; "
                + $"a record was removed or withheld (the next present after the first gap: {Label(bySequence.First(kv => kv.Key > missing[0]).Value)})."));
        }
        return problems;
    }

    /// <summary>Verifies the record at <paramref name="index"/> alone, by its own inclusion proof.</summary>
    public RecordVerification VerifyRecord(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _records.Count);
        var item = _records[index];
        var hash = RecordHasher.Hash(item.Record).Value;
        List<AuditProblem>? problems = null;
        CheckHash(index, hash, ref problems);
        var batch = _index.BatchOf(index);
        if (batch >= 0 && _index.DuplicateOf(index) is null)
        {
            var resolution = Resolution(batch);
            if (CheckAnchorReference(index, resolution, ref problems) && !ProvesAgainst(resolution.Root!.Value, hash, item.Anchor!.Proof))
            {
                if (!(hash != item.DeclaredHash.Value && ProvesAgainst(resolution.Root.Value, item.DeclaredHash.Value, item.Anchor.Proof)))
                {
                    Add(ref problems, ProblemKind.ProofMismatch,
                        $"{Label(index)}: its inclusion proof does not lead to the root {resolution.Root} of its {resolution.Key}; the proof was altered, or the record is not in that batch.");
                }
            }
        }
        CheckSemantics(index, hash, ref problems);
        var status = problems is { Count: > 0 } ? VerificationStatus.Failed : item.Anchor is null ? VerificationStatus.Pending : VerificationStatus.Verified;
        return new RecordVerification(index, AuditRecordJson.TypeName(item.Record), item.DeclaredHash, status, (IReadOnlyList<AuditProblem>?)problems ?? []);
    }

    // ------------------------------------------------------------------ (a) hash

    private void CheckHash(int i, Hash32 computed, ref List<AuditProblem>? problems)
    {
        if (computed != _records[i].DeclaredHash.Value)
        {
            Add(ref problems, ProblemKind.HashMismatch,
                $"{Label(i)}: its fields hash to {computed}, not to its declared hash; the record was altered.");
        }
    }

    // ------------------------------------------------------------------ (b), (c) batches

    private sealed class BatchResolution
    {
        public required BatchKey Key { get; init; }
        public AnchorInfo? Anchor { get; init; }
        public ChainEvent? Event { get; init; }
        public Hash32? Root { get; init; }
        public required List<AuditProblem> Problems { get; init; }
        public ulong? Block { get; init; }
        public Hash32? TxHash { get; init; }
        public uint? Count { get; init; }
    }

    private BatchResolution Resolution(int batch)
    {
        if (Volatile.Read(ref _resolutions[batch]) is { } known)
        {
            return known;
        }
        var key = _index.BatchKeyAt(batch);
        _anchors.TryGetValue(key, out var anchor);
        var e = _history.AnchorEvent(key);
        var (root, problems) = _roots.Resolve(key, anchor, e);
        uint? count = anchor?.Count;
        if (e is not null)
        {
            try
            {
                var anchored = e.As<BatchAnchored>();
                var eventCount = anchored.Count;
                var eventKind = anchored.Kind;
                if (anchor is not null && (anchor.Count != eventCount || anchor.Kind != eventKind || anchor.BlockNumber != e.BlockNumber || anchor.TxHash != e.TxHash))
                {
                    problems.Add(new(ProblemKind.AnchorMismatch,
                        $"The bundle's anchor of {key} (count {anchor.Count}, kind {anchor.Kind}, block {anchor.BlockNumber}) disagrees with its BatchAnchored event (count {eventCount}, kind {eventKind}, block {e.BlockNumber})."));
                }
                count = eventCount; // the event is the chain's word (online it is read from the chain itself)
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                problems.Add(new(ProblemKind.EventMismatch, $"The BatchAnchored event of {key} is malformed: {ex.Message}"));
            }
        }
        ulong? block = e?.BlockNumber ?? anchor?.BlockNumber;
        if (block is { } b && _history.Members.Refuse(key.Org, b, AnyRole) is { } refusal)
        {
            // The chain lets only an active member anchor; evidence saying otherwise is inconsistent.
            problems.Add(new(refusal.Kind, $"The {key} was anchored at block {b}, but {refusal.Why}; only an active member anchors."));
        }
        var resolution = new BatchResolution
        {
            Key = key,
            Anchor = anchor,
            Event = e,
            Root = root,
            Problems = problems,
            Block = block,
            TxHash = e?.TxHash ?? anchor?.TxHash,
            Count = count,
        };
        return Interlocked.CompareExchange(ref _resolutions[batch], resolution, null) ?? resolution;
    }

    private AnchorVerification VerifyBatch(int batch, Hash32[] computed, List<AuditProblem>?[] problems)
    {
        var resolution = Resolution(batch);
        var members = _index.MembersOf(batch);
        var batchProblems = new List<AuditProblem>(resolution.Problems);

        // Records that can take part in the batch's proof: not a repeat, and claiming the authority's root.
        var eligible = new List<int>(members.Length);
        foreach (var i in members)
        {
            if (_index.DuplicateOf(i) is null && CheckAnchorReference(i, resolution, ref problems[i]))
            {
                eligible.Add(i);
            }
        }

        var rebuilt = false;
        var proven = new List<int>(eligible.Count);
        if (resolution.Root is { } root && eligible.Count > 0)
        {
            if (resolution.Count is { } count && eligible.Count == count && eligible.Count == members.Length)
            {
                var values = new Hash32[eligible.Count];
                for (var k = 0; k < values.Length; k++)
                {
                    values[k] = computed[eligible[k]];
                }
                using var tree = BatchTree.Of(values);
                if (tree.Root == root)
                {
                    rebuilt = true;
                    proven.AddRange(eligible);
                    for (var k = 0; k < values.Length; k++)
                    {
                        if (!tree.IsProofOf(k, _records[eligible[k]].Anchor!.Proof))
                        {
                            Add(ref problems[eligible[k]], ProblemKind.ProofMismatch,
                                $"{Label(eligible[k])}: its stored proof differs from its path in the rebuilt {resolution.Key}; the proof was altered.");
                        }
                    }
                }
            }
            if (!rebuilt)
            {
                ProveOneByOne(resolution, eligible, computed, problems, proven);
            }
        }

        // Completeness: a whole ledger (or the auditor's own copy) holds every record its batches anchored.
        if (_requireComplete && resolution.Root is not null && resolution.Count is { } anchored && (uint)proven.Count < anchored)
        {
            batchProblems.Add(Incomplete(resolution, proven, anchored));
        }

        var status = batchProblems.Count > 0 ? VerificationStatus.Failed : VerificationStatus.Verified;
        return new AnchorVerification(resolution.Key, resolution.Root, members.Length, resolution.Count, rebuilt, status, batchProblems);
    }

    private void ProveOneByOne(BatchResolution resolution, List<int> eligible, Hash32[] computed, List<AuditProblem>?[] problems, List<int> proven)
    {
        var root = resolution.Root!.Value;
        var unproven = new List<int>();
        foreach (var i in eligible)
        {
            var proof = _records[i].Anchor!.Proof;
            if (ProvesAgainst(root, computed[i], proof))
            {
                proven.Add(i);
            }
            else if (computed[i] != _records[i].DeclaredHash.Value && ProvesAgainst(root, _records[i].DeclaredHash.Value, proof))
            {
                // The proof is the declared record's: only the fields were altered (reported as a hash mismatch).
            }
            else
            {
                unproven.Add(i);
            }
        }

        // With every anchored record present and the root rebuilt from them, the others are not in the batch at all.
        var complete = resolution.Count is { } count && proven.Count == count && RebuildsTo(proven, computed, root);
        foreach (var i in unproven)
        {
            if (complete)
            {
                Add(ref problems[i], ProblemKind.NotInBatch,
                    $"{Label(i)}: it is not covered by its {resolution.Key}: the batch's {resolution.Count} anchored records are all present and rebuild the root {root} without it.");
            }
            else
            {
                Add(ref problems[i], ProblemKind.ProofMismatch,
                    $"{Label(i)}: its inclusion proof does not lead to the root {root} of its {resolution.Key}; the proof was altered, or the record is not in that batch.");
            }
        }
    }

    /// <summary>
    /// The problem of a batch whose anchored records are not all in the evidence: how many are missing and, where the
    /// author's record sequences show it, which ones (sequences between those present that no record of the author
    /// in the evidence has).
    /// </summary>
    private AuditProblem Incomplete(BatchResolution resolution, List<int> proven, uint anchored)
    {
        var where = (resolution.Block, resolution.Anchor?.Uri ?? (resolution.Event is { } anchorEvent ? anchorEvent.TryAs<BatchAnchored>()?.Uri : null)) switch
        {
            ({ } b, { Length: > 0 } uri) => $" (anchored in block {b}, {uri})",
            ({ } b, _) => $" (anchored in block {b})",
            _ => "",
        };
        if (proven.Count == 0)
        {
            return new(ProblemKind.BatchIncomplete,
                $"The evidence holds none of the {anchored} anchored record(s) of the {resolution.Key}{where}; a whole ledger holds every record of every batch.");
        }
        var org = resolution.Key.Org;
        var sequences = proven.Select(i => AuditRecordJson.SequenceOf(_records[i].Record)).Order().ToList();
        var held = _sequencesByAuthor.Value.GetValueOrDefault(org);
        var lacking = new List<ulong>();
        for (var k = 1; k < sequences.Count && lacking.Count <= 10; k++)
        {
            for (var seq = sequences[k - 1] + 1; seq < sequences[k] && lacking.Count <= 10; seq++)
            {
                if (held is null || !held.Contains(seq))
                {
                    lacking.Add(seq);
                }
            }
        }
        var missing = anchored - (uint)proven.Count;
        var which = lacking.Count switch
        {
            0 => "",
            1 => $"; of {org}'s records between sequence {sequences[0]} and {sequences[^1]} it lacks sequence {lacking[0]}",
            _ => $"; of {org}'s records between sequence {sequences[0]} and {sequences[^1]} it lacks sequences {string.Join(", ", lacking.Take(10))}{(lacking.Count > 10 ? ", …" : "")}",
        };
        var present = string.Join(", ", proven.Take(10).Select(i => _records[i].DeclaredHash.ToString())) + (proven.Count > 10 ? ", …" : "");
        return new(ProblemKind.BatchIncomplete,
            $"The {resolution.Key}{where} has {anchored} anchored record(s), but the evidence holds {proven.Count} that prove against its root ({missing} missing{which}); present: {present}.");
    }

    /// <summary>
    /// Whole ledger: batches of which the evidence holds nothing although a later batch of the same organization is
    /// held — provably missing, since an organization anchors its records in order. A batch after the last one held
    /// may simply not have reached the holder yet; so may one whose records the evidence holds as still pending.
    /// </summary>
    private List<AnchorVerification> SkippedBatches()
    {
        var result = new List<AnchorVerification>();
        var inIndex = new HashSet<BatchKey>();
        var held = new Dictionary<OrgId, List<(ChainEvent Event, ulong LowestSequence)>>();
        for (var b = 0; b < _index.BatchCount; b++)
        {
            var key = _index.BatchKeyAt(b);
            inIndex.Add(key);
            var members = _index.MembersOf(b);
            if (members.Length == 0 || _history.AnchorEvent(key) is not { } e)
            {
                continue;
            }
            var lowest = ulong.MaxValue;
            foreach (var i in members)
            {
                lowest = Math.Min(lowest, AuditRecordJson.SequenceOf(_records[i].Record));
            }
            if (!held.TryGetValue(key.Org, out var list))
            {
                held[key.Org] = list = [];
            }
            list.Add((e, lowest));
        }
        if (held.Count == 0)
        {
            return result;
        }
        var lowestPending = new Dictionary<OrgId, ulong>();
        foreach (var item in _records)
        {
            if (item.Anchor is null)
            {
                var author = AuditRecordJson.AuthorOf(item.Record);
                var sequence = AuditRecordJson.SequenceOf(item.Record);
                lowestPending[author] = Math.Min(lowestPending.GetValueOrDefault(author, ulong.MaxValue), sequence);
            }
        }
        foreach (var (key, e) in _history.AnchorEvents)
        {
            if (inIndex.Contains(key) || !held.TryGetValue(key.Org, out var later))
            {
                continue;
            }
            var follower = later.Where(h => LedgerEvents.CompareChainOrder(h.Event, e) > 0).OrderBy(h => h.LowestSequence).FirstOrDefault();
            if (follower.Event is null || lowestPending.GetValueOrDefault(key.Org, ulong.MaxValue) < follower.LowestSequence)
            {
                continue;
            }
            uint? count = null;
            Hash32? root = null;
            try
            {
                var anchored = e.As<BatchAnchored>();
                count = anchored.Count;
                root = anchored.Root;
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                // A malformed event is reported with the history's problems; the batch is still missing.
            }
            var followerKey = new BatchKey(key.Org, follower.Event.As<BatchAnchored>().BatchId);
            result.Add(new AnchorVerification(key, root, 0, count, false, VerificationStatus.Failed,
            [
                new AuditProblem(ProblemKind.BatchIncomplete,
                    $"The {key} (anchored in block {e.BlockNumber}, {(count is { } n ? n.ToString(CultureInfo.InvariantCulture) : "?")} record(s)) is missing from the evidence: none of its records is there, though the {followerKey}, anchored after it in block {follower.Event.BlockNumber}, is."),
            ]));
        }
        return result;
    }

    private Dictionary<OrgId, HashSet<ulong>> SequencesByAuthor()
    {
        var map = new Dictionary<OrgId, HashSet<ulong>>();
        foreach (var item in _records)
        {
            var author = AuditRecordJson.AuthorOf(item.Record);
            if (!map.TryGetValue(author, out var set))
            {
                map[author] = set = [];
            }
            set.Add(AuditRecordJson.SequenceOf(item.Record));
        }
        return map;
    }

    private static bool RebuildsTo(List<int> members, Hash32[] computed, Hash32 root)
    {
        if (members.Count == 0)
        {
            return false;
        }
        var values = new Hash32[members.Count];
        for (var k = 0; k < values.Length; k++)
        {
            values[k] = computed[members[k]];
        }
        using var tree = BatchTree.Of(values);
        return tree.Root == root;
    }

    /// <summary>
    /// Checks a record's anchor reference against its batch: the author anchored it, the root it claims is the
    /// authority's, the block and transaction agree. True when the record can be proved against the root.
    /// </summary>
    private bool CheckAnchorReference(int i, BatchResolution resolution, ref List<AuditProblem>? problems)
    {
        var item = _records[i];
        var anchor = item.Anchor!;
        var author = AuditRecordJson.AuthorOf(item.Record);
        if (anchor.Org != author)
        {
            Add(ref problems, ProblemKind.WrongAnchoringOrg,
                $"{Label(i)}: it was anchored by {anchor.Org}, but it is {author}'s record; an organization anchors only its own records.");
        }
        if (resolution.Root is not { } root)
        {
            var batchProblem = resolution.Problems.FirstOrDefault(p => p.Kind is ProblemKind.RootNotAnchored or ProblemKind.RootNotTrusted or ProblemKind.RootUnknown or ProblemKind.RootMismatch)
                ?? new AuditProblem(ProblemKind.RootUnknown, $"The root of {resolution.Key} cannot be established.");
            Add(ref problems, batchProblem.Kind, $"{Label(i)}: {Lower(batchProblem.Message)}");
            return false;
        }
        if (anchor.Root != root)
        {
            Add(ref problems, ProblemKind.RootMismatch,
                $"{Label(i)}: it claims root {anchor.Root} for its {resolution.Key}, but {_roots.Description} says {root}; a forged root.");
            return false;
        }
        if ((resolution.Block is { } block && anchor.BlockNumber != block) || (resolution.TxHash is { } tx && anchor.TxHash != tx))
        {
            Add(ref problems, ProblemKind.AnchorMismatch,
                $"{Label(i)}: it says its {resolution.Key} was anchored in block {anchor.BlockNumber} by transaction {anchor.TxHash}, but the anchor is in block {resolution.Block} (transaction {resolution.TxHash}).");
        }
        return true;
    }

    private static bool ProvesAgainst(Hash32 root, Hash32 value, IReadOnlyList<Hash32> proof) => proof switch
    {
        Hash32[] array => StandardMerkleTree.Verify(root, value, array),
        _ => StandardMerkleTree.Verify(root, value, proof.ToArray()),
    };

    // ------------------------------------------------------------------ (d), (e) and consistency

    private void CheckSemantics(int i, Hash32 computed, ref List<AuditProblem>? problems)
    {
        if (_index.DuplicateOf(i) is { } first)
        {
            Add(ref problems, ProblemKind.Duplicate, $"{Label(i)}: it appears more than once in the evidence (first at position {first}).");
            return;
        }
        var item = _records[i];
        ulong? anchorBlock = item.Anchor is null ? null : _index.BatchOf(i) is var b and >= 0 && Resolution(b).Block is { } resolved ? resolved : item.Anchor.BlockNumber;
        switch (item.Record)
        {
            case AccessRecord r:
                CheckAccess(i, r, anchorBlock, ref problems);
                break;
            case RefusalRecord r:
                CheckRefusal(i, r, anchorBlock, ref problems);
                break;
            case DeletionReceipt r:
                CheckDeletion(i, r, anchorBlock, ref problems);
                break;
            case CreditDecisionRecord r:
                CheckDecision(i, r, computed, anchorBlock, ref problems);
                break;
            case FundFlowEvidence r:
                CheckFundFlow(i, r, computed, anchorBlock, ref problems);
                break;
        }
    }

    private void CheckAccess(int i, AccessRecord r, ulong? anchorBlock, ref List<AuditProblem>? problems)
    {
        var block = r.CheckedAtBlock;
        if (anchorBlock is { } anchored && block > anchored)
        {
            Add(ref problems, ProblemKind.Inconsistent, $"{Label(i)}: it says the consent was checked at block {block}, after its batch was anchored at block {anchored}.");
        }
        CheckActor(i, r.Provider, block, "its provider", "only an active tax bureau serves data", ref problems, Role.TaxBureau);
        if (_history.Members.Refuse(r.Consumer, block, Role.Bank, Role.Guarantor) is { } consumer)
        {
            Add(ref problems, ProblemKind.ConsumerIneligible, $"{Label(i)}: {consumer.Why}, yet data was served to it; only an active bank or guarantor receives data.");
        }
        if (ConsentAt(i, r.ConsentId, block, "the access", ref problems) is not { } consent)
        {
            return;
        }
        var (timeline, state) = consent;
        if (state.RevokedAtBlock is { } revoked)
        {
            Add(ref problems, ProblemKind.ConsentRevoked,
                $"{Label(i)}: consent {r.ConsentId} was revoked at block {revoked}, {(revoked == block ? "in" : "before")} block {block} the access was checked against.");
        }
        CheckParties(i, timeline, r.Consumer, r.Provider, ref problems);
        if (r.Scopes == Scopes.None || (r.Scopes & ~state.Scopes) != 0)
        {
            Add(ref problems, ProblemKind.ScopeNotGranted,
                $"{Label(i)}: it served {ScopeText(r.Scopes)}, but consent {r.ConsentId} granted only {ScopeText(state.Scopes)} at block {block}.");
        }
        if (_history.UnboundAt(timeline.Terms.Enterprise) is { } unbound && unbound <= block)
        {
            Add(ref problems, ProblemKind.EnterpriseUnbound,
                $"{Label(i)}: the enterprise account {timeline.Terms.Enterprise} of consent {r.ConsentId} was unbound at block {unbound}, before the access was checked at block {block}.");
        }
        var expiredByBlock = false;
        if (!_history.TryGetBlockTime(block, out var time))
        {
            Add(ref problems, ProblemKind.BlockTimeUnknown,
                $"{Label(i)}: the evidence does not give the time of block {block}, so consent {r.ConsentId}'s validity window at that block cannot be checked.");
        }
        else if (time < state.ValidFrom)
        {
            Add(ref problems, ProblemKind.ConsentNotYetValid,
                $"{Label(i)}: at block {block} ({Utc(time)}) consent {r.ConsentId} was not yet valid (valid from {Utc(state.ValidFrom)}).");
        }
        else if (time > state.ValidUntil)
        {
            expiredByBlock = true;
            Add(ref problems, ProblemKind.ConsentExpired,
                $"{Label(i)}: at block {block} ({Utc(time)}) consent {r.ConsentId} had expired (valid until {Utc(state.ValidUntil)}).");
        }
        var fetches = Fetches(r.ConsentId);
        if (fetches.Ordinals.TryGetValue(i, out var fetch) && fetch.Ordinal > timeline.Terms.FetchCap)
        {
            Add(ref problems, ProblemKind.FetchCapExceeded,
                $"{Label(i)}: it is fetch {fetch.Ordinal} in fetch period {fetch.Period} of consent {r.ConsentId} in serving order, above its cap of {timeline.Terms.FetchCap}.");
        }
        if (!fetches.Strong.ContainsKey(i))
        {
            // Strong mode keeps its on-chain ordering: the chain checked and recorded the access in its AccessRecorded block.
            CheckServedInTime(i, r, timeline, state, expiredByBlock, ref problems);
        }
    }

    /// <summary>
    /// Rule (d) in time: what the consent's events had changed by the time the access was served, allowing the
    /// providers' check freshness bound T and the tolerances (<see cref="SlackMs"/>). A provider whose view of the chain
    /// stood still checks against an old block; its serving time does not stand still.
    /// </summary>
    private void CheckServedInTime(int i, AccessRecord r, ConsentTimeline timeline, ConsentStateAt state, bool expiredByBlock, ref List<AuditProblem>? problems)
    {
        var served = r.ServedAtMs;
        if (state.RevokedAtBlock is null && timeline.Revoked is { } revocation && served > revocation.BlockTimestamp * 1000 + _slackMs)
        {
            Add(ref problems, ProblemKind.ServedAfterRevocation,
                $"{Label(i)}: it was served at {UtcMs(served)}, {After(served, revocation.BlockTimestamp)} consent {r.ConsentId} was revoked in block {revocation.BlockNumber} ({Utc(revocation.BlockTimestamp)}), "
                + $"though it was checked against block {r.CheckedAtBlock}; {Allowance()} — the provider served on a stale view of the chain.");
        }

        // Narrowings the provider could not have missed by then: those mined more than the allowance before serving.
        var scopes = state.Scopes;
        var validUntil = state.ValidUntil;
        (ulong Block, ulong Time)? scopesNarrowed = null;
        (ulong Block, ulong Time)? windowNarrowed = null;
        foreach (var n in timeline.Narrowings)
        {
            if (n.Block <= r.CheckedAtBlock)
            {
                continue; // already in the state at the checked block
            }
            if (served <= n.Time * 1000 + _slackMs)
            {
                break;
            }
            if (n.Scopes != scopes)
            {
                scopesNarrowed = (n.Block, n.Time);
            }
            if (n.ValidUntil != validUntil)
            {
                windowNarrowed = (n.Block, n.Time);
            }
            scopes = n.Scopes;
            validUntil = n.ValidUntil;
        }
        if (scopesNarrowed is { } narrowing && (r.Scopes & ~state.Scopes) == 0 && (r.Scopes & ~scopes) != 0)
        {
            Add(ref problems, ProblemKind.ServedAfterNarrowing,
                $"{Label(i)}: it served {ScopeText(r.Scopes & ~scopes)} at {UtcMs(served)}, {After(served, narrowing.Time)} consent {r.ConsentId} was narrowed in block {narrowing.Block} to {ScopeText(scopes)}, "
                + $"though it was checked against block {r.CheckedAtBlock}; {Allowance()}.");
        }
        if (!expiredByBlock && served > validUntil * 1000 + _slackMs)
        {
            var how = windowNarrowed is { } w ? $" (as narrowed in block {w.Block})" : "";
            Add(ref problems, ProblemKind.ServedAfterExpiry,
                $"{Label(i)}: it was served at {UtcMs(served)}, {After(served, validUntil)} the last second consent {r.ConsentId} was valid until{how} ({Utc(validUntil)}), "
                + $"though it was checked against block {r.CheckedAtBlock}; {Allowance()}.");
        }
    }

    /// <summary>
    /// How late an access may be served after the block time of a change and still have been checked before it: the
    /// providers' check freshness bound T, plus 1 s because block timestamps are whole seconds (a block stamped t was
    /// made during second t), plus the clock skew allowed between the provider's clock and the chain's.
    /// </summary>
    public static ulong SlackMs(VerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return (ulong)options.MaxCheckAge.TotalMilliseconds + BlockTimeGranularityMs + (ulong)options.ClockSkew.TotalMilliseconds;
    }

    /// <summary>Block timestamps are whole seconds.</summary>
    public const ulong BlockTimeGranularityMs = 1000;

    private string Allowance() =>
        $"more than the {Seconds(_slackMs)} allowed (the providers' check freshness bound {Seconds((ulong)_options.MaxCheckAge.TotalMilliseconds)}, "
        + $"{Seconds(BlockTimeGranularityMs)} for whole-second block times, {Seconds((ulong)_options.ClockSkew.TotalMilliseconds)} of clock skew)";

    private static string After(ulong servedMs, ulong blockSeconds) =>
        servedMs >= blockSeconds * 1000 ? $"{Seconds(servedMs - blockSeconds * 1000)} after" : "before";

    private static string Seconds(ulong ms) => (ms / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " s";

    // The node refusal reasons this version knows, for sentences: "64–70".
    private static readonly string NodeReasons = $"{(byte)Enum.GetValues<RefusalReason>().Min()}–{(byte)Enum.GetValues<RefusalReason>().Max()}";

    private void CheckRefusal(int i, RefusalRecord r, ulong? anchorBlock, ref List<AuditProblem>? problems)
    {
        var block = r.CheckedAtBlock;
        if (anchorBlock is { } anchored && block > anchored)
        {
            Add(ref problems, ProblemKind.Inconsistent, $"{Label(i)}: it says the request was checked at block {block}, after its batch was anchored at block {anchored}.");
        }
        var known = r.Reason is >= (byte)AccessStatus.UnknownConsent and <= (byte)AccessStatus.EnterpriseUnbound
            || Enum.IsDefined((RefusalReason)r.Reason);
        if (!known)
        {
            Add(ref problems, ProblemKind.Inconsistent,
                $"{Label(i)}: its reason code {r.Reason} is neither a consent-registry status (1–11) nor a node refusal reason ({NodeReasons}).");
        }
        CheckActor(i, r.Provider, block, "its provider", "only an active tax bureau answers data requests", ref problems, Role.TaxBureau);
    }

    private void CheckDeletion(int i, DeletionReceipt r, ulong? anchorBlock, ref List<AuditProblem>? problems)
    {
        if (anchorBlock is { } anchored)
        {
            CheckActor(i, r.Consumer, anchored, "its consumer", "a deletion receipt is made by an active bank or guarantor", ref problems, Role.Bank, Role.Guarantor);
        }
        if (_history.Consent(r.ConsentId) is not { } timeline)
        {
            Add(ref problems, ProblemKind.ConsentUnknown,
                $"{Label(i)}: consent {r.ConsentId} has no ConsentGranted event in the evidence, so the receipt cannot be tied to a consent.");
            return;
        }
        if (r.Consumer != timeline.Terms.Consumer)
        {
            Add(ref problems, ProblemKind.WrongConsumer,
                $"{Label(i)}: it is by {r.Consumer}, but consent {r.ConsentId} was granted to {timeline.Terms.Consumer}.");
        }
        if (r.Cause == DeletionCause.ConsentRevoked)
        {
            if (timeline.Revoked is not { } revoked)
            {
                Add(ref problems, ProblemKind.Inconsistent,
                    $"{Label(i)}: it gives revocation as the cause, but consent {r.ConsentId} was never revoked in the evidence.");
            }
            else if (anchorBlock is { } anchoredIn && revoked.BlockNumber > anchoredIn)
            {
                // Causal order, by blocks: the bank deletes after it saw the revocation's block, so its receipt is anchored
                // in that block or a later one. (Not by time: the receipt's time is the bank's clock, and a busy dev chain's
                // block times run ahead of wall clocks.)
                Add(ref problems, ProblemKind.Inconsistent,
                    $"{Label(i)}: it gives revocation as the cause, but it was anchored in block {anchoredIn}, before consent {r.ConsentId} was revoked in block {revoked.BlockNumber} ({Utc(revoked.BlockTimestamp)}).");
            }
        }
    }

    private void CheckDecision(int i, CreditDecisionRecord r, Hash32 computed, ulong? anchorBlock, ref List<AuditProblem>? problems)
    {
        var recorded = _history.DecisionEvent(_records[i].DeclaredHash.Value) ?? _history.DecisionEvent(computed);
        if (recorded is not null)
        {
            try
            {
                var decision = recorded.As<CreditDecisionRecorded>();
                if (decision.BankOrg != r.Bank || decision.EnterpriseHash != r.Enterprise
                    || decision.ConsentId != r.ConsentId || decision.Approved != r.Approved)
                {
                    Add(ref problems, ProblemKind.Inconsistent,
                        $"{Label(i)}: its {recorded.Describe()} names bank {decision.BankOrg}, consent {decision.ConsentId.Value}, approved {ChainEventArgReader.Bool(decision.Approved)}, unlike the record.");
                }
            }
            catch (FormatException ex)
            {
                Add(ref problems, ProblemKind.EventMismatch, $"{Label(i)}: its CreditDecisionRecorded event is malformed: {ex.Message}");
            }
        }
        if (_records[i].ReasonsJson is { } reasons && Keccak.Hash(Encoding.UTF8.GetBytes(reasons)) != r.ReasonsHash)
        {
            Add(ref problems, ProblemKind.Inconsistent,
                $"{Label(i)}: the reasons document in the bundle does not hash to the record's reasons hash {r.ReasonsHash}; it is not the explanation the bank recorded.");
        }
        var actedAt = recorded?.BlockNumber ?? anchorBlock;
        if (actedAt is { } block)
        {
            CheckActor(i, r.Bank, block, "its bank", "only an active bank decides on credit", ref problems, Role.Bank);
        }
        if (_history.Consent(r.ConsentId) is not { } timeline)
        {
            Add(ref problems, ProblemKind.ConsentUnknown,
                $"{Label(i)}: consent {r.ConsentId} has no ConsentGranted event in the evidence, so the decision cannot be shown to rest on authorized data.");
            return;
        }
        if (!timeline.IdMatchesTerms)
        {
            Add(ref problems, ProblemKind.ConsentTermsAltered, $"{Label(i)}: the terms of consent {r.ConsentId} in the evidence do not hash to its id, so they cannot be relied on.");
            return;
        }
        if (timeline.Terms.Consumer != r.Bank)
        {
            Add(ref problems, ProblemKind.WrongConsumer, $"{Label(i)}: it is {r.Bank}'s decision, but consent {r.ConsentId} was granted to {timeline.Terms.Consumer}.");
        }
        if (timeline.Terms.CreditCodeHash != r.Enterprise)
        {
            Add(ref problems, ProblemKind.Inconsistent, $"{Label(i)}: it is about enterprise {r.Enterprise}, but consent {r.ConsentId} is enterprise {timeline.Terms.CreditCodeHash}'s.");
        }
        if (recorded is not null && timeline.At(recorded.BlockNumber) is { RevokedAtBlock: { } revoked })
        {
            Add(ref problems, ProblemKind.ConsentRevoked,
                $"{Label(i)}: it was recorded on chain at block {recorded.BlockNumber}, but consent {r.ConsentId} had been revoked at block {revoked}.");
        }
    }

    private void CheckFundFlow(int i, FundFlowEvidence r, Hash32 computed, ulong? anchorBlock, ref List<AuditProblem>? problems)
    {
        if (anchorBlock is { } block)
        {
            CheckActor(i, r.Recorder, block, "its recorder", "only an active bank or tax bureau records spending", ref problems, Role.Bank, Role.TaxBureau);
        }
        foreach (var spending in _history.Spendings(computed).Concat(_history.Spendings(r.DocumentHash)))
        {
            try
            {
                var recordedSpending = spending.As<SpendingRecorded>();
                if (recordedSpending.LoanId != r.LoanId || recordedSpending.Category != r.Category || recordedSpending.AmountFen != r.AmountFen)
                {
                    Add(ref problems, ProblemKind.Inconsistent,
                        $"{Label(i)}: its {spending.Describe()} records loan {recordedSpending.LoanId.Value}, category {(byte)recordedSpending.Category}, {recordedSpending.AmountFen} fen, unlike the evidence.");
                }
            }
            catch (FormatException ex)
            {
                Add(ref problems, ProblemKind.EventMismatch, $"{Label(i)}: its SpendingRecorded event is malformed: {ex.Message}");
            }
        }
    }

    private void CheckActor(int i, OrgId org, ulong block, string who, string rule, ref List<AuditProblem>? problems, params ReadOnlySpan<Role> roles)
    {
        if (_history.Members.Refuse(org, block, roles) is { } refusal)
        {
            Add(ref problems, refusal.Kind, $"{Label(i)}: {who} {refusal.Why}; {rule}.");
        }
    }

    private (ConsentTimeline Timeline, ConsentStateAt State)? ConsentAt(int i, ConsentId id, ulong block, string what, ref List<AuditProblem>? problems)
    {
        if (_history.Consent(id) is not { } timeline)
        {
            Add(ref problems, ProblemKind.ConsentUnknown,
                $"{Label(i)}: consent {id} has no ConsentGranted event in the evidence, so {what} cannot be shown to be authorized.");
            return null;
        }
        if (!timeline.IdMatchesTerms)
        {
            Add(ref problems, ProblemKind.ConsentTermsAltered, $"{Label(i)}: the terms of consent {id} in the evidence do not hash to its id, so they cannot be relied on.");
            return null;
        }
        var state = timeline.At(block);
        if (!state.Granted)
        {
            Add(ref problems, ProblemKind.ConsentNotYetGranted,
                $"{Label(i)}: {what} was checked against block {block}, but consent {id} was only granted at block {timeline.GrantedAtBlock}.");
            return null;
        }
        return (timeline, state);
    }

    private void CheckParties(int i, ConsentTimeline timeline, OrgId consumer, OrgId provider, ref List<AuditProblem>? problems)
    {
        if (consumer != timeline.Terms.Consumer)
        {
            Add(ref problems, ProblemKind.WrongConsumer, $"{Label(i)}: it names consumer {consumer}, but consent {timeline.Id} was granted to {timeline.Terms.Consumer}.");
        }
        if (provider != timeline.Terms.Provider)
        {
            Add(ref problems, ProblemKind.WrongProvider, $"{Label(i)}: it names provider {provider}, but consent {timeline.Id} names {timeline.Terms.Provider}.");
        }
    }

    /// <summary>A consent's fetches: each access record's fetch period and place in it, and the strong-mode event of each access the chain recorded.</summary>
    private sealed record ConsentFetches(Dictionary<int, (ulong Period, int Ordinal)> Ordinals, Dictionary<int, ChainEvent> Strong);

    /// <summary>
    /// The fetches of a consent in serving order, counted per fetch period (<c>(time − validFrom) / fetchPeriod</c>):
    /// batch-mode accesses by the time they were served (the provider counts its cap by the same clock), strong-mode
    /// accesses by their AccessRecorded block time (the chain counts those). An access record whose request hash is
    /// one of the consent's AccessRecorded events is that strong-mode fetch, counted once.
    /// </summary>
    private ConsentFetches Fetches(ConsentId consent) => _fetches.GetOrAdd(consent, id =>
    {
        var result = new ConsentFetches([], []);
        if (_history.Consent(id) is not { } timeline)
        {
            return result;
        }
        // One entry per fetch: a strong-mode event (its access records, usually one, in `strongRecords`) or one
        // batch-mode access record (no list per record: a consent of a busy bank has hundreds of thousands).
        var strongByRequest = new Dictionary<Hash32, int>();
        var strongRecords = new Dictionary<int, List<int>>();
        var entries = new List<(ulong TimeMs, int Order, ulong Sequence, int Event, int Record)>();
        var strongEvents = _history.StrongAccesses(id);
        foreach (var e in strongEvents)
        {
            var k = entries.Count;
            entries.Add((e.BlockTimestamp * 1000, 0, (ulong)e.LogIndex, k, -1));
            if (e.TryAs<AccessRecorded>() is { } recorded)
            {
                strongByRequest.TryAdd(recorded.RequestHash, k);
            }
        }
        foreach (var i in _index.RecordsOfConsent(id))
        {
            if (_records[i].Record is not AccessRecord r || _index.DuplicateOf(i) is not null)
            {
                continue;
            }
            if (strongByRequest.TryGetValue(r.RequestHash, out var k) && strongEvents[k].TryAs<AccessRecorded>()?.Provider == r.Provider)
            {
                (strongRecords.TryGetValue(k, out var list) ? list : strongRecords[k] = []).Add(i);
                result.Strong[i] = strongEvents[k];
                continue;
            }
            entries.Add((r.ServedAtMs, 1, r.ConsentSequence != 0 ? r.ConsentSequence : r.Sequence, -1, i));
        }
        if (entries.Count <= timeline.Terms.FetchCap)
        {
            return result; // fewer fetches in all than the cap allows in one period: none can exceed it
        }
        entries.Sort((a, b) =>
        {
            var c = a.TimeMs.CompareTo(b.TimeMs);
            if (c == 0)
            {
                c = a.Order.CompareTo(b.Order);
            }
            return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
        });
        var perPeriod = new Dictionary<ulong, int>();
        foreach (var entry in entries)
        {
            var period = timeline.PeriodAt(entry.TimeMs / 1000);
            var ordinal = perPeriod.TryGetValue(period, out var seen) ? seen + 1 : 1;
            perPeriod[period] = ordinal;
            if (entry.Record >= 0)
            {
                result.Ordinals[entry.Record] = (period, ordinal);
            }
            else if (strongRecords.TryGetValue(entry.Event, out var records))
            {
                foreach (var i in records)
                {
                    result.Ordinals[i] = (period, ordinal);
                }
            }
        }
        return result;
    });

    // ------------------------------------------------------------------ wording

    private string Label(int i) => AuditRecordJson.Label(_records[i].Record, _records[i].DeclaredHash);

    private static void Add(ref List<AuditProblem>? problems, ProblemKind kind, string message) => (problems ??= []).Add(new AuditProblem(kind, message));

    private static string Lower(string sentence) => sentence.Length > 0 && char.IsUpper(sentence[0]) ? char.ToLowerInvariant(sentence[0]) + sentence[1..] : sentence;

    /// <summary>Scopes by name, e.g. "TaxCreditRating, TaxPayments" ("nothing" for none).</summary>
    public static string ScopeText(Scopes scopes) => scopes == Scopes.None ? "nothing" : scopes.ToString();

    private static string UtcMs(ulong ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(ms, 253402300799999UL)).ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);

    private static string Utc(ulong seconds) =>
        DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(seconds, 253402300799UL)).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

}
