using Microsoft.Extensions.Logging;

namespace Ledger.Node.Alerts;

/// <summary>Log messages of the alert hub, the alert streams and the upstream subscriptions (source-generated).</summary>
internal static partial class AlertsLog
{
    [LoggerMessage(1560, LogLevel.Information, "Alert log opened: latest alert {Last}; exposure rebuilt from the chain index ({Consents} consents).")]
    public static partial void Opened(ILogger logger, long last, int consents);

    [LoggerMessage(1561, LogLevel.Debug, "Alert {Id} raised: {Kind} for enterprise {Enterprise}, audience of {Audience} member(s).")]
    public static partial void Raised(ILogger logger, string id, string kind, string enterprise, int audience);

    [LoggerMessage(1562, LogLevel.Information, "{Caller} subscribed to alerts after {AfterId}.")]
    public static partial void Subscribed(ILogger logger, string caller, string afterId);

    [LoggerMessage(1563, LogLevel.Information, "Following the alerts of {Upstream} at {Endpoint} after {AfterId}.")]
    public static partial void UpstreamConnected(ILogger logger, string upstream, string endpoint, string afterId);

    [LoggerMessage(1564, LogLevel.Warning, "The alert stream of {Upstream} failed ({Code}: {Reason}); reconnecting in {DelayMs} ms.")]
    public static partial void UpstreamFailed(ILogger logger, string upstream, string code, string reason, long delayMs);

    [LoggerMessage(1565, LogLevel.Warning, "{Upstream} no longer knows alert {AfterId} (its alert log was reset); following it from its oldest alert.")]
    public static partial void UpstreamReset(ILogger logger, string upstream, string afterId);

    [LoggerMessage(1567, LogLevel.Warning, "Opening the alert log at start failed ({Reason}); the first alert or stream tries again.")]
    public static partial void WarmFailed(ILogger logger, string reason);

    [LoggerMessage(1566, LogLevel.Warning, "Finding the tax bureaus to follow failed ({Reason}); trying again later.")]
    public static partial void DiscoveryFailed(ILogger logger, string reason);
}
