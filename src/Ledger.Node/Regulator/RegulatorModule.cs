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
        // The regulator's calls are chain calls only. Paying a claim is a use case over a chain port (docs/nodes.md,
        // "Use cases over ports").
        services.AddSingleton<UseCases.IClaimChain, UseCases.ChainClaims>();
        services.AddSingleton<UseCases.ApproveClaim>();
    }
}
