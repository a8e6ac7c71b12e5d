// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortium} from "../consortium/IConsortium.sol";
import {IMembershipGated} from "./IMembershipGated.sol";
import {MemberStatus, Role} from "./LedgerTypes.sol";

/// @title Base for contracts whose functions are open only to operators of active consortium members
abstract contract MembershipGated is IMembershipGated {
    /// @notice The consortium whose membership gates this contract.
    IConsortium public immutable consortium;

    constructor(IConsortium consortium_) {
        consortium = consortium_;
    }

    /// @dev Returns the organization `account` operates if it is an active member with `role`
    ///      (any role when `role` is `None`); reverts with `MembershipRequired` otherwise.
    function _requireMember(address account, Role role) internal view returns (bytes32 orgId) {
        (orgId, ) = _requireMemberWithIndex(account, role);
    }

    /// @dev `_requireMember` that also returns the member's admission index.
    function _requireMemberWithIndex(address account, Role role) internal view returns (bytes32 orgId, uint32 index) {
        Role actual;
        MemberStatus status;
        (orgId, actual, status, index) = consortium.operatorOrg(account);
        if (status != MemberStatus.Active || (role != Role.None && actual != role)) {
            revert MembershipRequired(account, role);
        }
    }

    /// @dev Like `_requireMember`, and the organization must be `expectedOrg`.
    function _requireOperatorOf(address account, bytes32 expectedOrg, Role role) internal view {
        bytes32 orgId = _requireMember(account, role);
        if (orgId != expectedOrg) revert MembershipWrongOrganization(account, expectedOrg, orgId);
    }

    /// @dev True when `orgId` is an active member with `role`.
    function _isActiveOrg(bytes32 orgId, Role role) internal view returns (bool) {
        (Role actual, MemberStatus status, ) = consortium.memberSummary(orgId);
        return status == MemberStatus.Active && actual == role;
    }
}
