using System.Globalization;
using System.Text;
using System.Text.Json;
using Ledger.Audit.Bundle;
using Ledger.Audit.History;
using Ledger.Audit.Indexing;
using Ledger.Audit.Verification;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Audit.Statistics;

/// <summary>A count and an amount under a key (a product code or a rating).</summary>
public sealed record CountAmount(string Key, ulong Count, UInt128 AmountFen);

/// <summary>
/// The program's figures, as a city tax bureau publishes them ("918 taxpayers, 1,105 credits, 1.905 bn CNY"),
/// computed from the ledger: chain events for lending, consents and risk sharing, off-chain records for data access.
/// Definitions in docs/audit.md, "Program statistics".
/// </summary>
public sealed record ProgramStatistics
{
    /// <summary>Distinct enterprises (credit-code hashes) with at least one disbursed loan.</summary>
    public ulong EnterprisesServed { get; init; }

    /// <summary>Loans disbursed (LoanDisbursed events).</summary>
    public ulong CreditsGranted { get; init; }

    /// <summary>Sum of the disbursed amounts.</summary>
    public UInt128 TotalAmountFen { get; init; }

    /// <summary>Disbursements by product code.</summary>
    public IReadOnlyList<CountAmount> ByProduct { get; init; } = [];

    /// <summary>Disbursements by the enterprise's tax-credit rating at the decision (A, B, M, C, D, none, unknown).</summary>
    public IReadOnlyList<CountAmount> ByRating { get; init; } = [];

    /// <summary>Of the rated disbursements, how many ratings come from a verified reasons document (the rest from the bank's report).</summary>
    public ulong RatingsFromReasons { get; init; }

    /// <summary>Credit decisions recorded on chain that approved.</summary>
    public ulong DecisionsApproved { get; init; }

    /// <summary>Credit decisions recorded on chain that declined.</summary>
    public ulong DecisionsDeclined { get; init; }

    /// <summary>Consents granted.</summary>
    public ulong ConsentsGranted { get; init; }

    /// <summary>Consents revoked.</summary>
    public ulong ConsentsRevoked { get; init; }

    /// <summary>Data accesses: access records plus strong-mode AccessRecorded events.</summary>
    public ulong DataAccesses { get; init; }

    /// <summary>Refused requests: refusal records plus strong-mode AccessRefused events.</summary>
    public ulong Refusals { get; init; }

    /// <summary>Deletion receipts (data deleted on revocation, expiry or data life).</summary>
    public ulong DeletionReceipts { get; init; }

    /// <summary>Repayments recorded.</summary>
    public ulong Repayments { get; init; }

    /// <summary>Principal repaid.</summary>
    public UInt128 RepaidPrincipalFen { get; init; }

    /// <summary>Overdue reports.</summary>
    public ulong OverdueReports { get; init; }

    /// <summary>Loans defaulted.</summary>
    public ulong Defaults { get; init; }

    /// <summary>The banks' losses on defaulted loans.</summary>
    public UInt128 DefaultLossFen { get; init; }

    /// <summary>Loans guaranteed (single or under an agreement).</summary>
    public ulong Guarantees { get; init; }

    /// <summary>Guarantor payouts (代偿).</summary>
    public ulong GuarantorPayouts { get; init; }

    /// <summary>Sum of the guarantor payouts.</summary>
    public UInt128 GuarantorPayoutFen { get; init; }

    /// <summary>Risk-compensation claims paid.</summary>
    public ulong Compensations { get; init; }

    /// <summary>Sum of the compensation paid.</summary>
    public UInt128 CompensationFen { get; init; }

    /// <summary>R&amp;D fund-flow deviations raised.</summary>
    public ulong FundFlowDeviations { get; init; }

    /// <summary>Records left out because they failed verification (when a report was given).</summary>
    public ulong ExcludedRecords { get; init; }

    /// <summary>The last block the figures include.</summary>
    public ulong AsOfBlock { get; init; }

    /// <summary>The time range the figures cover (unix ms, half-open), when one was asked for.</summary>
    public ulong? FromMs { get; init; }

    /// <summary>End of the time range (exclusive).</summary>
    public ulong? UntilMs { get; init; }

    /// <summary>The headline: "918 enterprises served, 1,105 credits granted, 19.05亿 CNY (1,905,000,000.00 CNY)".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{EnterprisesServed:N0} enterprises served, {CreditsGranted:N0} credits granted, {Money.Yi(TotalAmountFen)} ({Money.Cny(TotalAmountFen)})");
}

/// <summary>Computes <see cref="ProgramStatistics"/> from indexed evidence.</summary>
public static class ProgramStatisticsCalculator
{
    /// <summary>Rating key of a decision whose reasons say there was no current rating.</summary>
    public const string NoRating = "none";

    /// <summary>Rating key of a decision with no reasons document and no reported rating.</summary>
    public const string UnknownRating = "unknown";

    /// <summary>
    /// The figures for everything in the evidence, or for what happened in <paramref name="range"/> (its time range
    /// only; events by block time, records by their own time). With <paramref name="report"/>, records that failed
    /// verification are left out (and counted in <see cref="ProgramStatistics.ExcludedRecords"/>).
    /// </summary>
    public static ProgramStatistics Compute(LedgerIndex index, AuditScope? range = null, VerificationReport? report = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        range ??= AuditScope.WholeLedger;
        range.Validate();
        var records = index.Evidence.Records;
        var history = index.History;

        ulong accesses = 0, refusals = 0, deletions = 0, excluded = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i].Record;
            if (!range.InTimeRange(AuditRecordJson.TimeMs(record)) || index.DuplicateOf(i) is not null)
            {
                continue;
            }
            if (report is not null && report.StatusOf(i) == VerificationStatus.Failed)
            {
                excluded++;
                continue;
            }
            switch (record)
            {
                case AccessRecord:
                    accesses++;
                    break;
                case RefusalRecord:
                    refusals++;
                    break;
                case DeletionReceipt:
                    deletions++;
                    break;
            }
        }

        var enterprises = new HashSet<Hash32>();
        var byProduct = new SortedDictionary<string, (ulong Count, UInt128 Amount)>(StringComparer.Ordinal);
        var byRating = new SortedDictionary<string, (ulong Count, UInt128 Amount)>(Comparer<string>.Create(CompareRatings));
        ulong credits = 0, granted = 0, revoked = 0, repayments = 0, overdue = 0, defaults = 0, guarantees = 0, payouts = 0, compensations = 0;
        ulong deviations = 0, approved = 0, declined = 0, fromReasons = 0, asOf = 0;
        UInt128 total = 0, repaid = 0, loss = 0, paidOut = 0, compensated = 0;
        foreach (var e in history.Events)
        {
            if (!range.InTimeRange(e.BlockTimestamp * 1000))
            {
                continue;
            }
            asOf = Math.Max(asOf, e.BlockNumber);
            try
            {
                switch (e.Name)
                {
                    case LedgerEvents.LoanDisbursed:
                    {
                        var disbursed = e.As<LoanDisbursed>();
                        var amount = disbursed.AmountFen;
                        credits++;
                        total += amount;
                        enterprises.Add(disbursed.EnterpriseHash.Value);
                        Add(byProduct, disbursed.ProductCode.Code, amount);
                        var (rating, verified) = RatingOf(index, disbursed.DecisionHash.Value, report);
                        fromReasons += verified ? 1UL : 0UL;
                        Add(byRating, rating, amount);
                        break;
                    }
                    case LedgerEvents.CreditDecisionRecorded:
                        if (e.As<CreditDecisionRecorded>().Approved)
                        {
                            approved++;
                        }
                        else
                        {
                            declined++;
                        }
                        break;
                    case LedgerEvents.ConsentGranted:
                        granted++;
                        break;
                    case LedgerEvents.ConsentRevoked:
                        revoked++;
                        break;
                    case LedgerEvents.AccessRecorded:
                        accesses++;
                        break;
                    case LedgerEvents.AccessRefused:
                        refusals++;
                        break;
                    case LedgerEvents.LoanRepaid:
                        repayments++;
                        repaid += e.As<LoanRepaid>().PrincipalFen;
                        break;
                    case LedgerEvents.LoanOverdue:
                        overdue++;
                        break;
                    case LedgerEvents.LoanDefaulted:
                        defaults++;
                        loss += e.As<LoanDefaulted>().LossFen;
                        break;
                    case LedgerEvents.LoanGuaranteed:
                        guarantees++;
                        break;
                    case LedgerEvents.GuaranteePaidOut:
                        payouts++;
                        paidOut += e.As<GuaranteePaidOut>().PayoutFen;
                        break;
                    case LedgerEvents.ClaimPaid:
                        compensations++;
                        compensated += e.As<ClaimPaid>().PayoutFen;
                        break;
                    case LedgerEvents.FundFlowDeviated:
                        deviations++;
                        break;
                }
            }
            catch (FormatException)
            {
                // A malformed event is reported by verification (ChainHistory.Problems); it adds nothing here.
            }
        }

        return new ProgramStatistics
        {
            EnterprisesServed = (ulong)enterprises.Count,
            CreditsGranted = credits,
            TotalAmountFen = total,
            ByProduct = [.. byProduct.Select(p => new CountAmount(p.Key, p.Value.Count, p.Value.Amount))],
            ByRating = [.. byRating.Select(p => new CountAmount(p.Key, p.Value.Count, p.Value.Amount))],
            RatingsFromReasons = fromReasons,
            DecisionsApproved = approved,
            DecisionsDeclined = declined,
            ConsentsGranted = granted,
            ConsentsRevoked = revoked,
            DataAccesses = accesses,
            Refusals = refusals,
            DeletionReceipts = deletions,
            Repayments = repayments,
            RepaidPrincipalFen = repaid,
            OverdueReports = overdue,
            Defaults = defaults,
            DefaultLossFen = loss,
            Guarantees = guarantees,
            GuarantorPayouts = payouts,
            GuarantorPayoutFen = paidOut,
            Compensations = compensations,
            CompensationFen = compensated,
            FundFlowDeviations = deviations,
            ExcludedRecords = excluded,
            AsOfBlock = asOf,
            FromMs = range.FromMs,
            UntilMs = range.UntilMs,
        };
    }

    /// <summary>
    /// The tax-credit rating behind a disbursement: read from the decision record's reasons document when the bundle
    /// carries it and it hashes to the record's <c>reasonsHash</c> (verified); otherwise the rating the bank reported
    /// with the record (unverified); otherwise <see cref="UnknownRating"/>.
    /// </summary>
    public static (string Rating, bool Verified) RatingOf(LedgerIndex index, Hash32 decisionHash, VerificationReport? report = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        var i = index.IndexOf(new RecordHash(decisionHash));
        if (i < 0 || (report is not null && report.StatusOf(i) == VerificationStatus.Failed) || index.Evidence.Records[i].Record is not CreditDecisionRecord decision)
        {
            return (UnknownRating, false);
        }
        var item = index.Evidence.Records[i];
        if (item.ReasonsJson is { } reasons && Keccak.Hash(Encoding.UTF8.GetBytes(reasons)) == decision.ReasonsHash && RatingFromReasons(reasons) is { } fromReasons)
        {
            return (fromReasons, true);
        }
        return item.Rating is { Length: 1 } reported && "ABMCD".Contains(reported[0], StringComparison.Ordinal)
            ? (reported, false)
            : (UnknownRating, false);
    }

    /// <summary>
    /// The current rating in a canonical reasons document (<c>ledger/credit-reasons/v1</c>): the
    /// <c>taxCreditRating.latest</c> factor's reason, "Tax-credit rating A in 2025 (+220)", or <see cref="NoRating"/>
    /// when it says there was none. Null when the document has no such factor.
    /// </summary>
    public static string? RatingFromReasons(string reasonsJson)
    {
        ArgumentNullException.ThrowIfNull(reasonsJson);
        try
        {
            using var document = JsonDocument.Parse(reasonsJson);
            if (!document.RootElement.TryGetProperty("factors", out var factors) || factors.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            foreach (var factor in factors.EnumerateArray())
            {
                if (factor.TryGetProperty("factor", out var name) && name.GetString() == "taxCreditRating.latest"
                    && factor.TryGetProperty("reason", out var reason) && reason.GetString() is { } text)
                {
                    const string Prefix = "Tax-credit rating ";
                    return text.StartsWith(Prefix, StringComparison.Ordinal) && text.Length > Prefix.Length + 1
                        && "ABMCD".Contains(text[Prefix.Length], StringComparison.Ordinal) && text[Prefix.Length + 1] == ' '
                        ? text[Prefix.Length].ToString()
                        : NoRating;
                }
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static void Add(SortedDictionary<string, (ulong Count, UInt128 Amount)> map, string key, UInt128 amount)
    {
        map.TryGetValue(key, out var current);
        map[key] = (current.Count + 1, current.Amount + amount);
    }

    private static int CompareRatings(string? a, string? b) => RatingOrder(a).CompareTo(RatingOrder(b)) is var c and not 0 ? c : string.CompareOrdinal(a, b);

    private static int RatingOrder(string? rating) => rating switch
    {
        "A" => 0,
        "B" => 1,
        "M" => 2,
        "C" => 3,
        "D" => 4,
        NoRating => 5,
        _ => 6,
    };
}
