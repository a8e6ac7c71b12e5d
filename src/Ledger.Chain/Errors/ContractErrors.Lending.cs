using System.Numerics;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

// The typed errors of contracts v2's lending contracts (LoanBook, GuaranteeBook, RiskCompensationFund) that replaced
// free-text reasons, and the conditions v2 added. One exception per Solidity custom error, named after it; codes are
// stable (docs/errors.md). Figures out of range share LEDGER-1244 (loans, guarantees) and 1282 (funds).

/// <summary>LEDGER-1244: <c>LoanZeroDecisionHash()</c> (LoanBook).</summary>
public sealed class LoanZeroDecisionHashException : ContractRevertException
{
    internal LoanZeroDecisionHashException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        "The decision hash is zero; record the hash of the credit decision.";
}

/// <summary>LEDGER-1244: <c>LoanZeroLoanId()</c> (LoanBook).</summary>
public sealed class LoanZeroLoanIdException : ContractRevertException
{
    internal LoanZeroLoanIdException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        "The loan reference is zero; give the loan its own reference (the bank's loan number).";
}

/// <summary>LEDGER-1244: <c>LoanZeroAmount()</c> (LoanBook).</summary>
public sealed class LoanZeroAmountException : ContractRevertException
{
    internal LoanZeroAmountException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        "The loan amount is zero; disburse at least 0.01 yuan.";
}

/// <summary>LEDGER-1244: <c>LoanZeroProductCode()</c> (LoanBook).</summary>
public sealed class LoanZeroProductCodeException : ContractRevertException
{
    internal LoanZeroProductCodeException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError e) =>
        "The product code is empty; name the loan product (e.g. SHUIYIDAI).";
}

/// <summary>LEDGER-1244: <c>LoanInvalidRate(uint32 rateBps)</c> (LoanBook).</summary>
public sealed class LoanInvalidRateException : ContractRevertException
{
    internal LoanInvalidRateException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>rateBps</c> argument.</summary>
    public ulong RateBps => Error!.UInt64(0);

    private static string Describe(ContractError e) =>
        $"A rate of {Percent(e.Number(0))} a year is not allowed; give a rate above 0 and at most 24 % (the judicial protection ceiling).";
}

/// <summary>LEDGER-1244: <c>LoanInvalidTermMonths(uint16 termMonths)</c> (LoanBook).</summary>
public sealed class LoanInvalidTermMonthsException : ContractRevertException
{
    internal LoanInvalidTermMonthsException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>termMonths</c> argument.</summary>
    public ulong TermMonths => Error!.UInt64(0);

    private static string Describe(ContractError e) =>
        $"A term of {Num(e.Number(0))} months is not allowed; give 1 to 360 months.";
}

/// <summary>LEDGER-1244: <c>LoanZeroRepayment(bytes32 loanId)</c> (LoanBook).</summary>
public sealed class LoanZeroRepaymentException : ContractRevertException
{
    internal LoanZeroRepaymentException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"The repayment on loan {Abbreviate(e.Hash(0))} is zero (no principal, no interest); record what was repaid.";
}

/// <summary>LEDGER-1244: <c>LoanZeroDaysOverdue(bytes32 loanId)</c> (LoanBook).</summary>
public sealed class LoanZeroDaysOverdueException : ContractRevertException
{
    internal LoanZeroDaysOverdueException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} cannot be overdue by zero days; give the days overdue.";
}

/// <summary>LEDGER-1244: <c>LoanInvalidOverdueAmount(bytes32 loanId, uint128 overdueFen, uint128 outstandingFen)</c> (LoanBook).</summary>
public sealed class LoanInvalidOverdueAmountException : ContractRevertException
{
    internal LoanInvalidOverdueAmountException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>overdueFen</c> argument.</summary>
    public BigInteger OverdueFen => Error!.Number(1);

    /// <summary>The error's <c>outstandingFen</c> argument.</summary>
    public BigInteger OutstandingFen => Error!.Number(2);

    private static string Describe(ContractError e) =>
        $"Arrears of {Yuan(e.Number(1))} on loan {Abbreviate(e.Hash(0))} are not allowed: give at least 0.01 yuan and at most what is outstanding, {Yuan(e.Number(2))}.";
}

/// <summary>LEDGER-1244: <c>LoanZeroLoss(bytes32 loanId)</c> (LoanBook).</summary>
public sealed class LoanZeroLossException : ContractRevertException
{
    internal LoanZeroLossException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"The loss declared on loan {Abbreviate(e.Hash(0))} is zero; a default needs the loss the bank bears.";
}

/// <summary>LEDGER-1244: <c>GuaranteeInvalidCoverage(uint16 coverageBps)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeInvalidCoverageException : ContractRevertException
{
    internal GuaranteeInvalidCoverageException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>coverageBps</c> argument.</summary>
    public ulong CoverageBps => Error!.UInt64(0);

    private static string Describe(ContractError e) =>
        $"A coverage of {Percent(e.Number(0))} is not allowed; give more than 0 % and at most 100 %.";
}

/// <summary>LEDGER-1244: <c>GuaranteeInvalidFeeRate(uint16 feeBps)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeInvalidFeeRateException : ContractRevertException
{
    internal GuaranteeInvalidFeeRateException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>feeBps</c> argument.</summary>
    public ulong FeeBps => Error!.UInt64(0);

    private static string Describe(ContractError e) =>
        $"A fee rate of {Percent(e.Number(0))} is not allowed; give at most 100 %.";
}

/// <summary>LEDGER-1244: <c>GuaranteeInvalidLimits(uint128 perLoanLimitFen, uint128 totalLimitFen)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeInvalidLimitsException : ContractRevertException
{
    internal GuaranteeInvalidLimitsException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>perLoanLimitFen</c> argument.</summary>
    public BigInteger PerLoanLimitFen => Error!.Number(0);

    /// <summary>The error's <c>totalLimitFen</c> argument.</summary>
    public BigInteger TotalLimitFen => Error!.Number(1);

    private static string Describe(ContractError e) =>
        $"A per-loan limit of {Yuan(e.Number(0))} with a total limit of {Yuan(e.Number(1))} is not allowed; the per-loan limit must be above zero and at most the total.";
}

/// <summary>LEDGER-1244: <c>GuaranteeValidUntilPast(uint40 validUntil)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeValidUntilPastException : ContractRevertException
{
    internal GuaranteeValidUntilPastException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>validUntil</c> argument.</summary>
    public ulong ValidUntil => Error!.UInt64(0);

    private static string Describe(ContractError e) =>
        $"The agreement would end at {Time(e.Number(0))}, which is not in the future; give a later end.";
}

/// <summary>LEDGER-1244: <c>GuaranteeZeroAgreementId()</c> (GuaranteeBook).</summary>
public sealed class GuaranteeZeroAgreementIdException : ContractRevertException
{
    internal GuaranteeZeroAgreementIdException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        "The agreement reference is zero; give the agreement its own reference (the guarantor's agreement number).";
}

/// <summary>LEDGER-1244: <c>GuaranteeZeroPayout(bytes32 loanId)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeZeroPayoutException : ContractRevertException
{
    internal GuaranteeZeroPayoutException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"A payment of zero on loan {Abbreviate(e.Hash(0))} is not a payment; record at least 0.01 yuan.";
}

/// <summary>LEDGER-1282: <c>CompensationInvalidGracePeriod(uint32 graceSeconds)</c> (RiskCompensationFund).</summary>
public sealed class CompensationInvalidGracePeriodException : ContractRevertException
{
    internal CompensationInvalidGracePeriodException(ContractError error)
        : base(1282, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>graceSeconds</c> argument.</summary>
    public ulong GraceSeconds => Error!.UInt64(0);

    private static string Describe(ContractError e) =>
        $"A grace period of {Num(e.Number(0))} seconds is not allowed; give 1 to 730 days.";
}

/// <summary>LEDGER-1850: <c>GuaranteeCounterpartyInactive(bytes32 org, uint8 role)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeCounterpartyInactiveException : ContractRevertException
{
    internal GuaranteeCounterpartyInactiveException(ContractError error)
        : base(1850, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>org</c> argument.</summary>
    public OrgId OrgId => Error!.Org(0);

    /// <summary>The error's <c>role</c> argument.</summary>
    public ulong Role => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"{Org(e.Org(0))} is not an active {RoleMember(e.Number(1))} of the consortium (suspended, removed or of another role), so it cannot be a party to this guarantee; choose an active one, or ask the governors to reinstate it.";
}

/// <summary>LEDGER-1851: <c>GuaranteeOutsideInvitation(bytes32 loanId, uint16 coverageBps, uint128 feeFen, uint16 minCoverageBps, uint128 maxFeeFen)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeOutsideInvitationException : ContractRevertException
{
    internal GuaranteeOutsideInvitationException(ContractError error)
        : base(1851, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>coverageBps</c> argument.</summary>
    public ulong CoverageBps => Error!.UInt64(1);

    /// <summary>The error's <c>feeFen</c> argument.</summary>
    public BigInteger FeeFen => Error!.Number(2);

    /// <summary>The error's <c>minCoverageBps</c> argument.</summary>
    public ulong MinCoverageBps => Error!.UInt64(3);

    /// <summary>The error's <c>maxFeeFen</c> argument.</summary>
    public BigInteger MaxFeeFen => Error!.Number(4);

    private static string Describe(ContractError e) =>
        $"A guarantee of loan {Abbreviate(e.Hash(0))} covering {Percent(e.Number(1))} for a fee of {Yuan(e.Number(2))} is outside the bank's invitation (at least {Percent(e.Number(3))} coverage, at most {Yuan(e.Number(4))} fee); offer terms within it, or ask the bank for a new invitation.";
}

/// <summary>LEDGER-1852: <c>GuaranteeNotCancellable(bytes32 loanId)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeNotCancellableException : ContractRevertException
{
    internal GuaranteeNotCancellableException(ContractError error)
        : base(1852, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"The guarantee of loan {Abbreviate(e.Hash(0))} can no longer be cancelled: the loan has defaulted (the guarantor's obligation is fixed) or was repaid (release the guarantee instead).";
}

/// <summary>LEDGER-1853: <c>LoanConsentNotValid(bytes32 consentId, uint64 validFrom, uint64 validUntil)</c> (LoanBook).</summary>
public sealed class LoanConsentNotValidException : ContractRevertException
{
    internal LoanConsentNotValidException(ContractError error)
        : base(1853, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>validFrom</c> argument.</summary>
    public ulong ValidFrom => Error!.UInt64(1);

    /// <summary>The error's <c>validUntil</c> argument.</summary>
    public ulong ValidUntil => Error!.UInt64(2);

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} is valid from {Time(e.Number(1))} until {Time(e.Number(2))}; a credit decision needs a consent valid when it is recorded (at most 7 days after it expired). Ask the enterprise for a new consent and decide on data fetched under it.";
}

/// <summary>LEDGER-1854: <c>CompensationClaimPartlyPaid(bytes32 loanId, uint128 payoutFen)</c> (RiskCompensationFund).</summary>
public sealed class CompensationClaimPartlyPaidException : ContractRevertException
{
    internal CompensationClaimPartlyPaidException(ContractError error)
        : base(1854, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>payoutFen</c> argument.</summary>
    public BigInteger PayoutFen => Error!.Number(1);

    private static string Describe(ContractError e) =>
        $"{Yuan(e.Number(1))} has already been paid on the claim on loan {Abbreviate(e.Hash(0))}; a claim paid in part can no longer be rejected or withdrawn, only paid in full (after a top-up of the fund).";
}

/// <summary>LEDGER-1855: <c>CompensationFundInactive(bytes32 fundId, bytes32 regulatorOrg)</c> (RiskCompensationFund).</summary>
public sealed class CompensationFundInactiveException : ContractRevertException
{
    internal CompensationFundInactiveException(ContractError error)
        : base(1855, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>fundId</c> argument.</summary>
    public FundId FundId => new FundId(Error!.Hash(0));

    /// <summary>The error's <c>regulatorOrg</c> argument.</summary>
    public OrgId RegulatorOrg => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"Fund {Abbreviate(e.Hash(0))} takes no claims: its regulator {Org(e.Org(1))} is no longer an active member. Claim at another fund, or ask the governors to reinstate the regulator.";
}

/// <summary>LEDGER-1244: <c>FundFlowZeroAmount(bytes32 loanId)</c> (FundFlowTracker).</summary>
public sealed class FundFlowZeroAmountException : ContractRevertException
{
    internal FundFlowZeroAmountException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"A spending entry of zero on loan {Abbreviate(e.Hash(0))} records nothing; give the amount spent.";
}

/// <summary>LEDGER-1244: <c>FundFlowZeroEvidence(bytes32 loanId)</c> (FundFlowTracker).</summary>
public sealed class FundFlowZeroEvidenceException : ContractRevertException
{
    internal FundFlowZeroEvidenceException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"A spending entry on loan {Abbreviate(e.Hash(0))} needs the hash of its evidence (the invoice or payment record kept off chain).";
}

/// <summary>LEDGER-1244: <c>FundFlowZeroCounterparty(bytes32 loanId)</c> (FundFlowTracker).</summary>
public sealed class FundFlowZeroCounterpartyException : ContractRevertException
{
    internal FundFlowZeroCounterpartyException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"A spending entry on loan {Abbreviate(e.Hash(0))} needs the hash of its counterparty (who was paid).";
}

/// <summary>LEDGER-1856: <c>FundFlowEntryMismatch(bytes32 loanId, uint32 entryIndex)</c> (FundFlowTracker).</summary>
public sealed class FundFlowEntryMismatchException : ContractRevertException
{
    internal FundFlowEntryMismatchException(ContractError error)
        : base(1856, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>entryIndex</c> argument.</summary>
    public ulong EntryIndex => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Entry {Num(e.Number(1))} of loan {Abbreviate(e.Hash(0))} was not recorded by this organization with these fields; only its recorder corrects or reverses an entry, stating it as it was recorded.";
}

/// <summary>LEDGER-1857: <c>FundFlowEntryReversed(bytes32 loanId, uint32 entryIndex)</c> (FundFlowTracker).</summary>
public sealed class FundFlowEntryReversedException : ContractRevertException
{
    internal FundFlowEntryReversedException(ContractError error)
        : base(1857, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>entryIndex</c> argument.</summary>
    public ulong EntryIndex => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Entry {Num(e.Number(1))} of loan {Abbreviate(e.Hash(0))} was already reversed (or corrected); correct the entry that replaced it instead.";
}
