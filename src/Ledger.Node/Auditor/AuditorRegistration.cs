using Ledger.Node.Hosting;
using Microsoft.Extensions.Options;

namespace Ledger.Node.Auditor;

/// <summary>The auditor node's parts, registered only when the node's role is <c>auditor</c> (its service is mapped by the role switch).</summary>
public static class AuditorRegistration
{
    /// <summary>Registers the auditor's ledger, sync and background sync when <c>Ledger:Node:Role</c> is auditor.</summary>
    public static IServiceCollection AddLedgerAuditor(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (IsAuditor(configuration))
        {
            services.AddSingleton<AuditorLedger>();
            services.AddSingleton<AuditorSync>();
            services.AddHostedService<AuditorSyncService>();
        }
        return services;
    }

    private static bool IsAuditor(IConfiguration configuration) =>
        Enum.TryParse<NodeRole>(configuration[$"{LedgerNodeOptions.Section}:Role"], ignoreCase: true, out var role) && role == NodeRole.Auditor;
}

/// <summary>
/// Loads the auditor's copy at start, then pulls from every member every <c>Ledger:Node:Auditor:SyncInterval</c>
/// (off when zero). A failed sync is logged and tried again at the next interval; unreachable members never fail it.
/// </summary>
internal sealed class AuditorSyncService(NodeContext node, AuditorLedger ledger, AuditorSync sync, ILogger<AuditorSyncService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await ledger.EnsureLoadedAsync().WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // a copy that cannot be loaded is reported to every caller; the node keeps serving the rest
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AuditorLog.BackgroundSyncFailed(logger, ex.Message, 0);
            return;
        }
        var interval = node.Options.Auditor.SyncInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await sync.SyncAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the background sync must survive any failure; the next interval tries again
            catch (Exception ex)
#pragma warning restore CA1031
            {
                AuditorLog.BackgroundSyncFailed(logger, ex.Message, (long)interval.TotalMilliseconds);
            }
            try
            {
                await Task.Delay(interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
