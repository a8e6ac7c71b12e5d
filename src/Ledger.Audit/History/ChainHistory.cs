using Ledger.Audit.Bundle;
using Ledger.Chain.Abi;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Audit.History;

/// <summary>
/// What the chain said, rebuilt from its events: consents and their narrowings and revocations, membership over
/// time, enterprise unbindings, anchors, recorded decisions, strong-mode accesses, and block times. Built once per
/// verification; every lookup is a dictionary probe or a binary search, so checking a record at a block is cheap.
/// </summary>
public sealed class ChainHistory
{
    private readonly Dictionary<ConsentId, ConsentTimeline> _consents = [];
    private readonly Dictionary<ConsentId, EthAddress> _importedFrom = [];
    private readonly Dictionary<EthAddress, ulong> _unboundAt = [];
    private readonly Dictionary<BatchKey, ChainEvent> _anchors = [];
    private readonly Dictionary<Hash32, ChainEvent> _decisions = [];
    private readonly Dictionary<ConsentId, List<ChainEvent>> _strongAccesses = [];
    private readonly Dictionary<Hash32, List<ChainEvent>> _spendings = [];
    private readonly Dictionary<ulong, ulong> _blockTimes = [];
    private readonly List<string> _problems = [];

    private ChainHistory(IReadOnlyList<ChainEvent> events, MembershipHistory members)
    {
        Events = events;
        Members = members;
    }

    /// <summary>The events, in chain order.</summary>
    public IReadOnlyList<ChainEvent> Events { get; }

    /// <summary>Membership over time.</summary>
    public MembershipHistory Members { get; }

    /// <summary>Every consent granted in the events.</summary>
    public IReadOnlyDictionary<ConsentId, ConsentTimeline> Consents => _consents;

    /// <summary>Events that could not be used, one sentence each (malformed arguments, duplicates, forged terms).</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The highest block of any event (0 when there are none).</summary>
    public ulong LastBlock => Events.Count == 0 ? 0 : Events[^1].BlockNumber;

    /// <summary>Rebuilds the history of <paramref name="events"/> on the chain of <paramref name="chain"/>.</summary>
    /// <param name="blockTimes">Block times known besides the events' own (e.g. a bundle's <c>blockTimes</c>).</param>
    public static ChainHistory Build(IEnumerable<ChainEvent> events, ChainReference chain, IReadOnlyDictionary<ulong, ulong>? blockTimes = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(chain);
        var ordered = events.ToList();
        ordered.Sort(LedgerEvents.CompareChainOrder);
        var problems = new List<string>();
        var history = new ChainHistory(ordered, MembershipHistory.Build(ordered, problems));
        history._problems.AddRange(problems);
        if (blockTimes is not null)
        {
            foreach (var (block, time) in blockTimes)
            {
                history._blockTimes[block] = time;
            }
        }
        var registry = chain.AddressOf(LedgerContracts.ConsentRegistry);
        foreach (var e in ordered)
        {
            if (!history._blockTimes.TryGetValue(e.BlockNumber, out var known))
            {
                history._blockTimes[e.BlockNumber] = e.BlockTimestamp;
            }
            else if (known != e.BlockTimestamp)
            {
                history._problems.Add($"The {e.Describe()} gives block {e.BlockNumber} the time {e.BlockTimestamp}, but the evidence elsewhere says {known}.");
            }
            try
            {
                history.Apply(e, chain.ChainId, registry);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                history._problems.Add(ex is FormatException ? ex.Message : $"The {e.Describe()} has an argument out of range.");
            }
        }
        return history;
    }

    private static readonly HashSet<string> Applied = new(StringComparer.Ordinal)
    {
        ConsentImported.EventName, ConsentGranted.EventName, ConsentNarrowed.EventName, ConsentRevoked.EventName, EnterpriseUnbound.EventName,
        BatchAnchored.EventName, AccessRecorded.EventName, CreditDecisionRecorded.EventName, SpendingRecorded.EventName,
    };

    private void Apply(ChainEvent e, ulong chainId, EthAddress? registry)
    {
        // Only the events read here are parsed: a malformed membership event is MembershipHistory's to report.
        if (!Applied.Contains(e.Name))
        {
            return;
        }
        switch (e.Typed())
        {
            case ConsentImported imported:
                // Taken over from the previous contract version (the ConsentGranted that follows in the same
                // transaction has the original terms): its id is the predecessor's EIP-712 digest of them.
                _importedFrom[imported.ConsentId] = imported.Predecessor;
                return;
            case ConsentGranted granted:
            {
                var id = granted.ConsentId;
                var terms = granted.Terms;
                var domainRegistry = _importedFrom.TryGetValue(id, out var predecessor) ? predecessor : registry;
                var matches = domainRegistry is { } r && ConsentTimeline.IdOf(terms, chainId, r) == id;
                if (!matches)
                {
                    _problems.Add($"The terms in the {e.Describe()} do not hash to consent id {id} on chain {chainId}: the consent's terms were altered.");
                }
                if (_consents.ContainsKey(id))
                {
                    _problems.Add($"Consent {id} is granted twice ({e.Describe()}); a consent id is granted once.");
                    return;
                }
                _consents[id] = new ConsentTimeline(id, terms, e, matches);
                return;
            }
            case ConsentNarrowed narrowing:
                if (_consents.TryGetValue(narrowing.ConsentId, out var narrowed))
                {
                    narrowed.Narrow(e, narrowing);
                }
                return;
            case ConsentRevoked revocation:
                if (_consents.TryGetValue(revocation.ConsentId, out var revoked))
                {
                    revoked.Revoke(e);
                }
                return;
            case EnterpriseUnbound unbound:
                _unboundAt.TryAdd(unbound.Enterprise, e.BlockNumber);
                return;
            case BatchAnchored anchored:
            {
                var key = new BatchKey(anchored.OrgId, anchored.BatchId);
                if (!_anchors.TryAdd(key, e))
                {
                    _problems.Add($"The {key} is anchored twice ({_anchors[key].Describe()} and {e.Describe()}); the chain accepts a batch id once.");
                }
                return;
            }
            case AccessRecorded access:
            {
                var consent = access.ConsentId;
                if (!_strongAccesses.TryGetValue(consent, out var list))
                {
                    _strongAccesses[consent] = list = [];
                }
                list.Add(e);
                return;
            }
            case CreditDecisionRecorded decision:
                _decisions.TryAdd(decision.DecisionHash.Value, e);
                return;
            case SpendingRecorded spending:
            {
                var evidence = spending.EvidenceHash;
                if (!_spendings.TryGetValue(evidence, out var list))
                {
                    _spendings[evidence] = list = [];
                }
                list.Add(e);
                return;
            }
        }
    }

    /// <summary>The consent's timeline, or null when no ConsentGranted event for it is known.</summary>
    public ConsentTimeline? Consent(ConsentId id) => _consents.GetValueOrDefault(id);

    /// <summary>The time (unix seconds) of <paramref name="block"/>, when known.</summary>
    public bool TryGetBlockTime(ulong block, out ulong seconds) => _blockTimes.TryGetValue(block, out seconds);

    /// <summary>Block → time for every block known.</summary>
    public IReadOnlyDictionary<ulong, ulong> BlockTimes => _blockTimes;

    /// <summary>The block the tax bureau unbound <paramref name="enterprise"/> in, if it did.</summary>
    public ulong? UnboundAt(EthAddress enterprise) => _unboundAt.TryGetValue(enterprise, out var block) ? block : null;

    /// <summary>The BatchAnchored event of <paramref name="batch"/>, if known.</summary>
    public ChainEvent? AnchorEvent(BatchKey batch) => _anchors.GetValueOrDefault(batch);

    /// <summary>Every BatchAnchored event, by batch.</summary>
    public IReadOnlyDictionary<BatchKey, ChainEvent> AnchorEvents => _anchors;

    /// <summary>The CreditDecisionRecorded event of a decision hash, if known.</summary>
    public ChainEvent? DecisionEvent(Hash32 decisionHash) => _decisions.GetValueOrDefault(decisionHash);

    /// <summary>Strong-mode accesses (AccessRecorded) under a consent, in chain order.</summary>
    public IReadOnlyList<ChainEvent> StrongAccesses(ConsentId consent) => _strongAccesses.TryGetValue(consent, out var list) ? list : [];

    /// <summary>SpendingRecorded events with this evidence hash.</summary>
    public IReadOnlyList<ChainEvent> Spendings(Hash32 evidenceHash) => _spendings.TryGetValue(evidenceHash, out var list) ? list : [];
}
