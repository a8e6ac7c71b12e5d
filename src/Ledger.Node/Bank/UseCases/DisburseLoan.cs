using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;

namespace Ledger.Node.Bank.UseCases;

/// <summary>A loan to disburse on an approved decision of this bank.</summary>
/// <param name="Decision">The decision hash a Decide returned.</param>
/// <param name="Reference">The bank's own reference of the loan (the loan id derives from it).</param>
/// <param name="AmountFen">The amount, at most the decision's limit.</param>
/// <param name="Purpose">What the loan is for.</param>
/// <param name="MaxNonRndBps">For an R&amp;D loan, the tolerated non-R&amp;D share (1..9999 bps); 0 otherwise.</param>
public sealed record DisburseCommand(DecisionHash Decision, string Reference, UInt128 AmountFen, LoanPurpose Purpose, ushort MaxNonRndBps);

/// <summary>A loan disbursed (or found disbursed by the same request before).</summary>
/// <param name="Loan">The loan id.</param>
/// <param name="Consent">The consent the decision was made under.</param>
/// <param name="Tx">The <c>disburse</c> transaction.</param>
public sealed record LoanDisbursed(LoanId Loan, ConsentId Consent, ChainConfirmation Tx);

/// <summary>
/// Disburse (use case over ports): on a decision this bank made and that approved, for at most its limit, under a loan
/// reference no other loan uses. The reference is kept before the loan exists on chain, so a loan never lacks it; the
/// same reference, decision and amount again (a retry) gets the journaled transaction's outcome. An R&amp;D loan gets its
/// fund-flow ledger opened (already open: a retry, nothing to do).
/// </summary>
public sealed class DisburseLoan(ILendingChain chain, IDecisionLedger decisions, ILendingBook book)
{
    /// <summary>Code of a declined decision (the contract's own for <c>LoanDecisionNotApproved</c>).</summary>
    public const string DeclinedCode = "LEDGER-1253";

    /// <summary>Disburses the loan.</summary>
    /// <exception cref="LedgerException">LEDGER-1542 unknown decision; LEDGER-1253 declined; LEDGER-1541 above the limit;
    /// LEDGER-1544 reference used by another loan; the chain's refusals.</exception>
    public async Task<LoanDisbursed> DisburseAsync(DisburseCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var bank = chain.Bank;
        var decisionHash = command.Decision.Value;
        var record = decisions.Find(new RecordHash(decisionHash));
        if (record is null || record.Bank != bank)
        {
            throw BankErrors.UnknownDecision(
                $"{bank.Code} made no credit decision {decisionHash.ToShortString()}; disburse on the decision_hash a Decide call returned.");
        }
        if (!record.Approved)
        {
            throw new LedgerException(DeclinedCode, ErrorCategory.FailedPrecondition,
                $"Credit decision {decisionHash.ToShortString()} declined the loan, so nothing can be disbursed on it.");
        }
        if (command.AmountFen > record.LimitFen)
        {
            throw BankErrors.AboveLimit(
                $"The amount {BankWire.Cny(command.AmountFen)} is above the limit of decision {decisionHash.ToShortString()} ({BankWire.Cny(record.LimitFen)}); disburse at most the limit, or make a new decision for more.");
        }

        var loanId = LoanId.FromReference(bank, command.Reference);
        var existing = await chain.LoanAsync(loanId, cancellationToken).ConfigureAwait(false);
        if (existing.Status != LoanStatus.None
            && (existing.Decision != command.Decision || existing.AmountFen != command.AmountFen || existing.Purpose != command.Purpose))
        {
            throw BankErrors.LoanReferenceUsed(
                $"Loan reference '{BankWire.Clip(command.Reference)}' is already loan {loanId.Value.ToShortString()} on another decision or amount; every loan needs its own reference.");
        }
        book.PutReference(loanId, command.Reference);
        var tx = await chain.DisburseAsync(
            command.Reference, command.Decision, record.Product, command.AmountFen, record.RateBps, record.TermMonths, command.Purpose,
            $"disburse:{loanId}").ConfigureAwait(false);
        if (command.Purpose == LoanPurpose.RnD)
        {
            await chain.OpenFundFlowAsync(loanId, command.MaxNonRndBps, $"fundflow-open:{loanId}").ConfigureAwait(false);
        }
        return new LoanDisbursed(loanId, record.ConsentId, tx);
    }
}
