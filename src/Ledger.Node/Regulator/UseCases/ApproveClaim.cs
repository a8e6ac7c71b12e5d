using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Node.Regulator.UseCases;

/// <summary>The risk-compensation fund's claims as the regulator's <see cref="ApproveClaim"/> and <see cref="RejectClaim"/> read and decide them, in domain types.</summary>
public interface IClaimChain
{
    /// <summary>The fund of the loan's live (filed or paid) claim; null when none.</summary>
    Task<FundId?> LiveClaimFundAsync(LoanId loan, CancellationToken cancellationToken);

    /// <summary>What the fund has paid on the claim so far.</summary>
    Task<UInt128> PaidAsync(FundId fund, LoanId loan, CancellationToken cancellationToken);

    /// <summary>Approves the claim (<c>RiskCompensationFund.approveClaim</c>): the chain computes and pays the payout.</summary>
    Task<ChainConfirmation> ApproveAsync(FundId fund, LoanId loan, string key);

    /// <summary>Rejects a claim nothing was paid on (<c>RiskCompensationFund.rejectClaim</c>) with the regulator's reason code.</summary>
    Task<ChainConfirmation> RejectAsync(FundId fund, LoanId loan, ushort reasonCode, string key);
}

/// <summary>
/// Pays a claim (use case over ports): the regulator approves a bank's claim at a fund — the one named, or the fund of
/// the loan's live claim — and the chain pays what is due less what was paid, capped by the balance. The send is keyed
/// by what was paid before (<c>approve:&lt;fund&gt;:&lt;loan&gt;:&lt;paid&gt;</c>): a retried approval is not sent twice,
/// and a claim the balance capped is approved again after a top-up as a new payment.
/// </summary>
public sealed class ApproveClaim(IClaimChain chain)
{
    /// <summary>Code of a loan without a filed claim when no fund is named.</summary>
    public const string NoLiveClaimCode = "LEDGER-1287";

    /// <summary>Approves the claim; returns its fund and the transaction.</summary>
    /// <exception cref="LedgerException">LEDGER-1287 when no fund is named and the loan has no live claim; the chain's refusals.</exception>
    public async Task<(FundId Fund, ChainConfirmation Tx)> ApproveAsync(FundId? fund, LoanId loan, CancellationToken cancellationToken)
    {
        var at = await FundOfAsync(chain, fund, loan, cancellationToken).ConfigureAwait(false);
        var paid = await chain.PaidAsync(at, loan, cancellationToken).ConfigureAwait(false);
        var tx = await chain.ApproveAsync(at, loan, $"approve:{at}:{loan}:{paid}").ConfigureAwait(false);
        return (at, tx);
    }

    /// <summary>
    /// The fund a claim is at: the one named, or — when none is — the fund of the loan's live claim (a loan has at most
    /// one filed or paid claim).
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1287 when no fund is named and the loan has no live claim.</exception>
    internal static async Task<FundId> FundOfAsync(IClaimChain chain, FundId? fund, LoanId loan, CancellationToken cancellationToken) =>
        fund
        ?? await chain.LiveClaimFundAsync(loan, cancellationToken).ConfigureAwait(false)
        ?? throw new LedgerException(NoLiveClaimCode, ErrorCategory.FailedPrecondition,
            $"Loan {loan.Value.ToShortString()} has no filed claim at any fund; give fund_id to name the fund of a claim that was rejected or withdrawn.");
}

/// <summary>The risk-compensation fund (through the operator's chain client) as an <see cref="IClaimChain"/>.</summary>
public sealed class ChainClaims(Ledger.Chain.LedgerChainClient chainClient) : IClaimChain
{
    /// <inheritdoc/>
    public Task<FundId?> LiveClaimFundAsync(LoanId loan, CancellationToken cancellationToken) => chainClient.LiveClaimAsync(loan, cancellationToken);

    /// <inheritdoc/>
    public async Task<UInt128> PaidAsync(FundId fund, LoanId loan, CancellationToken cancellationToken) =>
        (UInt128)(await chainClient.ClaimAsync(fund, loan, cancellationToken).ConfigureAwait(false)).PayoutFen;

    /// <inheritdoc/>
    public async Task<ChainConfirmation> ApproveAsync(FundId fund, LoanId loan, string key)
    {
        var outcome = await chainClient.ApproveClaimAsync(fund, loan, key, CancellationToken.None).ConfigureAwait(false);
        return new ChainConfirmation(outcome.TxHash, outcome.BlockNumber, outcome.Confirmations);
    }

    /// <inheritdoc/>
    public async Task<ChainConfirmation> RejectAsync(FundId fund, LoanId loan, ushort reasonCode, string key) =>
        (await chainClient.RejectClaimAsync(fund, loan, reasonCode, key, CancellationToken.None).ConfigureAwait(false)).ToConfirmation();
}
