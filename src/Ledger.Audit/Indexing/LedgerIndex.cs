using Ledger.Audit.Bundle;
using Ledger.Audit.History;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Audit.Indexing;

/// <summary>
/// The evidence (records and chain events) indexed by what trails and bundles are asked for: enterprise, consent,
/// loan and batch. Built once in one pass over the records and one over the events; after that, one enterprise's
/// trail among a million records is a handful of dictionary probes.
/// </summary>
public sealed class LedgerIndex
{
    private static readonly IReadOnlyList<int> None = [];

    private readonly Dictionary<RecordHash, int> _firstByHash;
    private readonly Dictionary<int, int> _duplicateOf = [];
    private readonly Dictionary<ConsentId, List<int>> _recordsByConsent = [];
    private readonly Dictionary<EnterpriseHash, List<int>> _recordsByEnterprise = [];
    private readonly Dictionary<LoanId, List<int>> _recordsByLoan = [];
    private readonly Dictionary<ConsentId, List<int>> _eventsByConsent = [];
    private readonly Dictionary<LoanId, List<int>> _eventsByLoan = [];
    private readonly Dictionary<EnterpriseHash, List<int>> _eventsByEnterprise = [];
    private readonly Dictionary<EnterpriseHash, List<ConsentId>> _consentsOfEnterprise = [];
    private readonly Dictionary<EnterpriseHash, List<LoanId>> _loansOfEnterprise = [];
    private readonly Dictionary<ConsentId, List<LoanId>> _loansOfConsent = [];
    private readonly Dictionary<LoanId, int> _disbursements = [];
    private readonly Dictionary<Hash32, int> _decisionEvents = [];
    private readonly Dictionary<BatchKey, int> _anchorEvents = [];
    private readonly List<int> _membershipEvents = [];
    private readonly List<int> _unbindEvents = [];

    private readonly BatchKey[] _batchKeys;
    private readonly int[] _batchOf;
    private readonly int[] _batchStart;
    private readonly int[] _batchMembers;

    private LedgerIndex(AuditBundle evidence, ChainHistory history)
    {
        Evidence = evidence;
        History = history;
        var records = evidence.Records;
        var n = records.Count;
        _firstByHash = new Dictionary<RecordHash, int>(n);
        _batchOf = new int[n];

        // Records: identity, subject maps, and batch membership. Consecutive records usually share a batch (stores
        // export in sequence order), so the previous batch is tried before the dictionary.
        var batchNumbers = new Dictionary<BatchKey, int>();
        var keys = new List<BatchKey>();
        var counts = new List<int>();
        BatchKey lastKey = default;
        var lastNumber = -1;
        for (var i = 0; i < n; i++)
        {
            var item = records[i];
            if (!_firstByHash.TryAdd(item.DeclaredHash, i))
            {
                _duplicateOf[i] = _firstByHash[item.DeclaredHash];
            }
            if (item.Anchor is { } anchor)
            {
                var key = anchor.Batch;
                if (lastNumber < 0 || key != lastKey)
                {
                    if (!batchNumbers.TryGetValue(key, out lastNumber))
                    {
                        lastNumber = keys.Count;
                        batchNumbers[key] = lastNumber;
                        keys.Add(key);
                        counts.Add(0);
                    }
                    lastKey = key;
                }
                _batchOf[i] = lastNumber;
                counts[lastNumber]++;
            }
            else
            {
                _batchOf[i] = -1;
            }
            switch (item.Record)
            {
                case AccessRecord r:
                    Add(_recordsByConsent, r.ConsentId, i);
                    break;
                case RefusalRecord r:
                    Add(_recordsByConsent, r.ConsentId, i);
                    break;
                case DeletionReceipt r:
                    Add(_recordsByConsent, r.ConsentId, i);
                    break;
                case CreditDecisionRecord r:
                    Add(_recordsByConsent, r.ConsentId, i);
                    Add(_recordsByEnterprise, r.Enterprise, i);
                    break;
                case FundFlowEvidence r:
                    Add(_recordsByLoan, r.LoanId, i);
                    break;
            }
        }

        // Batches whose anchors the evidence lists but no record refers to are still batches to check.
        foreach (var anchor in evidence.Anchors)
        {
            if (!batchNumbers.ContainsKey(anchor.Batch))
            {
                batchNumbers[anchor.Batch] = keys.Count;
                keys.Add(anchor.Batch);
                counts.Add(0);
            }
        }

        // Members of each batch, contiguous (counting sort by batch number), in evidence order.
        _batchKeys = [.. keys];
        _batchStart = new int[keys.Count + 1];
        for (var b = 0; b < keys.Count; b++)
        {
            _batchStart[b + 1] = _batchStart[b] + counts[b];
        }
        _batchMembers = new int[_batchStart[keys.Count]];
        var fill = (int[])_batchStart.Clone();
        for (var i = 0; i < n; i++)
        {
            if (_batchOf[i] >= 0)
            {
                _batchMembers[fill[_batchOf[i]]++] = i;
            }
        }

        var events = history.Events;
        for (var k = 0; k < events.Count; k++)
        {
            IndexEvent(events[k], k);
        }
    }

    /// <summary>The records, anchors, events and block times indexed.</summary>
    public AuditBundle Evidence { get; }

    /// <summary>The chain history rebuilt from the events.</summary>
    public ChainHistory History { get; }

    /// <summary>Number of distinct batches (referred to by records or listed as anchors).</summary>
    public int BatchCount => _batchKeys.Length;

    /// <summary>Indexes <paramref name="evidence"/> (rebuilding its chain history).</summary>
    public static LedgerIndex Build(AuditBundle evidence) =>
        Build(evidence, ChainHistory.Build((evidence ?? throw new ArgumentNullException(nameof(evidence))).Events, evidence.Chain, evidence.BlockTimes));

    /// <summary>Indexes <paramref name="evidence"/> with an already-built history of its events (or of the chain's own events).</summary>
    public static LedgerIndex Build(AuditBundle evidence, ChainHistory history)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(history);
        return new LedgerIndex(evidence, history);
    }

    private void IndexEvent(ChainEvent e, int k)
    {
        if (LedgerEvents.IsMembership(e))
        {
            _membershipEvents.Add(k);
            return;
        }
        if (e.Name == LedgerEvents.EnterpriseUnbound)
        {
            _unbindEvents.Add(k);
        }
        var consent = e.HashOrNull("consentId") is { } c ? new ConsentId(c) : (ConsentId?)null;
        var loan = e.HashOrNull("loanId") is { } l ? new LoanId(l) : (LoanId?)null;
        var enterprise = (e.HashOrNull("enterpriseHash") ?? e.HashOrNull("creditCodeHash")) is { } h ? new EnterpriseHash(h) : (EnterpriseHash?)null;
        if (consent is { } consentId)
        {
            Add(_eventsByConsent, consentId, k);
        }
        if (loan is { } loanId)
        {
            Add(_eventsByLoan, loanId, k);
        }
        if (enterprise is { } enterpriseHash)
        {
            Add(_eventsByEnterprise, enterpriseHash, k);
        }
        switch (e.Name)
        {
            case LedgerEvents.ConsentGranted when consent is { } granted && enterprise is { } owner:
                Add(_consentsOfEnterprise, owner, granted);
                break;
            case LedgerEvents.LoanDisbursed when loan is { } disbursed:
                _disbursements.TryAdd(disbursed, k);
                if (enterprise is { } borrower)
                {
                    Add(_loansOfEnterprise, borrower, disbursed);
                }
                if (consent is { } under)
                {
                    Add(_loansOfConsent, under, disbursed);
                }
                break;
            case LedgerEvents.CreditDecisionRecorded when e.TryAs<CreditDecisionRecorded>() is { } decision:
                _decisionEvents.TryAdd(decision.DecisionHash.Value, k);
                break;
            case LedgerEvents.BatchAnchored when e.TryAs<BatchAnchored>() is { } anchored:
                _anchorEvents.TryAdd(new BatchKey(anchored.OrgId, anchored.BatchId), k);
                break;
        }
    }

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }
        list.Add(value);
    }

    // ------------------------------------------------------------------ records

    /// <summary>The position of the (first) record with this declared hash, or −1.</summary>
    public int IndexOf(RecordHash hash) => _firstByHash.TryGetValue(hash, out var i) ? i : -1;

    /// <summary>When the record at <paramref name="index"/> repeats an earlier one, that one's position.</summary>
    public int? DuplicateOf(int index) => _duplicateOf.TryGetValue(index, out var first) ? first : null;

    /// <summary>Records made under a consent (accesses, refusals, deletion receipts, decisions), in evidence order.</summary>
    public IReadOnlyList<int> RecordsOfConsent(ConsentId consent) => _recordsByConsent.TryGetValue(consent, out var list) ? list : None;

    /// <summary>The consents that have records.</summary>
    public IEnumerable<ConsentId> ConsentsWithRecords => _recordsByConsent.Keys;

    /// <summary>Credit decisions about an enterprise.</summary>
    public IReadOnlyList<int> DecisionsOf(EnterpriseHash enterprise) => _recordsByEnterprise.TryGetValue(enterprise, out var list) ? list : None;

    /// <summary>Fund-flow evidence of a loan.</summary>
    public IReadOnlyList<int> RecordsOfLoan(LoanId loan) => _recordsByLoan.TryGetValue(loan, out var list) ? list : None;

    // ------------------------------------------------------------------ batches

    /// <summary>The batch key of batch number <paramref name="batch"/> (0 … <see cref="BatchCount"/> − 1).</summary>
    public BatchKey BatchKeyAt(int batch) => _batchKeys[batch];

    /// <summary>The batch number of the record at <paramref name="index"/>, or −1 when it is not anchored.</summary>
    public int BatchOf(int index) => _batchOf[index];

    /// <summary>The records that claim batch number <paramref name="batch"/>, in evidence order.</summary>
    public ReadOnlySpan<int> MembersOf(int batch) => _batchMembers.AsSpan(_batchStart[batch], _batchStart[batch + 1] - _batchStart[batch]);

    // ------------------------------------------------------------------ events

    /// <summary>Positions (in <see cref="ChainHistory.Events"/>) of events naming the consent.</summary>
    public IReadOnlyList<int> EventsOfConsent(ConsentId consent) => _eventsByConsent.TryGetValue(consent, out var list) ? list : None;

    /// <summary>Positions of events naming the loan.</summary>
    public IReadOnlyList<int> EventsOfLoan(LoanId loan) => _eventsByLoan.TryGetValue(loan, out var list) ? list : None;

    /// <summary>Positions of events naming the enterprise (by credit-code hash).</summary>
    public IReadOnlyList<int> EventsOfEnterprise(EnterpriseHash enterprise) => _eventsByEnterprise.TryGetValue(enterprise, out var list) ? list : None;

    /// <summary>Positions of the membership events.</summary>
    public IReadOnlyList<int> MembershipEvents => _membershipEvents;

    /// <summary>Positions of the EnterpriseUnbound events.</summary>
    public IReadOnlyList<int> UnbindEvents => _unbindEvents;

    /// <summary>The consents granted by an enterprise.</summary>
    public IReadOnlyList<ConsentId> ConsentsOf(EnterpriseHash enterprise) => _consentsOfEnterprise.TryGetValue(enterprise, out var list) ? list : [];

    /// <summary>The loans disbursed to an enterprise.</summary>
    public IReadOnlyList<LoanId> LoansOf(EnterpriseHash enterprise) => _loansOfEnterprise.TryGetValue(enterprise, out var list) ? list : [];

    /// <summary>The loans disbursed on decisions made under a consent.</summary>
    public IReadOnlyList<LoanId> LoansOf(ConsentId consent) => _loansOfConsent.TryGetValue(consent, out var list) ? list : [];

    /// <summary>The LoanDisbursed event of a loan, if known.</summary>
    public ChainEvent? Disbursement(LoanId loan) => _disbursements.TryGetValue(loan, out var k) ? History.Events[k] : null;

    /// <summary>The position of the BatchAnchored event of a batch, or −1.</summary>
    public int AnchorEventIndex(BatchKey batch) => _anchorEvents.TryGetValue(batch, out var k) ? k : -1;

    /// <summary>The position of the CreditDecisionRecorded event of a decision hash, or −1.</summary>
    public int DecisionEventIndex(Hash32 decisionHash) => _decisionEvents.TryGetValue(decisionHash, out var k) ? k : -1;
}
