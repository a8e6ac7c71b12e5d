using Ledger.Core.Model;
using Ledger.Core.Ports;

namespace Ledger.Node.Bank.UseCases;

/// <summary>
/// The bank's side of a loan's guarantee (use case over ports): it invites a guarantor on its least coverage and most
/// fee, withdraws an open invitation, cancels a guarantee, accepts a guarantor's batch agreement ("总对总") and enrols a
/// loan under it. Every step on a loan first checks the loan exists and is this bank's (LEDGER-1546, LEDGER-1518;
/// nothing is sent otherwise); the guarantee book checks the rest. Keys: <c>invite:&lt;loan&gt;:&lt;guarantor&gt;:&lt;min
/// coverage&gt;:&lt;max fee&gt;:&lt;latest block&gt;</c> and <c>withdraw-invitation:&lt;loan&gt;:&lt;latest block&gt;</c>
/// (an invitation may be withdrawn and made again with the same terms), <c>cancel-guarantee:&lt;loan&gt;:&lt;guarantor&gt;:&lt;created
/// at&gt;</c> (one guarantee is cancelled once), <c>agreement-accept:&lt;agreement&gt;</c>, <c>enroll:&lt;agreement&gt;:&lt;loan&gt;</c>.
/// </summary>
public sealed class ArrangeGuarantee(ILendingChain chain)
{
    /// <summary>Invites <paramref name="guarantor"/> to guarantee the loan on at least <paramref name="minCoverageBps"/> for at most <paramref name="maxFeeFen"/>.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1546 no such loan; LEDGER-1518 another bank's loan; the chain's refusals.</exception>
    public async Task<ChainConfirmation> InviteAsync(LoanId loan, OrgId guarantor, ushort minCoverageBps, UInt128 maxFeeFen, CancellationToken cancellationToken)
    {
        await FileClaim.OwnLoanAsync(chain, loan, cancellationToken).ConfigureAwait(false);
        // An invitation may be withdrawn and made again with the same terms: the key holds the head, so a retry in the
        // same block is not sent twice and a later one replaces the invitation with itself.
        return await chain.InviteGuarantorAsync(
            loan, guarantor, minCoverageBps, maxFeeFen, $"invite:{loan}:{guarantor.Value}:{minCoverageBps}:{maxFeeFen}:{chain.LatestBlock}").ConfigureAwait(false);
    }

    /// <summary>Withdraws the loan's open invitation.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1546 no such loan; LEDGER-1518 another bank's loan; the chain's refusals.</exception>
    public async Task<ChainConfirmation> WithdrawInvitationAsync(LoanId loan, CancellationToken cancellationToken)
    {
        await FileClaim.OwnLoanAsync(chain, loan, cancellationToken).ConfigureAwait(false);
        return await chain.WithdrawInvitationAsync(loan, $"withdraw-invitation:{loan}:{chain.LatestBlock}").ConfigureAwait(false);
    }

    /// <summary>Cancels the loan's guarantee (the loan has not defaulted).</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1546 no such loan; LEDGER-1518 another bank's loan; the chain's refusals.</exception>
    public async Task<ChainConfirmation> CancelAsync(LoanId loan, CancellationToken cancellationToken)
    {
        await FileClaim.OwnLoanAsync(chain, loan, cancellationToken).ConfigureAwait(false);
        var guarantee = await chain.GuaranteeAsync(loan, cancellationToken).ConfigureAwait(false);
        // One guarantee is cancelled once: its guarantor and creation time name it.
        return await chain.CancelGuaranteeAsync(loan, $"cancel-guarantee:{loan}:{guarantee.Guarantor.Value}:{guarantee.CreatedAt}").ConfigureAwait(false);
    }

    /// <summary>Accepts a batch agreement a guarantor proposed to this bank (the guarantee book checks it is this bank's).</summary>
    /// <exception cref="Core.Errors.LedgerException">the chain's refusals.</exception>
    public Task<ChainConfirmation> AcceptAgreementAsync(AgreementId agreement) =>
        chain.AcceptAgreementAsync(agreement, $"agreement-accept:{agreement}");

    /// <summary>Enrols one of the bank's loans under an accepted agreement.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1546 no such loan; LEDGER-1518 another bank's loan; the chain's refusals.</exception>
    public async Task<ChainConfirmation> EnrollAsync(AgreementId agreement, LoanId loan, CancellationToken cancellationToken)
    {
        await FileClaim.OwnLoanAsync(chain, loan, cancellationToken).ConfigureAwait(false);
        return await chain.EnrollLoanAsync(agreement, loan, $"enroll:{agreement}:{loan}").ConfigureAwait(false);
    }
}
