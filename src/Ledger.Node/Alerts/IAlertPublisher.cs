using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Node.Alerts;

/// <summary>What an alert is about (values as <c>ledger.v1.AlertKind</c>).</summary>
public enum NodeAlertKind
{
    /// <summary>An enterprise's tax-credit rating went down.</summary>
    RatingDowngrade = 1,
    /// <summary>A loan's repayment is overdue.</summary>
    OverdueRepayment = 2,
    /// <summary>A loan defaulted.</summary>
    Default = 3,
    /// <summary>An R&amp;D loan's spending drifted from R&amp;D.</summary>
    FundFlowDeviation = 4,
    /// <summary>A consent was revoked.</summary>
    ConsentRevoked = 5,
    /// <summary>An enterprise's controller changed.</summary>
    ControllerChange = 6,
    /// <summary>A guarantor had not paid its obligation when a fund claim was filed.</summary>
    GuarantorFailedToPay = 7,
}

/// <summary>An early-warning event a node raises, to be streamed to the members exposed to the enterprise.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Enterprise">The enterprise (salted credit-code hash).</param>
/// <param name="Summary">One sentence for people.</param>
/// <param name="Details">Facts by name (e.g. year, previous, rating).</param>
/// <param name="RaisedAtMs">When it was raised (unix ms).</param>
/// <param name="Source">The organization whose node raised it.</param>
public sealed record NodeAlert(
    NodeAlertKind Kind,
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
