using System.Globalization;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>
/// What an audit covers: at most one of an enterprise (by salted credit-code hash), a loan or a consent, optionally
/// narrowed to a half-open time range [<see cref="FromMs"/>, <see cref="UntilMs"/>) in unix milliseconds (0: open).
/// A time range alone covers everything in it; nothing at all is the whole ledger (bundles and statistics only).
/// </summary>
public sealed record AuditQuery
{
    /// <summary>The enterprise.</summary>
    public EnterpriseHash? Enterprise { get; init; }
    /// <summary>The loan.</summary>
    public LoanId? Loan { get; init; }
    /// <summary>The consent.</summary>
    public ConsentId? Consent { get; init; }
    /// <summary>Start of the time range (inclusive, unix ms); 0: open.</summary>
    public ulong FromMs { get; init; }
    /// <summary>End of the time range (exclusive, unix ms); 0: open.</summary>
    public ulong UntilMs { get; init; }

    /// <summary>The whole ledger.</summary>
    public static AuditQuery WholeLedger { get; } = new();

    /// <summary>One enterprise's trail.</summary>
    public static AuditQuery ForEnterprise(EnterpriseHash enterprise) => new() { Enterprise = enterprise };

    /// <summary>One loan's trail.</summary>
    public static AuditQuery ForLoan(LoanId loan) => new() { Loan = loan };

    /// <summary>One consent's trail.</summary>
    public static AuditQuery ForConsent(ConsentId consent) => new() { Consent = consent };

    /// <summary>Everything in [<paramref name="fromMs"/>, <paramref name="untilMs"/>).</summary>
    public static AuditQuery ForTimeRange(ulong fromMs, ulong untilMs) => new() { FromMs = fromMs, UntilMs = untilMs };

    internal Proto.TrailRequest ToProto() => new()
    {
        EnterpriseHash = Enterprise?.ToString() ?? "",
        LoanId = Loan?.ToString() ?? "",
        ConsentId = Consent?.ToString() ?? "",
        Time = new Proto.TimeRange { FromMs = FromMs, UntilMs = UntilMs },
    };
}

/// <summary>How a trail item or record verified.</summary>
public enum AuditStatus
{
    /// <summary>The node did not say.</summary>
    Unknown = 0,
    /// <summary>Every check passed and the record is anchored (chain events: the chain's own).</summary>
    Verified = 1,
    /// <summary>Every check that applies passed; the record waits for its anchor.</summary>
    Pending = 2,
    /// <summary>At least one check failed; the problems say which and why.</summary>
    Failed = 3,
}

/// <summary>One step of a trail: an off-chain record or a chain event, with its verification.</summary>
/// <param name="Kind">The record type (<c>AccessRecord</c>, <c>Refusal</c>, …) or the event name (<c>ConsentGranted</c>, …).</param>
/// <param name="Id">The record's hash, or the event's id (<c>block-logIndex</c>).</param>
/// <param name="Org">The acting organization's code ("" when none).</param>
/// <param name="BlockNumber">The block it refers to (an access: the block its consent was checked against).</param>
/// <param name="TimeMs">When it happened (unix ms).</param>
/// <param name="Summary">One sentence for people.</param>
/// <param name="Status">Its verification.</param>
/// <param name="Problems">Why it failed, one sentence each.</param>
/// <param name="Fields">The record's fields or the event's arguments.</param>
public sealed record TrailEntry(
    string Kind, string Id, string Org, ulong BlockNumber, ulong TimeMs, string Summary, AuditStatus Status,
    IReadOnlyList<string> Problems, IReadOnlyDictionary<string, string> Fields);

/// <summary>A verified trail, oldest step first.</summary>
public sealed record AuditTrailView(IReadOnlyList<TrailEntry> Items, int Verified, int Pending, int Failed)
{
    /// <summary>True when no step failed.</summary>
    public bool Passed => Failed == 0;
}

/// <summary>The outcome of an auditor's sync.</summary>
/// <param name="RecordsPulled">Records new to the auditor (or newly anchored) in this sync.</param>
/// <param name="Unreachable">"org: why" for each member that could not be pulled from.</param>
/// <param name="RecordsTotal">Records the auditor holds afterwards.</param>
/// <param name="Synced">Organization codes of the members pulled from.</param>
public sealed record SyncSummary(ulong RecordsPulled, IReadOnlyList<string> Unreachable, ulong RecordsTotal, IReadOnlyList<string> Synced);

/// <summary>A whole-ledger verification by the auditor node.</summary>
public sealed record LedgerVerification(
    ulong Records, ulong Batches, ulong Verified, ulong Pending, ulong Failed, ulong FailedBatches,
    IReadOnlyList<string> Problems, IReadOnlyList<string> Notices, string RootSource, string Summary, TimeSpan Elapsed)
{
    /// <summary>True when nothing failed (records, batches, events); pending records and notices do not fail it.</summary>
    public bool Passed => Failed == 0 && FailedBatches == 0 && Problems.Count == 0;
}

/// <summary>An audit bundle the auditor node wrote.</summary>
/// <param name="Path">Where the node wrote it (on the node's machine).</param>
/// <param name="Json">The bundle (UTF-8 JSON, format <c>ledger/audit-bundle/v1</c>); empty when it was too large to send (over 32 MiB).</param>
/// <param name="Records">Records in it.</param>
public sealed record AuditBundleFile(string Path, ReadOnlyMemory<byte> Json, uint Records);

/// <summary>A count and an amount (fen) under a key: a product code or a rating.</summary>
public sealed record AmountByKey(string Key, ulong Count, UInt128 AmountFen);

/// <summary>Program statistics from the verified ledger (docs/audit.md, "Program statistics").</summary>
public sealed record AuditStatistics
{
    /// <summary>Distinct enterprises with a disbursed loan.</summary>
    public ulong EnterprisesServed { get; init; }
    /// <summary>Disbursements.</summary>
    public ulong CreditsGranted { get; init; }
    /// <summary>Sum of disbursed amounts.</summary>
    public UInt128 TotalAmountFen { get; init; }
    /// <summary>Disbursements by product code.</summary>
    public IReadOnlyList<AmountByKey> ByProduct { get; init; } = [];
    /// <summary>Disbursements by the enterprise's tax-credit rating at the decision (A, B, M, C, D, none, unknown).</summary>
    public IReadOnlyList<AmountByKey> ByRating { get; init; } = [];
    /// <summary>Ratings read from verified reasons documents (the rest are what the bank reported).</summary>
    public ulong RatingsFromReasons { get; init; }
    /// <summary>Credit decisions approved.</summary>
    public ulong DecisionsApproved { get; init; }
    /// <summary>Credit decisions declined.</summary>
    public ulong DecisionsDeclined { get; init; }
    /// <summary>Consents granted.</summary>
    public ulong ConsentsGranted { get; init; }
    /// <summary>Consents revoked.</summary>
    public ulong ConsentsRevoked { get; init; }
    /// <summary>Data accesses.</summary>
    public ulong DataAccesses { get; init; }
    /// <summary>Refused requests.</summary>
    public ulong Refusals { get; init; }
    /// <summary>Deletion receipts.</summary>
    public ulong DeletionReceipts { get; init; }
    /// <summary>Repayments.</summary>
    public ulong Repayments { get; init; }
    /// <summary>Principal repaid.</summary>
    public UInt128 RepaidPrincipalFen { get; init; }
    /// <summary>Overdue reports.</summary>
    public ulong OverdueReports { get; init; }
    /// <summary>Defaults.</summary>
    public ulong Defaults { get; init; }
    /// <summary>The banks' losses on defaults.</summary>
    public UInt128 DefaultLossFen { get; init; }
    /// <summary>Loans guaranteed.</summary>
    public ulong Guarantees { get; init; }
    /// <summary>Guarantor payouts (代偿).</summary>
    public ulong GuarantorPayouts { get; init; }
    /// <summary>Sum of guarantor payouts.</summary>
    public UInt128 GuarantorPayoutFen { get; init; }
    /// <summary>Risk-compensation claims paid.</summary>
    public ulong Compensations { get; init; }
    /// <summary>Sum of compensation paid.</summary>
    public UInt128 CompensationFen { get; init; }
    /// <summary>R&amp;D fund-flow deviations.</summary>
    public ulong FundFlowDeviations { get; init; }
    /// <summary>Records left out because they failed verification.</summary>
    public ulong ExcludedRecords { get; init; }
    /// <summary>The last block the figures include.</summary>
    public ulong AsOfBlock { get; init; }
}

/// <summary>
/// The auditor node (<c>ledger.v1.Audit</c>; auditors and regulators): pull every member's records now, trails by
/// enterprise, loan, consent or time range with every step verified, whole-ledger verification, offline audit bundles
/// (verify them with <c>Ledger.Audit.BundleVerifier</c> or <c>ledger audit verify</c>), and program statistics.
/// </summary>
/// <example>
/// <code>
/// using var auditor = await LedgerConnection.ConnectAsync("https://127.0.0.1:7105", auditorIdentity, new LedgerConnectionOptions { Tls = LedgerTlsOptions.Pinned(auditorNodePin) });
/// await auditor.Audit.SyncAsync();
/// var trail = await auditor.Audit.GetTrailAsync(AuditQuery.ForEnterprise(enterpriseHash));
/// var path = await auditor.Audit.SaveBundleAsync(AuditQuery.ForEnterprise(enterpriseHash), "out/audit-bundle.json");
/// </code>
/// </example>
public sealed class AuditClient
{
    // Syncs, whole-ledger verification and bundles of a large ledger take longer than an ordinary call.
    private static readonly TimeSpan LongCall = TimeSpan.FromMinutes(10);

    private readonly LedgerConnection _connection;
    private readonly Proto.Audit.AuditClient _client;

    /// <summary>A client over <paramref name="connection"/> (a connection to an auditor node).</summary>
    public AuditClient(LedgerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _client = new Proto.Audit.AuditClient(connection.Invoker);
    }

    private DateTime LongDeadline() => DateTime.UtcNow + (LongCall > _connection.Options.CallTimeout ? LongCall : _connection.Options.CallTimeout);

    /// <summary>Pulls new records from every active member now; unreachable members are listed, never fatal.</summary>
    public async Task<SyncSummary> SyncAsync(CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address,
            () => _client.SyncAsync(new Proto.Empty(), deadline: LongDeadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new SyncSummary(response.RecordsPulled, [.. response.Unreachable], response.RecordsTotal, [.. response.Synced]);
    }

    /// <summary>The verified trail of an enterprise, loan, consent or time range.</summary>
    /// <exception cref="LedgerException">LEDGER-1520 for a malformed id or an empty query; LEDGER-1720 for several subjects or an empty range.</exception>
    public async Task<AuditTrailView> GetTrailAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var trail = await Calls.RunAsync(_connection.Address,
            () => _client.GetTrailAsync(query.ToProto(), deadline: LongDeadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        var items = trail.Items.Select(i => new TrailEntry(
            i.Kind, i.Id, i.Org, i.BlockNumber, i.TimeMs, i.Summary, (AuditStatus)(int)i.Status,
            [.. i.Problems], new Dictionary<string, string>(i.Fields, StringComparer.Ordinal))).ToList();
        return new AuditTrailView(items, (int)trail.Verified, (int)trail.Pending, (int)trail.Failed);
    }

    /// <summary>Verifies every record the auditor holds against the chain's anchored roots (each batch rebuilt once).</summary>
    public async Task<LedgerVerification> VerifyLedgerAsync(CancellationToken cancellationToken = default)
    {
        var r = await Calls.RunAsync(_connection.Address,
            () => _client.VerifyLedgerAsync(new Proto.VerifyLedgerRequest(), deadline: LongDeadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new LedgerVerification(
            r.Records, r.Batches, r.Verified, r.Pending, r.Failed, r.FailedBatches, [.. r.Problems], [.. r.Notices], r.RootSource, r.Summary,
            TimeSpan.FromMilliseconds(r.ElapsedMs));
    }

    /// <summary>Has the auditor node write the offline bundle of <paramref name="query"/> (the whole ledger when empty).</summary>
    public async Task<AuditBundleFile> ExportBundleAsync(AuditQuery? query = null, CancellationToken cancellationToken = default)
    {
        var request = (query ?? AuditQuery.WholeLedger).ToProto();
        var response = await Calls.RunAsync(_connection.Address,
            () => _client.ExportBundleAsync(request, deadline: LongDeadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new AuditBundleFile(response.Path, response.BundleJson.Memory, response.Records);
    }

    /// <summary>
    /// Exports the bundle of <paramref name="query"/> and saves it to <paramref name="path"/> on this machine (written to a
    /// temporary file beside it, then renamed, so a reader never sees half a bundle); returns the full path.
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1603 when the bundle was too large to send (it is on the auditor's disk) or
    /// the file cannot be written.</exception>
    public async Task<string> SaveBundleAsync(AuditQuery? query, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var bundle = await ExportBundleAsync(query, cancellationToken).ConfigureAwait(false);
        if (bundle.Json.IsEmpty)
        {
            throw SdkErrors.InvalidArgument(
                $"The bundle ({bundle.Records} records) is too large to send; the auditor node wrote it to {bundle.Path} on its own machine: copy it from there.");
        }
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await file.WriteAsync(bundle.Json, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
            return full;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LedgerException(SdkErrors.InvalidArgumentCode, ErrorCategory.InvalidArgument,
                $"The bundle cannot be saved to {full} ({ex.Message.TrimEnd('.')}); choose a writable path.", ex);
        }
    }

    /// <summary>Program statistics from the verified ledger, for everything or a time range (unix ms; 0: open).</summary>
    public async Task<AuditStatistics> GetStatisticsAsync(ulong fromMs = 0, ulong untilMs = 0, CancellationToken cancellationToken = default)
    {
        var s = await Calls.RunAsync(_connection.Address,
            () => _client.GetStatisticsAsync(new Proto.StatisticsRequest { Time = new Proto.TimeRange { FromMs = fromMs, UntilMs = untilMs } },
                deadline: LongDeadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => new AuditStatistics
        {
            EnterprisesServed = s.EnterprisesServed,
            CreditsGranted = s.CreditsGranted,
            TotalAmountFen = Fen(s.TotalAmountFen, "total_amount_fen"),
            ByProduct = [.. s.ByProduct.Select(b => new AmountByKey(b.Key, b.Count, Fen(b.AmountFen, "by_product.amount_fen")))],
            ByRating = [.. s.ByRating.Select(b => new AmountByKey(b.Key, b.Count, Fen(b.AmountFen, "by_rating.amount_fen")))],
            RatingsFromReasons = s.RatingsFromReasons,
            DecisionsApproved = s.DecisionsApproved,
            DecisionsDeclined = s.DecisionsDeclined,
            ConsentsGranted = s.ConsentsGranted,
            ConsentsRevoked = s.ConsentsRevoked,
            DataAccesses = s.DataAccesses,
            Refusals = s.Refusals,
            DeletionReceipts = s.DeletionReceipts,
            Repayments = s.Repayments,
            RepaidPrincipalFen = Fen(s.RepaidPrincipalFen, "repaid_principal_fen"),
            OverdueReports = s.OverdueReports,
            Defaults = s.Defaults,
            DefaultLossFen = Fen(s.DefaultLossFen, "default_loss_fen"),
            Guarantees = s.Guarantees,
            GuarantorPayouts = s.GuarantorPayouts,
            GuarantorPayoutFen = Fen(s.GuarantorPayoutFen, "guarantor_payout_fen"),
            Compensations = s.Compensations,
            CompensationFen = Fen(s.CompensationFen, "compensation_fen"),
            FundFlowDeviations = s.FundFlowDeviations,
            ExcludedRecords = s.ExcludedRecords,
            AsOfBlock = s.AsOfBlock,
        });
    }

    private static UInt128 Fen(string text, string field) =>
        string.IsNullOrEmpty(text) ? UInt128.Zero
        : UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new FormatException($"{field} '{text}' is not a decimal amount in fen");
}
