using Ledger.Core.Errors;

namespace Ledger.Local;

/// <summary>
/// Errors of the local consortium (LEDGER-1650 … LEDGER-1659, in the SDK/CLI range 1600–1699). Each says what to fix;
/// none carries a key or a password.
/// </summary>
public static class LocalErrors
{
    /// <summary>LEDGER-1650: the built node (ledger-node.dll) or the dotnet host cannot be found.</summary>
    public const string NodeNotBuiltCode = "LEDGER-1650";
    /// <summary>LEDGER-1651: a node process exited or did not become ready in time.</summary>
    public const string NodeStartFailedCode = "LEDGER-1651";
    /// <summary>LEDGER-1652: the work folder is not one the orchestrator made, or cannot be used.</summary>
    public const string WorkDirCode = "LEDGER-1652";
    /// <summary>LEDGER-1653: the consortium options are unusable (topology, chain, password).</summary>
    public const string OptionsCode = "LEDGER-1653";
    /// <summary>LEDGER-1654: a consortium description (consortium.json) is missing or malformed.</summary>
    public const string DescriptionCode = "LEDGER-1654";
    /// <summary>LEDGER-1655: a member on chain contradicts the local key store (another operator, not active).</summary>
    public const string MembershipConflictCode = "LEDGER-1655";

    internal static LedgerException NodeNotBuilt(string sentence) => new(NodeNotBuiltCode, ErrorCategory.FailedPrecondition, sentence);

    internal static LedgerException NodeStartFailed(string sentence, Exception? inner = null) =>
        new(NodeStartFailedCode, ErrorCategory.Unavailable, sentence, inner);

    internal static LedgerException WorkDir(string sentence, Exception? inner = null) => new(WorkDirCode, ErrorCategory.FailedPrecondition, sentence, inner);

    internal static LedgerException Options(string sentence) => new(OptionsCode, ErrorCategory.InvalidArgument, sentence);

    internal static LedgerException Description(string sentence, Exception? inner = null) => new(DescriptionCode, ErrorCategory.InvalidArgument, sentence, inner);

    internal static LedgerException MembershipConflict(string sentence) => new(MembershipConflictCode, ErrorCategory.FailedPrecondition, sentence);
}
