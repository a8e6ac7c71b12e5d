using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Auditor;

/// <summary>
/// The auditor's node: its own copy of every member's records (a part of its store), synced from every member's node, and the
/// audit service over it (trails, whole-ledger verification, bundles, statistics) for auditors and the regulator.
/// </summary>
public sealed class AuditorModule : NodeModule
{
    /// <inheritdoc/>
    public override NodeRole Role => NodeRole.Auditor;

    /// <inheritdoc/>
    public override IReadOnlyList<NodeEndpoint> Endpoints { get; } =
    [
        NodeEndpoint.Of<AuditService>(Api.V1.Audit.Descriptor.FullName, Policy.For(
            Api.V1.Audit.Descriptor.FullName, Policy.Roles(Core.Model.Role.Auditor, Core.Model.Role.Regulator),
            "GetTrail", "VerifyLedger", "ExportBundle", "GetStatistics", "Sync")),
    ];

    /// <inheritdoc/>
    public override void AddServices(IServiceCollection services, LedgerNodeOptions options)
    {
        services.AddSingleton<AuditorLedger>();
        // Sync, a use case over ports (docs/nodes.md, "Use cases over ports"), and the ports' adapters.
        services.AddSingleton<ISyncedCopy>(sp => sp.GetRequiredService<AuditorLedger>());
        services.AddSingleton<IConsortiumMembers, ChainConsortiumMembers>();
        services.AddSingleton<IMemberRecords, PeerMemberRecords>();
        services.AddSingleton<IIndexProgress, StoreIndexProgress>();
        services.AddSingleton<AuditorSync>();
        services.AddHostedService<AuditorSyncService>();
    }
}

/// <summary>
/// Loads the auditor's copy at start, then pulls from every member every <c>Ledger:Node:Auditor:SyncInterval</c>
/// (off when zero). A failed sync is logged and tried again at the next interval; unreachable members never fail it.
/// </summary>
internal sealed class AuditorSyncService(LedgerNodeOptions options, AuditorLedger ledger, AuditorSync sync, ILogger<AuditorSyncService> logger) : BackgroundService
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
        var interval = options.Auditor.SyncInterval;
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
