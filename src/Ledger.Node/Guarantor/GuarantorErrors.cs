using Ledger.Core.Errors;
using Ledger.Core.Model;

namespace Ledger.Node.Guarantor;

/// <summary>Errors of the guarantor node (LEDGER-1551). Catalogue: docs/nodes.md, "Error codes".</summary>
public static class GuarantorErrors
{
    /// <summary>LEDGER-1551: a payout at the default amount would be zero (the covered share of the loss rounds to 0 fen).</summary>
    public const string NothingToPayCode = "LEDGER-1551";

    internal static LedgerException NothingToPay(LoanId loan, Exception inner) => new(NothingToPayCode, ErrorCategory.FailedPrecondition,
        $"The covered share of loan {loan.Value.ToShortString()}'s loss (loss × coverage) is 0 fen, so there is nothing to pay out.", inner);
}
