using System.Globalization;
using Ledger.Audit.Bundle;
using Ledger.Audit.History;
using Ledger.Audit.Indexing;
using Ledger.Audit.Statistics;
using Ledger.Audit.Verification;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Records;

namespace Ledger.Audit.Trails;

/// <summary>One step of a trail: an off-chain record or a chain event, with its verification.</summary>
/// <param name="Kind">The record type (<see cref="AuditRecordJson.TypeNames"/>) or the event name.</param>
/// <param name="Id">The record's hash, or the event's id (block-log).</param>
/// <param name="Org">The acting organization, when there is one.</param>
/// <param name="BlockNumber">The block it refers to: the block an access was checked against, the anchor block of other records, the event's block.</param>
/// <param name="TimeMs">When it happened (unix ms): the record's own time, or the event's block time.</param>
/// <param name="Summary">One sentence for people.</param>
/// <param name="Status">Its verification.</param>
/// <param name="Problems">Why it failed, one sentence each.</param>
/// <param name="Fields">Its fields (record fields or event arguments) as strings.</param>
public sealed record TrailItem(
    string Kind,
    string Id,
    OrgId? Org,
    ulong? BlockNumber,
    ulong TimeMs,
    string Summary,
    VerificationStatus Status,
    IReadOnlyList<string> Problems,
    IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>The record's position in the evidence, for a record.</summary>
    public int? RecordIndex { get; init; }

    /// <summary>The event, for an event.</summary>
    public ChainEvent? Event { get; init; }
}

/// <summary>The ordered, verified trail of an enterprise, a loan, a consent or a time range.</summary>
/// <param name="Scope">What the trail is of.</param>
/// <param name="Items">Its steps, oldest first.</param>
public sealed record AuditTrail(AuditScope Scope, IReadOnlyList<TrailItem> Items)
{
    /// <summary>Steps that verified.</summary>
    public int Verified => Items.Count(i => i.Status == VerificationStatus.Verified);

    /// <summary>Records not anchored yet.</summary>
    public int Pending => Items.Count(i => i.Status == VerificationStatus.Pending);

    /// <summary>Steps that failed.</summary>
    public int Failed => Items.Count(i => i.Status == VerificationStatus.Failed);
}

/// <summary>
/// Reconstructs trails from indexed evidence: selects the scope's records and events (<see cref="ScopeSelection"/>),
/// verifies each record (from a whole-ledger report when one is given, otherwise record by record with its own
/// proof), and orders everything by time, then block, events of a block before the records checked against it.
/// </summary>
public sealed class TrailBuilder
{
    private readonly LedgerIndex _index;
    private readonly LedgerVerifier _verifier;
    private readonly VerificationReport? _report;

    /// <summary>A builder over <paramref name="verifier"/>'s evidence; with <paramref name="report"/>, record statuses come from it.</summary>
    public TrailBuilder(LedgerVerifier verifier, VerificationReport? report = null)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        _verifier = verifier;
        _index = verifier.Index;
        _report = report;
    }

    /// <summary>The trail of <paramref name="scope"/>.</summary>
    /// <exception cref="AuditException">LEDGER-1720 for a scope with several subjects or an empty time range.</exception>
    public AuditTrail Build(AuditScope scope)
    {
        var selection = ScopeSelection.Of(_index, scope);
        // Ordered by block, the chain's clock: the nodes' clocks and block times differ (on a chain that makes blocks
        // only with transactions a block's time can be minutes old), so ordering by time put an access before the
        // consent it was checked against. An access or refusal sits at the block it was checked at; another record at
        // the latest known block made before it (the head its node saw); events at their own block, before the records
        // of that block.
        var blockTimes = _index.History.BlockTimes.OrderBy(kv => kv.Key).ToList();
        // The last block before the first one whose time is at or after the record's (block times only grow, so a
        // binary search over the blocks in order finds it; a whole ledger's trail has many records and blocks).
        ulong BlockBefore(ulong timeMs)
        {
            int lo = 0, hi = blockTimes.Count; // the first index whose time * 1000 >= timeMs lies in [lo, hi]
            while (lo < hi)
            {
                var mid = lo + ((hi - lo) / 2);
                if (blockTimes[mid].Value * 1000 >= timeMs)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }
            return lo == 0 ? 0UL : blockTimes[lo - 1].Key;
        }
        var items = new List<(TrailItem Item, ulong Block, int Order, ulong Tiebreak)>(selection.Records.Count + selection.Events.Count);
        foreach (var i in selection.Records)
        {
            var result = _report?.ResultOf(i) ?? _verifier.VerifyRecord(i);
            var item = _index.Evidence.Records[i];
            var trailItem = RecordItem(i, item, result);
            var block = item.Record is AccessRecord or RefusalRecord ? trailItem.BlockNumber ?? ulong.MaxValue : BlockBefore(trailItem.TimeMs);
            items.Add((trailItem, block, 1, AuditRecordJson.SequenceOf(item.Record)));
        }
        foreach (var k in selection.Events)
        {
            var e = _index.History.Events[k];
            items.Add((EventItem(e), e.BlockNumber, 0, (ulong)e.LogIndex));
        }
        items.Sort((a, b) =>
        {
            var c = a.Block.CompareTo(b.Block);
            if (c == 0)
            {
                c = a.Order.CompareTo(b.Order);
            }
            if (c == 0)
            {
                c = a.Item.TimeMs.CompareTo(b.Item.TimeMs);
            }
            return c != 0 ? c : a.Tiebreak.CompareTo(b.Tiebreak);
        });
        return new AuditTrail(scope, [.. items.Select(x => x.Item)]);
    }

    private static TrailItem RecordItem(int index, BundleRecord item, RecordVerification result)
    {
        var record = item.Record;
        ulong? block = record switch
        {
            AccessRecord r => r.CheckedAtBlock,
            RefusalRecord r => r.CheckedAtBlock,
            _ => item.Anchor?.BlockNumber,
        };
        return new TrailItem(
            AuditRecordJson.TypeName(record),
            item.DeclaredHash.ToString(),
            AuditRecordJson.AuthorOf(record),
            block,
            AuditRecordJson.TimeMs(record),
            Describe(record),
            result.Status,
            [.. result.Problems.Select(p => p.Message)],
            AuditRecordJson.ToFieldMap(record))
        {
            RecordIndex = index,
        };
    }

    private TrailItem EventItem(ChainEvent e)
    {
        var problems = new List<string>();
        if (TypedOrNull(e) is ConsentGranted { ConsentId: var id }
            && _index.History.Consent(id) is { IdMatchesTerms: false })
        {
            problems.Add($"The terms in the {e.Describe()} do not hash to consent id {id}: they were altered.");
        }
        return new TrailItem(
            e.Name,
            e.Id,
            ActorOf(e),
            e.BlockNumber,
            e.BlockTimestamp * 1000,
            Describe(e),
            problems.Count > 0 ? VerificationStatus.Failed : VerificationStatus.Verified,
            problems,
            e.Args)
        {
            Event = e,
        };
    }

    private static readonly string[] ActorArgs = ["bankOrg", "guarantorOrg", "regulatorOrg", "recorderOrg", "provider", "consumer", "taxOrg", "orgId", "byOrg"];

    private static OrgId? ActorOf(ChainEvent e)
    {
        foreach (var name in ActorArgs)
        {
            if (e.HashOrNull(name) is { } org)
            {
                return new OrgId(org);
            }
        }
        return null;
    }

    /// <summary>One sentence about a record.</summary>
    public static string Describe(ILedgerRecord record) => record switch
    {
        AccessRecord r => $"{r.Provider} served {LedgerVerifier.ScopeText(r.Scopes)} to {r.Consumer} under consent {Short(r.ConsentId.Value)}, checked at block {r.CheckedAtBlock}",
        RefusalRecord r => $"{r.Provider} refused {r.Consumer}'s request for {LedgerVerifier.ScopeText(r.Scopes)} under consent {Short(r.ConsentId.Value)} ({RefusalText(r.Reason)})",
        DeletionReceipt r => $"{r.Consumer} deleted the data it held under consent {Short(r.ConsentId.Value)} ({r.Cause})",
        FundFlowEvidence r => $"{r.Recorder} recorded {Money.Cny(r.AmountFen)} of {r.Category} spending on loan {Short(r.LoanId.Value)}",
        CreditDecisionRecord r when r.Approved =>
            $"{r.Bank} approved {r.Product} up to {Money.Cny(r.LimitFen)} at {Money.Percent(r.RateBps)} for {r.TermMonths} months (score {r.Score})",
        CreditDecisionRecord r => $"{r.Bank} declined credit (score {r.Score})",
        _ => record?.GetType().Name ?? "",
    };

    /// <summary>One sentence about a chain event.</summary>
    public static string Describe(ChainEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        try
        {
            return e.Typed() switch
            {
                ConsentGranted g =>
                    $"The enterprise granted {g.Consumer} consent {Short(g.ConsentId.Value)} to read {LedgerVerifier.ScopeText(g.Terms.Scopes)} from {g.Provider}, valid until {Utc(g.Terms.ValidUntil)}; signed by {g.Enterprise}, relayed by {Relayer(g)}",
                ConsentImported i => $"Consent {Short(i.ConsentId.Value)} was taken over from the previous registry {i.Predecessor} (contract upgrade; nothing signed again)",
                BindingImported i => $"The enterprise account {i.Enterprise} was taken over from the previous registry {i.Predecessor} (contract upgrade)",
                ConsentNarrowed n => $"Consent {Short(n.ConsentId.Value)} narrowed to {LedgerVerifier.ScopeText(n.Scopes)} until {Utc(n.ValidUntil)}",
                ConsentRevoked r => $"The enterprise revoked consent {Short(r.ConsentId.Value)}",
                AccessRecorded a => $"{a.Provider} served {LedgerVerifier.ScopeText(a.Scopes)} to {a.Consumer} (recorded on chain)",
                AccessRefused r => $"{r.Provider} refused {r.Consumer} ({RefusalText(r.Reason)}, recorded on chain)",
                CreditDecisionRecorded d => $"{d.BankOrg} recorded {(d.Approved ? "an approval" : "a decline")} ({Short(d.DecisionHash.Value)})",
                LoanDisbursed d =>
                    $"{d.BankOrg} disbursed {Money.Cny(d.AmountFen)} ({d.ProductCode}, {Money.Percent(d.RateBps)}, {d.TermMonths} months, {d.Purpose})",
                LoanRepaid r => $"Repaid {Money.Cny(r.PrincipalFen)} principal and {Money.Cny(r.InterestFen)} interest; {Money.Cny(r.OutstandingFen)} outstanding",
                LoanOverdue o => $"Overdue {o.DaysOverdue} days, {Money.Cny(o.OverdueFen)}",
                LoanBackToCurrent => "The loan is current again",
                LoanDefaulted d => $"The loan defaulted with a loss of {Money.Cny(d.LossFen)}",
                GuarantorInvited i => $"{i.BankOrg} invited {i.GuarantorOrg} to guarantee the loan (at least {Money.Percent(i.MinCoverageBps)} coverage, at most {Money.Cny(i.MaxFeeFen)} fee)",
                InvitationWithdrawn w => $"{w.BankOrg} withdrew its invitation to {w.GuarantorOrg}",
                GuaranteeCancelled c => $"{c.BankOrg} cancelled {c.GuarantorOrg}'s guarantee before default",
                LoanGuaranteed g => $"{g.GuarantorOrg} guaranteed {Money.Percent(g.CoverageBps)} of the loan for a fee of {Money.Cny(g.FeeFen)}",
                GuaranteeReleased r => $"{r.GuarantorOrg}'s guarantee was released",
                GuaranteePaidOut p => $"{p.GuarantorOrg} paid {Money.Cny(p.PayoutFen)} to {p.BankOrg} (代偿; {Money.Cny(p.PaidFen)} of {Money.Cny(p.ObligationFen)} owed)",
                GuarantorFailedToPay f => $"{f.GuarantorOrg} had paid {Money.Cny(f.PaidFen)} of the {Money.Cny(f.ObligationFen)} it owed when {f.BankOrg} claimed; the claim nets the obligation out",
                ClaimFiled c => $"{c.BankOrg} claimed compensation on a net loss of {Money.Cny(c.NetLossFen)} ({Money.Cny(c.DueFen)} due)",
                ClaimPaid c => $"The risk-compensation fund paid {Money.Cny(c.PayoutFen)} to {c.BankOrg} ({Money.Cny(c.PaidFen)} of {Money.Cny(c.DueFen)}{(c.Settled ? ", settled" : ", the rest after a top-up")})",
                ClaimRejected c => $"The risk-compensation fund rejected {c.BankOrg}'s claim (reason {c.ReasonCode})",
                ClaimWithdrawn c => $"{c.BankOrg} withdrew its claim",
                FundFlowOpened o => $"{o.BankOrg} opened the R&D fund-flow ledger (non-R&D share at most {Money.Percent(o.MaxNonRdBps)})",
                SpendingRecorded r => $"{r.RecorderOrg} recorded {Money.Cny(r.AmountFen)} of {r.Category} spending",
                SpendingReversed r => $"{r.RecorderOrg} reversed entry {r.EntryIndex} ({Money.Cny(r.AmountFen)} of {r.Category} spending; reason {Short(r.ReasonHash)})",
                SpendingCorrected c => $"{c.RecorderOrg} corrected entry {c.EntryIndex} by entry {c.NewEntryIndex}",
                FundFlowDeviated d => $"Fund flow deviated: {Money.Percent(d.NonRdShareBps)} non-R&D, above {Money.Percent(d.MaxNonRdBps)}",
                FundFlowDeviationCleared c => $"Fund-flow deviation cleared ({Money.Percent(c.NonRdShareBps)} non-R&D)",
                EnterpriseBound b => $"{b.TaxOrg} bound the enterprise account {b.Enterprise}",
                EnterpriseUnbound u => $"{u.TaxOrg} unbound the enterprise account {u.Enterprise}",
                BatchAnchored b => $"{b.OrgId} anchored {b.Count} record(s) as batch {Short(b.BatchId.Value)}",
                _ => e.Name,
            };
        }
        catch (FormatException)
        {
            return $"{e.Name} (malformed)";
        }
    }

    // A malformed event is shown as such (Describe) rather than failing the trail.
    private static ITypedChainEvent? TypedOrNull(ChainEvent e)
    {
        try
        {
            return e.Typed();
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string RefusalText(byte reason) =>
        reason < 64 ? ((AccessStatus)reason).ToString() : ((RefusalReason)reason).ToString();

    private static string Short(Core.Primitives.Hash32 value) => value.ToShortString();

    // Who sent a grant the enterprise signed: a member's operator relays it, or the enterprise sends it itself.
    private static string Relayer(ConsentGranted g) => g.Relayer == g.Enterprise ? "the enterprise itself" : g.Relayer.ToString();

    private static string Utc(ulong seconds) =>
        DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(seconds, 253402300799UL)).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
