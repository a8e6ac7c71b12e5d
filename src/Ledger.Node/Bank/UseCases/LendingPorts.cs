using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.LoanBook.ContractDefinition;
using Ledger.Chain.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.TaxData;
using Ledger.Node.Hosting;
using Ledger.Node.Services;
using System.Text;
using FundFlowAlreadyOpenError = Ledger.Chain.Contracts.FundFlowTracker.ContractDefinition.FundFlowAlreadyOpenError;

namespace Ledger.Node.Bank.UseCases;

/// <summary>A loan as the chain's loan book holds it, in domain types (<see cref="LoanStatus.None"/>: no such loan).</summary>
/// <param name="Id">The loan.</param>
/// <param name="Status">Its status.</param>
/// <param name="Bank">The bank that disbursed it.</param>
/// <param name="Decision">The credit decision it was disbursed on.</param>
/// <param name="AmountFen">The amount disbursed.</param>
/// <param name="Purpose">What it is for.</param>
public sealed record LoanOnChain(LoanId Id, LoanStatus Status, OrgId Bank, DecisionHash Decision, UInt128 AmountFen, LoanPurpose Purpose);

/// <summary>A loan's guarantee as the chain's guarantee book holds it (a zero guarantor and time 0: none).</summary>
/// <param name="Guarantor">The guarantor that guaranteed the loan.</param>
/// <param name="CreatedAt">When the guarantee was made (the block's unix seconds).</param>
public sealed record GuaranteeOnChain(OrgId Guarantor, ulong CreatedAt);

/// <summary>
/// What the bank's lending use cases read and send on chain, in domain types: the loan book (decisions, loans and their
/// servicing), the consent registry (a consent's scopes now), the guarantee book (the bank's side of guarantees) and
/// the risk-compensation fund (claims). <see cref="ChainLending"/> implements it over the operator's chain client; unit
/// tests give an in-memory one. A keyed send is journaled (one transaction per key, a retry gets its outcome); a send without
/// a key (a repayment, an overdue or current report) is a new transaction each time.
/// </summary>
public interface ILendingChain
{
    /// <summary>The bank this node lends for (its operator account's member).</summary>
    OrgId Bank { get; }

    /// <summary>The number of the latest block the node has seen (a key part for sends that may be made again later).</summary>
    ulong LatestBlock { get; }

    /// <summary>The scopes the consent grants now (a narrowing may have taken some away since the grant).</summary>
    Task<Scopes> ConsentScopesAsync(ConsentId consent, CancellationToken cancellationToken);

    /// <summary>Whether the chain would take a decision under <paramref name="consent"/> now; throws the contract's refusal when not.</summary>
    Task PreflightDecisionAsync(ConsentId consent, bool approved, CancellationToken cancellationToken);

    /// <summary>Records a decision by hash (<c>LoanBook.recordDecision</c>).</summary>
    Task<ChainConfirmation> RecordDecisionAsync(DecisionHash decision, ConsentId consent, bool approved, string key);

    /// <summary>The loan as the chain has it (status <see cref="LoanStatus.None"/> when there is none).</summary>
    Task<LoanOnChain> LoanAsync(LoanId loan, CancellationToken cancellationToken);

    /// <summary>Disburses a loan on a decision (<c>LoanBook.disburse</c>).</summary>
    Task<ChainConfirmation> DisburseAsync(string reference, DecisionHash decision, ProductCode product, UInt128 amountFen, uint rateBps, ushort termMonths, LoanPurpose purpose, string key);

    /// <summary>Opens the fund-flow ledger of an R&amp;D loan; false when it was open already (a retry).</summary>
    Task<bool> OpenFundFlowAsync(LoanId loan, ushort maxNonRndBps, string key);

    /// <summary>Whether the bank's claim on <paramref name="loan"/> at <paramref name="fund"/> was filed and then withdrawn.</summary>
    Task<bool> ClaimWithdrawnAsync(FundId fund, LoanId loan, CancellationToken cancellationToken);

    /// <summary>Files a claim at a risk-compensation fund (<c>RiskCompensationFund.fileClaim</c>).</summary>
    Task<ChainConfirmation> FileClaimAsync(FundId fund, LoanId loan, string key);

    /// <summary>Withdraws a claim nothing was paid on (<c>RiskCompensationFund.withdrawClaim</c>).</summary>
    Task<ChainConfirmation> WithdrawClaimAsync(FundId fund, LoanId loan, string key);

    /// <summary>Records a repayment (<c>LoanBook.recordRepayment</c>); no key: each call is a repayment.</summary>
    Task<ChainConfirmation> RecordRepaymentAsync(LoanId loan, UInt128 principalFen, UInt128 interestFen, string? key);

    /// <summary>Reports the loan overdue (<c>LoanBook.markOverdue</c>).</summary>
    Task<ChainConfirmation> MarkOverdueAsync(LoanId loan, ushort daysOverdue, UInt128 overdueFen, string? key);

    /// <summary>Reports the loan's arrears cleared (<c>LoanBook.markCurrent</c>).</summary>
    Task<ChainConfirmation> MarkCurrentAsync(LoanId loan, string? key);

    /// <summary>Declares the loan defaulted with the bank's loss (<c>LoanBook.declareDefault</c>).</summary>
    Task<ChainConfirmation> DeclareDefaultAsync(LoanId loan, UInt128 lossFen, string key);

    /// <summary>Invites a guarantor to guarantee the loan (<c>GuaranteeBook.inviteGuarantor</c>).</summary>
    Task<ChainConfirmation> InviteGuarantorAsync(LoanId loan, OrgId guarantor, ushort minCoverageBps, UInt128 maxFeeFen, string key);

    /// <summary>Withdraws the loan's open invitation (<c>GuaranteeBook.withdrawInvitation</c>).</summary>
    Task<ChainConfirmation> WithdrawInvitationAsync(LoanId loan, string key);

    /// <summary>The loan's guarantee as the chain has it.</summary>
    Task<GuaranteeOnChain> GuaranteeAsync(LoanId loan, CancellationToken cancellationToken);

    /// <summary>Cancels the guarantee of a loan that has not defaulted (<c>GuaranteeBook.cancelGuarantee</c>).</summary>
    Task<ChainConfirmation> CancelGuaranteeAsync(LoanId loan, string key);

    /// <summary>Accepts a batch agreement a guarantor proposed (<c>GuaranteeBook.acceptAgreement</c>).</summary>
    Task<ChainConfirmation> AcceptAgreementAsync(AgreementId agreement, string key);

    /// <summary>Enrols a loan under an accepted agreement (<c>GuaranteeBook.enrollLoan</c>).</summary>
    Task<ChainConfirmation> EnrollLoanAsync(AgreementId agreement, LoanId loan, string key);
}

/// <summary>The reports a bank decides on, as the <see cref="DecideApplication"/> reads them.</summary>
public interface IConsentReports
{
    /// <summary>The consent's grant, which must name this bank as consumer (LEDGER-1540 unknown, LEDGER-1518 another bank's).</summary>
    Task<GrantedConsent> GrantAsync(ConsentId consent, CancellationToken cancellationToken);

    /// <summary>The report to decide on: one held within its data life, else a fresh fetch of every granted scope.</summary>
    Task<TaxReport> ReportAsync(ConsentId consent, CancellationToken cancellationToken);
}

/// <summary>The bank's credit decisions in its ledger store (accepted durably, then anchored).</summary>
public interface IDecisionLedger
{
    /// <summary>Accepts a decision record durably; returns its hash.</summary>
    Task<RecordHash> AcceptAsync(Func<ulong, CreditDecisionRecord> create);

    /// <summary>The credit decision with hash <paramref name="hash"/>, or null when the store holds none.</summary>
    CreditDecisionRecord? Find(RecordHash hash);
}

/// <summary>The loan book and the compensation fund (through the operator's chain client) as an <see cref="ILendingChain"/>.</summary>
public sealed class ChainLending(NodeIdentity node, ChainHead head, Ledger.Chain.LedgerChainClient chainClient, Ledger.Chain.Profiles.ChainEnvironment chainEnvironment) : ILendingChain
{
    /// <inheritdoc/>
    public OrgId Bank => node.Organization;

    /// <inheritdoc/>
    public ulong LatestBlock => head.Latest.Number;

    /// <inheritdoc/>
    public async Task<Scopes> ConsentScopesAsync(ConsentId consent, CancellationToken cancellationToken) =>
        (Scopes)(await chainClient.ConsentAsync(consent, cancellationToken).ConfigureAwait(false)).Scopes;

    /// <inheritdoc/>
    public Task PreflightDecisionAsync(ConsentId consent, bool approved, CancellationToken cancellationToken) =>
        BankWire.PreflightAsync(node, chainEnvironment, LedgerContracts.LoanBook, new RecordDecisionFunction
        {
            DecisionHash = Keccak.Hash($"ledger/decision-preflight/{Guid.NewGuid():N}").ToArray(),
            ConsentId = consent.Value.ToArray(),
            Approved = approved,
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task<ChainConfirmation> RecordDecisionAsync(DecisionHash decision, ConsentId consent, bool approved, string key) =>
        Confirmation(await chainClient.RecordDecisionAsync(decision, consent, approved, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<LoanOnChain> LoanAsync(LoanId loan, CancellationToken cancellationToken)
    {
        var l = await chainClient.LoanAsync(loan, cancellationToken).ConfigureAwait(false);
        return new LoanOnChain(loan, (LoanStatus)l.Status, new OrgId(new Hash32(l.BankOrg)), new DecisionHash(new Hash32(l.DecisionHash)), (UInt128)l.AmountFen, (LoanPurpose)l.Purpose);
    }

    /// <inheritdoc/>
    public async Task<ChainConfirmation> DisburseAsync(string reference, DecisionHash decision, ProductCode product, UInt128 amountFen, uint rateBps, ushort termMonths, LoanPurpose purpose, string key) =>
        Confirmation(await chainClient.DisburseAsync(reference, decision, product, amountFen, rateBps, termMonths, purpose, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<bool> OpenFundFlowAsync(LoanId loan, ushort maxNonRndBps, string key)
    {
        try
        {
            await chainClient.OpenFundFlowAsync(loan, maxNonRndBps, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (ContractRevertException ex) when (ex.Is<FundFlowAlreadyOpenError>())
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<bool> ClaimWithdrawnAsync(FundId fund, LoanId loan, CancellationToken cancellationToken) =>
        (await chainClient.ClaimAsync(fund, loan, cancellationToken).ConfigureAwait(false)).Status == (byte)Api.V1.ClaimStatus.Withdrawn;

    /// <inheritdoc/>
    public async Task<ChainConfirmation> FileClaimAsync(FundId fund, LoanId loan, string key) =>
        Confirmation(await chainClient.FileClaimAsync(fund, loan, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<ChainConfirmation> WithdrawClaimAsync(FundId fund, LoanId loan, string key) =>
        Confirmation(await chainClient.WithdrawClaimAsync(fund, loan, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<ChainConfirmation> RecordRepaymentAsync(LoanId loan, UInt128 principalFen, UInt128 interestFen, string? key) =>
        Confirmation(await chainClient.RecordRepaymentAsync(loan, principalFen, interestFen, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<ChainConfirmation> MarkOverdueAsync(LoanId loan, ushort daysOverdue, UInt128 overdueFen, string? key) =>
        Confirmation(await chainClient.MarkOverdueAsync(loan, daysOverdue, overdueFen, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<ChainConfirmation> MarkCurrentAsync(LoanId loan, string? key) =>
        Confirmation(await chainClient.MarkCurrentAsync(loan, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<ChainConfirmation> DeclareDefaultAsync(LoanId loan, UInt128 lossFen, string key) =>
        Confirmation(await chainClient.DeclareDefaultAsync(loan, lossFen, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<ChainConfirmation> InviteGuarantorAsync(LoanId loan, OrgId guarantor, ushort minCoverageBps, UInt128 maxFeeFen, string key) =>
        Confirmation(await chainClient.InviteGuarantorAsync(loan, guarantor, minCoverageBps, maxFeeFen, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<ChainConfirmation> WithdrawInvitationAsync(LoanId loan, string key) =>
        Confirmation(await chainClient.WithdrawInvitationAsync(loan, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<GuaranteeOnChain> GuaranteeAsync(LoanId loan, CancellationToken cancellationToken)
    {
        var g = await chainClient.GuaranteeAsync(loan, cancellationToken).ConfigureAwait(false);
        return new GuaranteeOnChain(new OrgId(new Hash32(g.GuarantorOrg)), g.CreatedAt);
    }

    /// <inheritdoc/>
    public async Task<ChainConfirmation> CancelGuaranteeAsync(LoanId loan, string key) =>
        Confirmation(await chainClient.CancelGuaranteeAsync(loan, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<ChainConfirmation> AcceptAgreementAsync(AgreementId agreement, string key) =>
        Confirmation(await chainClient.AcceptAgreementAsync(agreement, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<ChainConfirmation> EnrollLoanAsync(AgreementId agreement, LoanId loan, string key) =>
        Confirmation(await chainClient.EnrollLoanAsync(agreement, loan, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false));

    internal static ChainConfirmation Confirmation(Ledger.Chain.Transactions.TransactionOutcome outcome) =>
        new(outcome.TxHash, outcome.BlockNumber, outcome.Confirmations);
}

/// <summary>The <see cref="ReportFetcher"/> as the <see cref="IConsentReports"/> decisions read.</summary>
public sealed class FetchedConsentReports(ReportFetcher fetcher) : IConsentReports
{
    /// <inheritdoc/>
    public Task<GrantedConsent> GrantAsync(ConsentId consent, CancellationToken cancellationToken) => fetcher.GrantAsync(consent, cancellationToken);

    /// <inheritdoc/>
    public async Task<TaxReport> ReportAsync(ConsentId consent, CancellationToken cancellationToken)
    {
        var opened = await fetcher.HeldOrFetchAsync(consent, cancellationToken).ConfigureAwait(false);
        return TaxReport.FromJson(Encoding.UTF8.GetString(opened.Plaintext));
    }
}

/// <summary>The node's ledger store as the bank's <see cref="IDecisionLedger"/>.</summary>
public sealed class StoreDecisionLedger(Ledger.Store.LedgerStore ledger) : IDecisionLedger
{
    /// <inheritdoc/>
    public async Task<RecordHash> AcceptAsync(Func<ulong, CreditDecisionRecord> create) =>
        (await ledger.Records.AcceptAsync(create).ConfigureAwait(false)).Hash;

    /// <inheritdoc/>
    public CreditDecisionRecord? Find(RecordHash hash) => ledger.Records.Get(hash)?.Record as CreditDecisionRecord;
}

