using Ledger.Core.Errors;

namespace Ledger.Local;

/// <summary>A local chain node (hardhat or anvil) could not be started (LEDGER-1305, LEDGER-1306).</summary>
public sealed class LocalChainException : LedgerException
{
    /// <summary>LEDGER-1305: the node process failed or never answered.</summary>
    public const string StartFailedCode = "LEDGER-1305";

    /// <summary>LEDGER-1306: the node program is not installed.</summary>
    public const string NotInstalledCode = "LEDGER-1306";

    private LocalChainException(string code, string message, Exception? inner = null)
        : base(code, ErrorCategory.Unavailable, message, inner)
    {
    }

    /// <summary>The program is missing.</summary>
    public static LocalChainException NotInstalled(string kind, string path) => new(
        NotInstalledCode,
        $"The {kind} program was not found at {path}; run `npm ci` in the repository root (it installs hardhat and anvil), or set the chain profile's RepositoryRoot.");

    /// <summary>The process exited or never answered.</summary>
    public static LocalChainException StartFailed(string kind, string why, string log, Exception? inner = null) => new(
        StartFailedCode,
        $"The local {kind} node could not be started: {why}. Its output ends with: {log}",
        inner);
}
