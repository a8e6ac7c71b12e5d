using System.Numerics;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

// One exception per Solidity custom error, named after it. Codes are stable: never renumber, never reuse
// (docs/errors.md lists them; a test checks every ABI error is here and in the docs).

/// <summary>LEDGER-1281: <c>CompensationFundExists(bytes32 fundId)</c> (RiskCompensationFund).</summary>
public sealed class CompensationFundExistsException : ContractRevertException
{
    internal CompensationFundExistsException(ContractError error)
        : base(1281, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>fundId</c> argument.</summary>
    public FundId FundId => new FundId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Fund {Abbreviate(e.Hash(0))} already exists; choose another fund id.";
}

/// <summary>LEDGER-1282: <c>CompensationInvalidFundId()</c> (RiskCompensationFund).</summary>
public sealed class CompensationInvalidFundIdException : ContractRevertException
{
    internal CompensationInvalidFundIdException(ContractError error)
        : base(1282, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        $"The fund id is zero; give the fund an id.";
}

/// <summary>LEDGER-1282: <c>CompensationInvalidRatio(uint16 ratioBps)</c> (RiskCompensationFund).</summary>
public sealed class CompensationInvalidRatioException : ContractRevertException
{
    internal CompensationInvalidRatioException(ContractError error)
        : base(1282, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>ratioBps</c> argument.</summary>
    public ulong RatioBps => Error!.UInt64(0);

    private static string Describe(ContractError e) =>
        $"A compensation ratio of {Percent(e.Number(0))} is not allowed: it must be above 0 % and below 100 % (the bank always keeps part of the risk).";
}

/// <summary>LEDGER-1282: <c>CompensationInvalidAmount()</c> (RiskCompensationFund).</summary>
public sealed class CompensationInvalidAmountException : ContractRevertException
{
    internal CompensationInvalidAmountException(ContractError error)
        : base(1282, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        $"The amount must be more than zero.";
}

/// <summary>LEDGER-1283: <c>CompensationFundUnknown(bytes32 fundId)</c> (RiskCompensationFund).</summary>
public sealed class CompensationFundUnknownException : ContractRevertException
{
    internal CompensationFundUnknownException(ContractError error)
        : base(1283, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>fundId</c> argument.</summary>
    public FundId FundId => new FundId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Fund {Abbreviate(e.Hash(0))} does not exist; check the fund id.";
}

/// <summary>LEDGER-1284: <c>CompensationProductNotEligible(bytes32 fundId, bytes32 productCode)</c> (RiskCompensationFund).</summary>
public sealed class CompensationProductNotEligibleException : ContractRevertException
{
    internal CompensationProductNotEligibleException(ContractError error)
        : base(1284, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>fundId</c> argument.</summary>
    public FundId FundId => new FundId(Error!.Hash(0));

    /// <summary>The error's <c>productCode</c> argument.</summary>
    public ProductCode ProductCode => new ProductCode(Error!.Hash(1));

    private static string Describe(ContractError e) =>
        $"Fund {Abbreviate(e.Hash(0))} does not cover product {new ProductCode(e.Hash(1)).Code}; claim on a fund that covers it.";
}

/// <summary>LEDGER-1285: <c>CompensationLoanNotDefaulted(bytes32 loanId)</c> (RiskCompensationFund).</summary>
public sealed class CompensationLoanNotDefaultedException : ContractRevertException
{
    internal CompensationLoanNotDefaultedException(ContractError error)
        : base(1285, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} has not defaulted; a claim can only be filed on a defaulted loan.";
}

/// <summary>LEDGER-1286: <c>CompensationClaimExists(bytes32 loanId, bytes32 liveFundId, uint8 status)</c> (RiskCompensationFund).</summary>
public sealed class CompensationClaimExistsException : ContractRevertException
{
    internal CompensationClaimExistsException(ContractError error)
        : base(1286, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>liveFundId</c> argument: the fund that holds the claim.</summary>
    public FundId LiveFundId => new FundId(Error!.Hash(1));

    /// <summary>The error's <c>status</c> argument.</summary>
    public ulong Status => Error!.UInt64(2);

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} already has a claim at fund {Abbreviate(e.Hash(1))} ({ClaimStatusName(e.Number(2))}); a loan has one live claim, and a fund that rejected it takes no second one. Withdraw the open claim first, or claim at another fund.";
}

/// <summary>LEDGER-1287: <c>CompensationClaimNotFiled(bytes32 loanId, uint8 status)</c> (RiskCompensationFund).</summary>
public sealed class CompensationClaimNotFiledException : ContractRevertException
{
    internal CompensationClaimNotFiledException(ContractError error)
        : base(1287, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>status</c> argument.</summary>
    public ulong Status => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"The claim on loan {Abbreviate(e.Hash(0))} is {ClaimStatusName(e.Number(1))}, not filed; only a filed claim can be approved or rejected.";
}

/// <summary>LEDGER-1288: <c>CompensationGuaranteePending(bytes32 loanId, uint128 obligationFen, uint128 paidFen, uint40 graceEndsAt)</c> (RiskCompensationFund).</summary>
public sealed class CompensationGuaranteePendingException : ContractRevertException
{
    internal CompensationGuaranteePendingException(ContractError error)
        : base(1288, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>obligationFen</c> argument: what the guarantor owes.</summary>
    public BigInteger ObligationFen => Error!.Number(1);

    /// <summary>The error's <c>paidFen</c> argument: what it has paid.</summary>
    public BigInteger PaidFen => Error!.Number(2);

    /// <summary>The error's <c>graceEndsAt</c> argument (unix seconds).</summary>
    public ulong GraceEndsAt => Error!.UInt64(3);

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} is guaranteed and the guarantor has paid {Yuan(e.Number(2))} of the {Yuan(e.Number(1))} it owes; its grace period runs until {Time(e.Number(3))}. File the claim once it has paid, or after that time (the claim then nets the obligation out unpaid).";
}

/// <summary>LEDGER-1289: <c>CompensationNothingToCompensate(bytes32 loanId)</c> (RiskCompensationFund).</summary>
public sealed class CompensationNothingToCompensateException : ContractRevertException
{
    internal CompensationNothingToCompensateException(ContractError error)
        : base(1289, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} has no loss left after the guarantor's payout, so there is nothing to compensate.";
}

/// <summary>LEDGER-1290: <c>CompensationFundExhausted(bytes32 fundId)</c> (RiskCompensationFund).</summary>
public sealed class CompensationFundExhaustedException : ContractRevertException
{
    internal CompensationFundExhaustedException(ContractError error)
        : base(1290, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>fundId</c> argument.</summary>
    public FundId FundId => new FundId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Fund {Abbreviate(e.Hash(0))} has no balance left; the regulator must top it up before claims are paid.";
}
