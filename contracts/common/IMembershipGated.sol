// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Role} from "./LedgerTypes.sol";

/// @title Errors shared by every contract that asks the consortium who the caller is
interface IMembershipGated {
    /// @notice `account` is not an operator of an active member with role `role`
    ///         (`role` is `None` when any active member would do).
    error MembershipRequired(address account, Role role);

    /// @notice `account` operates an active member, but not the organization this action belongs to.
    error MembershipWrongOrganization(address account, bytes32 expectedOrg, bytes32 actualOrg);
}
