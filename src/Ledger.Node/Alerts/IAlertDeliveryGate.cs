using Ledger.Core.Model;
using Ledger.Core.Ports;

namespace Ledger.Node.Alerts;

/// <summary>
/// The last check before an alert is written to a member's stream (after its audience and the member's filters):
/// whether it may leave the node now, and — where an alert carries a provider's data — the record of its delivery.
/// </summary>
public interface IAlertDeliveryGate
{
    /// <summary>
    /// True when <paramref name="alert"/> may be streamed to <paramref name="member"/> now (its delivery recorded
    /// durably first where it must be); false when it must not reach that member.
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">when the check cannot be made (the chain cannot be read): the
    /// stream ends with the error and the member resumes from its cursor later; nothing is delivered unchecked.</exception>
    ValueTask<bool> AdmitAsync(StoredAlert alert, OrgId member, CancellationToken cancellationToken);
}

/// <summary>
/// Bank and guarantor nodes: the audience decided when the alert was raised is the whole rule (their alerts are about
/// their own loans and guarantees, or were delivered to them by a provider that checked and recorded it).
/// </summary>
public sealed class AudienceOnlyDelivery : IAlertDeliveryGate
{
    /// <inheritdoc/>
    public ValueTask<bool> AdmitAsync(StoredAlert alert, OrgId member, CancellationToken cancellationToken) => ValueTask.FromResult(true);
}
