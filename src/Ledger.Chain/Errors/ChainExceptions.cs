using Ledger.Core.Errors;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

// Transport, configuration, sender and indexer failures: LEDGER-1300 … LEDGER-1399 (docs/errors.md).

/// <summary>The chain node could not be reached or did not answer (LEDGER-1300, LEDGER-1301). Retrying later may work.</summary>
public sealed class ChainUnavailableException : LedgerException
{
    /// <summary>LEDGER-1300: the node refused or dropped the connection.</summary>
    public const string UnreachableCode = "LEDGER-1300";

    /// <summary>LEDGER-1301: the node accepted the connection but did not answer in time.</summary>
    public const string TimeoutCode = "LEDGER-1301";

    /// <summary>LEDGER-1307: the node has no block of the number asked about (it restarted from an earlier state, or is behind).</summary>
    public const string MissingBlockCode = "LEDGER-1307";

    private ChainUnavailableException(string code, string rpcUrl, string message, Exception? inner)
        : base(code, ErrorCategory.Unavailable, message, inner) => RpcUrl = rpcUrl;

    /// <summary>The endpoint that failed.</summary>
    public string RpcUrl { get; }

    /// <summary>The node cannot be reached.</summary>
    public static ChainUnavailableException Unreachable(string rpcUrl, Exception? inner) => new(
        UnreachableCode,
        rpcUrl,
        $"The chain node at {rpcUrl} cannot be reached ({Describe(inner)}); check that it is running and that the address is right. Anything already accepted is kept and is sent when the node is back.",
        inner);

    /// <summary>
    /// The node has no block of the number a call named: its chain is shorter than the caller has seen (a node restarted
    /// from an earlier state, or one behind the others). Nothing can be decided on that block until the chain has it.
    /// </summary>
    public static ChainUnavailableException MissingBlock(string rpcUrl, string reason, Exception? inner) => new(
        MissingBlockCode,
        rpcUrl,
        $"The chain node at {rpcUrl} does not have the block asked about ({reason}); it restarted from an earlier state or is behind. Nothing is decided on that block; retry once the node's view of the chain is current again.",
        inner);

    /// <summary>The node did not answer in time.</summary>
    public static ChainUnavailableException TimedOut(string rpcUrl, Exception? inner) => new(
        TimeoutCode,
        rpcUrl,
        $"The chain node at {rpcUrl} did not answer in time; it may be overloaded or stalled. Check its logs; the request can be retried.",
        inner);

    private static string Describe(Exception? inner)
    {
        for (var e = inner; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException socket)
            {
                return socket.SocketErrorCode.ToString();
            }
        }
        return inner?.GetBaseException().Message ?? "no answer";
    }
}

/// <summary>The chain profile or deployment file is wrong (LEDGER-1302 … LEDGER-1304). Fix the configuration and restart.</summary>
public sealed class ChainConfigurationException : LedgerException
{
    /// <summary>LEDGER-1302: an invalid chain profile.</summary>
    public const string ProfileCode = "LEDGER-1302";

    /// <summary>LEDGER-1303: a missing or invalid deployment file.</summary>
    public const string DeploymentFileCode = "LEDGER-1303";

    /// <summary>LEDGER-1304: the deployment file does not describe the chain the node is on.</summary>
    public const string MismatchCode = "LEDGER-1304";

    private ChainConfigurationException(string code, string message, Exception? inner = null)
        : base(code, ErrorCategory.FailedPrecondition, message, inner)
    {
    }

    /// <summary>A profile setting is wrong.</summary>
    public static ChainConfigurationException Profile(string what) => new(ProfileCode, $"The chain profile is invalid: {what}.");

    /// <summary>The deployment file cannot be used.</summary>
    public static ChainConfigurationException DeploymentFile(string file, string why, Exception? inner = null) =>
        new(DeploymentFileCode, $"The deployment file {file} cannot be used: {why}.", inner);

    /// <summary>The deployment file was written for another chain.</summary>
    public static ChainConfigurationException Mismatch(string rpcUrl, string what) =>
        new(MismatchCode, $"The deployment file does not match the chain at {rpcUrl}: {what}. Use the deployment file written when this chain was deployed, or redeploy.");
}

/// <summary>A transaction did not reach a final, successful state for a reason other than a contract error (LEDGER-1310 … LEDGER-1313).</summary>
public sealed class TransactionFailedException : LedgerException
{
    /// <summary>LEDGER-1310: not mined within the receipt timeout.</summary>
    public const string NotMinedCode = "LEDGER-1310";

    /// <summary>LEDGER-1311: its nonce was taken by another transaction, so it can never be mined.</summary>
    public const string SupersededCode = "LEDGER-1311";

    /// <summary>LEDGER-1312: the node refused the transaction.</summary>
    public const string RejectedCode = "LEDGER-1312";

    /// <summary>LEDGER-1313: an idempotency key was reused for a different transaction.</summary>
    public const string KeyConflictCode = "LEDGER-1313";

    private TransactionFailedException(string code, ErrorCategory category, string message, Hash32? txHash, Exception? inner = null)
        : base(code, category, message, inner) => TxHash = txHash;

    /// <summary>The transaction concerned, when it was signed.</summary>
    public Hash32? TxHash { get; }

    /// <summary>No receipt in time.</summary>
    public static TransactionFailedException NotMined(Hash32 txHash, TimeSpan waited) => new(
        NotMinedCode,
        ErrorCategory.Unavailable,
        $"Transaction {txHash} was not mined within {waited.TotalSeconds:0} s. It is journaled and is sent again (the same signed bytes) on the next attempt or restart; check that the chain is producing blocks.",
        txHash);

    /// <summary>The nonce was used by another transaction.</summary>
    public static TransactionFailedException Superseded(Hash32 txHash, EthAddress from, ulong nonce) => new(
        SupersededCode,
        ErrorCategory.FailedPrecondition,
        $"Transaction {txHash} can never be mined: another transaction of {from} used nonce {nonce}. Another program is sending from this account; give each node its own account. Send the request again to sign a new transaction.",
        txHash);

    /// <summary>The node refused it.</summary>
    public static TransactionFailedException Rejected(string rpcUrl, string reason, Hash32? txHash, Exception? inner = null) => new(
        RejectedCode,
        ErrorCategory.FailedPrecondition,
        $"The chain node at {rpcUrl} refused the transaction: {reason}. Check the sending account (funds, permissions) and the node's settings.",
        txHash,
        inner);

    /// <summary>The same key named another transaction.</summary>
    public static TransactionFailedException KeyConflict(string key) => new(
        KeyConflictCode,
        ErrorCategory.AlreadyExists,
        $"The request key '{key}' was already used for a different transaction; use a new key for a new request.",
        null);
}

/// <summary>The event indexer met something it cannot decode (LEDGER-1320).</summary>
public sealed class IndexerException : LedgerException
{
    /// <summary>LEDGER-1320.</summary>
    public const string UndecodableCode = "LEDGER-1320";

    internal IndexerException(string message, Exception? inner = null)
        : base(UndecodableCode, ErrorCategory.Internal, message, inner)
    {
    }
}

/// <summary>The node's account does not act for any active member (LEDGER-1314).</summary>
public sealed class NotAnOperatorException : LedgerException
{
    /// <summary>LEDGER-1314.</summary>
    public const string NotAnOperatorCode = "LEDGER-1314";

    internal NotAnOperatorException(EthAddress account)
        : base(NotAnOperatorCode, ErrorCategory.PermissionDenied,
            $"Account {account} is not an operator of an active consortium member, so this node cannot act on chain; ask the governors to add it as an operator of your organization (addOperator), or configure the node with an operator key.")
        => Account = account;

    /// <summary>The account concerned.</summary>
    public EthAddress Account { get; }
}
