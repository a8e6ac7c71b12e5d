using System.Numerics;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

// One exception per Solidity custom error, named after it. Codes are stable: never renumber, never reuse
// (docs/errors.md lists them; a test checks every ABI error is here and in the docs).

/// <summary>LEDGER-1205: <c>GovernanceNotGovernor(address account)</c> (Consortium).</summary>
public sealed class GovernanceNotGovernorException : ContractRevertException
{
    internal GovernanceNotGovernorException(ContractError error)
        : base(1205, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>account</c> argument.</summary>
    public EthAddress Account => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"Account {e.Address(0)} is not a governor of the consortium; only governors propose and approve. Ask a governor to do it.";
}

/// <summary>LEDGER-1206: <c>GovernanceOnlyByProposal(address caller)</c> (Consortium).</summary>
public sealed class GovernanceOnlyByProposalException : ContractRevertException
{
    internal GovernanceOnlyByProposalException(ContractError error)
        : base(1206, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>caller</c> argument.</summary>
    public EthAddress Caller => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"Account {e.Address(0)} called a governance action directly; the consortium changes only through proposals. Propose the action and have enough governors approve it.";
}

/// <summary>LEDGER-1207: <c>GovernanceUnknownAction(bytes4 selector)</c> (Consortium).</summary>
public sealed class GovernanceUnknownActionException : ContractRevertException
{
    internal GovernanceUnknownActionException(ContractError error)
        : base(1207, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>selector</c> argument.</summary>
    public byte[] Selector => Error!.Bytes(0);

    private static string Describe(ContractError e) =>
        $"The proposed action (selector {Hex(e.Bytes(0))}) is not a governance function of the consortium; encode one of admitMember, suspendMember, reinstateMember, removeMember, changeRole, changeEncryptionKey, changeEndpoint, addOperator, removeOperator, addGovernor, removeGovernor, setThreshold or retireEnterprise.";
}

/// <summary>LEDGER-1208: <c>GovernanceProposalNotFound(uint256 proposalId)</c> (Consortium).</summary>
public sealed class GovernanceProposalNotFoundException : ContractRevertException
{
    internal GovernanceProposalNotFoundException(ContractError error)
        : base(1208, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>proposalId</c> argument.</summary>
    public BigInteger ProposalId => Error!.Number(0);

    private static string Describe(ContractError e) =>
        $"Proposal {Num(e.Number(0))} does not exist; check the proposal number.";
}

/// <summary>LEDGER-1209: <c>GovernanceProposalExpired(uint256 proposalId, uint64 expiredAt)</c> (Consortium).</summary>
public sealed class GovernanceProposalExpiredException : ContractRevertException
{
    internal GovernanceProposalExpiredException(ContractError error)
        : base(1209, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>proposalId</c> argument.</summary>
    public BigInteger ProposalId => Error!.Number(0);

    /// <summary>The error's <c>expiredAt</c> argument.</summary>
    public ulong ExpiredAt => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Proposal {Num(e.Number(0))} expired at {Time(e.Number(1))}; propose it again.";
}

/// <summary>LEDGER-1210: <c>GovernanceProposalClosed(uint256 proposalId)</c> (Consortium).</summary>
public sealed class GovernanceProposalClosedException : ContractRevertException
{
    internal GovernanceProposalClosedException(ContractError error)
        : base(1210, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>proposalId</c> argument.</summary>
    public BigInteger ProposalId => Error!.Number(0);

    private static string Describe(ContractError e) =>
        $"Proposal {Num(e.Number(0))} was already executed or cancelled; nothing more can be done with it.";
}

/// <summary>LEDGER-1211: <c>GovernanceAlreadyApproved(uint256 proposalId, address governor)</c> (Consortium).</summary>
public sealed class GovernanceAlreadyApprovedException : ContractRevertException
{
    internal GovernanceAlreadyApprovedException(ContractError error)
        : base(1211, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>proposalId</c> argument.</summary>
    public BigInteger ProposalId => Error!.Number(0);

    /// <summary>The error's <c>governor</c> argument.</summary>
    public EthAddress Governor => Error!.Address(1);

    private static string Describe(ContractError e) =>
        $"Governor {e.Address(1)} has already approved proposal {Num(e.Number(0))}; it now needs approvals from other governors.";
}

/// <summary>LEDGER-1212: <c>GovernanceNotApproved(uint256 proposalId, address governor)</c> (Consortium).</summary>
public sealed class GovernanceNotApprovedException : ContractRevertException
{
    internal GovernanceNotApprovedException(ContractError error)
        : base(1212, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>proposalId</c> argument.</summary>
    public BigInteger ProposalId => Error!.Number(0);

    /// <summary>The error's <c>governor</c> argument.</summary>
    public EthAddress Governor => Error!.Address(1);

    private static string Describe(ContractError e) =>
        $"Governor {e.Address(1)} has not approved proposal {Num(e.Number(0))}, so there is no approval to withdraw.";
}

/// <summary>LEDGER-1213: <c>GovernanceBelowThreshold(uint256 proposalId, uint256 approvals, uint256 threshold)</c> (Consortium).</summary>
public sealed class GovernanceBelowThresholdException : ContractRevertException
{
    internal GovernanceBelowThresholdException(ContractError error)
        : base(1213, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>proposalId</c> argument.</summary>
    public BigInteger ProposalId => Error!.Number(0);

    /// <summary>The error's <c>approvals</c> argument.</summary>
    public BigInteger Approvals => Error!.Number(1);

    /// <summary>The error's <c>threshold</c> argument.</summary>
    public BigInteger Threshold => Error!.Number(2);

    private static string Describe(ContractError e) =>
        $"Proposal {Num(e.Number(0))} has {Num(e.Number(1))} of the {Num(e.Number(2))} approvals it needs; more governors must approve it before it runs.";
}

/// <summary>LEDGER-1214: <c>GovernanceNotProposer(uint256 proposalId, address caller)</c> (Consortium).</summary>
public sealed class GovernanceNotProposerException : ContractRevertException
{
    internal GovernanceNotProposerException(ContractError error)
        : base(1214, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>proposalId</c> argument.</summary>
    public BigInteger ProposalId => Error!.Number(0);

    /// <summary>The error's <c>caller</c> argument.</summary>
    public EthAddress Caller => Error!.Address(1);

    private static string Describe(ContractError e) =>
        $"Only the governor who made proposal {Num(e.Number(0))} may cancel it, and {e.Address(1)} did not make it.";
}

/// <summary>LEDGER-1215: <c>GovernanceInvalidThreshold(uint256 threshold, uint256 governorCount)</c> (Consortium).</summary>
public sealed class GovernanceInvalidThresholdException : ContractRevertException
{
    internal GovernanceInvalidThresholdException(ContractError error)
        : base(1215, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>threshold</c> argument.</summary>
    public BigInteger Threshold => Error!.Number(0);

    /// <summary>The error's <c>governorCount</c> argument.</summary>
    public BigInteger GovernorCount => Error!.Number(1);

    private static string Describe(ContractError e) =>
        $"A threshold of {Num(e.Number(0))} is impossible with {Num(e.Number(1))} governors; choose a number from 1 to the number of governors.";
}

/// <summary>LEDGER-1216: <c>GovernanceGovernorExists(address governor)</c> (Consortium).</summary>
public sealed class GovernanceGovernorExistsException : ContractRevertException
{
    internal GovernanceGovernorExistsException(ContractError error)
        : base(1216, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>governor</c> argument.</summary>
    public EthAddress Governor => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"{e.Address(0)} is already a governor.";
}

/// <summary>LEDGER-1217: <c>GovernanceGovernorUnknown(address governor)</c> (Consortium).</summary>
public sealed class GovernanceGovernorUnknownException : ContractRevertException
{
    internal GovernanceGovernorUnknownException(ContractError error)
        : base(1217, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>governor</c> argument.</summary>
    public EthAddress Governor => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"{e.Address(0)} is not a governor; check the address.";
}

/// <summary>LEDGER-1218: <c>GovernanceZeroAddress()</c> (Consortium).</summary>
public sealed class GovernanceZeroAddressException : ContractRevertException
{
    internal GovernanceZeroAddressException(ContractError error)
        : base(1218, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        $"The zero address cannot be a governor or an operator; give a real account.";
}

/// <summary>LEDGER-1218: <c>GovernanceInvalidAccount(address account)</c> (Consortium).</summary>
public sealed class GovernanceInvalidAccountException : ContractRevertException
{
    internal GovernanceInvalidAccountException(ContractError error)
        : base(1218, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>account</c> argument.</summary>
    public EthAddress Account => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"{e.Address(0)} is the consortium contract itself, which can be neither a governor nor an operator; give a real account.";
}

/// <summary>LEDGER-1219: <c>GovernanceTooManyGovernors(uint256 max)</c> (Consortium).</summary>
public sealed class GovernanceTooManyGovernorsException : ContractRevertException
{
    internal GovernanceTooManyGovernorsException(ContractError error)
        : base(1219, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>max</c> argument.</summary>
    public BigInteger Max => Error!.Number(0);

    private static string Describe(ContractError e) =>
        $"The consortium already has the most governors it allows ({Num(e.Number(0))}); remove one before adding another.";
}

/// <summary>LEDGER-1219: <c>ConsortiumTooManyMembers(uint256 max)</c> (Consortium).</summary>
public sealed class ConsortiumTooManyMembersException : ContractRevertException
{
    internal ConsortiumTooManyMembersException(ContractError error)
        : base(1219, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>max</c> argument.</summary>
    public BigInteger Max => Error!.Number(0);

    private static string Describe(ContractError e) =>
        $"The consortium already has the most members it allows ({Num(e.Number(0))}); remove one before admitting another.";
}

/// <summary>LEDGER-1219: <c>ConsortiumTooManyOperators(bytes32 orgId, uint256 max)</c> (Consortium).</summary>
public sealed class ConsortiumTooManyOperatorsException : ContractRevertException
{
    internal ConsortiumTooManyOperatorsException(ContractError error)
        : base(1219, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>orgId</c> argument.</summary>
    public OrgId OrgId => Error!.Org(0);

    /// <summary>The error's <c>max</c> argument.</summary>
    public BigInteger Max => Error!.Number(1);

    private static string Describe(ContractError e) =>
        $"Member {Org(e.Org(0))} already has the most operator accounts allowed ({Num(e.Number(1))}); remove one before adding another.";
}

/// <summary>LEDGER-1219: <c>CompensationTooManyProducts(uint256 count, uint256 max)</c> (RiskCompensationFund).</summary>
public sealed class CompensationTooManyProductsException : ContractRevertException
{
    internal CompensationTooManyProductsException(ContractError error)
        : base(1219, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>count</c> argument.</summary>
    public BigInteger Count => Error!.Number(0);

    /// <summary>The error's <c>max</c> argument.</summary>
    public BigInteger Max => Error!.Number(1);

    private static string Describe(ContractError e) =>
        $"A fund covers at most {Num(e.Number(1))} loan products and {Num(e.Number(0))} were given; split them over several funds or drop some.";
}

/// <summary>LEDGER-1220: <c>ConsortiumMemberExists(bytes32 orgId)</c> (Consortium).</summary>
public sealed class ConsortiumMemberExistsException : ContractRevertException
{
    internal ConsortiumMemberExistsException(ContractError error)
        : base(1220, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>orgId</c> argument.</summary>
    public OrgId OrgId => Error!.Org(0);

    private static string Describe(ContractError e) =>
        $"Organization {Org(e.Org(0))} is already a member (or was one: ids are never reused); choose another organization id.";
}

/// <summary>LEDGER-1221: <c>ConsortiumMemberUnknown(bytes32 orgId)</c> (Consortium).</summary>
public sealed class ConsortiumMemberUnknownException : ContractRevertException
{
    internal ConsortiumMemberUnknownException(ContractError error)
        : base(1221, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>orgId</c> argument.</summary>
    public OrgId OrgId => Error!.Org(0);

    private static string Describe(ContractError e) =>
        $"Organization {Org(e.Org(0))} is not a member of the consortium; check the organization id.";
}

/// <summary>LEDGER-1222: <c>ConsortiumInvalidStatus(bytes32 orgId, uint8 status)</c> (Consortium).</summary>
public sealed class ConsortiumInvalidStatusException : ContractRevertException
{
    internal ConsortiumInvalidStatusException(ContractError error)
        : base(1222, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>orgId</c> argument.</summary>
    public OrgId OrgId => Error!.Org(0);

    /// <summary>The error's <c>status</c> argument.</summary>
    public ulong Status => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Member {Org(e.Org(0))} is {MemberStatusName(e.Number(1))}, which does not allow this change (only an active member can be suspended, only a suspended one reinstated, and a removed one never comes back).";
}

/// <summary>LEDGER-1223: <c>ConsortiumInvalidRole(uint8 role)</c> (Consortium).</summary>
public sealed class ConsortiumInvalidRoleException : ContractRevertException
{
    internal ConsortiumInvalidRoleException(ContractError error)
        : base(1223, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>role</c> argument.</summary>
    public Role Role => (Role)Error!.UInt64(0);

    private static string Describe(ContractError e) =>
        $"Role {Num(e.Number(0))} is not a member role; use tax bureau, bank, guarantor, auditor or regulator.";
}

/// <summary>LEDGER-1223: <c>ConsortiumInvalidOrgId()</c> (Consortium).</summary>
public sealed class ConsortiumInvalidOrgIdException : ContractRevertException
{
    internal ConsortiumInvalidOrgIdException(ContractError error)
        : base(1223, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        $"The organization id is empty; give a short code such as bank.ccb.";
}

/// <summary>LEDGER-1223: <c>ConsortiumInvalidName()</c> (Consortium).</summary>
public sealed class ConsortiumInvalidNameException : ContractRevertException
{
    internal ConsortiumInvalidNameException(ContractError error)
        : base(1223, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        $"The member's name is empty or too long; give its name in a few words.";
}

/// <summary>LEDGER-1223: <c>ConsortiumInvalidEncryptionKey(bytes key)</c> (Consortium).</summary>
public sealed class ConsortiumInvalidEncryptionKeyException : ContractRevertException
{
    internal ConsortiumInvalidEncryptionKeyException(ContractError error)
        : base(1223, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>key</c> argument.</summary>
    public byte[] Key => Error!.Bytes(0);

    private static string Describe(ContractError e) =>
        $"The encryption key {Hex(e.Bytes(0))} is not a compressed secp256k1 public key (33 bytes starting 0x02 or 0x03); register the node's encryption public key in compressed form.";
}

/// <summary>LEDGER-1224: <c>ConsortiumOperatorTaken(address operator, bytes32 orgId)</c> (Consortium).</summary>
public sealed class ConsortiumOperatorTakenException : ContractRevertException
{
    internal ConsortiumOperatorTakenException(ContractError error)
        : base(1224, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>operator</c> argument.</summary>
    public EthAddress Operator => Error!.Address(0);

    /// <summary>The error's <c>orgId</c> argument.</summary>
    public OrgId OrgId => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"Account {e.Address(0)} already acts for {Org(e.Org(1))}; an account operates one organization only, so use a new account.";
}

/// <summary>LEDGER-1225: <c>ConsortiumOperatorUnknown(address operator, bytes32 orgId)</c> (Consortium).</summary>
public sealed class ConsortiumOperatorUnknownException : ContractRevertException
{
    internal ConsortiumOperatorUnknownException(ContractError error)
        : base(1225, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>operator</c> argument.</summary>
    public EthAddress Operator => Error!.Address(0);

    /// <summary>The error's <c>orgId</c> argument.</summary>
    public OrgId OrgId => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"Account {e.Address(0)} is not an operator of {Org(e.Org(1))}; check the address.";
}

/// <summary>LEDGER-1226: <c>ConsortiumNoOperators(bytes32 orgId)</c> (Consortium).</summary>
public sealed class ConsortiumNoOperatorsException : ContractRevertException
{
    internal ConsortiumNoOperatorsException(ContractError error)
        : base(1226, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>orgId</c> argument.</summary>
    public OrgId OrgId => Error!.Org(0);

    private static string Describe(ContractError e) =>
        $"Member {Org(e.Org(0))} would be left without an operator account; add the new account before removing the last one.";
}
