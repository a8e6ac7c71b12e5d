using Ledger.Core.Model;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Alerts;

/// <summary>The alerts feature, shared by the modules of the parties exposed to enterprises (tax, bank, guarantor).</summary>
public static class AlertsSetup
{
    /// <summary>The Alerts stream: banks and guarantors; each stream is filtered by the caller's own exposure (loan, guarantee, consent).</summary>
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
        services.AddSingleton<IAlertPublisher>(sp => sp.GetRequiredService<AlertHub>());
        services.AddSingleton<IIndexedEventsObserver>(sp => sp.GetRequiredService<AlertHub>());
        if (upstream)
        {
            services.AddHostedService<AlertUpstreamService>();
        }
        return services;
    }
}
