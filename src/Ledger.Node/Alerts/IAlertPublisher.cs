using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Node.Alerts;

/// <summary>An early-warning event a node raises, to be streamed to the members exposed to the enterprise.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Enterprise">The enterprise (salted credit-code hash).</param>
/// <param name="Summary">One sentence for people.</param>
/// <param name="Details">Facts by name (e.g. year, previous, rating).</param>
/// <param name="RaisedAtMs">When it was raised (unix ms).</param>
/// <param name="Source">The organization whose node raised it.</param>
public sealed record NodeAlert(
    AlertKind Kind,
    EnterpriseHash Enterprise,
    string Summary,
    IReadOnlyDictionary<string, string> Details,
    ulong RaisedAtMs,
    OrgId Source)
{
    /// <summary>The loan concerned, if any.</summary>
    public LoanId? Loan { get; init; }
    /// <summary>The consent concerned, if any.</summary>
    public ConsentId? Consent { get; init; }
    /// <summary>The block of a chain-sourced alert.</summary>
    public ulong BlockNumber { get; init; }
    /// <summary>The transaction of a chain-sourced alert.</summary>
    public Hash32? TxHash { get; init; }
}

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
