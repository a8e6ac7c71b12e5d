using Ledger.Core.Model;
using Ledger.Core.Ports;

namespace Ledger.Node.Bank.UseCases;

/// <summary>
/// WithdrawClaim (use case over ports): the bank withdraws its claim on one of its own loans at a fund before anything
/// was paid on it (the fund checks that). The key holds the latest block (<c>withdraw-claim:&lt;fund&gt;:&lt;loan&gt;:&lt;latest
/// block&gt;</c>): a claim filed again after a withdrawal (<see cref="FileClaim"/>) may be withdrawn again.
/// </summary>
public sealed class WithdrawClaim(ILendingChain chain)
{
    /// <summary>Withdraws the claim.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1546 no such loan; LEDGER-1518 another bank's loan; the chain's refusals.</exception>
    public async Task<ChainConfirmation> WithdrawAsync(FundId fund, LoanId loan, CancellationToken cancellationToken)
    {
        await FileClaim.OwnLoanAsync(chain, loan, cancellationToken).ConfigureAwait(false);
        return await chain.WithdrawClaimAsync(fund, loan, $"withdraw-claim:{fund}:{loan}:{chain.LatestBlock}").ConfigureAwait(false);
    }
}
