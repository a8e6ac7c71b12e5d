using System.Globalization;
using Ledger.Audit.Bundle;
using Ledger.Audit.History;
using Ledger.Audit.Indexing;
using Ledger.Audit.Statistics;
using Ledger.Audit.Verification;
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
        if (e.Name == LedgerEvents.ConsentGranted && e.HashOrNull("consentId") is { } id
            && _index.History.Consent(new ConsentId(id)) is { IdMatchesTerms: false })
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
            return e.Name switch
            {
                LedgerEvents.ConsentGranted =>
                    $"The enterprise granted {e.Org("consumer")} consent {Short(e.Hash("consentId"))} to read {LedgerVerifier.ScopeText((Scopes)e.U64("terms.scopes"))} from {e.Org("provider")}, valid until {Utc(e.U64("terms.validUntil"))}; signed by {e.Address("enterprise")}, relayed by {Relayer(e)}",
                LedgerEvents.ConsentImported => $"Consent {Short(e.Hash("consentId"))} was taken over from the previous registry {e.Address("predecessor")} (contract upgrade; nothing signed again)",
                LedgerEvents.BindingImported => $"The enterprise account {e.Address("enterprise")} was taken over from the previous registry {e.Address("predecessor")} (contract upgrade)",
                LedgerEvents.ConsentNarrowed => $"Consent {Short(e.Hash("consentId"))} narrowed to {LedgerVerifier.ScopeText((Scopes)e.U64("scopes"))} until {Utc(e.U64("validUntil"))}",
                LedgerEvents.ConsentRevoked => $"The enterprise revoked consent {Short(e.Hash("consentId"))}",
                LedgerEvents.AccessRecorded => $"{e.Org("provider")} served {LedgerVerifier.ScopeText((Scopes)e.U64("scopes"))} to {e.Org("consumer")} (recorded on chain)",
                LedgerEvents.AccessRefused => $"{e.Org("provider")} refused {e.Org("consumer")} ({RefusalText((byte)e.U64("reason"))}, recorded on chain)",
                LedgerEvents.CreditDecisionRecorded => $"{e.Org("bankOrg")} recorded {(e.Bool("approved") ? "an approval" : "a decline")} ({Short(e.Hash("decisionHash"))})",
                LedgerEvents.LoanDisbursed =>
                    $"{e.Org("bankOrg")} disbursed {Money.Cny(e.U128("amountFen"))} ({new ProductCode(e.Hash("productCode"))}, {Money.Percent((uint)e.U64("rateBps"))}, {e.U64("termMonths")} months, {(LoanPurpose)(byte)e.U64("purpose")})",
                LedgerEvents.LoanRepaid => $"Repaid {Money.Cny(e.U128("principalFen"))} principal and {Money.Cny(e.U128("interestFen"))} interest; {Money.Cny(e.U128("outstandingFen"))} outstanding",
                LedgerEvents.LoanOverdue => $"Overdue {e.U64("daysOverdue")} days, {Money.Cny(e.U128("overdueFen"))}",
                LedgerEvents.LoanBackToCurrent => "The loan is current again",
                LedgerEvents.LoanDefaulted => $"The loan defaulted with a loss of {Money.Cny(e.U128("lossFen"))}",
                LedgerEvents.GuarantorInvited => $"{e.Org("bankOrg")} invited {e.Org("guarantorOrg")} to guarantee the loan (at least {Money.Percent((uint)e.U64("minCoverageBps"))} coverage, at most {Money.Cny(e.U128("maxFeeFen"))} fee)",
                LedgerEvents.InvitationWithdrawn => $"{e.Org("bankOrg")} withdrew its invitation to {e.Org("guarantorOrg")}",
                LedgerEvents.GuaranteeCancelled => $"{e.Org("bankOrg")} cancelled {e.Org("guarantorOrg")}'s guarantee before default",
                LedgerEvents.LoanGuaranteed => $"{e.Org("guarantorOrg")} guaranteed {Money.Percent((uint)e.U64("coverageBps"))} of the loan for a fee of {Money.Cny(e.U128("feeFen"))}",
                LedgerEvents.GuaranteeReleased => $"{e.Org("guarantorOrg")}'s guarantee was released",
                LedgerEvents.GuaranteePaidOut => $"{e.Org("guarantorOrg")} paid {Money.Cny(e.U128("payoutFen"))} to {e.Org("bankOrg")} (代偿; {Money.Cny(e.U128("paidFen"))} of {Money.Cny(e.U128("obligationFen"))} owed)",
                LedgerEvents.GuarantorFailedToPay => $"{e.Org("guarantorOrg")} had paid {Money.Cny(e.U128("paidFen"))} of the {Money.Cny(e.U128("obligationFen"))} it owed when {e.Org("bankOrg")} claimed; the claim nets the obligation out",
                LedgerEvents.ClaimFiled => $"{e.Org("bankOrg")} claimed compensation on a net loss of {Money.Cny(e.U128("netLossFen"))} ({Money.Cny(e.U128("dueFen"))} due)",
                LedgerEvents.ClaimPaid => $"The risk-compensation fund paid {Money.Cny(e.U128("payoutFen"))} to {e.Org("bankOrg")} ({Money.Cny(e.U128("paidFen"))} of {Money.Cny(e.U128("dueFen"))}{(e.Bool("settled") ? ", settled" : ", the rest after a top-up")})",
                LedgerEvents.ClaimRejected => $"The risk-compensation fund rejected {e.Org("bankOrg")}'s claim (reason {e.U64("reasonCode")})",
                LedgerEvents.ClaimWithdrawn => $"{e.Org("bankOrg")} withdrew its claim",
                LedgerEvents.FundFlowOpened => $"{e.Org("bankOrg")} opened the R&D fund-flow ledger (non-R&D share at most {Money.Percent((uint)e.U64("maxNonRdBps"))})",
                LedgerEvents.SpendingRecorded => $"{e.Org("recorderOrg")} recorded {Money.Cny(e.U128("amountFen"))} of {(SpendCategory)(byte)e.U64("category")} spending",
                LedgerEvents.SpendingReversed => $"{e.Org("recorderOrg")} reversed entry {e.U64("entryIndex")} ({Money.Cny(e.U128("amountFen"))} of {(SpendCategory)(byte)e.U64("category")} spending; reason {Short(e.Hash("reasonHash"))})",
                LedgerEvents.SpendingCorrected => $"{e.Org("recorderOrg")} corrected entry {e.U64("entryIndex")} by entry {e.U64("newEntryIndex")}",
                LedgerEvents.FundFlowDeviated => $"Fund flow deviated: {Money.Percent((uint)e.U64("nonRdShareBps"))} non-R&D, above {Money.Percent((uint)e.U64("maxNonRdBps"))}",
                LedgerEvents.FundFlowDeviationCleared => $"Fund-flow deviation cleared ({Money.Percent((uint)e.U64("nonRdShareBps"))} non-R&D)",
                LedgerEvents.EnterpriseBound => $"{e.Org("taxOrg")} bound the enterprise account {e.Text("enterprise")}",
                LedgerEvents.EnterpriseUnbound => $"{e.Org("taxOrg")} unbound the enterprise account {e.Text("enterprise")}",
                LedgerEvents.BatchAnchored => $"{e.Org("orgId")} anchored {e.U64("count")} record(s) as batch {Short(e.Hash("batchId"))}",
                _ => e.Name,
            };
        }
        catch (FormatException)
        {
            return $"{e.Name} (malformed)";
        }
    }

    private static string RefusalText(byte reason) =>
        reason < 64 ? ((AccessStatus)reason).ToString() : ((RefusalReason)reason).ToString();

    private static string Short(Core.Primitives.Hash32 value) => value.ToShortString();

    // Who sent a grant the enterprise signed: a member's operator relays it, or the enterprise sends it itself.
    private static string Relayer(ChainEvent e)
    {
        var relayer = e.Text("relayer");
        return relayer.Length == 0 ? "(not recorded)"
            : string.Equals(relayer, e.Text("enterprise"), StringComparison.OrdinalIgnoreCase) ? "the enterprise itself" : relayer;
    }

    private static string Utc(ulong seconds) =>
        DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(seconds, 253402300799UL)).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
