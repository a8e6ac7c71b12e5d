// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMembershipGated} from "../common/IMembershipGated.sol";

/// @title Government risk-compensation fund (风险补偿基金)
/// @notice A regulator sets up a fund with a balance, a compensation ratio (never 100 %: the bank always keeps
///         part of the risk), a grace period for guarantors and the loan products it covers. A bank files a claim on
///         a defaulted eligible loan; what the fund shares is the bank's loss net of the guarantor's obligation
///         (loss × coverage) — never what the guarantor owes, whatever it has paid so far — times the ratio. A
///         guarantor that has not paid its obligation within the grace period after the default, or is no longer an
///         active member, does not hold the claim up: it is filed with the obligation netted out and the failure is
///         an event. The regulator approves (the payout is computed here, capped by the balance; what the cap left
///         unpaid is paid on a later approval, after a top-up) or rejects; the bank may withdraw a claim nothing was
///         paid on. Claims are per fund and loan: a rejection at one fund does not block a claim at another, but a
///         loan has at most one live (filed or paid) claim.
interface IRiskCompensationFund is IMembershipGated {
    enum ClaimStatus {
        None,
        Filed,
        Paid,
        Rejected,
        Withdrawn
    }

    struct Fund {
        bytes32 regulatorOrg;
        uint128 balanceFen;
        uint128 paidFen;
        uint16 ratioBps;
        bool exists;
        uint32 graceSeconds;
    }

    /// @dev `dueFen` is fixed when the claim is filed (net loss × the ratio then); `payoutFen` is what was paid so far.
    struct Claim {
        bytes32 fundId;
        bytes32 bankOrg;
        bytes32 enterpriseHash;
        uint128 netLossFen;
        uint128 dueFen;
        uint128 payoutFen;
        ClaimStatus status;
        uint16 reasonCode;
    }

    event FundCreated(
        bytes32 indexed fundId,
        bytes32 indexed regulatorOrg,
        uint16 ratioBps,
        uint128 balanceFen,
        uint32 graceSeconds
    );
    event FundToppedUp(bytes32 indexed fundId, uint128 amountFen, uint128 balanceFen);
    event FundRatioChanged(bytes32 indexed fundId, uint16 previousRatioBps, uint16 ratioBps);
    event FundGracePeriodChanged(bytes32 indexed fundId, uint32 previousGraceSeconds, uint32 graceSeconds);
    event FundProductEligibilitySet(
        bytes32 indexed fundId,
        bytes32 indexed productCode,
        bool previouslyEligible,
        bool eligible
    );
    event ClaimFiled(
        bytes32 indexed loanId,
        bytes32 indexed fundId,
        bytes32 indexed bankOrg,
        bytes32 enterpriseHash,
        uint128 netLossFen,
        uint128 dueFen
    );
    /// @notice A payment on a claim: `payoutFen` now, `paidFen` in all of `dueFen`; `settled` when that is all.
    event ClaimPaid(
        bytes32 indexed loanId,
        bytes32 indexed fundId,
        bytes32 indexed bankOrg,
        bytes32 enterpriseHash,
        uint128 netLossFen,
        uint128 payoutFen,
        uint128 paidFen,
        uint128 dueFen,
        uint128 balanceFen,
        bool settled
    );
    event ClaimRejected(
        bytes32 indexed loanId,
        bytes32 indexed fundId,
        bytes32 indexed bankOrg,
        bytes32 enterpriseHash,
        uint16 reasonCode
    );
    event ClaimWithdrawn(
        bytes32 indexed loanId,
        bytes32 indexed fundId,
        bytes32 indexed bankOrg,
        bytes32 enterpriseHash
    );
    /// @notice The guarantor had not paid its whole obligation when the bank's claim was filed (the grace period had
    ///         passed, or the guarantor is suspended or removed); the claim nets the obligation out all the same.
    event GuarantorFailedToPay(
        bytes32 indexed loanId,
        bytes32 indexed guarantorOrg,
        bytes32 indexed bankOrg,
        bytes32 fundId,
        bytes32 enterpriseHash,
        uint128 obligationFen,
        uint128 paidFen
    );

    error CompensationFundExists(bytes32 fundId);
    error CompensationInvalidFundId();
    error CompensationFundUnknown(bytes32 fundId);
    /// @notice The ratio must be between 1 and 9,999 basis points; a fund never covers the whole loss.
    error CompensationInvalidRatio(uint16 ratioBps);
    /// @notice The grace period must be between MIN_GRACE and MAX_GRACE.
    error CompensationInvalidGracePeriod(uint32 graceSeconds);
    error CompensationInvalidAmount();
    error CompensationTooManyProducts(uint256 count, uint256 max);
    error CompensationProductNotEligible(bytes32 fundId, bytes32 productCode);
    error CompensationLoanNotDefaulted(bytes32 loanId);
    /// @notice The loan already has a claim here, or a live (filed or paid) claim at `liveFundId`.
    error CompensationClaimExists(bytes32 loanId, bytes32 liveFundId, ClaimStatus status);
    error CompensationClaimNotFiled(bytes32 loanId, ClaimStatus status);
    /// @notice Part of the claim was paid: it can no longer be rejected or withdrawn, only paid in full.
    error CompensationClaimPartlyPaid(bytes32 loanId, uint128 payoutFen);
    /// @notice The guarantor owes `obligationFen`, has paid `paidFen`, and its grace period runs until `graceEndsAt`.
    error CompensationGuaranteePending(bytes32 loanId, uint128 obligationFen, uint128 paidFen, uint40 graceEndsAt);
    /// @notice The net loss is zero, or its compensated share rounds down to zero.
    error CompensationNothingToCompensate(bytes32 loanId);
    error CompensationFundExhausted(bytes32 fundId);
    /// @notice The fund's regulator is no longer an active member; the fund takes no claims.
    error CompensationFundInactive(bytes32 fundId, bytes32 regulatorOrg);

    function createFund(bytes32 fundId, uint16 ratioBps, uint128 balanceFen, bytes32[] calldata eligibleProducts)
        external;
    function topUp(bytes32 fundId, uint128 amountFen) external;
    function setRatio(bytes32 fundId, uint16 ratioBps) external;
    /// @notice How long after a default a guarantor has to pay before a claim may net its obligation out unpaid.
    function setGracePeriod(bytes32 fundId, uint32 graceSeconds) external;
    function setProductEligibility(bytes32 fundId, bytes32 productCode, bool eligible) external;

    /// @notice The lending bank claims on a defaulted loan of an eligible product.
    function fileClaim(bytes32 fundId, bytes32 loanId) external;
    /// @notice The fund's regulator approves a filed claim: it pays what is due, as far as the balance goes.
    function approveClaim(bytes32 fundId, bytes32 loanId) external;
    /// @notice The fund's regulator rejects a filed claim nothing was paid on, with a reason code.
    function rejectClaim(bytes32 fundId, bytes32 loanId, uint16 reasonCode) external;
    /// @notice The lending bank withdraws a filed claim nothing was paid on.
    function withdrawClaim(bytes32 fundId, bytes32 loanId) external;

    function fund(bytes32 fundId) external view returns (Fund memory);
    function claim(bytes32 fundId, bytes32 loanId) external view returns (Claim memory);
    /// @notice The fund of the loan's live (filed or paid) claim; zero when none.
    function liveClaim(bytes32 loanId) external view returns (bytes32 fundId);
    function isEligible(bytes32 fundId, bytes32 productCode) external view returns (bool);
    /// @notice What approving the claim would pay now, and the net loss it is on.
    function quotePayout(bytes32 fundId, bytes32 loanId) external view returns (uint128 netLossFen, uint128 payoutFen);
}
