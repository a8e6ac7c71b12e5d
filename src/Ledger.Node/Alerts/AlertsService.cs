using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;
using Ledger.Sdk.Mapping;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Alerts;

/// <summary>
/// <c>ledger.v1.Alerts</c> on tax, bank and guarantor nodes (banks and guarantors may subscribe): streams the alerts of
/// the node's hub whose audience holds the caller's organization (who needed to know when each alert was raised:
/// <see cref="ExposureIndex"/>) and that the node's <see cref="IAlertDeliveryGate"/> admits now (on a tax node, a
/// rating downgrade only under a monitoring consent, its delivery recorded) — after <c>after_id</c> (empty: live only; <c>0</c>: every alert kept), then live as they are raised.
/// The node accepts the subscription by sending the header <c>ledger-alerts-after</c> (the id the stream starts
/// after). The stream ends when the caller cancels, when the node stops, or — PERMISSION_DENIED — when the caller is
/// no longer an active member.
/// </summary>
public sealed class AlertsService(ChainHead head, MembershipDirectory membership, AlertHub hub, IAlertDeliveryGate delivery, IHostApplicationLifetime lifetime, ILogger<AlertsService> logger) : Api.V1.Alerts.AlertsBase
{
    /// <summary>Alerts read from the log at a time.</summary>
    internal const int Page = 256;

    /// <inheritdoc/>
    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<Alert> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.RequiredCaller();
        var kinds = Kinds(request);
        var enterprise = string.IsNullOrEmpty(request.EnterpriseHash)
            ? (EnterpriseHash?)null
            : Field(() => RiskMapping.Enterprise(request.EnterpriseHash, "enterprise_hash"));
        var latest = hub.LastSequence;
        long after;
        if (string.IsNullOrEmpty(request.AfterId))
        {
            after = latest;
        }
        else if (!AlertIds.TryParse(request.AfterId, out after))
        {
            throw NodeErrors.InvalidField($"after_id '{Clip(request.AfterId)}' is not an alert id (the decimal id of an alert this node streamed, or 0).");
        }
        else if (after > latest)
        {
            throw AlertErrors.UnknownAlert(request.AfterId, AlertIds.Format(latest));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var token = stop.Token;
        await context.WriteResponseHeadersAsync(new Metadata { { Ledger.Sdk.AlertsClient.StartHeader, AlertIds.Format(after) } }).ConfigureAwait(false);
        AlertsLog.Subscribed(logger, caller.Org.Code, AlertIds.Format(after));
        try
        {
            while (true)
            {
                var changed = hub.Changed;
                var page = hub.After(after, Page);
                if (page.Count > 0)
                {
                    await RequireMemberAsync(caller).ConfigureAwait(false);
                    foreach (var stored in page)
                    {
                        after = stored.Sequence;
                        if (stored.Audience.Contains(caller.Org)
                            && (kinds.Count == 0 || kinds.Contains(stored.Alert.Kind))
                            && (enterprise is null || enterprise == stored.Alert.Enterprise)
                            && await delivery.AdmitAsync(stored, caller.Org, token).ConfigureAwait(false))
                        {
                            await responseStream.WriteAsync(ToProto(stored), token).ConfigureAwait(false);
                        }
                    }
                    if (page.Count == Page)
                    {
                        continue;
                    }
                }
                await changed.WaitAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The caller went away or the node is stopping: the stream ends.
        }
    }

    /// <summary>A stream lives long: the caller must still be an active member of its organization as of the latest block.</summary>
    private async Task RequireMemberAsync(CallerIdentity caller)
    {
        var block = head.Latest.Number;
        var standing = await membership.OperatorAsync(caller.Account, block).ConfigureAwait(false);
        if (!standing.IsActive || standing.Org != caller.Org)
        {
            throw new LedgerException(NodeErrors.NotAMemberCode, ErrorCategory.PermissionDenied,
                $"Account {caller.Account} no longer operates an active member {caller.Org.Code} (as of block {block}); the alert stream ends.");
        }
    }

    internal static Alert ToProto(StoredAlert stored)
    {
        var a = stored.Alert;
        var proto = new Alert
        {
            Id = stored.Id,
            Kind = RiskMapping.ToProto(a.Kind),
            EnterpriseHash = a.Enterprise.ToString(),
            LoanId = a.Loan?.ToString() ?? "",
            ConsentId = a.Consent?.ToString() ?? "",
            Summary = a.Summary,
            BlockNumber = a.BlockNumber,
            TxHash = a.TxHash?.ToString() ?? "",
            RaisedAtMs = a.RaisedAtMs,
            Source = a.Source.Code,
        };
        foreach (var (name, value) in a.Details)
        {
            proto.Details[name] = value;
        }
        return proto;
    }

    private static HashSet<Core.Model.AlertKind> Kinds(SubscribeRequest request)
    {
        if (request.Kinds.Count > 16)
        {
            throw NodeErrors.InvalidField($"kinds lists {request.Kinds.Count} kinds; there are {AlertKindWords.All.Count}.");
        }
        var kinds = new HashSet<Core.Model.AlertKind>();
        for (var i = 0; i < request.Kinds.Count; i++)
        {
            if (!RiskMapping.TryKind(request.Kinds[i], out var kind))
            {
                throw NodeErrors.InvalidField($"kinds[{i}] = {(int)request.Kinds[i]} is not an alert kind ({AlertKindWords.Numbered}).");
            }
            kinds.Add(kind);
        }
        return kinds;
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static T Field<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException ex)
        {
            throw NodeErrors.InvalidField(ex.Message);
        }
    }
}
