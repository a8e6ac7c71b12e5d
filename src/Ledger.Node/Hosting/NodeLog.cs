using Microsoft.Extensions.Logging;

namespace Ledger.Node.Hosting;

/// <summary>The node's log messages (source-generated; structured fields, never a key).</summary>
internal static partial class NodeLog
{
    [LoggerMessage(1500, LogLevel.Information, "ledger-node {Org} ({Role}) serving on {Listen}: operator {Operator}, chain {ChainId} at {RpcUrl}, strong mode {StrongMode}")]
    public static partial void Serving(ILogger logger, string org, string role, string listen, string @operator, string chainId, string rpcUrl, bool strongMode);

    [LoggerMessage(1502, LogLevel.Warning, "Refused {Method} from {CallerOrg}: {Code} {Reason}")]
    public static partial void Refused(ILogger logger, string method, string callerOrg, string code, string reason);

    [LoggerMessage(1503, LogLevel.Error, "Unexpected failure in {Method} (correlation id {CorrelationId})")]
    public static partial void Unexpected(ILogger logger, Exception exception, string method, string correlationId);

    [LoggerMessage(1504, LogLevel.Warning, "The event indexer failed ({Code}: {Reason}); retrying in {DelayMs} ms. Nothing is lost: it resumes from its checkpoint.")]
    public static partial void IndexerFailed(ILogger logger, string code, string reason, long delayMs);

    [LoggerMessage(1505, LogLevel.Warning, "Chain view degraded: {Reason}. The node refuses data requests (LEDGER-1330) and reports NOT_SERVING until a chain read completes again; last confirmed block {Block}.")]
    public static partial void ChainDegraded(ILogger logger, string reason, ulong block);

    [LoggerMessage(1501, LogLevel.Information, "Chain view restored after {DegradedMs} ms degraded; head at block {Block}.")]
    public static partial void ChainRecovered(ILogger logger, long degradedMs, ulong block);

    [LoggerMessage(1506, LogLevel.Information, "Recovered {Count} journaled transaction(s) of operator {Operator} at start.")]
    public static partial void Recovered(ILogger logger, int count, string @operator);

    [LoggerMessage(1507, LogLevel.Information, "Generated {Count} synthetic taxpayers (seed {Seed}) into an empty tax data store.")]
    public static partial void SyntheticGenerated(ILogger logger, int count, int seed);

    [LoggerMessage(1508, LogLevel.Debug, "Served {Scopes} of consent {ConsentId} to {Consumer} (request {RequestHash}, checked at block {Block}).")]
    public static partial void Served(ILogger logger, string scopes, string consentId, string consumer, string requestHash, ulong block);

    [LoggerMessage(1509, LogLevel.Information, "Rating of {CreditCode} for {Year} changed from {Previous} to {Rating}; downgrade alert raised: {Downgrade}.")]
    public static partial void RatingUpdated(ILogger logger, string creditCode, int year, string previous, string rating, bool downgrade);

    [LoggerMessage(1510, LogLevel.Debug, "Alert {AlertId} not streamed to {Member}: {Reason}.")]
    public static partial void AlertWithheld(ILogger logger, string alertId, string member, string reason);

    [LoggerMessage(1580, LogLevel.Information, "TLS certificate rotated: pin {PreviousPin} → {Pin}; new connections get the new certificate.")]
    public static partial void CertificateRotated(ILogger logger, string previousPin, string pin);

    [LoggerMessage(1581, LogLevel.Warning, "The TLS certificate file {File} changed but cannot be loaded ({Reason}); the node keeps presenting its current certificate.")]
    public static partial void CertificateUnreadable(ILogger logger, string file, string reason);

    [LoggerMessage(1582, LogLevel.Warning, "No TLS pin is registered on chain for {Org}: other members' nodes cannot verify this node (pin {Pin}) and refuse to call it. Have the governors register it (changeTlsPins).")]
    public static partial void NoPinRegistered(ILogger logger, string org, string pin);

    [LoggerMessage(1583, LogLevel.Warning, "Serving plaintext HTTP/2 on {Listen} (Ledger:Node:Tls:Mode=plaintext-development): nothing on the wire is protected; for development on one machine only.")]
    public static partial void Plaintext(ILogger logger, string listen);
}
