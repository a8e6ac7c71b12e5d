namespace Ledger.Core.Model;

/// <summary>
/// What an early-warning alert is about: the one definition the node raises, the SDK reads and the CLI names
/// (values as <c>ledger.v1.AlertKind</c>, converted by checked cast; words in <see cref="AlertKindWords"/>).
/// </summary>
public enum AlertKind
{
    /// <summary>The enterprise's tax-credit rating went down (raised by the tax node).</summary>
    RatingDowngrade = 1,
    /// <summary>A loan to the enterprise is overdue (<c>LoanOverdue</c>).</summary>
    OverdueRepayment = 2,
    /// <summary>A loan to the enterprise defaulted (<c>LoanDefaulted</c>).</summary>
    Default = 3,
    /// <summary>An R&amp;D loan's spending drifted from R&amp;D (<c>FundFlowDeviated</c>).</summary>
    FundFlowDeviation = 4,
    /// <summary>The enterprise revoked a consent (<c>ConsentRevoked</c>).</summary>
    ConsentRevoked = 5,
    /// <summary>The enterprise's controller changed.</summary>
    ControllerChange = 6,
    /// <summary>A guarantor had not paid its obligation when the bank's fund claim was filed (<c>GuarantorFailedToPay</c>).</summary>
    GuarantorFailedToPay = 7,
}
