using Ledger.Core.Errors;

namespace Ledger.Node.Auditor;

/// <summary>
/// The auditor node's own errors (LEDGER-1560 … LEDGER-1569; catalogue in docs/nodes.md, "The auditor node").
/// Audit queries that are not usable are the audit library's LEDGER-1720; malformed fields the node's LEDGER-1520.
/// </summary>
public static class AuditorErrors
{
    /// <summary>
    /// LEDGER-1560: the auditor's own file (<c>DataDir/auditor.db</c>) could not be opened. Retired with store schema 4
    /// (the auditor's copy is a part of <c>ledger.db</c>; damage is the store's LEDGER-1403); never raised, never reused.
    /// </summary>
    public const string StoreUnusableCode = "LEDGER-1560";

    /// <summary>LEDGER-1561: an audit bundle cannot be written to <c>DataDir/bundles</c>.</summary>
    public const string BundleNotWrittenCode = "LEDGER-1561";

    /// <summary>LEDGER-1562: a member exported a record the auditor cannot read (its pull stops before it).</summary>
    public const string UnreadableRecordCode = "LEDGER-1562";

    internal static LedgerException BundleNotWritten(string path, Exception inner) => new(
        BundleNotWrittenCode, ErrorCategory.Unavailable,
        $"The audit bundle cannot be written to {path} ({inner.Message.TrimEnd('.')}); check the space and permissions of the node's data folder.", inner);

    internal static LedgerException UnreadableRecord(ulong sequence, string why, Exception? inner = null) => new(
        UnreadableRecordCode, ErrorCategory.Tampered,
        $"it exported record {sequence}, which cannot be read ({why.TrimEnd('.')}); the auditor stopped before it and will ask again", inner);
}
