// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MemberStatus, Role} from "../common/LedgerTypes.sol";

/// @title Consortium membership and M-of-N governance
/// @notice Organizations (tax bureau, banks, guarantors, auditors, regulators) are admitted, suspended,
///         reinstated, re-roled, re-keyed and removed only by proposals that reach the governors' threshold.
///         Every other Ledger contract asks this one who an account acts for.
interface IConsortium {
    /// @notice A member as stored on chain. Operator accounts are listed by `operatorsOf`. `tlsPins` are the SHA-256
    ///         hashes of the SubjectPublicKeyInfo of the TLS certificates its node may present (at most two: the
    ///         current one and, during a rotation, the next), so members verify each other's nodes without a CA.
    struct Member {
        Role role;
        MemberStatus status;
        uint32 index;
        uint64 admittedAtBlock;
        uint64 updatedAtBlock;
        string name;
        string endpoint;
        string enode;
        bytes encryptionKey;
        bytes32[] tlsPins;
    }

    /// @notice A governance proposal: an encoded call on this contract, run once enough governors approve.
    ///         `approvalMask` is the raw slot bitmap; it can keep bits of removed governors, so count approvals
    ///         with `approvalCount` / `hasApproved`, never from the mask.
    struct Proposal {
        address proposer;
        uint64 createdAt;
        uint64 expiresAt;
        bool executed;
        bool cancelled;
        uint256 approvalMask;
        bytes action;
    }

    // ---------------------------------------------------------------- events

    /// @notice A governor proposed `action` (its 4-byte `selector` for filtering).
    event ProposalCreated(
        uint256 indexed proposalId,
        address indexed proposer,
        bytes4 indexed selector,
        bytes action,
        uint64 expiresAt
    );
    /// @notice `governor` approved; `approvals` counts the current governors' approvals.
    event ProposalApproved(uint256 indexed proposalId, address indexed governor, uint256 approvals, uint256 threshold);
    /// @notice `governor` withdrew its approval.
    event ProposalApprovalRevoked(uint256 indexed proposalId, address indexed governor, uint256 approvals);
    /// @notice The proposal's action ran.
    event ProposalExecuted(uint256 indexed proposalId, address indexed executor);
    /// @notice The proposer cancelled the proposal before it ran.
    event ProposalCancelled(uint256 indexed proposalId, address indexed proposer);

    event GovernorAdded(address indexed governor);
    event GovernorRemoved(address indexed governor);
    event ThresholdChanged(uint256 previousThreshold, uint256 newThreshold);

    event MemberAdmitted(
        bytes32 indexed orgId,
        Role indexed role,
        string name,
        string endpoint,
        string enode,
        bytes encryptionKey
    );
    event MemberSuspended(bytes32 indexed orgId);
    event MemberReinstated(bytes32 indexed orgId);
    event MemberRemoved(bytes32 indexed orgId);
    event MemberRoleChanged(bytes32 indexed orgId, Role previousRole, Role newRole);
    event MemberEncryptionKeyChanged(bytes32 indexed orgId, bytes encryptionKey);
    event MemberEndpointChanged(bytes32 indexed orgId, string endpoint, string enode);
    /// @notice The TLS certificate pins of the member's node are now `pin` and `secondPin` (zero when fewer are
    ///         registered), replacing the previous ones.
    event MemberTlsPinsChanged(bytes32 indexed orgId, bytes32 pin, bytes32 secondPin);
    event OperatorAdded(bytes32 indexed orgId, address indexed operator);
    event OperatorRemoved(bytes32 indexed orgId, address indexed operator);

    // ---------------------------------------------------------------- errors

    /// @notice The caller is not a current governor.
    error GovernanceNotGovernor(address account);
    /// @notice Only a passed proposal may call this function.
    error GovernanceOnlyByProposal(address caller);
    /// @notice The proposal's action is not a governance function of this contract.
    error GovernanceUnknownAction(bytes4 selector);
    error GovernanceProposalNotFound(uint256 proposalId);
    error GovernanceProposalExpired(uint256 proposalId, uint64 expiredAt);
    error GovernanceProposalClosed(uint256 proposalId);
    error GovernanceAlreadyApproved(uint256 proposalId, address governor);
    error GovernanceNotApproved(uint256 proposalId, address governor);
    /// @notice The proposal has `approvals` of the `threshold` it needs.
    error GovernanceBelowThreshold(uint256 proposalId, uint256 approvals, uint256 threshold);
    error GovernanceNotProposer(uint256 proposalId, address caller);
    /// @notice The threshold must be between 1 and the number of governors.
    error GovernanceInvalidThreshold(uint256 threshold, uint256 governorCount);
    error GovernanceGovernorExists(address governor);
    error GovernanceGovernorUnknown(address governor);
    error GovernanceTooManyGovernors(uint256 max);
    error GovernanceZeroAddress();
    /// @notice The consortium contract itself cannot be a governor or an operator.
    error GovernanceInvalidAccount(address account);

    error ConsortiumMemberExists(bytes32 orgId);
    error ConsortiumMemberUnknown(bytes32 orgId);
    /// @notice The member is in `status`, which does not allow this change.
    error ConsortiumInvalidStatus(bytes32 orgId, MemberStatus status);
    error ConsortiumInvalidRole(Role role);
    error ConsortiumInvalidOrgId();
    error ConsortiumInvalidName();
    /// @notice Encryption keys are compressed secp256k1 public keys: 33 bytes starting 0x02 or 0x03.
    error ConsortiumInvalidEncryptionKey(bytes key);
    error ConsortiumOperatorTaken(address operator, bytes32 orgId);
    error ConsortiumOperatorUnknown(address operator, bytes32 orgId);
    error ConsortiumTooManyOperators(bytes32 orgId, uint256 max);
    error ConsortiumTooManyMembers(uint256 max);
    error ConsortiumNoOperators(bytes32 orgId);
    /// @notice A TLS pin is zero or given twice.
    error ConsortiumInvalidTlsPin(bytes32 pin);
    /// @notice A member registers at most `max` TLS pins (the current certificate and the next).
    error ConsortiumTooManyTlsPins(bytes32 orgId, uint256 max);

    // ---------------------------------------------------------------- governance

    /// @notice Propose `action` (ABI-encoded call of one of this contract's governance functions).
    ///         The proposer's approval is counted at once; at a threshold of one the action runs at once.
    function propose(bytes calldata action) external returns (uint256 proposalId);

    /// @notice Approve a pending proposal; the approval that reaches the threshold runs it.
    ///         Reverts with the action's own error if the action fails, leaving the proposal pending.
    function approve(uint256 proposalId) external;

    /// @notice Withdraw an approval given earlier.
    function revokeApproval(uint256 proposalId) external;

    /// @notice Run a proposal that has enough approvals (e.g. after the threshold was lowered).
    function execute(uint256 proposalId) external;

    /// @notice The proposer, while still a governor, withdraws a proposal that has not run.
    function cancel(uint256 proposalId) external;

    // ---------------------------------------------------------------- actions (only through a passed proposal)

    function admitMember(
        bytes32 orgId,
        Role role,
        string calldata name,
        string calldata endpoint,
        string calldata enode,
        bytes calldata encryptionKey,
        address[] calldata operators
    ) external;
    function suspendMember(bytes32 orgId) external;
    function reinstateMember(bytes32 orgId) external;
    function removeMember(bytes32 orgId) external;
    function changeRole(bytes32 orgId, Role role) external;
    function changeEncryptionKey(bytes32 orgId, bytes calldata encryptionKey) external;
    function changeEndpoint(bytes32 orgId, string calldata endpoint, string calldata enode) external;
    /// @notice Replaces the TLS pins of the member's node (0 to MAX_TLS_PINS distinct non-zero SHA-256 hashes of
    ///         certificate SubjectPublicKeyInfos). A rotation without downtime: register [current, next], switch the
    ///         node to the next certificate, then register [next].
    function changeTlsPins(bytes32 orgId, bytes32[] calldata pins) external;
    function addOperator(bytes32 orgId, address operator) external;
    function removeOperator(bytes32 orgId, address operator) external;
    function addGovernor(address governor) external;
    function removeGovernor(address governor) external;
    function setThreshold(uint256 threshold) external;
    /// @notice Governance retires an enterprise binding in `registry` (a consent registry of this consortium),
    ///         e.g. when the bureau that made it is gone or will not act; the registry checks the caller is this
    ///         consortium.
    function retireEnterprise(address registry, address enterprise) external;

    // ---------------------------------------------------------------- views

    /// @notice The organization `account` operates, its role, status and admission index (zeros when none).
    function operatorOrg(address account)
        external
        view
        returns (bytes32 orgId, Role role, MemberStatus status, uint32 index);

    /// @notice True when `account` operates an active member with `role` (any role when `None`).
    function isActiveOperator(address account, Role role) external view returns (bool);

    /// @notice Role, status and admission index (1-based; 0 when unknown) of a member.
    function memberSummary(bytes32 orgId) external view returns (Role role, MemberStatus status, uint32 index);
    /// @notice The member admitted `index`-th (1-based), with its role and status (zeros when none).
    function memberAt(uint32 index) external view returns (bytes32 orgId, Role role, MemberStatus status);
    function member(bytes32 orgId) external view returns (Member memory);
    function operatorsOf(bytes32 orgId) external view returns (address[] memory);
    /// @notice The TLS pins registered for a member's node (empty when none, or not a member).
    function tlsPinsOf(bytes32 orgId) external view returns (bytes32[] memory);
    function memberIds() external view returns (bytes32[] memory);
    function memberCount() external view returns (uint256);

    function isGovernor(address account) external view returns (bool);
    function governors() external view returns (address[] memory);
    function threshold() external view returns (uint256);
    function proposal(uint256 proposalId) external view returns (Proposal memory);
    function proposalCount() external view returns (uint256);
    /// @notice Approvals of current governors only; a removed governor's approval does not count.
    function approvalCount(uint256 proposalId) external view returns (uint256);
    function hasApproved(uint256 proposalId, address governor) external view returns (bool);
}
