using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Regulator;

/// <summary>The regulator's node: runs the risk-compensation funds and decides their claims (Compensation).</summary>
public sealed class RegulatorModule : NodeModule
{
    /// <inheritdoc/>
    public override NodeRole Role => NodeRole.Regulator;

    /// <inheritdoc/>
    public override IReadOnlyList<NodeEndpoint> Endpoints { get; } =
    [
        // Its own operators only.
        NodeEndpoint.Of<CompensationService>(Api.V1.Compensation.Descriptor.FullName, Policy.For(
            Api.V1.Compensation.Descriptor.FullName, Policy.OwnOperators(Core.Model.Role.Regulator),
            "CreateFund", "TopUp", "ApproveClaim", "RejectClaim", "SetGracePeriod", "GetFund", "ListClaims")),
    ];

    /// <inheritdoc/>
    public override void AddServices(IServiceCollection services, LedgerNodeOptions options)
    {
        // The regulator's calls are chain calls only: a fund's life, paying and rejecting claims are use cases over
        // chain ports (docs/nodes.md, "Use cases over ports").
        services.AddSingleton<UseCases.IFundChain, UseCases.ChainFunds>();
        services.AddSingleton<UseCases.IClaimChain, UseCases.ChainClaims>();
        services.AddSingleton<UseCases.ManageFund>();
        services.AddSingleton<UseCases.ApproveClaim>();
        services.AddSingleton<UseCases.RejectClaim>();
    }
}
