using System.Globalization;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>A report the bank node fetched (or holds) under a consent, decrypted by the node.</summary>
/// <param name="ConsentId">The consent.</param>
/// <param name="ReportJson">The report's canonical JSON (docs/api.md, "Tax reports"); keccak256 of its UTF-8 bytes is <paramref name="ResponseHash"/>.</param>
/// <param name="ResponseHash">The response hash the provider recorded in its access record.</param>
/// <param name="CheckedAtBlock">The block the provider checked the consent at.</param>
/// <param name="KeepUntilMs">When the bank node deletes it (fetched-at + the consent's data life; sooner on revocation).</param>
/// <param name="ProviderAccessRecord">The provider's access record of the fetch (pending: the provider anchors it).</param>
public sealed record BankReport(ConsentId ConsentId, string ReportJson, Hash32 ResponseHash, ulong CheckedAtBlock, ulong KeepUntilMs, AnchorReference? ProviderAccessRecord)
{
    /// <summary>The report, parsed.</summary>
    public TaxReport Report() => TaxReport.FromJson(ReportJson);
}

/// <summary>What a bank asks its node to decide on.</summary>
/// <param name="ConsentId">The consent whose data the decision rests on (granted to the bank).</param>
public sealed record DecisionRequest(ConsentId ConsentId)
{
    /// <summary>The product to decide for; null: the best product the enterprise qualifies for.</summary>
    public ProductCode? Product { get; init; }

    /// <summary>The amount asked for; below the limit it becomes the limit offered. Null: the limit.</summary>
    public UInt128? RequestedAmountFen { get; init; }
}

/// <summary>One scorecard factor's contribution to a decision.</summary>
public sealed record DecisionFactor(string Name, int Points, string Reason);

/// <summary>A credit decision the bank node made and recorded.</summary>
/// <param name="DecisionHash">The decision record's hash, recorded on chain (<c>LoanBook.recordDecision</c>).</param>
/// <param name="Approved">Whether credit is offered.</param>
/// <param name="Score">Scorecard score, 0–1000.</param>
/// <param name="Factors">Each factor's contribution.</param>
/// <param name="Reasons">Why: the offer's terms or every rule that declined.</param>
/// <param name="Product">The product offered (on a decline: the one asked for, or null).</param>
/// <param name="LimitFen">The limit offered (0 on a decline).</param>
/// <param name="RateBps">Annual rate in basis points (0 on a decline).</param>
/// <param name="TermMonths">Term in months (0 on a decline).</param>
/// <param name="Rating">The latest tax-credit rating the decision saw; null when the enterprise has none.</param>
/// <param name="Enterprise">The enterprise (salted credit-code hash, from the consent).</param>
/// <param name="Transaction">The <c>recordDecision</c> transaction.</param>
/// <param name="Record">The decision record in the bank's anchored ledger (pending until its batch is anchored).</param>
public sealed record CreditDecisionResult(
    DecisionHash DecisionHash,
    bool Approved,
    uint Score,
    IReadOnlyList<DecisionFactor> Factors,
    IReadOnlyList<string> Reasons,
    ProductCode? Product,
    UInt128 LimitFen,
    uint RateBps,
    ushort TermMonths,
    TaxCreditRating? Rating,
    EnterpriseHash Enterprise,
    ChainTransaction Transaction,
    AnchorReference Record);

/// <summary>A loan to disburse on an approved decision.</summary>
/// <param name="Decision">The approved decision (one loan per decision).</param>
/// <param name="LoanReference">The bank's own contract number; the loan id is <see cref="LoanId.FromReference"/>(bank, reference).</param>
/// <param name="AmountFen">At most the decision's limit.</param>
/// <param name="Purpose">What the loan is for.</param>
public sealed record Disbursement(DecisionHash Decision, string LoanReference, UInt128 AmountFen, LoanPurpose Purpose)
{
    /// <summary>R&amp;D loans: the tolerated non-R&amp;D share of spending, 1–9999 bps (opens the fund-flow ledger).</summary>
    public ushort MaxNonRndBps { get; init; }
}

/// <summary>A loan as the chain (or the bank node's index) has it.</summary>
public sealed record LoanDetails(
    LoanId LoanId,
    OrgId Bank,
    EnterpriseHash Enterprise,
    ProductCode Product,
    UInt128 AmountFen,
    UInt128 OutstandingFen,
    UInt128 LossFen,
    uint RateBps,
    ushort TermMonths,
    LoanPurpose Purpose,
    LoanStatus Status,
    ulong DisbursedAt,
    DecisionHash Decision,
    ConsentId ConsentId,
    ChainTransaction? Transaction)
{
    /// <summary>The bank's own reference (contract number) of the loan, as its node kept it at disbursement; empty when unknown.</summary>
    public string Reference { get; init; } = "";
}

/// <summary>Data the bank node holds (or held) under a consent.</summary>
/// <param name="ConsentId">The consent.</param>
/// <param name="ResponseHash">The report's hash (the deletion receipt's data hash).</param>
/// <param name="FetchedAtMs">When it was fetched.</param>
/// <param name="KeepUntilMs">When its data life ends.</param>
/// <param name="Deleted">Whether it is deleted.</param>
/// <param name="DeletedAtMs">When (0 while held).</param>
/// <param name="Cause">Why (null while held).</param>
/// <param name="DeletionReceipt">The deletion receipt in the bank's anchored ledger.</param>
public sealed record HeldDataEntry(
    ConsentId ConsentId, Hash32 ResponseHash, ulong FetchedAtMs, ulong KeepUntilMs, bool Deleted, ulong DeletedAtMs, DeletionCause? Cause, AnchorReference? DeletionReceipt);

/// <summary>
/// A bank node's <c>Lending</c> service, for the bank's own software (its operators): fetch and keep reports under
/// consents, decide with the bank's product table, disburse and manage loans, the bank's side of guarantees and fund
/// claims, and the data it holds.
/// </summary>
/// <example>
/// <code>
/// using var bank = await LedgerConnection.ConnectAsync("https://127.0.0.1:7102", identity, new LedgerConnectionOptions { Tls = LedgerTlsOptions.Pinned(bankNodePin) });
/// var decision = await bank.Bank.DecideAsync(new DecisionRequest(consentId));
/// if (decision.Approved)
/// {
///     var loan = await bank.Bank.DisburseAsync(new Disbursement(decision.DecisionHash, "CCB-2026-0001", decision.LimitFen, LoanPurpose.WorkingCapital));
/// }
/// </code>
/// </example>
public sealed class BankClient
{
    private readonly LedgerConnection _connection;
    private readonly Proto.Lending.LendingClient _client;

    /// <summary>A client over <paramref name="connection"/> (a connection to a bank node, as that bank).</summary>
    public BankClient(LedgerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _client = new Proto.Lending.LendingClient(connection.Invoker);
    }

    /// <summary>
    /// Has the node fetch the enterprise's report from the consent's tax node, decrypt and check it, and keep it for
    /// the consent's data life. <paramref name="scopes"/> none: every scope the consent grants.
    /// </summary>
    /// <exception cref="LedgerRemoteException">the tax node's refusal (its code, with <see cref="LedgerRemoteException.RefusalRecord"/>), or the bank node's.</exception>
    public async Task<BankReport> FetchDataAsync(ConsentId consentId, Scopes scopes = Scopes.None, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _client.FetchDataAsync(
            new Proto.FetchDataRequest { ConsentId = consentId.ToString(), Scopes = (ulong)scopes },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => new BankReport(
            new ConsentId(ApiMapping.Hash(response.ConsentId, "consent_id")),
            response.ReportJson,
            ApiMapping.Hash(response.ResponseHash, "response_hash"),
            response.CheckedAtBlock,
            response.KeepUntilMs,
            response.ProviderAccessRecord is null ? null : ApiMapping.FromProto(response.ProviderAccessRecord)));
    }

    /// <summary>Decides on credit (held data reused while within its life, else fetched) and records the decision.</summary>
    public async Task<CreditDecisionResult> DecideAsync(DecisionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await Calls.RunAsync(_connection.Address, () => _client.DecideAsync(
            new Proto.DecideRequest
            {
                ConsentId = request.ConsentId.ToString(),
                Product = request.Product?.Code ?? "",
                RequestedAmountFen = request.RequestedAmountFen is { } amount ? Fen(amount) : "",
            },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => new CreditDecisionResult(
            new DecisionHash(ApiMapping.Hash(response.DecisionHash, "decision_hash")),
            response.Approved,
            response.Score,
            response.Factors.Select(f => new DecisionFactor(f.Name, f.Points, f.Reason)).ToList(),
            response.Reasons.ToList(),
            string.IsNullOrEmpty(response.Product) ? null : Product(response.Product),
            Fen(response.LimitFen, "limit_fen"),
            response.RateBps,
            Term(response.TermMonths),
            string.IsNullOrEmpty(response.Rating) ? null : Named<TaxCreditRating>(response.Rating, "rating"),
            new EnterpriseHash(ApiMapping.Hash(response.EnterpriseHash, "enterprise_hash")),
            Tx(response.Tx),
            ApiMapping.FromProto(response.Record ?? throw new FormatException("record is missing"))));
    }

    /// <summary>Disburses a loan on an approved decision (and opens the fund-flow ledger of an R&amp;D loan).</summary>
    /// <exception cref="LedgerRemoteException">FAILED_PRECONDITION LEDGER-1541 when the amount is above the decision's limit; the chain's refusals (declined or used decision, revoked consent).</exception>
    public async Task<LoanDetails> DisburseAsync(Disbursement disbursement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disbursement);
        var response = await Calls.RunAsync(_connection.Address, () => _client.DisburseAsync(
            new Proto.DisburseRequest
            {
                DecisionHash = disbursement.Decision.ToString(),
                LoanReference = disbursement.LoanReference,
                AmountFen = Fen(disbursement.AmountFen),
                Purpose = (Proto.LoanPurpose)(int)disbursement.Purpose,
                MaxNonRndBps = disbursement.MaxNonRndBps,
            },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Loan(response);
    }

    /// <summary>Records a repayment; the loan is repaid when nothing is outstanding.</summary>
    public async Task<LoanDetails> RecordRepaymentAsync(LoanId loan, UInt128 principalFen, UInt128 interestFen, CancellationToken cancellationToken = default) =>
        Loan(await Calls.RunAsync(_connection.Address, () => _client.RecordRepaymentAsync(
            new Proto.RepaymentRequest { LoanId = loan.ToString(), PrincipalFen = Fen(principalFen), InterestFen = Fen(interestFen) },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>Reports the loan overdue.</summary>
    public async Task<LoanDetails> MarkOverdueAsync(LoanId loan, ushort daysOverdue, UInt128 overdueFen, CancellationToken cancellationToken = default) =>
        Loan(await Calls.RunAsync(_connection.Address, () => _client.MarkOverdueAsync(
            new Proto.OverdueRequest { LoanId = loan.ToString(), DaysOverdue = daysOverdue, OverdueFen = Fen(overdueFen) },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>Reports the arrears cleared.</summary>
    public async Task<LoanDetails> MarkCurrentAsync(LoanId loan, CancellationToken cancellationToken = default) =>
        Loan(await Calls.RunAsync(_connection.Address, () => _client.MarkCurrentAsync(
            new Proto.LoanRef { LoanId = loan.ToString() }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>Declares default with the bank's loss (at most the outstanding principal).</summary>
    public async Task<LoanDetails> DeclareDefaultAsync(LoanId loan, UInt128 lossFen, CancellationToken cancellationToken = default) =>
        Loan(await Calls.RunAsync(_connection.Address, () => _client.DeclareDefaultAsync(
            new Proto.DefaultRequest { LoanId = loan.ToString(), LossFen = Fen(lossFen) },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>A loan of this bank, read from the chain.</summary>
    public async Task<LoanDetails> GetLoanAsync(LoanId loan, CancellationToken cancellationToken = default) =>
        Loan(await Calls.RunAsync(_connection.Address, () => _client.GetLoanAsync(
            new Proto.LoanRef { LoanId = loan.ToString() }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>The bank's loans as its node's chain index has them (optionally of one enterprise, in one status).</summary>
    public async Task<IReadOnlyList<LoanDetails>> ListLoansAsync(EnterpriseHash? enterprise = null, LoanStatus? status = null, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _client.ListLoansAsync(
            new Proto.ListLoansRequest { EnterpriseHash = enterprise?.ToString() ?? "", Status = (Proto.LoanStatus)(int)(status ?? LoanStatus.None) },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return response.Loans.Select(Loan).ToList();
    }

    /// <summary>
    /// Invites a guarantor to guarantee the bank's loan on the bank's terms: at least <paramref name="minCoverageBps"/>
    /// coverage (1–10,000 basis points) for at most <paramref name="maxFeeFen"/>; a guarantee outside them is refused.
    /// </summary>
    public async Task<ChainTransaction> InviteGuarantorAsync(LoanId loan, OrgId guarantor, ushort minCoverageBps, UInt128 maxFeeFen, CancellationToken cancellationToken = default) =>
        Tx(await Calls.RunAsync(_connection.Address, () => _client.InviteGuarantorAsync(
            new Proto.InviteGuarantorRequest { LoanId = loan.ToString(), Guarantor = guarantor.Code, MinCoverageBps = minCoverageBps, MaxFeeFen = RiskMapping.Fen(maxFeeFen) },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>Withdraws the bank's open invitation for a loan.</summary>
    public async Task<ChainTransaction> WithdrawInvitationAsync(LoanId loan, CancellationToken cancellationToken = default) =>
        Tx(await Calls.RunAsync(_connection.Address, () => _client.WithdrawInvitationAsync(
            new Proto.LoanRef { LoanId = loan.ToString() }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>Cancels the guarantee of a loan that has not defaulted; the loan may then be guaranteed again.</summary>
    public async Task<ChainTransaction> CancelGuaranteeAsync(LoanId loan, CancellationToken cancellationToken = default) =>
        Tx(await Calls.RunAsync(_connection.Address, () => _client.CancelGuaranteeAsync(
            new Proto.LoanRef { LoanId = loan.ToString() }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>Accepts a batch agreement a guarantor proposed to the bank.</summary>
    public async Task<ChainTransaction> AcceptAgreementAsync(AgreementId agreement, CancellationToken cancellationToken = default) =>
        Tx(await Calls.RunAsync(_connection.Address, () => _client.AcceptAgreementAsync(
            new Proto.AgreementRef { AgreementId = agreement.ToString() }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>Enrols a loan of the bank under an accepted agreement.</summary>
    public async Task<ChainTransaction> EnrollLoanAsync(AgreementId agreement, LoanId loan, CancellationToken cancellationToken = default) =>
        Tx(await Calls.RunAsync(_connection.Address, () => _client.EnrollLoanAsync(
            new Proto.EnrollLoanRequest { AgreementId = agreement.ToString(), LoanId = loan.ToString() },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>Files a claim on the risk-compensation fund for a defaulted loan (one live claim per loan).</summary>
    public async Task<ChainTransaction> FileClaimAsync(FundId fund, LoanId loan, CancellationToken cancellationToken = default) =>
        Tx(await Calls.RunAsync(_connection.Address, () => _client.FileClaimAsync(
            new Proto.FileClaimRequest { FundId = fund.ToString(), LoanId = loan.ToString() },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>Withdraws a filed claim nothing was paid on (the loan may then be claimed at another fund).</summary>
    public async Task<ChainTransaction> WithdrawClaimAsync(FundId fund, LoanId loan, CancellationToken cancellationToken = default) =>
        Tx(await Calls.RunAsync(_connection.Address, () => _client.WithdrawClaimAsync(
            new Proto.FileClaimRequest { FundId = fund.ToString(), LoanId = loan.ToString() },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>The data the bank node holds; with <paramref name="includeDeleted"/>, also what it deleted and why.</summary>
    public async Task<IReadOnlyList<HeldDataEntry>> ListHeldDataAsync(bool includeDeleted = false, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _client.ListHeldDataAsync(
            new Proto.ListHeldDataRequest { IncludeDeleted = includeDeleted }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => response.Items.Select(i => new HeldDataEntry(
            new ConsentId(ApiMapping.Hash(i.ConsentId, "consent_id")),
            ApiMapping.Hash(i.ResponseHash, "response_hash"),
            i.FetchedAtMs,
            i.KeepUntilMs,
            i.Deleted,
            i.DeletedAtMs,
            string.IsNullOrEmpty(i.DeletionCause) ? null : Named<DeletionCause>(i.DeletionCause, "deletion_cause"),
            i.DeletionReceipt is null ? null : ApiMapping.FromProto(i.DeletionReceipt))).ToList());
    }

    private static LoanDetails Loan(Proto.LoanInfo l) => Calls.Parse(() => new LoanDetails(
        new LoanId(ApiMapping.Hash(l.LoanId, "loan_id")),
        ApiMapping.Org(l.Bank, "bank"),
        new EnterpriseHash(ApiMapping.Hash(l.EnterpriseHash, "enterprise_hash")),
        Product(l.Product),
        Fen(l.AmountFen, "amount_fen"),
        Fen(l.OutstandingFen, "outstanding_fen"),
        Fen(l.LossFen, "loss_fen"),
        l.RateBps,
        Term(l.TermMonths),
        (LoanPurpose)(int)l.Purpose,
        (LoanStatus)(int)l.Status,
        l.DisbursedAt,
        new DecisionHash(ApiMapping.Hash(l.DecisionHash, "decision_hash")),
        new ConsentId(ApiMapping.Hash(l.ConsentId, "consent_id")),
        ApiMapping.FromProto(l.Tx)) { Reference = l.Reference });

    private static ChainTransaction Tx(Proto.ChainTx? tx) =>
        Calls.Parse(() => ApiMapping.FromProto(tx) ?? throw new FormatException("tx is missing"));

    private static ProductCode Product(string text)
    {
        try
        {
            return ProductCode.FromCode(text);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"product '{text}' is not a product code", ex);
        }
    }

    private static ushort Term(uint months) => months <= ushort.MaxValue ? (ushort)months : throw new FormatException($"term_months {months} is above {ushort.MaxValue}");

    private static T Named<T>(string text, string field)
        where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value) ? value : throw new FormatException($"{field} '{text}' is not a {typeof(T).Name}");

    internal static string Fen(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    internal static UInt128 Fen(string? text, string field) =>
        text is { Length: > 0 and <= 39 } && UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{field} must be an amount in fen as a decimal number; '{text}' is not.");
}
