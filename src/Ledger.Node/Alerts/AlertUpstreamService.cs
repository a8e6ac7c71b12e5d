using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Resilience;
using Ledger.Node.Hosting;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Alerts;

/// <summary>
/// On bank and guarantor nodes, follows the alert stream of every active tax bureau that has a node endpoint on chain
/// (rating downgrades only — chain-sourced alerts the node raises itself), signed as this node's organization, so the
/// tax node streams what this organization is exposed to; each alert is re-published through the <see cref="AlertHub"/>
/// to this node's subscribers. A stream resumes after the last alert received (its cursor is kept in the alert log, so
/// also across restarts); a failure is logged and retried with backoff (a Polly pipeline: 250 ms doubling to 10 s) and never
/// stops the node. The tax bureaus are looked up again every <see cref="Rediscover"/>.
/// </summary>
internal sealed class AlertUpstreamService(NodeIdentity node, ChainHead head, Ledger.Chain.LedgerChainClient chainClient, Ledger.Chain.Profiles.ChainEnvironment chain, MembershipDirectory membership, PeerConnections peers, AlertHub hub, ILogger<AlertUpstreamService> logger) : BackgroundService
{
    /// <summary>How often the tax bureaus to follow are looked up on chain.</summary>
    public static readonly TimeSpan Rediscover = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var following = new Dictionary<OrgId, (CancellationTokenSource Stop, Task Run)>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var bureaus = await TaxBureausAsync(stoppingToken).ConfigureAwait(false);
                    foreach (var bureau in bureaus.Where(b => !following.ContainsKey(b)))
                    {
                        var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                        following[bureau] = (stop, FollowAsync(bureau, stop.Token));
                    }
                    foreach (var gone in following.Keys.Where(k => !bureaus.Contains(k)).ToList())
                    {
                        await following[gone].Stop.CancelAsync().ConfigureAwait(false);
                        await following[gone].Run.ConfigureAwait(false);
                        following[gone].Stop.Dispose();
                        following.Remove(gone);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // discovery must survive any failure; the next round tries again
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    AlertsLog.DiscoveryFailed(logger, ex is LedgerException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}");
                }
                await Task.Delay(Rediscover, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var (stop, run) in following.Values)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await run.ConfigureAwait(false);
                stop.Dispose();
            }
        }
    }

    /// <summary>The active tax bureaus with a node endpoint, as of the latest block.</summary>
    private async Task<HashSet<OrgId>> TaxBureausAsync(CancellationToken cancellationToken)
    {
        var ids = await chain.Rpc.CallAsync(_ => chainClient.Consortium.MemberIdsQueryAsync(), cancellationToken).ConfigureAwait(false);
        var block = head.Latest.Number;
        var bureaus = new HashSet<OrgId>();
        foreach (var id in ids)
        {
            var org = new OrgId(new Core.Primitives.Hash32(id));
            var member = await membership.MemberAsync(org, block).ConfigureAwait(false);
            if ((Role)member.Role == Role.TaxBureau && (MemberStatus)member.Status == MemberStatus.Active && !string.IsNullOrWhiteSpace(member.Endpoint))
            {
                bureaus.Add(org);
            }
        }
        return bureaus;
    }

    /// <summary>
    /// Follows one tax bureau's stream until cancelled, reconnecting with backoff (a Polly pipeline,
    /// <see cref="Backoff.UntilItSucceeds"/>: 250 ms doubling to 10 s while the bureau cannot be reached). Each attempt
    /// opens a connection of its own to the endpoint the chain names now (and closes it after a failure), so a
    /// restarted or moved tax node is reached at the next attempt — a channel kept across failures would add its own
    /// growing reconnect delay. Once a stream was open, its end starts a fresh round (the waits start again at 250 ms).
    /// </summary>
    private async Task FollowAsync(OrgId bureau, CancellationToken cancellationToken)
    {
        // Run off the discovery loop's thread.
        await Task.Yield();
        using var identity = LedgerIdentity.FromKeys(node.Organization, node.Keys);
        var reconnect = Backoff.UntilItSucceeds(FirstDelay, MaxDelay, (ex, wait) =>
            AlertsLog.UpstreamFailed(logger, bureau.Code, (ex as LedgerException)?.Code ?? ex.GetType().Name, ex.Message, (long)wait.TotalMilliseconds));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var opened = await reconnect.ExecuteAsync(ct => OpenAsync(bureau, identity, ct), cancellationToken).ConfigureAwait(false);
                var ended = await ReadAsync(bureau, opened, cancellationToken).ConfigureAwait(false);
                if (ended is not null)
                {
                    AlertsLog.UpstreamFailed(logger, bureau.Code, (ended as LedgerException)?.Code ?? ended.GetType().Name, ended.Message, (long)FirstDelay.TotalMilliseconds);
                }
                // The stream ended (the tax node is stopping, or the connection broke): a fresh round after the first wait.
                await Task.Delay(FirstDelay, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One attempt: connects to the bureau's endpoint as the chain names it and subscribes after the kept cursor.</summary>
    private async ValueTask<(LedgerConnection Connection, AlertSubscription Subscription)> OpenAsync(OrgId bureau, LedgerIdentity identity, CancellationToken cancellationToken)
    {
        var member = await membership.MemberAsync(bureau, head.Latest.Number).ConfigureAwait(false);
        var connection = await LedgerConnection.ConnectAsync(
            member.Endpoint, identity, new LedgerConnectionOptions { ExpectedNode = bureau, ExpectedChainId = node.ChainId, Tls = peers.Tls }, cancellationToken).ConfigureAwait(false);
        try
        {
            var after = hub.UpstreamCursor(bureau) ?? "0";
            AlertSubscription subscription;
            try
            {
                subscription = await connection.Alerts
                    .SubscribeAsync(new AlertFilter { Kinds = [AlertKind.RatingDowngrade], AfterId = after }, cancellationToken).ConfigureAwait(false);
            }
            catch (LedgerException ex) when (ex.Code == AlertErrors.UnknownAlertCode)
            {
                // The bureau does not know our cursor (its alert log was reset): start again from its first alert.
                AlertsLog.UpstreamReset(logger, bureau.Code, after);
                hub.ResetUpstreamCursor(bureau);
                after = "0";
                subscription = await connection.Alerts
                    .SubscribeAsync(new AlertFilter { Kinds = [AlertKind.RatingDowngrade], AfterId = after }, cancellationToken).ConfigureAwait(false);
            }
            AlertsLog.UpstreamConnected(logger, bureau.Code, connection.Address, after);
            return (connection, subscription);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Re-publishes the stream's alerts until it ends; returns the failure that ended it, or null.</summary>
    private async Task<Exception?> ReadAsync(OrgId bureau, (LedgerConnection Connection, AlertSubscription Subscription) opened, CancellationToken cancellationToken)
    {
        using var connection = opened.Connection;
        using var subscription = opened.Subscription;
        try
        {
            await foreach (var alert in subscription.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (alert.Kind == AlertKind.RatingDowngrade)
                {
                    hub.PublishUpstream(bureau, alert);
                }
            }
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // the upstream stream must never stop the node; a fresh round follows
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ex;
        }
    }
}
