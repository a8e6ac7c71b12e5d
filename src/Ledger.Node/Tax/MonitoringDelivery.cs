using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Alerts;
using Ledger.Node.Hosting;
using Ledger.Node.Tax.UseCases;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Tax;

/// <summary>
/// The tax node's gate on its own alerts (a rating downgrade is the bureau's data about the enterprise): one reaches a
/// member only under a consent the enterprise granted that member for post-loan monitoring, with this bureau as
/// provider and the rating among its scopes, allowed on chain now (<see cref="ConsentGate"/>: not revoked, valid, the
/// member active) and within its fetch cap — and its delivery is an access record (<see cref="AlertDelivery"/>),
/// accepted durably before the alert is streamed and anchored with the node's other records, so the enterprise and the
/// auditor see it like a fetch. No consent, no alert. A delivery made before (a stream resumed after a reconnect or a
/// restart: the same delivery hash) is streamed again without a second record. Chain-sourced alerts (about loans) pass:
/// their audience rule is the whole rule (<see cref="ExposureIndex"/>).
/// </summary>
public sealed class MonitoringDelivery(
    FetchReportSettings settings,
    ChainHead head,
    ConsentGate gate,
    AlertHub hub,
    IAnswerLog answers,
    IDataExchangeChain chain,
    TimeProvider time,
    ILogger<MonitoringDelivery> logger) : IAlertDeliveryGate
{
    /// <summary>The scopes a monitoring alert carries (a rating downgrade tells the rating).</summary>
    public const Scopes AlertScopes = Scopes.TaxCreditRating;

    /// <inheritdoc/>
    public async ValueTask<bool> AdmitAsync(StoredAlert alert, OrgId member, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var a = alert.Alert;
        if (a.Kind != AlertKind.RatingDowngrade || a.Source != settings.Provider)
        {
            return true;
        }
        var now = time.GetUtcNow();
        var candidates = hub.Exposure.MonitoringConsents(a.Enterprise, member, settings.Provider, AlertScopes, (ulong)now.ToUnixTimeSeconds());
        if (candidates.Count == 0)
        {
            NodeLog.AlertWithheld(logger, alert.Id, member.Code, "no monitoring consent");
            return false;
        }
        var block = (await head.ConfirmAsync(cancellationToken).ConfigureAwait(false)).Block.Number;
        foreach (var consent in candidates)
        {
            if (await gate.CheckAsync(consent, member, AlertScopes, block).ConfigureAwait(false) != AccessStatus.Allowed
                || await gate.GrantAsync(consent, cancellationToken).ConfigureAwait(false) is not { } grant)
            {
                continue;
            }
            var requestHash = new AlertDelivery(consent, member, settings.Provider, alert.Id, a.Kind).Hash();
            var period = ConsentGate.PeriodOf(grant, (ulong)now.ToUnixTimeSeconds());
            switch (gate.TryReserve(grant, requestHash, period, countCap: !settings.StrongMode))
            {
                case ReserveOutcome.Duplicate:
                    return true; // delivered and recorded before
                case ReserveOutcome.CapReached:
                    continue;
            }
            try
            {
                var responseHash = AlertDelivery.ContentHash(a.Kind, a.Enterprise, a.RaisedAtMs, a.Summary);
                if (settings.StrongMode)
                {
                    try
                    {
                        await chain.RecordAccessAsync(consent, member, AlertScopes, requestHash, responseHash, key: $"alert:{requestHash}").ConfigureAwait(false);
                    }
                    catch (Core.Errors.LedgerException refused) when (RefusalCatalogue.StatusOfContractError(refused.Code) is not null)
                    {
                        gate.Release(grant, requestHash, period); // the chain's cap or state said no: try another consent
                        continue;
                    }
                }
                var provider = settings.Provider;
                var servedAtMs = (ulong)now.ToUnixTimeMilliseconds();
                await answers.AcceptAccessAsync(sequence => new AccessRecord(
                    consent, provider, member, AlertScopes, requestHash, responseHash, block, servedAtMs, sequence)).ConfigureAwait(false);
                return true;
            }
            catch
            {
                gate.Release(grant, requestHash, period);
                throw;
            }
        }
        NodeLog.AlertWithheld(logger, alert.Id, member.Code, "no monitoring consent allowed on chain within its cap");
        return false;
    }
}
