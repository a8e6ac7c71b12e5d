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

/// <summary>
/// The one table of who may call what (docs/nodes.md, "Allowed roles"). A method missing from the table is refused
/// (fail closed), so a new service is unreachable until its line is added here.
/// </summary>
public static class AccessPolicy
{
    private static readonly Role[] AnyMember = [Role.TaxBureau, Role.Bank, Role.Guarantor, Role.Auditor, Role.Regulator];

    private static readonly MethodPolicy PublicMethod = new(new HashSet<Role>(), Public: true);

    private static readonly MethodPolicy EnterpriseMethod = new(new HashSet<Role>(), Enterprise: true);

    private static MethodPolicy Roles(params Role[] roles) => new(roles.ToHashSet());

    /// <summary>Method full name (<c>/package.Service/Method</c>) → policy.</summary>
    public static FrozenDictionary<string, MethodPolicy> Table { get; } = new Dictionary<string, MethodPolicy>(StringComparer.Ordinal)
    {
        // Infrastructure: health and reflection answer anyone (they reveal nothing beyond the API itself).
        ["/grpc.health.v1.Health/Check"] = PublicMethod,
        ["/grpc.health.v1.Health/Watch"] = PublicMethod,
        ["/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"] = PublicMethod,
        ["/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"] = PublicMethod,

        // Every node.
        ["/ledger.v1.Node/GetInfo"] = PublicMethod,
        ["/ledger.v1.Consent/PrepareConsent"] = Roles(AnyMember),
        ["/ledger.v1.Consent/SubmitConsent"] = Roles(AnyMember),
        ["/ledger.v1.Consent/RevokeConsent"] = Roles(AnyMember),
        ["/ledger.v1.Consent/NarrowConsent"] = Roles(AnyMember),
        ["/ledger.v1.Consent/PrepareRevocation"] = Roles(AnyMember),
        ["/ledger.v1.Consent/PrepareNarrowing"] = Roles(AnyMember),
        ["/ledger.v1.Consent/GetConsent"] = Roles(AnyMember),
        ["/ledger.v1.Consent/ListConsents"] = Roles(AnyMember),
        ["/ledger.v1.RecordExport/ExportRecords"] = Roles(Role.Auditor, Role.Regulator),

        // Tax node.
        ["/ledger.v1.DataExchange/FetchReport"] = Roles(Role.Bank, Role.Guarantor) with { RecordsRefusals = true },
        ["/ledger.v1.DataExchange/ResolveEnterprise"] = Roles(AnyMember),
        ["/ledger.v1.TaxAdmin/PrepareBinding"] = Roles(Role.TaxBureau) with { OwnOrganizationOnly = true },
        ["/ledger.v1.TaxAdmin/BindEnterprise"] = Roles(Role.TaxBureau) with { OwnOrganizationOnly = true },
        ["/ledger.v1.TaxAdmin/ImportTaxData"] = Roles(Role.TaxBureau) with { OwnOrganizationOnly = true },
        ["/ledger.v1.TaxAdmin/GenerateSyntheticData"] = Roles(Role.TaxBureau) with { OwnOrganizationOnly = true },
        ["/ledger.v1.TaxAdmin/UpdateRating"] = Roles(Role.TaxBureau) with { OwnOrganizationOnly = true },
        ["/ledger.v1.TaxAdmin/ListEnterprises"] = Roles(Role.TaxBureau) with { OwnOrganizationOnly = true },
        // The enterprise's own view, signed with its bound key (no member may call it).
        ["/ledger.v1.EnterpriseSelf/MyConsents"] = EnterpriseMethod,
        ["/ledger.v1.EnterpriseSelf/MyAccesses"] = EnterpriseMethod,

        // Bank node: the bank's own software (its operators) only.
        ["/ledger.v1.Lending/FetchData"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/Decide"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/Disburse"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/RecordRepayment"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/MarkOverdue"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/MarkCurrent"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/DeclareDefault"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/GetLoan"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/ListLoans"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/InviteGuarantor"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/WithdrawInvitation"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/CancelGuarantee"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/AcceptAgreement"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/EnrollLoan"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/FileClaim"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/WithdrawClaim"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Lending/ListHeldData"] = Roles(Role.Bank) with { OwnOrganizationOnly = true },

        // Guarantor node: its own operators only.
        ["/ledger.v1.Guarantee/GuaranteeLoan"] = Roles(Role.Guarantor) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Guarantee/ProposeAgreement"] = Roles(Role.Guarantor) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Guarantee/TerminateAgreement"] = Roles(Role.Guarantor) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Guarantee/RecordPayout"] = Roles(Role.Guarantor) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Guarantee/ListGuarantees"] = Roles(Role.Guarantor) with { OwnOrganizationOnly = true },

        // Regulator node: its own operators only.
        ["/ledger.v1.Compensation/CreateFund"] = Roles(Role.Regulator) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Compensation/TopUp"] = Roles(Role.Regulator) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Compensation/ApproveClaim"] = Roles(Role.Regulator) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Compensation/RejectClaim"] = Roles(Role.Regulator) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Compensation/SetGracePeriod"] = Roles(Role.Regulator) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Compensation/GetFund"] = Roles(Role.Regulator) with { OwnOrganizationOnly = true },
        ["/ledger.v1.Compensation/ListClaims"] = Roles(Role.Regulator) with { OwnOrganizationOnly = true },

        // R&D fund flow, served by bank and tax nodes: entries by the node's own operators; status for any member.
        ["/ledger.v1.FundFlow/RecordSpending"] = Roles(Role.Bank, Role.TaxBureau) with { OwnOrganizationOnly = true },
        ["/ledger.v1.FundFlow/ReverseSpending"] = Roles(Role.Bank, Role.TaxBureau) with { OwnOrganizationOnly = true },
        ["/ledger.v1.FundFlow/CorrectSpending"] = Roles(Role.Bank, Role.TaxBureau) with { OwnOrganizationOnly = true },
        ["/ledger.v1.FundFlow/GetFundFlow"] = Roles(AnyMember),

        // Alerts: banks and guarantors; each stream is filtered by the caller's own exposure (loan, guarantee, consent).
        ["/ledger.v1.Alerts/Subscribe"] = Roles(Role.Bank, Role.Guarantor),

        // Auditor node: auditors and regulators.
        ["/ledger.v1.Audit/GetTrail"] = Roles(Role.Auditor, Role.Regulator),
        ["/ledger.v1.Audit/VerifyLedger"] = Roles(Role.Auditor, Role.Regulator),
        ["/ledger.v1.Audit/ExportBundle"] = Roles(Role.Auditor, Role.Regulator),
        ["/ledger.v1.Audit/GetStatistics"] = Roles(Role.Auditor, Role.Regulator),
        ["/ledger.v1.Audit/Sync"] = Roles(Role.Auditor, Role.Regulator),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The policy of a method, or null when the method is not in the table.</summary>
    public static MethodPolicy? For(string method) => Table.GetValueOrDefault(method);
}
