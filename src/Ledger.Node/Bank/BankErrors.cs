using Ledger.Core.Errors;

namespace Ledger.Node.Bank;

/// <summary>
/// Errors of the bank node's lending and of fund-flow entries (LEDGER-1540 … LEDGER-1549), each one gRPC status
/// through its category and a sentence saying what to do. Catalogue: docs/nodes.md, "Error codes".
/// </summary>
public static class BankErrors
{
    /// <summary>LEDGER-1540: the consent is not granted on this chain (no <c>ConsentGranted</c> event).</summary>
    public const string UnknownConsentCode = "LEDGER-1540";
    /// <summary>LEDGER-1541: the amount to disburse is above the decision's limit.</summary>
    public const string AboveLimitCode = "LEDGER-1541";
    /// <summary>LEDGER-1542: the decision was not made by this bank node.</summary>
    public const string UnknownDecisionCode = "LEDGER-1542";
    /// <summary>LEDGER-1543: the provider's report does not hash to the response hash it recorded.</summary>
    public const string ReportMismatchCode = "LEDGER-1543";
    /// <summary>LEDGER-1544: the loan reference is already used by another loan.</summary>
    public const string LoanReferenceUsedCode = "LEDGER-1544";
    /// <summary>LEDGER-1545: the evidence document is already recorded for the loan with other figures.</summary>
    public const string EvidenceConflictCode = "LEDGER-1545";
    /// <summary>LEDGER-1546: the loan does not exist.</summary>
    public const string UnknownLoanCode = "LEDGER-1546";
    /// <summary>LEDGER-1547: the bank node is not serving lending (its store cannot be used).</summary>
    public const string NotABankCode = "LEDGER-1547";
    /// <summary>LEDGER-1548: the consent was revoked; what the bank held under it is deleted.</summary>
    public const string ConsentRevokedCode = "LEDGER-1548";
    /// <summary>LEDGER-1549: this organization has no fund-flow entry on chain for the evidence document of the loan.</summary>
    public const string UnknownEntryCode = "LEDGER-1549";

    internal static LedgerException UnknownConsent(string sentence) => new(UnknownConsentCode, ErrorCategory.NotFound, sentence);

    internal static LedgerException AboveLimit(string sentence) => new(AboveLimitCode, ErrorCategory.FailedPrecondition, sentence);

    internal static LedgerException UnknownDecision(string sentence) => new(UnknownDecisionCode, ErrorCategory.NotFound, sentence);

    internal static LedgerException ReportMismatch(string sentence) => new(ReportMismatchCode, ErrorCategory.Tampered, sentence);

    internal static LedgerException LoanReferenceUsed(string sentence) => new(LoanReferenceUsedCode, ErrorCategory.AlreadyExists, sentence);

    internal static LedgerException EvidenceConflict(string sentence) => new(EvidenceConflictCode, ErrorCategory.AlreadyExists, sentence);

    internal static LedgerException ConsentRevoked(string sentence) => new(ConsentRevokedCode, ErrorCategory.FailedPrecondition, sentence);

    internal static LedgerException UnknownEntry(string sentence) => new(UnknownEntryCode, ErrorCategory.NotFound, sentence);

    internal static LedgerException UnknownLoan(string sentence) => new(UnknownLoanCode, ErrorCategory.NotFound, sentence);
}
