// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice The role a consortium member plays. A member has exactly one role.
/// @dev `None` is never assigned to a member; contracts use it to mean "any role".
enum Role {
    None,
    TaxBureau,
    Bank,
    Guarantor,
    Auditor,
    Regulator
}

/// @notice Lifecycle of a consortium member. Only `Active` members may act.
enum MemberStatus {
    None,
    Active,
    Suspended,
    Removed
}
