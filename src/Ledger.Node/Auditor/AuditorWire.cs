using System.Globalization;
using Ledger.Audit.Bundle;
using Ledger.Audit.Statistics;
using Ledger.Audit.Trails;
using Ledger.Audit.Verification;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using Proto = Ledger.Api.V1;

namespace Ledger.Node.Auditor;

/// <summary>Audit requests and answers between the wire (<c>ledger.v1.Audit</c>) and the audit library.</summary>
public static class AuditorWire
{
    /// <summary>
    /// The scope a trail or bundle request asks for: at most one of enterprise, loan or consent, optionally narrowed
    /// to a time range (unix ms, half-open; 0 leaves a side open).
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1520 naming a malformed id; LEDGER-1720 for several subjects or an empty range.</exception>
    public static AuditScope Scope(Proto.TrailRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = new AuditScope
        {
            Enterprise = Optional(request.EnterpriseHash, "enterprise_hash", h => new EnterpriseHash(h)),
            Loan = Optional(request.LoanId, "loan_id", h => new LoanId(h)),
            Consent = Optional(request.ConsentId, "consent_id", h => new ConsentId(h)),
            FromMs = request.Time is { FromMs: > 0 } ? request.Time.FromMs : null,
            UntilMs = request.Time is { UntilMs: > 0 } ? request.Time.UntilMs : null,
        };
        scope.Validate();
        return scope;
    }

    /// <summary>The time range of a statistics request (the whole ledger when none).</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1720 for an empty range.</exception>
    public static AuditScope Range(Proto.TimeRange? time)
    {
        var scope = AuditScope.ForTimeRange(time is { FromMs: > 0 } ? time.FromMs : null, time is { UntilMs: > 0 } ? time.UntilMs : null);
        scope.Validate();
        return scope;
    }

    private static T? Optional<T>(string? text, string field, Func<Hash32, T> create)
        where T : struct =>
        string.IsNullOrEmpty(text) ? null
        : text.Length == 66 && Hash32.TryParse(text, out var hash) ? create(hash)
        : throw NodeErrors.InvalidField($"{field} must be 0x followed by 64 hex digits, or empty.");

    /// <summary>A trail on the wire.</summary>
    public static Proto.Trail ToProto(AuditTrail trail)
    {
        ArgumentNullException.ThrowIfNull(trail);
        var wire = new Proto.Trail();
        uint verified = 0, pending = 0, failed = 0;
        foreach (var item in trail.Items)
        {
            var entry = new Proto.TrailItem
            {
                Kind = item.Kind,
                Id = item.Id,
                Org = item.Org?.Code ?? "",
                BlockNumber = item.BlockNumber ?? 0,
                TimeMs = item.TimeMs,
                Summary = item.Summary,
                Status = ToProto(item.Status),
            };
            entry.Problems.AddRange(item.Problems);
            foreach (var (key, value) in item.Fields)
            {
                entry.Fields[key] = value;
            }
            wire.Items.Add(entry);
            switch (item.Status)
            {
                case VerificationStatus.Verified:
                    verified++;
                    break;
                case VerificationStatus.Pending:
                    pending++;
                    break;
                default:
                    failed++;
                    break;
            }
        }
        wire.Verified = verified;
        wire.Pending = pending;
        wire.Failed = failed;
        return wire;
    }

    /// <summary>A status on the wire.</summary>
    public static Proto.VerificationStatus ToProto(VerificationStatus status) => status switch
    {
        VerificationStatus.Verified => Proto.VerificationStatus.Verified,
        VerificationStatus.Pending => Proto.VerificationStatus.Pending,
        VerificationStatus.Failed => Proto.VerificationStatus.Failed,
        _ => Proto.VerificationStatus.Unspecified,
    };

    /// <summary>A whole-ledger report on the wire (every problem one sentence; notices are not failures).</summary>
    public static Proto.VerificationReport ToProto(VerificationReport report, IEnumerable<string> notices, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(notices);
        var wire = new Proto.VerificationReport
        {
            Records = (ulong)report.Records.Count,
            Batches = (ulong)report.Anchors.Count,
            Verified = (ulong)report.Verified,
            Pending = (ulong)report.Pending,
            Failed = (ulong)report.Failed,
            ElapsedMs = (ulong)elapsed.TotalMilliseconds,
            FailedBatches = (ulong)report.FailedBatches,
            RootSource = report.RootSource,
            Summary = report.Summary(),
        };
        wire.Problems.AddRange(report.AllProblems().Select(p => p.Message));
        wire.Notices.AddRange(notices);
        return wire;
    }

    /// <summary>Program statistics on the wire (amounts in fen as decimal strings).</summary>
    public static Proto.ProgramStatistics ToProto(ProgramStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var wire = new Proto.ProgramStatistics
        {
            EnterprisesServed = stats.EnterprisesServed,
            CreditsGranted = stats.CreditsGranted,
            TotalAmountFen = Fen(stats.TotalAmountFen),
            ConsentsGranted = stats.ConsentsGranted,
            ConsentsRevoked = stats.ConsentsRevoked,
            DataAccesses = stats.DataAccesses,
            Refusals = stats.Refusals,
            Defaults = stats.Defaults,
            DefaultLossFen = Fen(stats.DefaultLossFen),
            GuarantorPayouts = stats.GuarantorPayouts,
            GuarantorPayoutFen = Fen(stats.GuarantorPayoutFen),
            Compensations = stats.Compensations,
            CompensationFen = Fen(stats.CompensationFen),
            AsOfBlock = stats.AsOfBlock,
            DecisionsApproved = stats.DecisionsApproved,
            DecisionsDeclined = stats.DecisionsDeclined,
            DeletionReceipts = stats.DeletionReceipts,
            Repayments = stats.Repayments,
            RepaidPrincipalFen = Fen(stats.RepaidPrincipalFen),
            OverdueReports = stats.OverdueReports,
            Guarantees = stats.Guarantees,
            FundFlowDeviations = stats.FundFlowDeviations,
            RatingsFromReasons = stats.RatingsFromReasons,
            ExcludedRecords = stats.ExcludedRecords,
        };
        wire.ByProduct.AddRange(stats.ByProduct.Select(ToProto));
        wire.ByRating.AddRange(stats.ByRating.Select(ToProto));
        return wire;
    }

    private static Proto.CountAmount ToProto(CountAmount bucket) => new() { Key = bucket.Key, Count = bucket.Count, AmountFen = Fen(bucket.AmountFen) };

    private static string Fen(UInt128 fen) => fen.ToString(CultureInfo.InvariantCulture);
}
