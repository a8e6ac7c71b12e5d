using Ledger.Core.Model;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.FundFlow;

/// <summary>The R&amp;D fund-flow service, shared by the bank and tax modules.</summary>
public static class FundFlowEndpoint
{
    private static readonly string Service = Api.V1.FundFlow.Descriptor.FullName;

    /// <summary>Entries by the node's own operators (bank or tax bureau); the status for any member.</summary>
    public static NodeEndpoint Endpoint { get; } = NodeEndpoint.Of<FundFlowService>(
        Service,
        new Dictionary<string, MethodPolicy>(
            Policy.For(Service, Policy.OwnOperators(Role.Bank, Role.TaxBureau), "RecordSpending", "ReverseSpending", "CorrectSpending")
                .Concat(Policy.For(Service, Policy.Roles(Policy.AnyMember), "GetFundFlow")),
            StringComparer.Ordinal));

    /// <summary>
    /// The fund-flow entries' use case and its ports' adapters over the chain and the ledger store (docs/nodes.md,
    /// "Use cases over ports"); each module that serves <see cref="Endpoint"/> registers them.
    /// </summary>
    public static IServiceCollection AddFundFlowEntries(this IServiceCollection services)
    {
        services.AddSingleton<UseCases.IFundFlowChain, UseCases.ChainFundFlow>();
        services.AddSingleton<UseCases.IFundFlowEvidence, UseCases.StoreFundFlowEvidence>();
        services.AddSingleton<UseCases.FundFlowEntries>();
        return services;
    }
}
