using Ledger.Core.Errors;

namespace Ledger.Audit;

/// <summary>
/// An audit input that cannot be used: an unreadable or incomplete bundle, a bad trusted-roots file, an unreachable
/// or wrong chain, an invalid query. Codes LEDGER-1700 … LEDGER-1799 (catalogue in docs/audit.md). A bundle that is
/// readable but does not verify is not an exception: it is a <see cref="Verification.VerificationReport"/> with failures.
/// </summary>
public sealed class AuditException : LedgerException
{
    /// <summary>Creates an audit error.</summary>
    public AuditException(string code, ErrorCategory category, string message, Exception? innerException = null)
        : base(code, category, message, innerException)
    {
    }
}

/// <summary>The audit library's error codes and the exceptions that carry them.</summary>
public static class AuditErrors
{
    /// <summary>LEDGER-1700: the bundle file cannot be read (missing, unreadable).</summary>
    public const string BundleUnreadableCode = "LEDGER-1700";

    /// <summary>LEDGER-1701: the bundle is not well-formed JSON of the bundle format.</summary>
    public const string BundleMalformedCode = "LEDGER-1701";

    /// <summary>LEDGER-1702: the bundle has another format or version.</summary>
    public const string BundleUnsupportedCode = "LEDGER-1702";

    /// <summary>LEDGER-1703: the bundle lacks something verification needs.</summary>
    public const string BundleIncompleteCode = "LEDGER-1703";

    /// <summary>LEDGER-1704: the trusted-roots file cannot be used.</summary>
    public const string TrustedRootsUnusableCode = "LEDGER-1704";

    /// <summary>LEDGER-1705: the chain cannot be reached.</summary>
    public const string ChainUnreachableCode = "LEDGER-1705";

    /// <summary>LEDGER-1706: the chain has another chain id than the bundle.</summary>
    public const string WrongChainCode = "LEDGER-1706";

    /// <summary>LEDGER-1707: the bundle's contracts are not deployed on the chain.</summary>
    public const string ContractsNotOnChainCode = "LEDGER-1707";

    /// <summary>LEDGER-1708: a record in the bundle is not a record Ledger knows, or a field is invalid.</summary>
    public const string InvalidRecordCode = "LEDGER-1708";

    /// <summary>LEDGER-1710: the bundle or ledger was read but did not verify (exit code 1).</summary>
    public const string VerificationFailedCode = "LEDGER-1710";

    /// <summary>LEDGER-1720: an invalid trail, bundle or statistics query.</summary>
    public const string InvalidQueryCode = "LEDGER-1720";

    /// <summary>LEDGER-1721: a bundle cannot be built from the evidence given (e.g. an anchor without its event).</summary>
    public const string BundleBuildCode = "LEDGER-1721";

    internal static AuditException BundleUnreadable(string path, string why, Exception? inner = null) => new(
        BundleUnreadableCode, ErrorCategory.InvalidArgument,
        $"The audit bundle {path} cannot be read: {why}. Check the path, or export the bundle again (ledger audit bundle).", inner);

    internal static AuditException BundleMalformed(string where, string why, Exception? inner = null) => new(
        BundleMalformedCode, ErrorCategory.InvalidArgument,
        $"The audit bundle is malformed: {Bundle.JsonShapeException.Sentence(where, why)}. It was altered or cut short; export it again.", inner);

    internal static AuditException BundleUnsupported(string format) => new(
        BundleUnsupportedCode, ErrorCategory.InvalidArgument,
        $"The file is of format '{format}', not {Bundle.AuditBundle.FormatTag}; it is not an audit bundle this version of Ledger reads.");

    internal static AuditException BundleIncomplete(string what) => new(
        BundleIncompleteCode, ErrorCategory.InvalidArgument,
        $"The audit bundle is incomplete: {what}. Export it again with a current node.");

    internal static AuditException TrustedRootsUnusable(string path, string why, Exception? inner = null) => new(
        TrustedRootsUnusableCode, ErrorCategory.InvalidArgument,
        $"The trusted-roots file {path} cannot be used: {why}. Give a file in the format {Bundle.TrustedRoots.FormatTag} (docs/audit.md).", inner);

    internal static AuditException ChainUnreachable(string rpcUrl, string why, Exception? inner = null) => new(
        ChainUnreachableCode, ErrorCategory.Unavailable,
        $"The chain at {rpcUrl} cannot be reached to verify the bundle ({why}); check the URL and that the node runs, or verify with --offline.", inner);

    internal static AuditException WrongChain(string rpcUrl, ulong bundleChainId, System.Numerics.BigInteger chainId) => new(
        WrongChainCode, ErrorCategory.FailedPrecondition,
        $"The bundle is for chain {bundleChainId} but the node at {rpcUrl} is chain {chainId}; verify against a node of chain {bundleChainId}.");

    internal static AuditException ContractsNotOnChain(string rpcUrl, string what) => new(
        ContractsNotOnChainCode, ErrorCategory.FailedPrecondition,
        $"The bundle's contracts are not on the chain at {rpcUrl}: {what}. Verify against the chain the bundle was exported from.");

    /// <summary>LEDGER-1730: verification options out of range (a negative or implausibly long freshness bound or clock skew).</summary>
    public const string InvalidOptionsCode = "LEDGER-1730";

    internal static AuditException InvalidOptions(string why) => new(
        InvalidOptionsCode, ErrorCategory.InvalidArgument, $"The verification options are not usable: {why}.");

    internal static AuditException InvalidRecord(string where, string why, Exception? inner = null) => new(
        InvalidRecordCode, ErrorCategory.InvalidArgument,
        $"The record cannot be read: {Bundle.JsonShapeException.Sentence(where, why)}.", inner);

    internal static AuditException InvalidQuery(string why) => new(
        InvalidQueryCode, ErrorCategory.InvalidArgument, $"The audit query is not usable: {why}.");

    internal static AuditException BundleBuild(string why) => new(
        BundleBuildCode, ErrorCategory.FailedPrecondition, $"The audit bundle cannot be built: {why}.");
}
