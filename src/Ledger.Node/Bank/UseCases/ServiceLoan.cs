using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;

namespace Ledger.Node.Bank.UseCases;

/// <summary>
/// Servicing a loan (use case over ports): the bank reports what happens to one of its own loans after disbursement —
/// a repayment, arrears (overdue), arrears cleared (current), a default with its loss. Each first checks the loan exists
/// and is this bank's (LEDGER-1546, LEDGER-1518; nothing is sent otherwise); the loan book then checks the status
/// change. A repayment, an overdue report and a back-to-current report are sent without an idempotency key — two
/// repayments of the same amount are two repayments, a loan may fall overdue and recover more than once; a default is
/// declared once (key <c>default:&lt;loan&gt;</c>).
/// </summary>
public sealed class ServiceLoan(ILendingChain chain)
{
    /// <summary>Records a repayment of principal and interest (at least one of them more than 0).</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1520 when both are 0; LEDGER-1546 no such loan; LEDGER-1518
    /// another bank's loan; the chain's refusals.</exception>
    public async Task<ChainConfirmation> RepayAsync(LoanId loan, UInt128 principalFen, UInt128 interestFen, CancellationToken cancellationToken)
    {
        if (principalFen == UInt128.Zero && interestFen == UInt128.Zero)
        {
            throw NodeErrors.InvalidField("principal_fen and interest_fen are both 0; a repayment repays something.");
        }
        await FileClaim.OwnLoanAsync(chain, loan, cancellationToken).ConfigureAwait(false);
        return await chain.RecordRepaymentAsync(loan, principalFen, interestFen, key: null).ConfigureAwait(false);
    }

    /// <summary>Reports the loan <paramref name="daysOverdue"/> days overdue with <paramref name="overdueFen"/> in arrears.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1546 no such loan; LEDGER-1518 another bank's loan; the chain's refusals.</exception>
    public async Task<ChainConfirmation> MarkOverdueAsync(LoanId loan, ushort daysOverdue, UInt128 overdueFen, CancellationToken cancellationToken)
    {
        await FileClaim.OwnLoanAsync(chain, loan, cancellationToken).ConfigureAwait(false);
        return await chain.MarkOverdueAsync(loan, daysOverdue, overdueFen, key: null).ConfigureAwait(false);
    }

    /// <summary>Reports the loan's arrears cleared.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1546 no such loan; LEDGER-1518 another bank's loan; the chain's refusals.</exception>
    public async Task<ChainConfirmation> MarkCurrentAsync(LoanId loan, CancellationToken cancellationToken)
    {
        await FileClaim.OwnLoanAsync(chain, loan, cancellationToken).ConfigureAwait(false);
        return await chain.MarkCurrentAsync(loan, key: null).ConfigureAwait(false);
    }

    /// <summary>Declares the loan defaulted with the bank's loss; declared once (a retry gets the same transaction).</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1546 no such loan; LEDGER-1518 another bank's loan; the chain's refusals.</exception>
    public async Task<ChainConfirmation> DeclareDefaultAsync(LoanId loan, UInt128 lossFen, CancellationToken cancellationToken)
    {
        await FileClaim.OwnLoanAsync(chain, loan, cancellationToken).ConfigureAwait(false);
        return await chain.DeclareDefaultAsync(loan, lossFen, $"default:{loan}").ConfigureAwait(false);
    }
}
