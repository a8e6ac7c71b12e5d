using Ledger.Node.Hosting;

namespace Ledger.Node.Alerts;

/// <summary>Registers the alert hub (the node's <see cref="IAlertPublisher"/> and an indexed-events observer) and the upstream subscriptions.</summary>
public static class AlertsSetup
{
    /// <summary>Adds the alert hub, its chain-event observer and the upstream service (idle on roles other than bank and guarantor).</summary>
    public static IServiceCollection AddLedgerAlerts(this IServiceCollection services)
    {
        services.AddSingleton<AlertHub>();
        services.AddSingleton<IAlertPublisher>(sp => sp.GetRequiredService<AlertHub>());
        services.AddSingleton<IIndexedEventsObserver>(sp => sp.GetRequiredService<AlertHub>());
        services.AddHostedService<AlertUpstreamService>();
        return services;
    }
}
