using System.Numerics;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

// One exception per Solidity custom error, named after it. Codes are stable: never renumber, never reuse
// (docs/errors.md lists them; a test checks every ABI error is here and in the docs).

/// <summary>LEDGER-1291: <c>FundFlowLoanNotRnD(bytes32 loanId)</c> (FundFlowTracker).</summary>
public sealed class FundFlowLoanNotRnDException : ContractRevertException
{
    internal FundFlowLoanNotRnDException(ContractError error)
        : base(1291, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} is not an R&D loan, so it has no fund-flow ledger.";
}

/// <summary>LEDGER-1292: <c>FundFlowLoanUnknown(bytes32 loanId)</c> (FundFlowTracker).</summary>
public sealed class FundFlowLoanUnknownException : ContractRevertException
{
    internal FundFlowLoanUnknownException(ContractError error)
        : base(1292, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} does not exist; check the loan id.";
}

/// <summary>LEDGER-1293: <c>FundFlowAlreadyOpen(bytes32 loanId)</c> (FundFlowTracker).</summary>
public sealed class FundFlowAlreadyOpenException : ContractRevertException
{
    internal FundFlowAlreadyOpenException(ContractError error)
        : base(1293, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"The fund-flow ledger of loan {Abbreviate(e.Hash(0))} is already open.";
}

/// <summary>LEDGER-1294: <c>FundFlowNotOpen(bytes32 loanId)</c> (FundFlowTracker).</summary>
public sealed class FundFlowNotOpenException : ContractRevertException
{
    internal FundFlowNotOpenException(ContractError error)
        : base(1294, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} has no open fund-flow ledger; the lending bank must open it (openFundFlow) first.";
}

/// <summary>LEDGER-1295: <c>FundFlowInvalidThreshold(uint16 maxNonRdBps)</c> (FundFlowTracker).</summary>
public sealed class FundFlowInvalidThresholdException : ContractRevertException
{
    internal FundFlowInvalidThresholdException(ContractError error)
        : base(1295, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>maxNonRdBps</c> argument.</summary>
    public ulong MaxNonRdBps => Error!.UInt64(0);

    private static string Describe(ContractError e) =>
        $"A non-R&D threshold of {Percent(e.Number(0))} is not allowed; choose more than 0 % and less than 100 %.";
}

/// <summary>LEDGER-1296: <c>FundFlowExceedsLoan(bytes32 loanId, uint128 rdTotalFen, uint128 loanAmountFen)</c> (FundFlowTracker).</summary>
public sealed class FundFlowExceedsLoanException : ContractRevertException
{
    internal FundFlowExceedsLoanException(ContractError error)
        : base(1296, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>rdTotalFen</c> argument: the R&amp;D spending the entry would bring the ledger to.</summary>
    public BigInteger RdTotalFen => Error!.Number(1);

    /// <summary>The error's <c>loanAmountFen</c> argument.</summary>
    public BigInteger LoanAmountFen => Error!.Number(2);

    private static string Describe(ContractError e) =>
        $"Recorded R&D spending of loan {Abbreviate(e.Hash(0))} would reach {Yuan(e.Number(1))}, more than the {Yuan(e.Number(2))} lent; check the amount (non-R&D spending is never capped).";
}

/// <summary>LEDGER-1297: <c>FundFlowRecorderNotAllowed(address account, bytes32 orgId)</c> (FundFlowTracker).</summary>
public sealed class FundFlowRecorderNotAllowedException : ContractRevertException
{
    internal FundFlowRecorderNotAllowedException(ContractError error)
        : base(1297, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>account</c> argument.</summary>
    public EthAddress Account => Error!.Address(0);

    /// <summary>The error's <c>orgId</c> argument.</summary>
    public OrgId OrgId => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"Account {e.Address(0)} (acting for {Org(e.Org(1))}) may not record spending; only the lending bank or the enterprise's own tax bureau (the provider of the loan's consent) does.";
}
