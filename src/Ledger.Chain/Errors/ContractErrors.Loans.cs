using System.Numerics;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

// One exception per Solidity custom error, named after it. Codes are stable: never renumber, never reuse
// (docs/errors.md lists them; a test checks every ABI error is here and in the docs).

/// <summary>LEDGER-1251: <c>LoanDecisionExists(bytes32 decisionHash)</c> (LoanBook).</summary>
public sealed class LoanDecisionExistsException : ContractRevertException
{
    internal LoanDecisionExistsException(ContractError error)
        : base(1251, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>decisionHash</c> argument.</summary>
    public DecisionHash DecisionHash => new DecisionHash(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Credit decision {Abbreviate(e.Hash(0))} is already recorded; a decision is recorded once.";
}

/// <summary>LEDGER-1252: <c>LoanDecisionUnknown(bytes32 decisionHash)</c> (LoanBook).</summary>
public sealed class LoanDecisionUnknownException : ContractRevertException
{
    internal LoanDecisionUnknownException(ContractError error)
        : base(1252, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>decisionHash</c> argument.</summary>
    public DecisionHash DecisionHash => new DecisionHash(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Credit decision {Abbreviate(e.Hash(0))} was never recorded; record the decision (recordDecision) before disbursing on it.";
}

/// <summary>LEDGER-1253: <c>LoanDecisionNotApproved(bytes32 decisionHash)</c> (LoanBook).</summary>
public sealed class LoanDecisionNotApprovedException : ContractRevertException
{
    internal LoanDecisionNotApprovedException(ContractError error)
        : base(1253, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>decisionHash</c> argument.</summary>
    public DecisionHash DecisionHash => new DecisionHash(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Credit decision {Abbreviate(e.Hash(0))} declined the loan, so nothing can be disbursed on it.";
}

/// <summary>LEDGER-1254: <c>LoanDecisionUsed(bytes32 decisionHash)</c> (LoanBook).</summary>
public sealed class LoanDecisionUsedException : ContractRevertException
{
    internal LoanDecisionUsedException(ContractError error)
        : base(1254, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>decisionHash</c> argument.</summary>
    public DecisionHash DecisionHash => new DecisionHash(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Credit decision {Abbreviate(e.Hash(0))} already has its loan; each decision backs one loan, so make a new decision.";
}

/// <summary>LEDGER-1255: <c>LoanConsentNotForBank(bytes32 consentId, bytes32 bankOrg)</c> (LoanBook).</summary>
public sealed class LoanConsentNotForBankException : ContractRevertException
{
    internal LoanConsentNotForBankException(ContractError error)
        : base(1255, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>bankOrg</c> argument.</summary>
    public OrgId BankOrg => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} was not granted to {Org(e.Org(1))}; a bank can only decide on data it was allowed to read.";
}

/// <summary>LEDGER-1256: <c>LoanConsentRevoked(bytes32 consentId)</c> (LoanBook).</summary>
public sealed class LoanConsentRevokedException : ContractRevertException
{
    internal LoanConsentRevokedException(ContractError error)
        : base(1256, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} has been revoked; the enterprise withdrew its authorization, so no new decision or loan may rest on it.";
}

/// <summary>LEDGER-1257: <c>LoanEnterpriseUnbound(bytes32 consentId)</c> (LoanBook).</summary>
public sealed class LoanEnterpriseUnboundException : ContractRevertException
{
    internal LoanEnterpriseUnboundException(ContractError error)
        : base(1257, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"The enterprise of consent {Abbreviate(e.Hash(0))} was unbound by the tax bureau; its identity must be bound again before lending to it.";
}

/// <summary>LEDGER-1258: <c>LoanExists(bytes32 loanId)</c> (LoanBook).</summary>
public sealed class LoanExistsException : ContractRevertException
{
    internal LoanExistsException(ContractError error)
        : base(1258, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} already exists: this bank has disbursed a loan under that reference; give every loan its own reference.";
}

/// <summary>LEDGER-1259: <c>LoanUnknown(bytes32 loanId)</c> (LoanBook).</summary>
public sealed class LoanUnknownException : ContractRevertException
{
    internal LoanUnknownException(ContractError error)
        : base(1259, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} does not exist; check the loan id.";
}

/// <summary>LEDGER-1260: <c>LoanInvalidStatus(bytes32 loanId, uint8 status)</c> (LoanBook).</summary>
public sealed class LoanInvalidStatusException : ContractRevertException
{
    internal LoanInvalidStatusException(ContractError error)
        : base(1260, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>status</c> argument.</summary>
    public ulong Status => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} is {LoanStatusName(e.Number(1))}, which does not allow this step.";
}

/// <summary>LEDGER-1261: <c>LoanRepaymentExceedsOutstanding(bytes32 loanId, uint128 principalFen, uint128 outstandingFen)</c> (LoanBook).</summary>
public sealed class LoanRepaymentExceedsOutstandingException : ContractRevertException
{
    internal LoanRepaymentExceedsOutstandingException(ContractError error)
        : base(1261, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>principalFen</c> argument.</summary>
    public BigInteger PrincipalFen => Error!.Number(1);

    /// <summary>The error's <c>outstandingFen</c> argument.</summary>
    public BigInteger OutstandingFen => Error!.Number(2);

    private static string Describe(ContractError e) =>
        $"A repayment of {Yuan(e.Number(1))} on loan {Abbreviate(e.Hash(0))} exceeds the {Yuan(e.Number(2))} outstanding; record at most the outstanding principal.";
}

/// <summary>LEDGER-1262: <c>LoanLossExceedsOutstanding(bytes32 loanId, uint128 lossFen, uint128 outstandingFen)</c> (LoanBook).</summary>
public sealed class LoanLossExceedsOutstandingException : ContractRevertException
{
    internal LoanLossExceedsOutstandingException(ContractError error)
        : base(1262, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>lossFen</c> argument.</summary>
    public BigInteger LossFen => Error!.Number(1);

    /// <summary>The error's <c>outstandingFen</c> argument.</summary>
    public BigInteger OutstandingFen => Error!.Number(2);

    private static string Describe(ContractError e) =>
        $"A loss of {Yuan(e.Number(1))} on loan {Abbreviate(e.Hash(0))} exceeds the {Yuan(e.Number(2))} outstanding; the loss is at most what is still owed.";
}
