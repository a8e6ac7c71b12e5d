using Ledger.Core.Model;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Alerts;

/// <summary>The alerts feature, shared by the modules of the parties exposed to enterprises (tax, bank, guarantor).</summary>
public static class AlertsSetup
{
    /// <summary>The Alerts stream: banks and guarantors; each stream carries what the caller needs to know (its own loans and guarantees, its monitoring consents).</summary>
    public static NodeEndpoint Endpoint { get; } = NodeEndpoint.Of<AlertsService>(
        Api.V1.Alerts.Descriptor.FullName,
        Policy.For(Api.V1.Alerts.Descriptor.FullName, Policy.Roles(Role.Bank, Role.Guarantor), "Subscribe"));

    /// <summary>
    /// Adds the alert hub (the node's <see cref="IAlertPublisher"/> and a chain-event observer) and, with
    /// <paramref name="upstream"/> (bank and guarantor nodes), the subscriptions to every tax bureau's alerts.
    /// </summary>
    public static IServiceCollection AddLedgerAlerts(this IServiceCollection services, bool upstream)
    {
        services.AddSingleton<AlertHub>();
        services.TryAddSingleton<IAlertDeliveryGate, AudienceOnlyDelivery>(); // a provider's module registers its own first

        services.AddSingleton<IAlertPublisher>(sp => sp.GetRequiredService<AlertHub>());
        services.AddSingleton<IIndexedEventsObserver>(sp => sp.GetRequiredService<AlertHub>());
        services.AddHostedService<AlertHubWarmup>();
        if (upstream)
        {
            services.AddHostedService<AlertUpstreamService>();
        }
        return services;
    }
}

/// <summary>
/// Off the start-up path, opens the alert log and rebuilds the exposure before the first request or chain event needs
/// them; a failure is logged and tried again by the hub's first use, which reports it to its caller.
/// </summary>
internal sealed class AlertHubWarmup(AlertHub hub, ILogger<AlertHubWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            hub.Warm();
        }
#pragma warning disable CA1031 // a failure here is retried by the first use of the hub, which reports it to its caller
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AlertsLog.WarmFailed(logger, ex is Core.Errors.LedgerException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
