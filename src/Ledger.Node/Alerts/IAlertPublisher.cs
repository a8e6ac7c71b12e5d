using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Node.Alerts;

/// <summary>
/// Where a node publishes the alerts it raises (rating downgrades on the tax node, …). Nodes register the
/// <see cref="AlertHub"/>, which keeps each alert with its audience (the members exposed to the enterprise) and streams
/// it to them (<c>Alerts.Subscribe</c>).
/// </summary>
public interface IAlertPublisher
{
    /// <summary>Publishes one alert.</summary>
    ValueTask PublishAsync(NodeAlert alert, CancellationToken cancellationToken = default);
}

/// <summary>Drops every alert (a host that streams none, e.g. a test host).</summary>
public sealed class NullAlertPublisher : IAlertPublisher
{
    /// <inheritdoc/>
    public ValueTask PublishAsync(NodeAlert alert, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
