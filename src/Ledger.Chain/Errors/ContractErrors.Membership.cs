using System.Numerics;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

// One exception per Solidity custom error, named after it. Codes are stable: never renumber, never reuse
// (docs/errors.md lists them; a test checks every ABI error is here and in the docs).

/// <summary>LEDGER-1203: <c>MembershipRequired(address account, uint8 role)</c> (every membership-gated contract).</summary>
public sealed class MembershipRequiredException : ContractRevertException
{
    internal MembershipRequiredException(ContractError error)
        : base(1203, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>account</c> argument.</summary>
    public EthAddress Account => Error!.Address(0);

    /// <summary>The error's <c>role</c> argument.</summary>
    public Role Role => (Role)Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Account {e.Address(0)} is not an operator of an active {RoleMember(e.Number(1))} of the consortium. Send from an operator account of an active member with that role, or ask the governors to admit (or reinstate) the organization.";
}

/// <summary>LEDGER-1204: <c>MembershipWrongOrganization(address account, bytes32 expectedOrg, bytes32 actualOrg)</c> (every membership-gated contract).</summary>
public sealed class MembershipWrongOrganizationException : ContractRevertException
{
    internal MembershipWrongOrganizationException(ContractError error)
        : base(1204, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>account</c> argument.</summary>
    public EthAddress Account => Error!.Address(0);

    /// <summary>The error's <c>expectedOrg</c> argument.</summary>
    public OrgId ExpectedOrg => Error!.Org(1);

    /// <summary>The error's <c>actualOrg</c> argument.</summary>
    public OrgId ActualOrg => Error!.Org(2);

    private static string Describe(ContractError e) =>
        $"Account {e.Address(0)} operates {Org(e.Org(2))}, but this action belongs to {Org(e.Org(1))}; send it from an operator account of {Org(e.Org(1))}.";
}
