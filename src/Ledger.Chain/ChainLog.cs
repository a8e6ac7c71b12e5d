using Microsoft.Extensions.Logging;

namespace Ledger.Chain;

/// <summary>The chain layer's log messages (source-generated).</summary>
internal static partial class ChainLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Chain call to {RpcUrl} failed (attempt {Attempt}): {Reason}; retrying")]
    public static partial void RetryingCall(ILogger logger, string rpcUrl, int attempt, string? reason);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Sent {TxHash} from {From} nonce {Nonce} ({Key})")]
    public static partial void Sent(ILogger logger, Ledger.Core.Primitives.Hash32 txHash, Ledger.Core.Primitives.EthAddress from, ulong nonce, string key);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Re-sending journaled transaction {TxHash} nonce {Nonce} ({Key}) after a restart")]
    public static partial void Resending(ILogger logger, Ledger.Core.Primitives.Hash32 txHash, ulong nonce, string key);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Nonce {Nonce} of {From} was rejected ({Reason}); re-reading the pending nonce")]
    public static partial void NonceRejected(ILogger logger, ulong nonce, Ledger.Core.Primitives.EthAddress from, string reason);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "Journaled transaction {TxHash} ({Key}) was superseded: nonce {Nonce} was used by another transaction")]
    public static partial void Superseded(ILogger logger, Ledger.Core.Primitives.Hash32 txHash, string key, ulong nonce);

    // 1305-1307 and 1309 (a local node started, deployed, dev accounts in use, stopped) are Ledger.Local's now.

    [LoggerMessage(EventId = 1308, Level = LogLevel.Information, Message = "Indexed blocks {From}–{To}: {Count} events")]
    public static partial void IndexedPage(ILogger logger, ulong from, ulong to, int count);
}
