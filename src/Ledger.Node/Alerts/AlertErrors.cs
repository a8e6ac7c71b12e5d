using Ledger.Core.Errors;

namespace Ledger.Node.Alerts;

/// <summary>Errors of the alert streams (LEDGER-1550). Catalogue: docs/nodes.md, "Error codes".</summary>
public static class AlertErrors
{
    /// <summary>LEDGER-1550: the alert id to resume after is beyond the node's latest alert (its alert log was reset).</summary>
    public const string UnknownAlertCode = "LEDGER-1550";

    internal static LedgerException UnknownAlert(string afterId, string latest) => new(UnknownAlertCode, ErrorCategory.FailedPrecondition,
        $"Alert {afterId} is beyond this node's latest alert {latest}, so its alert log was reset since; subscribe again from 0 (every alert kept) or without after_id (live only).");
}
