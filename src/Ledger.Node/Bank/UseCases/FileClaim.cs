using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;

namespace Ledger.Node.Bank.UseCases;

/// <summary>
/// FileClaim (use case over ports): the bank files a claim on one of its own loans at a risk-compensation fund; the
/// regulator approves (pays) or rejects it on chain (<c>Compensation.ApproveClaim</c>). A claim is filed once per fund
/// and loan (key <c>claim:&lt;fund&gt;:&lt;loan&gt;</c>); one withdrawn at this fund may be filed there again, which is
/// a new claim under a new key (with the latest block).
/// </summary>
public sealed class FileClaim(ILendingChain chain)
{
    /// <summary>Files the claim.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1546 no such loan; LEDGER-1518 another bank's loan; the chain's refusals.</exception>
    public async Task<ChainConfirmation> FileAsync(FundId fund, LoanId loan, CancellationToken cancellationToken)
    {
        await OwnLoanAsync(chain, loan, cancellationToken).ConfigureAwait(false);
        var key = await chain.ClaimWithdrawnAsync(fund, loan, cancellationToken).ConfigureAwait(false)
            ? $"claim:{fund}:{loan}:refiled:{chain.LatestBlock}"
            : $"claim:{fund}:{loan}";
        return await chain.FileClaimAsync(fund, loan, key).ConfigureAwait(false);
    }

    /// <summary>The loan must exist and be this bank's (the contract would refuse another bank's operators anyway).</summary>
    internal static async Task<LoanOnChain> OwnLoanAsync(ILendingChain chain, LoanId loanId, CancellationToken cancellationToken)
    {
        var loan = await chain.LoanAsync(loanId, cancellationToken).ConfigureAwait(false);
        if (loan.Status == LoanStatus.None)
        {
            throw BankErrors.UnknownLoan($"Loan {loanId.Value.ToShortString()} does not exist; check the loan id (LoanId.FromReference(bank, reference)).");
        }
        if (loan.Bank != chain.Bank)
        {
            throw NodeErrors.NotParty($"Loan {loanId.Value.ToShortString()} is {loan.Bank.Code}'s, not {chain.Bank.Code}'s; a bank manages its own loans only.");
        }
        return loan;
    }
}
