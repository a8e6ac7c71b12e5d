using Ledger.Audit.Bundle;
using Ledger.Audit.History;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;

namespace Ledger.Audit.Indexing;

/// <summary>The records and events that belong to a scope (positions in the evidence and in the history's events).</summary>
/// <param name="Records">Record positions, ascending.</param>
/// <param name="Events">Event positions (chain order), ascending.</param>
public sealed record ScopeSelection(IReadOnlyList<int> Records, IReadOnlyList<int> Events)
{
    /// <summary>
    /// What belongs to <paramref name="scope"/>:
    /// an enterprise — its consents and everything made under them, its credit decisions, its loans and everything
    /// about them (repayments, overdue, default, guarantees, payouts, claims, fund flows), and every event naming it;
    /// a loan — its events, its fund-flow evidence, its decision (record and event) and its consent's grant, narrowings
    /// and revocation; a consent — its events and records and the loans made on it with theirs; no subject — everything.
    /// A time range then keeps what happened inside it (records by their own time, events by block time).
    /// </summary>
    public static ScopeSelection Of(LedgerIndex index, AuditScope scope)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(scope);
        scope.Validate();
        var records = new HashSet<int>();
        var events = new HashSet<int>();
        var history = index.History;
        switch (scope.Kind)
        {
            case AuditScopeKind.Enterprise:
            {
                var enterprise = scope.Enterprise!.Value;
                var loans = new HashSet<LoanId>(index.LoansOf(enterprise));
                foreach (var consent in index.ConsentsOf(enterprise))
                {
                    records.UnionWith(index.RecordsOfConsent(consent));
                    events.UnionWith(index.EventsOfConsent(consent));
                    loans.UnionWith(index.LoansOf(consent));
                }
                records.UnionWith(index.DecisionsOf(enterprise));
                events.UnionWith(index.EventsOfEnterprise(enterprise));
                foreach (var loan in loans)
                {
                    records.UnionWith(index.RecordsOfLoan(loan));
                    events.UnionWith(index.EventsOfLoan(loan));
                }
                break;
            }
            case AuditScopeKind.Loan:
            {
                var loan = scope.Loan!.Value;
                records.UnionWith(index.RecordsOfLoan(loan));
                events.UnionWith(index.EventsOfLoan(loan));
                if (index.Disbursement(loan) is { } disbursed)
                {
                    var disbursement = disbursed.TryAs<LoanDisbursed>();
                    if (disbursement?.DecisionHash.Value is { } decision)
                    {
                        if (index.IndexOf(new RecordHash(decision)) is var d and >= 0)
                        {
                            records.Add(d);
                        }
                        if (index.DecisionEventIndex(decision) is var de and >= 0)
                        {
                            events.Add(de);
                        }
                    }
                    if (disbursement?.ConsentId is { } consent)
                    {
                        events.UnionWith(index.EventsOfConsent(consent).Where(k => IsConsentLifecycle(history.Events[k])));
                    }
                }
                break;
            }
            case AuditScopeKind.Consent:
            {
                var consent = scope.Consent!.Value;
                records.UnionWith(index.RecordsOfConsent(consent));
                events.UnionWith(index.EventsOfConsent(consent));
                foreach (var loan in index.LoansOf(consent))
                {
                    records.UnionWith(index.RecordsOfLoan(loan));
                    events.UnionWith(index.EventsOfLoan(loan));
                }
                break;
            }
            default:
            {
                var all = new List<int>(index.Evidence.Records.Count);
                for (var i = 0; i < index.Evidence.Records.Count; i++)
                {
                    if (scope.InTimeRange(AuditRecordJson.TimeMs(index.Evidence.Records[i].Record)))
                    {
                        all.Add(i);
                    }
                }
                var allEvents = new List<int>(history.Events.Count);
                for (var k = 0; k < history.Events.Count; k++)
                {
                    if (scope.InTimeRange(history.Events[k].BlockTimestamp * 1000))
                    {
                        allEvents.Add(k);
                    }
                }
                return new ScopeSelection(all, allEvents);
            }
        }
        var selectedRecords = records.Where(i => scope.InTimeRange(AuditRecordJson.TimeMs(index.Evidence.Records[i].Record))).ToList();
        selectedRecords.Sort();
        var selectedEvents = events.Where(k => scope.InTimeRange(history.Events[k].BlockTimestamp * 1000)).ToList();
        selectedEvents.Sort();
        return new ScopeSelection(selectedRecords, selectedEvents);
    }

    /// <summary>ConsentGranted, ConsentNarrowed or ConsentRevoked.</summary>
    public static bool IsConsentLifecycle(ChainEvent e) =>
        e?.Contract == LedgerEvents.ConsentRegistry && e.Name is LedgerEvents.ConsentGranted or LedgerEvents.ConsentNarrowed or LedgerEvents.ConsentRevoked;
}
