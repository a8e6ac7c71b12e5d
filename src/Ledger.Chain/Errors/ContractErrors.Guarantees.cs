using System.Numerics;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

// One exception per Solidity custom error, named after it. Codes are stable: never renumber, never reuse
// (docs/errors.md lists them; a test checks every ABI error is here and in the docs).

/// <summary>LEDGER-1263: <c>GuaranteeExists(bytes32 loanId, bytes32 guarantorOrg)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeExistsException : ContractRevertException
{
    internal GuaranteeExistsException(ContractError error)
        : base(1263, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>guarantorOrg</c> argument.</summary>
    public OrgId GuarantorOrg => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} is already guaranteed by {Org(e.Org(1))}; a loan has one guarantee.";
}

/// <summary>LEDGER-1264: <c>GuaranteeNotParty(address caller, bytes32 guarantorOrg, bytes32 bankOrg)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeNotPartyException : ContractRevertException
{
    internal GuaranteeNotPartyException(ContractError error)
        : base(1264, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>caller</c> argument.</summary>
    public EthAddress Caller => Error!.Address(0);

    /// <summary>The error's <c>guarantorOrg</c> argument.</summary>
    public OrgId GuarantorOrg => Error!.Org(1);

    /// <summary>The error's <c>bankOrg</c> argument.</summary>
    public OrgId BankOrg => Error!.Org(2);

    private static string Describe(ContractError e) =>
        $"Account {e.Address(0)} acts for neither guarantor {Org(e.Org(1))} nor bank {Org(e.Org(2))}; only the parties may do this.";
}

/// <summary>LEDGER-1265: <c>GuaranteeUnknown(bytes32 loanId)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeUnknownException : ContractRevertException
{
    internal GuaranteeUnknownException(ContractError error)
        : base(1265, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} has no guarantee.";
}

/// <summary>LEDGER-1266: <c>GuaranteeNotInvited(bytes32 loanId, bytes32 guarantorOrg)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeNotInvitedException : ContractRevertException
{
    internal GuaranteeNotInvitedException(ContractError error)
        : base(1266, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>guarantorOrg</c> argument.</summary>
    public OrgId GuarantorOrg => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"{Org(e.Org(1))} was not invited to guarantee loan {Abbreviate(e.Hash(0))}; the lending bank must invite it (inviteGuarantor) first.";
}

/// <summary>LEDGER-1267: <c>GuaranteeLoanNotEligible(bytes32 loanId)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeLoanNotEligibleException : ContractRevertException
{
    internal GuaranteeLoanNotEligibleException(ContractError error)
        : base(1267, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} cannot be guaranteed now: only an active loan that is not overdue can be.";
}

/// <summary>LEDGER-1268: <c>GuaranteeAlreadyPaid(bytes32 loanId)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeAlreadyPaidException : ContractRevertException
{
    internal GuaranteeAlreadyPaidException(ContractError error)
        : base(1268, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"The guarantor has already paid its whole obligation on loan {Abbreviate(e.Hash(0))} (loss × coverage); nothing more is owed, and nothing is paid twice.";
}

/// <summary>LEDGER-1269: <c>GuaranteeLoanNotDefaulted(bytes32 loanId)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeLoanNotDefaultedException : ContractRevertException
{
    internal GuaranteeLoanNotDefaultedException(ContractError error)
        : base(1269, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} has not defaulted, so there is nothing for the guarantor to pay yet.";
}

/// <summary>LEDGER-1270: <c>GuaranteeLoanNotRepaid(bytes32 loanId)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeLoanNotRepaidException : ContractRevertException
{
    internal GuaranteeLoanNotRepaidException(ContractError error)
        : base(1270, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Loan {Abbreviate(e.Hash(0))} is not fully repaid, so its guarantee cannot be released yet.";
}

/// <summary>LEDGER-1271: <c>GuaranteeAlreadyReleased(bytes32 loanId)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeAlreadyReleasedException : ContractRevertException
{
    internal GuaranteeAlreadyReleasedException(ContractError error)
        : base(1271, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"The guarantee of loan {Abbreviate(e.Hash(0))} was already released.";
}

/// <summary>LEDGER-1272: <c>GuaranteePayoutTooHigh(bytes32 loanId, uint128 payoutFen, uint128 remainingFen)</c> (GuaranteeBook).</summary>
public sealed class GuaranteePayoutTooHighException : ContractRevertException
{
    internal GuaranteePayoutTooHighException(ContractError error)
        : base(1272, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>loanId</c> argument.</summary>
    public LoanId LoanId => new LoanId(Error!.Hash(0));

    /// <summary>The error's <c>payoutFen</c> argument.</summary>
    public BigInteger PayoutFen => Error!.Number(1);

    /// <summary>The error's <c>remainingFen</c> argument: what the guarantor still owes.</summary>
    public BigInteger RemainingFen => Error!.Number(2);

    private static string Describe(ContractError e) =>
        $"A payment of {Yuan(e.Number(1))} on loan {Abbreviate(e.Hash(0))} exceeds what the guarantor still owes, {Yuan(e.Number(2))} (its obligation, loss × coverage, less what it paid); pay at most that.";
}

/// <summary>LEDGER-1273: <c>GuaranteeAgreementExists(bytes32 agreementId)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeAgreementExistsException : ContractRevertException
{
    internal GuaranteeAgreementExistsException(ContractError error)
        : base(1273, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>agreementId</c> argument.</summary>
    public AgreementId AgreementId => new AgreementId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Agreement {Abbreviate(e.Hash(0))} already exists; choose another agreement id.";
}

/// <summary>LEDGER-1274: <c>GuaranteeAgreementUnknown(bytes32 agreementId)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeAgreementUnknownException : ContractRevertException
{
    internal GuaranteeAgreementUnknownException(ContractError error)
        : base(1274, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>agreementId</c> argument.</summary>
    public AgreementId AgreementId => new AgreementId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Agreement {Abbreviate(e.Hash(0))} does not exist; check the agreement id.";
}

/// <summary>LEDGER-1275: <c>GuaranteeAgreementNotActive(bytes32 agreementId, uint8 status)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeAgreementNotActiveException : ContractRevertException
{
    internal GuaranteeAgreementNotActiveException(ContractError error)
        : base(1275, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>agreementId</c> argument.</summary>
    public AgreementId AgreementId => new AgreementId(Error!.Hash(0));

    /// <summary>The error's <c>status</c> argument.</summary>
    public ulong Status => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Agreement {Abbreviate(e.Hash(0))} is {AgreementStatusName(e.Number(1))}, not active; loans can only be enrolled under an active agreement.";
}

/// <summary>LEDGER-1276: <c>GuaranteeAgreementNotProposed(bytes32 agreementId, uint8 status)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeAgreementNotProposedException : ContractRevertException
{
    internal GuaranteeAgreementNotProposedException(ContractError error)
        : base(1276, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>agreementId</c> argument.</summary>
    public AgreementId AgreementId => new AgreementId(Error!.Hash(0));

    /// <summary>The error's <c>status</c> argument.</summary>
    public ulong Status => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Agreement {Abbreviate(e.Hash(0))} is {AgreementStatusName(e.Number(1))}; only a proposed agreement can be accepted.";
}

/// <summary>LEDGER-1277: <c>GuaranteeAgreementExpired(bytes32 agreementId, uint40 validUntil)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeAgreementExpiredException : ContractRevertException
{
    internal GuaranteeAgreementExpiredException(ContractError error)
        : base(1277, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>agreementId</c> argument.</summary>
    public AgreementId AgreementId => new AgreementId(Error!.Hash(0));

    /// <summary>The error's <c>validUntil</c> argument.</summary>
    public ulong ValidUntil => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Agreement {Abbreviate(e.Hash(0))} expired at {Time(e.Number(1))}; the parties must sign a new one.";
}

/// <summary>LEDGER-1278: <c>GuaranteeAgreementWrongBank(bytes32 agreementId, bytes32 loanBank)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeAgreementWrongBankException : ContractRevertException
{
    internal GuaranteeAgreementWrongBankException(ContractError error)
        : base(1278, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>agreementId</c> argument.</summary>
    public AgreementId AgreementId => new AgreementId(Error!.Hash(0));

    /// <summary>The error's <c>loanBank</c> argument.</summary>
    public OrgId LoanBank => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"Agreement {Abbreviate(e.Hash(0))} is not with {Org(e.Org(1))}, the bank of this loan; enrol the loan under the bank's own agreement.";
}

/// <summary>LEDGER-1279: <c>GuaranteePerLoanLimitExceeded(bytes32 agreementId, uint128 amountFen, uint128 perLoanLimitFen)</c> (GuaranteeBook).</summary>
public sealed class GuaranteePerLoanLimitExceededException : ContractRevertException
{
    internal GuaranteePerLoanLimitExceededException(ContractError error)
        : base(1279, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>agreementId</c> argument.</summary>
    public AgreementId AgreementId => new AgreementId(Error!.Hash(0));

    /// <summary>The error's <c>amountFen</c> argument.</summary>
    public BigInteger AmountFen => Error!.Number(1);

    /// <summary>The error's <c>perLoanLimitFen</c> argument.</summary>
    public BigInteger PerLoanLimitFen => Error!.Number(2);

    private static string Describe(ContractError e) =>
        $"A loan of {Yuan(e.Number(1))} exceeds agreement {Abbreviate(e.Hash(0))}'s per-loan limit of {Yuan(e.Number(2))}; guarantee it singly instead.";
}

/// <summary>LEDGER-1280: <c>GuaranteeTotalLimitExceeded(bytes32 agreementId, uint128 requestedFen, uint128 availableFen)</c> (GuaranteeBook).</summary>
public sealed class GuaranteeTotalLimitExceededException : ContractRevertException
{
    internal GuaranteeTotalLimitExceededException(ContractError error)
        : base(1280, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>agreementId</c> argument.</summary>
    public AgreementId AgreementId => new AgreementId(Error!.Hash(0));

    /// <summary>The error's <c>requestedFen</c> argument.</summary>
    public BigInteger RequestedFen => Error!.Number(1);

    /// <summary>The error's <c>availableFen</c> argument.</summary>
    public BigInteger AvailableFen => Error!.Number(2);

    private static string Describe(ContractError e) =>
        $"Agreement {Abbreviate(e.Hash(0))} has {Yuan(e.Number(2))} of its total limit left, less than the {Yuan(e.Number(1))} asked; release repaid loans or raise the limit with a new agreement.";
}
