using Ledger.Core.Errors;

namespace Ledger.Cli;

/// <summary>
/// The CLI's exit codes and its own errors (LEDGER-1660 … LEDGER-1679). Every failure is printed as its LEDGER code
/// and sentence; the exit code says what kind of failure it was (docs/cli.md).
/// </summary>
public static class CliErrors
{
    /// <summary>Done.</summary>
    public const int Ok = 0;
    /// <summary>The operation was refused (permission, state, not found, already exists) or a verification failed.</summary>
    public const int Refused = 1;
    /// <summary>Unusable input: bad arguments, unreadable files, unknown organizations, an unreachable node or chain.</summary>
    public const int UnusableInput = 2;
    /// <summary>An internal error (a defect, or a node that failed unexpectedly).</summary>
    public const int Internal = 3;
    /// <summary>Interrupted (Ctrl-C) before the command finished (the shell convention, 128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>LEDGER-1660: an argument or option is missing or malformed.</summary>
    public const string BadArgumentCode = "LEDGER-1660";
    /// <summary>LEDGER-1661: the organization is not known (not in the consortium description, not on chain).</summary>
    public const string UnknownOrgCode = "LEDGER-1661";
    /// <summary>LEDGER-1662: a file cannot be read or written.</summary>
    public const string FileCode = "LEDGER-1662";
    /// <summary>LEDGER-1663: the command does not know which node, key or chain to use.</summary>
    public const string TargetCode = "LEDGER-1663";
    /// <summary>LEDGER-1664: an unexpected failure inside the CLI (a defect).</summary>
    public const string InternalCode = "LEDGER-1664";
    /// <summary>LEDGER-1666: a local consortium is already running (per its description).</summary>
    public const string AlreadyRunningCode = "LEDGER-1666";
    /// <summary>LEDGER-1667: the enterprise's trail did not verify: a record failed, or a node keeping records under its consents could not be asked.</summary>
    public const string TrailNotVerifiedCode = "LEDGER-1667";
    /// <summary>LEDGER-1680: rows of a tax data import were rejected (the others were imported).</summary>
    public const string ImportRejectedCode = "LEDGER-1680";
    /// <summary>LEDGER-1665: the command was interrupted (Ctrl-C) before it finished.</summary>
    public const string InterruptedCode = "LEDGER-1665";

    // Failures of the setting rather than of the operation: a missing or locked key store, a chain that is not there or
    // not configured, a consortium description that is missing. They exit 2 whatever their category says.
    private static readonly HashSet<string> InputCodes = new(StringComparer.Ordinal)
    {
        "LEDGER-1300", "LEDGER-1301", "LEDGER-1302", "LEDGER-1303", "LEDGER-1304", "LEDGER-1305", "LEDGER-1306",
        "LEDGER-1600", "LEDGER-1603",
        "LEDGER-1610", "LEDGER-1611", "LEDGER-1612", "LEDGER-1613", "LEDGER-1614",
        "LEDGER-1650", "LEDGER-1652", "LEDGER-1653", "LEDGER-1654",
    };

    /// <summary>The exit code of a Ledger error.</summary>
    public static int ExitCodeOf(LedgerException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (InputCodes.Contains(error.Code))
        {
            return UnusableInput;
        }
        return error.Category switch
        {
            ErrorCategory.InvalidArgument or ErrorCategory.Unavailable => UnusableInput,
            ErrorCategory.Internal => Internal,
            _ => Refused,
        };
    }

    /// <summary>A malformed or missing argument (exit 2).</summary>
    public static LedgerException BadArgument(string sentence) => new(BadArgumentCode, ErrorCategory.InvalidArgument, sentence);

    /// <summary>An unknown organization (exit 2).</summary>
    public static LedgerException UnknownOrg(string sentence) => new(UnknownOrgCode, ErrorCategory.InvalidArgument, sentence);

    /// <summary>A file that cannot be used (exit 2).</summary>
    public static LedgerException File(string sentence, Exception? inner = null) => new(FileCode, ErrorCategory.InvalidArgument, sentence, inner);

    /// <summary>No node, key or chain to use (exit 2).</summary>
    public static LedgerException Target(string sentence) => new(TargetCode, ErrorCategory.InvalidArgument, sentence);
}
