using System.Collections.Frozen;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Hosting;

/// <summary>
/// One gRPC service a module serves: its full name (<c>ledger.v1.Lending</c>), how it is mapped, and who may call each
/// of its methods (the lines of <see cref="AccessPolicy"/>; a method without a line is refused).
/// </summary>
/// <param name="Service">The service's full name.</param>
/// <param name="Implementation">The class that implements it (made per call by grpc-dotnet, from the container).</param>
/// <param name="Map">Maps the service's endpoints.</param>
/// <param name="Policies">Method full name (<c>/package.Service/Method</c>) → who may call it.</param>
public sealed record NodeEndpoint(string Service, Type Implementation, Action<IEndpointRouteBuilder> Map, IReadOnlyDictionary<string, MethodPolicy> Policies)
{
    /// <summary>The endpoint of <typeparamref name="TService"/>, serving <paramref name="service"/>.</summary>
    public static NodeEndpoint Of<TService>(string service, IReadOnlyDictionary<string, MethodPolicy> policies)
        where TService : class =>
        new(service, typeof(TService), a => a.MapGrpcService<TService>(), policies);
}

/// <summary>
/// A role's room: everything one role adds to the node — its services in the container, its gRPC endpoints and their
/// access policies. The node picks its one module from the validated <c>Ledger:Node:Role</c> when the host is built
/// (NodeHostExtensions), so a node holds no part of another role: a bank node has no tax data, a tax node no held data.
/// A new role is a new folder with a module listed in <see cref="All"/>.
/// </summary>
public abstract class NodeModule
{
    /// <summary>Every role's module, one per <see cref="NodeRole"/>.</summary>
    public static IReadOnlyList<NodeModule> All { get; } =
    [
        new Tax.TaxModule(),
        new Bank.BankModule(),
        new Guarantor.GuarantorModule(),
        new Regulator.RegulatorModule(),
        new Auditor.AuditorModule(),
    ];

    /// <summary>The role this module makes a node into.</summary>
    public abstract NodeRole Role { get; }

    /// <summary>The services this role serves beyond those every node has (Node, Consent, RecordExport, health, reflection).</summary>
    public abstract IReadOnlyList<NodeEndpoint> Endpoints { get; }

    /// <summary>Registers the role's parts (use cases, stores, background work).</summary>
    public abstract void AddServices(IServiceCollection services, LedgerNodeOptions options);

    /// <summary>The module of <paramref name="role"/>.</summary>
    public static NodeModule For(NodeRole role) => All.Single(m => m.Role == role);

    /// <summary>The roles whose nodes serve <paramref name="service"/> (e.g. <c>ledger.v1.Lending</c>); empty for one every node serves or none does.</summary>
    public static IReadOnlyList<NodeRole> RolesServing(string service) =>
        All.Where(m => m.Endpoints.Any(e => e.Service == service)).Select(m => m.Role).ToList();

    /// <summary>The access policies of every module's services, each service once (shared services declare theirs once).</summary>
    internal static FrozenDictionary<string, MethodPolicy> Policies() =>
        All.SelectMany(m => m.Endpoints)
            .DistinctBy(e => e.Service)
            .SelectMany(e => e.Policies)
            .ToFrozenDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
