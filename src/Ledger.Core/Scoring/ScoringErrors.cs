using Ledger.Core.Errors;

namespace Ledger.Core.Scoring;

/// <summary>The credit-scoring errors a user can meet (codes LEDGER-1070 to LEDGER-1079).</summary>
public static class ScoringErrors
{
    /// <summary>LEDGER-1070: the tax profile is malformed (negative amounts, repeated months, dates in the future…).</summary>
    public const string InvalidProfileCode = "LEDGER-1070";

    /// <summary>LEDGER-1071: the product table is malformed or inconsistent.</summary>
    public const string InvalidProductTableCode = "LEDGER-1071";

    /// <summary>LEDGER-1072: a product was asked for that the table does not have.</summary>
    public const string UnknownProductCode = "LEDGER-1072";

    internal static LedgerException InvalidProfile(string problem) => new(
        InvalidProfileCode, ErrorCategory.InvalidArgument,
        $"The tax profile cannot be scored: {problem}. Fix the data the tax node served (or its mapping) and decide again.");

    internal static LedgerException InvalidProductTable(string problem, Exception? inner = null) => new(
        InvalidProductTableCode, ErrorCategory.InvalidArgument,
        $"The product table is invalid: {problem}. Correct the bank's product configuration (see docs/domain.md for the format).", inner);

    internal static LedgerException UnknownProduct(string code, IEnumerable<string> known) => new(
        UnknownProductCode, ErrorCategory.NotFound,
        $"The product table has no product {code}; it has {string.Join(", ", known)}.");
}
