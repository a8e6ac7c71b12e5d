// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMembershipGated} from "../common/IMembershipGated.sol";

/// @title Government risk-compensation fund (风险补偿基金)
/// @notice A regulator sets up a fund with a balance, a compensation ratio (never 100 %: the bank always keeps
///         part of the risk) and the loan products it covers. A bank files a claim on a defaulted eligible loan;
///         the regulator approves it and the payout is computed here: the bank's loss net of the guarantor's
///         payout, times the ratio, capped by the fund's balance.
interface IRiskCompensationFund is IMembershipGated {
    enum ClaimStatus {
        None,
        Filed,
        Paid,
        Rejected
    }

    struct Fund {
        bytes32 regulatorOrg;
        uint128 balanceFen;
        uint128 paidFen;
        uint16 ratioBps;
        bool exists;
    }

    struct Claim {
        bytes32 fundId;
        bytes32 bankOrg;
        uint128 netLossFen;
        uint128 payoutFen;
        ClaimStatus status;
        uint16 reasonCode;
    }

    event FundCreated(bytes32 indexed fundId, bytes32 indexed regulatorOrg, uint16 ratioBps, uint128 balanceFen);
    event FundToppedUp(bytes32 indexed fundId, uint128 amountFen, uint128 balanceFen);
    event FundRatioChanged(bytes32 indexed fundId, uint16 ratioBps);
    event FundProductEligibilitySet(bytes32 indexed fundId, bytes32 indexed productCode, bool eligible);
    event ClaimFiled(bytes32 indexed loanId, bytes32 indexed fundId, bytes32 indexed bankOrg, uint128 netLossFen);
    event ClaimPaid(
        bytes32 indexed loanId,
        bytes32 indexed fundId,
        bytes32 indexed bankOrg,
        uint128 netLossFen,
        uint128 payoutFen,
        uint128 balanceFen
    );
    event ClaimRejected(bytes32 indexed loanId, bytes32 indexed fundId, bytes32 indexed bankOrg, uint16 reasonCode);

    error CompensationFundExists(bytes32 fundId);
    error CompensationInvalidFundId();
    error CompensationFundUnknown(bytes32 fundId);
    /// @notice The ratio must be between 1 and 9,999 basis points; a fund never covers the whole loss.
    error CompensationInvalidRatio(uint16 ratioBps);
    error CompensationInvalidAmount();
    error CompensationTooManyProducts(uint256 count, uint256 max);
    error CompensationProductNotEligible(bytes32 fundId, bytes32 productCode);
    error CompensationLoanNotDefaulted(bytes32 loanId);
    error CompensationClaimExists(bytes32 loanId, ClaimStatus status);
    error CompensationClaimNotFiled(bytes32 loanId, ClaimStatus status);
    /// @notice The loan is guaranteed and the guarantor, who owes something, has not recorded its payout yet.
    error CompensationGuaranteePending(bytes32 loanId);
    /// @notice The net loss is zero, or its compensated share rounds down to zero.
    error CompensationNothingToCompensate(bytes32 loanId);
    error CompensationFundExhausted(bytes32 fundId);

    function createFund(bytes32 fundId, uint16 ratioBps, uint128 balanceFen, bytes32[] calldata eligibleProducts)
        external;
    function topUp(bytes32 fundId, uint128 amountFen) external;
    function setRatio(bytes32 fundId, uint16 ratioBps) external;
    function setProductEligibility(bytes32 fundId, bytes32 productCode, bool eligible) external;

    /// @notice The lending bank claims on a defaulted loan of an eligible product.
    function fileClaim(bytes32 fundId, bytes32 loanId) external;
    /// @notice The fund's regulator approves a filed claim; the payout is computed on chain.
    function approveClaim(bytes32 loanId) external;
    /// @notice The fund's regulator rejects a filed claim with a reason code.
    function rejectClaim(bytes32 loanId, uint16 reasonCode) external;

    function fund(bytes32 fundId) external view returns (Fund memory);
    function claim(bytes32 loanId) external view returns (Claim memory);
    function isEligible(bytes32 fundId, bytes32 productCode) external view returns (bool);
    /// @notice What approving the claim on `loanId` would pay now.
    function quotePayout(bytes32 loanId) external view returns (uint128 netLossFen, uint128 payoutFen);
}
