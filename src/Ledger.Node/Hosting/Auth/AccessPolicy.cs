using System.Collections.Frozen;
using Ledger.Core.Model;

namespace Ledger.Node.Hosting.Auth;

/// <summary>Who may call a method.</summary>
/// <param name="Roles">The consortium roles allowed (empty with <paramref name="Public"/>: anyone).</param>
/// <param name="Public">No signed request needed (a signed one is still checked, and then the caller is known).</param>
/// <param name="OwnOrganizationOnly">Only operators of the node's own organization.</param>
/// <param name="RecordsRefusals">A refused call is recorded as a refusal record (data requests).</param>
/// <param name="Enterprise">An enterprise's own call: signed with the enterprise's bound key (an <c>EnterpriseRequest</c>), never a member's.</param>
public sealed record MethodPolicy(IReadOnlySet<Role> Roles, bool Public = false, bool OwnOrganizationOnly = false, bool RecordsRefusals = false, bool Enterprise = false)
{
    /// <summary>A readable list of the allowed roles.</summary>
    public string Describe() => Public ? "anyone" : Enterprise ? "the enterprise itself (its bound key)" : string.Join(" or ", Roles.Order().Select(r => r.Word()));
}

/// <summary>The policies a module declares for its methods (<see cref="NodeEndpoint.Policies"/>).</summary>
public static class Policy
{
    /// <summary>Every consortium role.</summary>
    public static IReadOnlyList<Role> AnyMember { get; } = [Role.TaxBureau, Role.Bank, Role.Guarantor, Role.Auditor, Role.Regulator];

    /// <summary>Anyone, no signed request needed.</summary>
    public static MethodPolicy Public { get; } = new(new HashSet<Role>(), Public: true);

    /// <summary>The enterprise itself, signed with its bound key.</summary>
    public static MethodPolicy Enterprise { get; } = new(new HashSet<Role>(), Enterprise: true);

    /// <summary>Operators of members in one of <paramref name="roles"/>.</summary>
    public static MethodPolicy Roles(params IEnumerable<Role> roles) => new(roles.ToHashSet());

    /// <summary>Operators of the node's own organization, whose role is one of <paramref name="roles"/>.</summary>
    public static MethodPolicy OwnOperators(params IEnumerable<Role> roles) => Roles(roles) with { OwnOrganizationOnly = true };

    /// <summary>The same policy for each of a service's <paramref name="methods"/> (<c>/package.Service/Method</c> keys).</summary>
    public static Dictionary<string, MethodPolicy> For(string service, MethodPolicy policy, params IEnumerable<string> methods) =>
        methods.ToDictionary(m => $"/{service}/{m}", _ => policy, StringComparer.Ordinal);
}

/// <summary>
/// The one table of who may call what (docs/nodes.md, "Allowed roles"): the lines of the services every node serves,
/// here, and each role module's lines (<see cref="NodeModule.Endpoints"/>), declared beside the service they concern.
/// A method missing from the table is refused (fail closed), so a new service is unreachable until its lines exist.
/// </summary>
public static class AccessPolicy
{
    private static readonly Lazy<FrozenDictionary<string, MethodPolicy>> All = new(() =>
    {
        var table = new Dictionary<string, MethodPolicy>(StringComparer.Ordinal)
        {
            // Infrastructure: health and reflection answer anyone (they reveal nothing beyond the API itself).
            ["/grpc.health.v1.Health/Check"] = Policy.Public,
            ["/grpc.health.v1.Health/Watch"] = Policy.Public,
            ["/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"] = Policy.Public,
            ["/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"] = Policy.Public,

            // Every node.
            ["/ledger.v1.Node/GetInfo"] = Policy.Public,
            ["/ledger.v1.RecordExport/ExportRecords"] = Policy.Roles(Role.Auditor, Role.Regulator),
        };
        foreach (var (method, policy) in Policy.For(
            Api.V1.Consent.Descriptor.FullName, Policy.Roles(Policy.AnyMember),
            "PrepareConsent", "SubmitConsent", "RevokeConsent", "NarrowConsent", "PrepareRevocation", "PrepareNarrowing", "GetConsent", "ListConsents"))
        {
            table.Add(method, policy);
        }
        foreach (var (method, policy) in NodeModule.Policies())
        {
            table.Add(method, policy);
        }
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    });

    /// <summary>Method full name (<c>/package.Service/Method</c>) → policy, over every role's services.</summary>
    public static FrozenDictionary<string, MethodPolicy> Table => All.Value;

    /// <summary>The policy of a method, or null when the method is not in the table.</summary>
    public static MethodPolicy? For(string method) => Table.GetValueOrDefault(method);
}
