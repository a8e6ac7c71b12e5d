// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortium} from "./IConsortium.sol";
import {IConsentRegistry} from "../consent/IConsentRegistry.sol";
import {MemberStatus, Role} from "../common/LedgerTypes.sol";

/// @title Consortium membership under M-of-N governance
/// @notice Membership changes are functions of this contract that only the contract itself may call, and it
///         calls them only when a proposal carrying that call has been approved by `threshold` current governors.
/// @dev Governors occupy numbered slots. A slot's generation grows each time a governor is placed in it, and an
///      approval remembers the generation it was given under, so approvals of a removed governor stop counting
///      (and are not inherited by whoever takes the slot next) without looping over proposals.
contract Consortium is IConsortium {
    /// @notice Upper bound on governors (keeps approval counting bounded).
    uint256 public constant MAX_GOVERNORS = 32;
    /// @notice Upper bound on operator accounts per member (keeps removal bounded).
    uint256 public constant MAX_OPERATORS = 16;
    /// @notice Upper bound on members ever admitted (keeps `memberIds` bounded).
    uint256 public constant MAX_MEMBERS = 1024;
    /// @notice Upper bound on TLS pins per member: the current certificate and the next one of a rotation.
    uint256 public constant MAX_TLS_PINS = 2;
    /// @notice How long a proposal may collect approvals.
    uint64 public constant PROPOSAL_LIFETIME = 7 days;

    // governors
    address[MAX_GOVERNORS] private _governorAt;
    mapping(address governor => uint256 slotPlusOne) private _slotOf;
    uint32[MAX_GOVERNORS] private _slotGeneration;
    uint256 private _governorCount;
    uint256 private _threshold;

    // proposals
    Proposal[] private _proposals;
    mapping(uint256 proposalId => mapping(uint256 slot => uint32 generation)) private _approvalGeneration;

    // members
    mapping(bytes32 orgId => Member) private _members;
    mapping(bytes32 orgId => address[]) private _operators;
    mapping(address operator => bytes32 orgId) private _operatorOrg;
    bytes32[] private _memberIds;

    modifier onlyGovernance() {
        if (msg.sender != address(this)) revert GovernanceOnlyByProposal(msg.sender);
        _;
    }

    modifier onlyGovernor() {
        if (_slotOf[msg.sender] == 0) revert GovernanceNotGovernor(msg.sender);
        _;
    }

    /// @param initialGovernors the first governors (distinct, non-zero)
    /// @param initialThreshold approvals a proposal needs, between 1 and the number of governors
    constructor(address[] memory initialGovernors, uint256 initialThreshold) {
        if (initialGovernors.length > MAX_GOVERNORS) revert GovernanceTooManyGovernors(MAX_GOVERNORS);
        for (uint256 i = 0; i < initialGovernors.length; ++i) {
            _addGovernor(initialGovernors[i]);
        }
        _setThreshold(initialThreshold);
    }

    // ================================================================ governance

    /// @inheritdoc IConsortium
    function propose(bytes calldata action) external onlyGovernor returns (uint256 proposalId) {
        bytes4 selector = _selectorOf(action);
        if (!_isAction(selector)) revert GovernanceUnknownAction(selector);
        proposalId = _proposals.length;
        uint64 expiresAt = uint64(block.timestamp) + PROPOSAL_LIFETIME;
        _proposals.push(
            Proposal({
                proposer: msg.sender,
                createdAt: uint64(block.timestamp),
                expiresAt: expiresAt,
                executed: false,
                cancelled: false,
                approvalMask: 0,
                action: action
            })
        );
        emit ProposalCreated(proposalId, msg.sender, selector, action, expiresAt);
        _approve(proposalId);
    }

    /// @inheritdoc IConsortium
    function approve(uint256 proposalId) external onlyGovernor {
        _requireOpen(proposalId);
        _approve(proposalId);
    }

    /// @inheritdoc IConsortium
    function revokeApproval(uint256 proposalId) external onlyGovernor {
        Proposal storage p = _requireOpen(proposalId);
        uint256 slot = _slotOf[msg.sender] - 1;
        if (_approvalGeneration[proposalId][slot] != _slotGeneration[slot]) {
            revert GovernanceNotApproved(proposalId, msg.sender);
        }
        delete _approvalGeneration[proposalId][slot];
        p.approvalMask &= ~(uint256(1) << slot);
        emit ProposalApprovalRevoked(proposalId, msg.sender, _countApprovals(proposalId, p.approvalMask));
    }

    /// @inheritdoc IConsortium
    function execute(uint256 proposalId) external onlyGovernor {
        Proposal storage p = _requireOpen(proposalId);
        uint256 approvals = _countApprovals(proposalId, p.approvalMask);
        if (approvals < _threshold) revert GovernanceBelowThreshold(proposalId, approvals, _threshold);
        _execute(proposalId, p);
    }

    /// @inheritdoc IConsortium
    function cancel(uint256 proposalId) external onlyGovernor {
        Proposal storage p = _requireOpen(proposalId);
        if (p.proposer != msg.sender) revert GovernanceNotProposer(proposalId, msg.sender);
        p.cancelled = true;
        emit ProposalCancelled(proposalId, msg.sender);
    }

    // ================================================================ actions

    /// @inheritdoc IConsortium
    function admitMember(
        bytes32 orgId,
        Role role,
        string calldata name,
        string calldata endpoint,
        string calldata enode,
        bytes calldata encryptionKey,
        address[] calldata operators
    ) external onlyGovernance {
        if (orgId == bytes32(0)) revert ConsortiumInvalidOrgId();
        if (_members[orgId].status != MemberStatus.None) revert ConsortiumMemberExists(orgId);
        if (role == Role.None) revert ConsortiumInvalidRole(role);
        if (bytes(name).length == 0 || bytes(name).length > 128) revert ConsortiumInvalidName();
        if (operators.length == 0) revert ConsortiumNoOperators(orgId);
        if (_memberIds.length >= MAX_MEMBERS) revert ConsortiumTooManyMembers(MAX_MEMBERS);
        _checkEncryptionKey(encryptionKey);

        Member storage m = _members[orgId];
        m.role = role;
        m.status = MemberStatus.Active;
        m.index = uint32(_memberIds.length + 1);
        m.admittedAtBlock = uint64(block.number);
        m.updatedAtBlock = uint64(block.number);
        m.name = name;
        m.endpoint = endpoint;
        m.enode = enode;
        m.encryptionKey = encryptionKey;
        _memberIds.push(orgId);
        emit MemberAdmitted(orgId, role, name, endpoint, enode, encryptionKey);
        for (uint256 i = 0; i < operators.length; ++i) {
            _addOperator(orgId, operators[i]);
        }
    }

    /// @inheritdoc IConsortium
    function suspendMember(bytes32 orgId) external onlyGovernance {
        Member storage m = _requireStatus(orgId, MemberStatus.Active);
        m.status = MemberStatus.Suspended;
        m.updatedAtBlock = uint64(block.number);
        emit MemberSuspended(orgId);
    }

    /// @inheritdoc IConsortium
    function reinstateMember(bytes32 orgId) external onlyGovernance {
        Member storage m = _requireStatus(orgId, MemberStatus.Suspended);
        m.status = MemberStatus.Active;
        m.updatedAtBlock = uint64(block.number);
        emit MemberReinstated(orgId);
    }

    /// @inheritdoc IConsortium
    function removeMember(bytes32 orgId) external onlyGovernance {
        Member storage m = _requireExisting(orgId);
        if (m.status == MemberStatus.Removed) revert ConsortiumInvalidStatus(orgId, m.status);
        m.status = MemberStatus.Removed;
        m.updatedAtBlock = uint64(block.number);
        // A removed member's node is nobody's peer any more: its certificates stop being recognized.
        delete m.tlsPins;
        // Free the operator accounts (bounded by MAX_OPERATORS) so they stop acting for the removed member.
        address[] storage ops = _operators[orgId];
        for (uint256 i = ops.length; i > 0; --i) {
            address op = ops[i - 1];
            delete _operatorOrg[op];
            ops.pop();
            emit OperatorRemoved(orgId, op);
        }
        emit MemberRemoved(orgId);
    }

    /// @inheritdoc IConsortium
    function changeRole(bytes32 orgId, Role role) external onlyGovernance {
        Member storage m = _requireLive(orgId);
        if (role == Role.None || role == m.role) revert ConsortiumInvalidRole(role);
        Role previous = m.role;
        m.role = role;
        m.updatedAtBlock = uint64(block.number);
        emit MemberRoleChanged(orgId, previous, role);
    }

    /// @inheritdoc IConsortium
    function changeEncryptionKey(bytes32 orgId, bytes calldata encryptionKey) external onlyGovernance {
        Member storage m = _requireLive(orgId);
        _checkEncryptionKey(encryptionKey);
        m.encryptionKey = encryptionKey;
        m.updatedAtBlock = uint64(block.number);
        emit MemberEncryptionKeyChanged(orgId, encryptionKey);
    }

    /// @inheritdoc IConsortium
    function changeEndpoint(bytes32 orgId, string calldata endpoint, string calldata enode) external onlyGovernance {
        Member storage m = _requireLive(orgId);
        m.endpoint = endpoint;
        m.enode = enode;
        m.updatedAtBlock = uint64(block.number);
        emit MemberEndpointChanged(orgId, endpoint, enode);
    }

    /// @inheritdoc IConsortium
    function changeTlsPins(bytes32 orgId, bytes32[] calldata pins) external onlyGovernance {
        Member storage m = _requireLive(orgId);
        if (pins.length > MAX_TLS_PINS) revert ConsortiumTooManyTlsPins(orgId, MAX_TLS_PINS);
        for (uint256 i = 0; i < pins.length; ++i) {
            if (pins[i] == bytes32(0)) revert ConsortiumInvalidTlsPin(pins[i]);
            for (uint256 j = 0; j < i; ++j) {
                if (pins[j] == pins[i]) revert ConsortiumInvalidTlsPin(pins[i]);
            }
        }
        m.tlsPins = pins;
        m.updatedAtBlock = uint64(block.number);
        bytes32 first = pins.length > 0 ? pins[0] : bytes32(0);
        bytes32 second = pins.length > 1 ? pins[1] : bytes32(0);
        emit MemberTlsPinsChanged(orgId, first, second);
    }

    /// @inheritdoc IConsortium
    function addOperator(bytes32 orgId, address operator) external onlyGovernance {
        _requireLive(orgId);
        _addOperator(orgId, operator);
    }

    /// @inheritdoc IConsortium
    function removeOperator(bytes32 orgId, address operator) external onlyGovernance {
        _requireLive(orgId);
        if (_operatorOrg[operator] != orgId) revert ConsortiumOperatorUnknown(operator, orgId);
        address[] storage ops = _operators[orgId];
        if (ops.length == 1) revert ConsortiumNoOperators(orgId);
        uint256 last = ops.length - 1;
        for (uint256 i = 0; i <= last; ++i) {
            if (ops[i] == operator) {
                ops[i] = ops[last];
                ops.pop();
                break;
            }
        }
        delete _operatorOrg[operator];
        emit OperatorRemoved(orgId, operator);
    }

    /// @inheritdoc IConsortium
    function addGovernor(address governor) external onlyGovernance {
        _addGovernor(governor);
    }

    /// @inheritdoc IConsortium
    function removeGovernor(address governor) external onlyGovernance {
        uint256 slotPlusOne = _slotOf[governor];
        if (slotPlusOne == 0) revert GovernanceGovernorUnknown(governor);
        if (_governorCount - 1 < _threshold) revert GovernanceInvalidThreshold(_threshold, _governorCount - 1);
        delete _governorAt[slotPlusOne - 1];
        delete _slotOf[governor];
        --_governorCount;
        emit GovernorRemoved(governor);
    }

    /// @inheritdoc IConsortium
    function setThreshold(uint256 newThreshold) external onlyGovernance {
        _setThreshold(newThreshold);
    }

    /// @inheritdoc IConsortium
    function retireEnterprise(address registry, address enterprise) external onlyGovernance {
        IConsentRegistry(registry).unbindEnterprise(enterprise);
    }

    // ================================================================ views

    /// @inheritdoc IConsortium
    function operatorOrg(address account)
        external
        view
        returns (bytes32 orgId, Role role, MemberStatus status, uint32 index)
    {
        orgId = _operatorOrg[account];
        if (orgId != bytes32(0)) {
            Member storage m = _members[orgId];
            (role, status, index) = (m.role, m.status, m.index);
        }
    }

    /// @inheritdoc IConsortium
    function isActiveOperator(address account, Role role) external view returns (bool) {
        bytes32 orgId = _operatorOrg[account];
        if (orgId == bytes32(0)) return false;
        Member storage m = _members[orgId];
        return m.status == MemberStatus.Active && (role == Role.None || m.role == role);
    }

    /// @inheritdoc IConsortium
    function memberSummary(bytes32 orgId) external view returns (Role role, MemberStatus status, uint32 index) {
        Member storage m = _members[orgId];
        return (m.role, m.status, m.index);
    }

    /// @inheritdoc IConsortium
    function memberAt(uint32 index) external view returns (bytes32 orgId, Role role, MemberStatus status) {
        if (index == 0 || index > _memberIds.length) return (bytes32(0), Role.None, MemberStatus.None);
        orgId = _memberIds[index - 1];
        Member storage m = _members[orgId];
        return (orgId, m.role, m.status);
    }

    /// @inheritdoc IConsortium
    function member(bytes32 orgId) external view returns (Member memory) {
        return _members[orgId];
    }

    /// @inheritdoc IConsortium
    function operatorsOf(bytes32 orgId) external view returns (address[] memory) {
        return _operators[orgId];
    }

    /// @inheritdoc IConsortium
    function tlsPinsOf(bytes32 orgId) external view returns (bytes32[] memory) {
        return _members[orgId].tlsPins;
    }

    /// @inheritdoc IConsortium
    function memberIds() external view returns (bytes32[] memory) {
        return _memberIds;
    }

    /// @inheritdoc IConsortium
    function memberCount() external view returns (uint256) {
        return _memberIds.length;
    }

    /// @inheritdoc IConsortium
    function isGovernor(address account) external view returns (bool) {
        return _slotOf[account] != 0;
    }

    /// @inheritdoc IConsortium
    function governors() external view returns (address[] memory list) {
        list = new address[](_governorCount);
        uint256 n = 0;
        for (uint256 slot = 0; slot < MAX_GOVERNORS; ++slot) {
            address g = _governorAt[slot];
            if (g != address(0)) list[n++] = g;
        }
    }

    /// @inheritdoc IConsortium
    function threshold() external view returns (uint256) {
        return _threshold;
    }

    /// @inheritdoc IConsortium
    function proposal(uint256 proposalId) external view returns (Proposal memory) {
        if (proposalId >= _proposals.length) revert GovernanceProposalNotFound(proposalId);
        return _proposals[proposalId];
    }

    /// @inheritdoc IConsortium
    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    /// @inheritdoc IConsortium
    function approvalCount(uint256 proposalId) external view returns (uint256) {
        if (proposalId >= _proposals.length) revert GovernanceProposalNotFound(proposalId);
        return _countApprovals(proposalId, _proposals[proposalId].approvalMask);
    }

    /// @inheritdoc IConsortium
    function hasApproved(uint256 proposalId, address governor) external view returns (bool) {
        uint256 slotPlusOne = _slotOf[governor];
        if (slotPlusOne == 0 || proposalId >= _proposals.length) return false;
        return _approvalGeneration[proposalId][slotPlusOne - 1] == _slotGeneration[slotPlusOne - 1];
    }

    // ================================================================ internals

    function _approve(uint256 proposalId) private {
        Proposal storage p = _proposals[proposalId];
        uint256 slot = _slotOf[msg.sender] - 1;
        uint32 generation = _slotGeneration[slot];
        if (_approvalGeneration[proposalId][slot] == generation) {
            revert GovernanceAlreadyApproved(proposalId, msg.sender);
        }
        _approvalGeneration[proposalId][slot] = generation;
        p.approvalMask |= uint256(1) << slot;
        uint256 approvals = _countApprovals(proposalId, p.approvalMask);
        emit ProposalApproved(proposalId, msg.sender, approvals, _threshold);
        if (approvals >= _threshold) _execute(proposalId, p);
    }

    function _execute(uint256 proposalId, Proposal storage p) private {
        p.executed = true;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory returned) = address(this).call(p.action);
        if (!ok) {
            // Bubble the action's own custom error so the caller learns why; the whole call reverts, so the
            // proposal stays pending and nothing of the action is half-applied.
            assembly ("memory-safe") {
                revert(add(returned, 0x20), mload(returned))
            }
        }
        emit ProposalExecuted(proposalId, msg.sender);
    }

    function _countApprovals(uint256 proposalId, uint256 mask) private view returns (uint256 count) {
        for (uint256 slot = 0; mask != 0; ++slot) {
            if (mask & 1 == 1) {
                if (
                    _governorAt[slot] != address(0) &&
                    _approvalGeneration[proposalId][slot] == _slotGeneration[slot]
                ) ++count;
            }
            mask >>= 1;
        }
    }

    function _requireOpen(uint256 proposalId) private view returns (Proposal storage p) {
        if (proposalId >= _proposals.length) revert GovernanceProposalNotFound(proposalId);
        p = _proposals[proposalId];
        if (p.executed || p.cancelled) revert GovernanceProposalClosed(proposalId);
        if (block.timestamp > p.expiresAt) revert GovernanceProposalExpired(proposalId, p.expiresAt);
    }

    function _addGovernor(address governor) private {
        if (governor == address(0)) revert GovernanceZeroAddress();
        // This contract can never approve anything itself: as a governor it would be a dead seat.
        if (governor == address(this)) revert GovernanceInvalidAccount(governor);
        if (_slotOf[governor] != 0) revert GovernanceGovernorExists(governor);
        for (uint256 slot = 0; slot < MAX_GOVERNORS; ++slot) {
            if (_governorAt[slot] == address(0)) {
                _governorAt[slot] = governor;
                _slotOf[governor] = slot + 1;
                ++_slotGeneration[slot];
                ++_governorCount;
                emit GovernorAdded(governor);
                return;
            }
        }
        revert GovernanceTooManyGovernors(MAX_GOVERNORS);
    }

    function _setThreshold(uint256 newThreshold) private {
        if (newThreshold == 0 || newThreshold > _governorCount) {
            revert GovernanceInvalidThreshold(newThreshold, _governorCount);
        }
        emit ThresholdChanged(_threshold, newThreshold);
        _threshold = newThreshold;
    }

    function _addOperator(bytes32 orgId, address operator) private {
        if (operator == address(0)) revert GovernanceZeroAddress();
        if (operator == address(this)) revert GovernanceInvalidAccount(operator);
        bytes32 current = _operatorOrg[operator];
        if (current != bytes32(0)) revert ConsortiumOperatorTaken(operator, current);
        address[] storage ops = _operators[orgId];
        if (ops.length >= MAX_OPERATORS) revert ConsortiumTooManyOperators(orgId, MAX_OPERATORS);
        ops.push(operator);
        _operatorOrg[operator] = orgId;
        emit OperatorAdded(orgId, operator);
    }

    function _requireExisting(bytes32 orgId) private view returns (Member storage m) {
        m = _members[orgId];
        if (m.status == MemberStatus.None) revert ConsortiumMemberUnknown(orgId);
    }

    function _requireStatus(bytes32 orgId, MemberStatus status) private view returns (Member storage m) {
        m = _requireExisting(orgId);
        if (m.status != status) revert ConsortiumInvalidStatus(orgId, m.status);
    }

    /// @dev Active or suspended: a member that still exists and may be changed.
    function _requireLive(bytes32 orgId) private view returns (Member storage m) {
        m = _requireExisting(orgId);
        if (m.status == MemberStatus.Removed) revert ConsortiumInvalidStatus(orgId, m.status);
    }

    function _checkEncryptionKey(bytes calldata key) private pure {
        if (key.length != 33 || (key[0] != 0x02 && key[0] != 0x03)) revert ConsortiumInvalidEncryptionKey(key);
    }

    function _selectorOf(bytes calldata action) private pure returns (bytes4 selector) {
        if (action.length < 4) return bytes4(0);
        selector = bytes4(action[:4]);
    }

    function _isAction(bytes4 s) private pure returns (bool) {
        return
            s == this.admitMember.selector ||
            s == this.suspendMember.selector ||
            s == this.reinstateMember.selector ||
            s == this.removeMember.selector ||
            s == this.changeRole.selector ||
            s == this.changeEncryptionKey.selector ||
            s == this.changeEndpoint.selector ||
            s == this.changeTlsPins.selector ||
            s == this.addOperator.selector ||
            s == this.removeOperator.selector ||
            s == this.addGovernor.selector ||
            s == this.removeGovernor.selector ||
            s == this.setThreshold.selector ||
            s == this.retireEnterprise.selector;
    }
}
