using Microsoft.Extensions.Logging;

namespace Ledger.Local;

/// <summary>The local chain launcher's log messages (source-generated; the event ids it had in Ledger.Chain).</summary>
internal static partial class LocalChainLog
{
    [LoggerMessage(EventId = 1305, Level = LogLevel.Information, Message = "Started {Kind} node at {RpcUrl} (pid {Pid})")]
    public static partial void NodeStarted(ILogger logger, string kind, string rpcUrl, int pid);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Information, Message = "Deployed the Ledger suite on chain {ChainId} from block {Block}; deployment file {File}")]
    public static partial void Deployed(ILogger logger, System.Numerics.BigInteger chainId, ulong block, string file);

    [LoggerMessage(EventId = 1307, Level = LogLevel.Warning, Message = "Using well-known development accounts on the {Kind} chain: they are public keys for local chains only, never for a real consortium")]
    public static partial void DevAccountsInUse(ILogger logger, string kind);

    [LoggerMessage(EventId = 1309, Level = LogLevel.Information, Message = "Stopped {Kind} node (pid {Pid})")]
    public static partial void NodeStopped(ILogger logger, string kind, int pid);
}
