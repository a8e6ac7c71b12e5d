using Microsoft.Extensions.Logging;

namespace Ledger.Node.Bank;

/// <summary>The bank node's log messages (event ids 1540–1549). Never a key, never a report's content.</summary>
internal static partial class BankLog
{
    [LoggerMessage(1540, LogLevel.Information, "Fetched data of consent {ConsentId} from {Provider} (response {ResponseHash}); kept until {KeepUntilMs} (unix ms).")]
    public static partial void Fetched(ILogger logger, string consentId, string provider, string responseHash, ulong keepUntilMs);

    [LoggerMessage(1541, LogLevel.Information, "Deleted data of consent {ConsentId} (response {ResponseHash}): {Cause}; deletion receipt {Receipt}.")]
    public static partial void Deleted(ILogger logger, string consentId, string responseHash, string cause, string receipt);

    [LoggerMessage(1542, LogLevel.Warning, "Held-data sweep failed ({Code}: {Reason}); retrying at the next sweep. Nothing is lost: deletions resume where they stopped.")]
    public static partial void SweepFailed(ILogger logger, string code, string reason);

    [LoggerMessage(1543, LogLevel.Information, "Decided on consent {ConsentId}: approved {Approved}, score {Score}, product {Product}, decision {DecisionHash}.")]
    public static partial void Decided(ILogger logger, string consentId, bool approved, int score, string product, string decisionHash);

    [LoggerMessage(1544, LogLevel.Information, "Recorded {Category} spending of {AmountFen} fen on loan {LoanId} (evidence {EvidenceHash}); non-R&D share {ShareBps} bps, deviated {Deviated}.")]
    public static partial void Spending(ILogger logger, string category, string amountFen, string loanId, string evidenceHash, uint shareBps, bool deviated);

    [LoggerMessage(1545, LogLevel.Information, "Reversed fund-flow entry {EntryIndex} of loan {LoanId} (evidence {EvidenceHash}, reason {ReasonHash}); non-R&D share {ShareBps} bps, deviated {Deviated}.")]
    public static partial void Reversed(ILogger logger, uint entryIndex, string loanId, string evidenceHash, string reasonHash, uint shareBps, bool deviated);

    [LoggerMessage(1546, LogLevel.Information, "Corrected fund-flow entry {EntryIndex} of loan {LoanId} by entry {NewEntryIndex} (evidence {EvidenceHash}); non-R&D share {ShareBps} bps, deviated {Deviated}.")]
    public static partial void Corrected(ILogger logger, uint entryIndex, string loanId, uint newEntryIndex, string evidenceHash, uint shareBps, bool deviated);
}
