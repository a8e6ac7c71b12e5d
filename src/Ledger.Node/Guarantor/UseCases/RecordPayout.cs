using Ledger.Chain.Errors;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Node.Hosting;
using GuaranteeZeroPayoutError = Ledger.Chain.Contracts.GuaranteeBook.ContractDefinition.GuaranteeZeroPayoutError;

namespace Ledger.Node.Guarantor.UseCases;

/// <summary>
/// The guarantee book refused a payout of 0 fen (the contract's <c>GuaranteeZeroPayout</c>): the contract's code,
/// category and sentence, the contract's exception inside.
/// </summary>
public sealed class ZeroPayoutRefusedException : LedgerException
{
    /// <summary>Creates the refusal from the contract's.</summary>
    public ZeroPayoutRefusedException(string code, ErrorCategory category, string message, Exception? innerException = null)
        : base(code, category, message, innerException)
    {
    }
}

/// <summary>What the guarantor's <see cref="RecordPayout"/> reads and sends on the guarantee book, in domain types.</summary>
public interface IPayoutChain
{
    /// <summary>What the loan's guarantor owes in all (loss × coverage once defaulted) and has paid so far.</summary>
    Task<(UInt128 ObligationFen, UInt128 PaidFen)> ObligationAsync(LoanId loan, CancellationToken cancellationToken);

    /// <summary>Records one instalment (<c>GuaranteeBook.recordPayout</c>).</summary>
    /// <exception cref="ZeroPayoutRefusedException">when the instalment is 0 fen.</exception>
    Task<ChainConfirmation> RecordPayoutAsync(LoanId loan, UInt128 payoutFen, string key);
}

/// <summary>A payout recorded.</summary>
/// <param name="Loan">The loan.</param>
/// <param name="PayoutFen">This instalment.</param>
/// <param name="PaidBeforeFen">What was paid before it.</param>
/// <param name="ObligationFen">What the guarantor owes in all.</param>
/// <param name="Tx">The <c>recordPayout</c> transaction.</param>
public sealed record PayoutRecorded(LoanId Loan, UInt128 PayoutFen, UInt128 PaidBeforeFen, UInt128 ObligationFen, ChainConfirmation Tx);

/// <summary>
/// RecordPayout (use case over ports): the guarantor pays (代偿) on a defaulted loan it guaranteed, in one or more
/// instalments — by default what remains of its obligation (loss × coverage, as the contract computes it, less what
/// was paid). Zero is sent as it is when nothing remains: the contract says why (not defaulted, paid already), and a
/// covered share that rounds to 0 fen is LEDGER-1551. The key holds what was paid before
/// (<c>payout:&lt;loan&gt;:&lt;paid before&gt;:&lt;payout&gt;</c>): a retry is the same payment, a later instalment
/// of the same amount is another.
/// </summary>
public sealed class RecordPayout(IPayoutChain chain)
{
    /// <summary>Records the instalment <paramref name="payoutFen"/> (null: what remains of the obligation).</summary>
    /// <exception cref="LedgerException">LEDGER-1520 a payout of 0 asked for; LEDGER-1551 when the default amount is 0
    /// because the covered share of the loss is; the chain's refusals.</exception>
    public async Task<PayoutRecorded> PayAsync(LoanId loan, UInt128? payoutFen, CancellationToken cancellationToken)
    {
        var (obligation, paid) = await chain.ObligationAsync(loan, cancellationToken).ConfigureAwait(false);
        var remaining = checked(obligation - paid);
        if (payoutFen == UInt128.Zero)
        {
            throw NodeErrors.InvalidField("payout_fen is zero; leave it empty to pay what remains of the obligation (loss × coverage, less what was paid).");
        }
        // Asked for, or what the guarantor still owes as the contract that will check the instalment computes it.
        var payout = payoutFen ?? remaining;
        ChainConfirmation tx;
        try
        {
            // Instalments of the same amount are distinct payments: the key holds what was paid before this one.
            tx = await chain.RecordPayoutAsync(loan, payout, $"payout:{loan}:{paid}:{payout}").ConfigureAwait(false);
        }
        catch (ZeroPayoutRefusedException ex) when (payoutFen is null)
        {
            throw GuarantorErrors.NothingToPay(loan, ex.InnerException ?? ex);
        }
        return new PayoutRecorded(loan, payout, paid, obligation, tx);
    }
}

/// <summary>The guarantee book (through the operator's chain client) as the guarantor's <see cref="IPayoutChain"/>.</summary>
public sealed class ChainPayouts(Ledger.Chain.LedgerChainClient chainClient) : IPayoutChain
{
    /// <inheritdoc/>
    public async Task<(UInt128 ObligationFen, UInt128 PaidFen)> ObligationAsync(LoanId loan, CancellationToken cancellationToken)
    {
        var (_, obligation, paid) = await chainClient.ObligationAsync(loan, cancellationToken).ConfigureAwait(false);
        return ((UInt128)obligation, (UInt128)paid);
    }

    /// <inheritdoc/>
    public async Task<ChainConfirmation> RecordPayoutAsync(LoanId loan, UInt128 payoutFen, string key)
    {
        try
        {
            return (await chainClient.RecordPayoutAsync(loan, payoutFen, key, CancellationToken.None).ConfigureAwait(false)).ToConfirmation();
        }
        catch (ContractRevertException ex) when (ex.Is<GuaranteeZeroPayoutError>())
        {
            throw new ZeroPayoutRefusedException(ex.Code, ex.Category, ex.Message, ex);
        }
    }
}
