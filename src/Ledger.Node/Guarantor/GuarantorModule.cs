using Ledger.Node.Alerts;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Guarantor;

/// <summary>The guarantor's node: guarantees loans, batch agreements and payouts (Guarantee), and receives alerts.</summary>
public sealed class GuarantorModule : NodeModule
{
    /// <inheritdoc/>
    public override NodeRole Role => NodeRole.Guarantor;

    /// <inheritdoc/>
    public override IReadOnlyList<NodeEndpoint> Endpoints { get; } =
    [
        // Its own operators only.
        NodeEndpoint.Of<GuaranteeService>(Api.V1.Guarantee.Descriptor.FullName, Policy.For(
            Api.V1.Guarantee.Descriptor.FullName, Policy.OwnOperators(Core.Model.Role.Guarantor),
            "GuaranteeLoan", "ProposeAgreement", "TerminateAgreement", "RecordPayout", "ListGuarantees")),
        AlertsSetup.Endpoint,
    ];

    /// <inheritdoc/>
    public override void AddServices(IServiceCollection services, LedgerNodeOptions options)
    {
        // A guarantee, a batch agreement and a payout are use cases over the guarantee book's ports (docs/nodes.md,
        // "Use cases over ports").
        services.AddSingleton<UseCases.IGuaranteeChain, UseCases.ChainGuarantees>();
        services.AddSingleton<UseCases.GiveGuarantee>();
        services.AddSingleton<UseCases.IPayoutChain, UseCases.ChainPayouts>();
        services.AddSingleton<UseCases.RecordPayout>();
        services.AddLedgerAlerts(upstream: true);
    }
}
