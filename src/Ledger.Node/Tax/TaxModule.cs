using Ledger.Node.Alerts;
using Ledger.Node.FundFlow;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Tax;

/// <summary>
/// The tax bureau's node: serves tax reports under consent (DataExchange), keeps its tax data (TaxAdmin), shows an
/// enterprise its own consents and accesses (EnterpriseSelf — where its bureau bound it and where its data is served
/// from), records R&amp;D spending, and raises alerts (a rating downgrade), streamed only to members holding a monitoring consent, each delivery recorded.
/// </summary>
public sealed class TaxModule : NodeModule
{
    /// <inheritdoc/>
    public override NodeRole Role => NodeRole.Tax;

    /// <inheritdoc/>
    public override IReadOnlyList<NodeEndpoint> Endpoints { get; } =
    [
        NodeEndpoint.Of<DataExchangeService>(Api.V1.DataExchange.Descriptor.FullName, new Dictionary<string, MethodPolicy>(StringComparer.Ordinal)
        {
            // A refused fetch is recorded as a refusal record.
            ["/ledger.v1.DataExchange/FetchReport"] = Policy.Roles(Core.Model.Role.Bank, Core.Model.Role.Guarantor) with { RecordsRefusals = true },
            ["/ledger.v1.DataExchange/ResolveEnterprise"] = Policy.Roles(Policy.AnyMember),
        }),
        NodeEndpoint.Of<TaxAdminService>(Api.V1.TaxAdmin.Descriptor.FullName, Policy.For(
            Api.V1.TaxAdmin.Descriptor.FullName, Policy.OwnOperators(Core.Model.Role.TaxBureau),
            "PrepareBinding", "BindEnterprise", "ImportTaxData", "GenerateSyntheticData", "UpdateRating", "ListEnterprises")),
        // Signed with the enterprise's bound key: no member may call it.
        Services.EnterpriseSelfService.Endpoint,
        FundFlowEndpoint.Endpoint,
        AlertsSetup.Endpoint,
    ];

    /// <inheritdoc/>
    public override void AddServices(IServiceCollection services, LedgerNodeOptions options)
    {
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().TaxData);
        // FetchReport over its ports (the chain's side of a fetch, the store's answer log); the gRPC adapter on top.
        services.AddSingleton(sp =>
        {
            var node = sp.GetRequiredService<NodeIdentity>();
            return new UseCases.FetchReportSettings(node.Organization, node.Options.StrongMode);
        });
        services.AddSingleton<UseCases.IDataExchangeChain, UseCases.ChainDataExchange>();
        services.AddSingleton<UseCases.IAnswerLog, UseCases.StoreAnswerLog>();
        services.AddSingleton<UseCases.FetchReport>();
        services.AddSingleton<DataExchangeProcessor>();
        // The binding and the rating over their ports (the registry's bindings; the tax data and the alerts).
        services.AddSingleton(sp => new UseCases.TaxBureau(sp.GetRequiredService<NodeIdentity>().Organization));
        services.AddSingleton<UseCases.IBindingChain, UseCases.ChainBindings>();
        services.AddSingleton<UseCases.BindEnterprise>();
        services.AddSingleton<UseCases.UpdateRating>();
        services.AddFundFlowEntries();
        services.AddSingleton<IRefusalRecorder>(sp => sp.GetRequiredService<DataExchangeProcessor>());
        // The bureau's own alerts (rating downgrades) leave only under a monitoring consent, each delivery recorded.
        services.AddSingleton<Alerts.IAlertDeliveryGate, MonitoringDelivery>();
        services.AddLedgerAlerts(upstream: false);
    }
}
