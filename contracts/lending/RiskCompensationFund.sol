// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IRiskCompensationFund} from "./IRiskCompensationFund.sol";
import {ILoanBook} from "./ILoanBook.sol";
import {IGuaranteeBook} from "./IGuaranteeBook.sol";
import {IConsortium} from "../consortium/IConsortium.sol";
import {MembershipGated} from "../common/MembershipGated.sol";
import {Role} from "../common/LedgerTypes.sol";

/// @title Risk-compensation fund
contract RiskCompensationFund is IRiskCompensationFund, MembershipGated {
    uint16 private constant _BPS = 10_000;
    /// @notice Most products a fund may list when created (more can be added one by one).
    uint256 public constant MAX_PRODUCTS_AT_CREATION = 32;
    /// @notice A new fund's grace period for guarantors (the regulator may change it).
    uint32 public constant DEFAULT_GRACE = 90 days;
    uint32 public constant MIN_GRACE = 1 days;
    uint32 public constant MAX_GRACE = 730 days;

    ILoanBook public immutable loanBook;
    IGuaranteeBook public immutable guaranteeBook;

    mapping(bytes32 fundId => Fund) private _funds;
    mapping(bytes32 fundId => mapping(bytes32 productCode => bool)) private _eligible;
    mapping(bytes32 fundId => mapping(bytes32 loanId => Claim)) private _claims;
    mapping(bytes32 loanId => bytes32 fundId) private _liveClaims;

    constructor(IConsortium consortium_, ILoanBook loanBook_, IGuaranteeBook guaranteeBook_)
        MembershipGated(consortium_)
    {
        loanBook = loanBook_;
        guaranteeBook = guaranteeBook_;
    }

    /// @inheritdoc IRiskCompensationFund
    function createFund(bytes32 fundId, uint16 ratioBps, uint128 balanceFen, bytes32[] calldata eligibleProducts)
        external
    {
        bytes32 regulatorOrg = _requireMember(msg.sender, Role.Regulator);
        if (fundId == bytes32(0)) revert CompensationInvalidFundId();
        if (_funds[fundId].exists) revert CompensationFundExists(fundId);
        _checkRatio(ratioBps);
        if (eligibleProducts.length > MAX_PRODUCTS_AT_CREATION) {
            revert CompensationTooManyProducts(eligibleProducts.length, MAX_PRODUCTS_AT_CREATION);
        }
        _funds[fundId] = Fund({
            regulatorOrg: regulatorOrg,
            balanceFen: balanceFen,
            paidFen: 0,
            ratioBps: ratioBps,
            exists: true,
            graceSeconds: DEFAULT_GRACE
        });
        emit FundCreated(fundId, regulatorOrg, ratioBps, balanceFen, DEFAULT_GRACE);
        for (uint256 i = 0; i < eligibleProducts.length; ++i) {
            bytes32 product = eligibleProducts[i];
            bool previously = _eligible[fundId][product];
            _eligible[fundId][product] = true;
            emit FundProductEligibilitySet(fundId, product, previously, true);
        }
    }

    /// @inheritdoc IRiskCompensationFund
    function topUp(bytes32 fundId, uint128 amountFen) external {
        Fund storage f = _ownFund(fundId);
        if (amountFen == 0) revert CompensationInvalidAmount();
        f.balanceFen += amountFen;
        emit FundToppedUp(fundId, amountFen, f.balanceFen);
    }

    /// @inheritdoc IRiskCompensationFund
    function setRatio(bytes32 fundId, uint16 ratioBps) external {
        Fund storage f = _ownFund(fundId);
        _checkRatio(ratioBps);
        uint16 previous = f.ratioBps;
        f.ratioBps = ratioBps;
        emit FundRatioChanged(fundId, previous, ratioBps);
    }

    /// @inheritdoc IRiskCompensationFund
    function setGracePeriod(bytes32 fundId, uint32 graceSeconds) external {
        Fund storage f = _ownFund(fundId);
        if (graceSeconds < MIN_GRACE || graceSeconds > MAX_GRACE) revert CompensationInvalidGracePeriod(graceSeconds);
        uint32 previous = f.graceSeconds;
        f.graceSeconds = graceSeconds;
        emit FundGracePeriodChanged(fundId, previous, graceSeconds);
    }

    /// @inheritdoc IRiskCompensationFund
    function setProductEligibility(bytes32 fundId, bytes32 productCode, bool eligible) external {
        _ownFund(fundId);
        bool previously = _eligible[fundId][productCode];
        _eligible[fundId][productCode] = eligible;
        emit FundProductEligibilitySet(fundId, productCode, previously, eligible);
    }

    /// @inheritdoc IRiskCompensationFund
    function fileClaim(bytes32 fundId, bytes32 loanId) external {
        Fund storage f = _funds[fundId];
        if (!f.exists) revert CompensationFundUnknown(fundId);
        ILoanBook.Loan memory ln = loanBook.loan(loanId);
        if (ln.status != ILoanBook.LoanStatus.Defaulted) revert CompensationLoanNotDefaulted(loanId);
        _requireOperatorOf(msg.sender, ln.bankOrg, Role.Bank);
        if (!_isActiveOrg(f.regulatorOrg, Role.Regulator)) revert CompensationFundInactive(fundId, f.regulatorOrg);
        if (!_eligible[fundId][ln.productCode]) revert CompensationProductNotEligible(fundId, ln.productCode);
        bytes32 live = _liveClaims[loanId];
        if (live != bytes32(0)) revert CompensationClaimExists(loanId, live, _claims[live][loanId].status);
        ClaimStatus here = _claims[fundId][loanId].status;
        if (here != ClaimStatus.None && here != ClaimStatus.Withdrawn) {
            revert CompensationClaimExists(loanId, fundId, here);
        }
        uint128 netLoss = _netLoss(fundId, loanId, ln, f.graceSeconds);
        uint128 due = uint128((uint256(netLoss) * f.ratioBps) / _BPS);
        if (due == 0) revert CompensationNothingToCompensate(loanId);
        _claims[fundId][loanId] = Claim({
            fundId: fundId,
            bankOrg: ln.bankOrg,
            enterpriseHash: ln.enterpriseHash,
            netLossFen: netLoss,
            dueFen: due,
            payoutFen: 0,
            status: ClaimStatus.Filed,
            reasonCode: 0
        });
        _liveClaims[loanId] = fundId;
        emit ClaimFiled(loanId, fundId, ln.bankOrg, ln.enterpriseHash, netLoss, due);
    }

    /// @inheritdoc IRiskCompensationFund
    function approveClaim(bytes32 fundId, bytes32 loanId) external {
        Fund storage f = _ownFund(fundId);
        Claim storage c = _filedClaim(fundId, loanId);
        if (f.balanceFen == 0) revert CompensationFundExhausted(fundId);
        uint128 owed = c.dueFen - c.payoutFen;
        uint128 payout = owed < f.balanceFen ? owed : f.balanceFen;
        f.balanceFen -= payout;
        f.paidFen += payout;
        uint128 paid = c.payoutFen + payout;
        c.payoutFen = paid;
        bool settled = paid == c.dueFen;
        if (settled) c.status = ClaimStatus.Paid;
        emit ClaimPaid(
            loanId,
            fundId,
            c.bankOrg,
            c.enterpriseHash,
            c.netLossFen,
            payout,
            paid,
            c.dueFen,
            f.balanceFen,
            settled
        );
    }

    /// @inheritdoc IRiskCompensationFund
    function rejectClaim(bytes32 fundId, bytes32 loanId, uint16 reasonCode) external {
        _ownFund(fundId);
        Claim storage c = _unpaidClaim(fundId, loanId);
        c.status = ClaimStatus.Rejected;
        c.reasonCode = reasonCode;
        delete _liveClaims[loanId];
        emit ClaimRejected(loanId, fundId, c.bankOrg, c.enterpriseHash, reasonCode);
    }

    /// @inheritdoc IRiskCompensationFund
    function withdrawClaim(bytes32 fundId, bytes32 loanId) external {
        Claim storage c = _claims[fundId][loanId];
        if (c.status != ClaimStatus.Filed) revert CompensationClaimNotFiled(loanId, c.status);
        _requireOperatorOf(msg.sender, c.bankOrg, Role.Bank);
        _unpaidClaim(fundId, loanId);
        c.status = ClaimStatus.Withdrawn;
        delete _liveClaims[loanId];
        emit ClaimWithdrawn(loanId, fundId, c.bankOrg, c.enterpriseHash);
    }

    /// @inheritdoc IRiskCompensationFund
    function fund(bytes32 fundId) external view returns (Fund memory) {
        return _funds[fundId];
    }

    /// @inheritdoc IRiskCompensationFund
    function claim(bytes32 fundId, bytes32 loanId) external view returns (Claim memory) {
        return _claims[fundId][loanId];
    }

    /// @inheritdoc IRiskCompensationFund
    function liveClaim(bytes32 loanId) external view returns (bytes32) {
        return _liveClaims[loanId];
    }

    /// @inheritdoc IRiskCompensationFund
    function isEligible(bytes32 fundId, bytes32 productCode) external view returns (bool) {
        return _eligible[fundId][productCode];
    }

    /// @inheritdoc IRiskCompensationFund
    function quotePayout(bytes32 fundId, bytes32 loanId) external view returns (uint128 netLossFen, uint128 payoutFen) {
        Claim storage c = _claims[fundId][loanId];
        if (c.status != ClaimStatus.Filed) return (c.netLossFen, c.payoutFen);
        uint128 owed = c.dueFen - c.payoutFen;
        uint128 balance = _funds[fundId].balanceFen;
        return (c.netLossFen, owed < balance ? owed : balance);
    }

    /// @dev The bank's loss less the guarantor's obligation (loss × coverage), whatever the guarantor has paid: the
    ///      fund never pays what the guarantor owes. While the guarantor, still active, is within its grace period
    ///      and has not paid in full, the claim waits; after it (or once the guarantor is suspended or removed) the
    ///      claim is filed all the same, and the unpaid obligation is an event.
    function _netLoss(bytes32 fundId, bytes32 loanId, ILoanBook.Loan memory ln, uint32 graceSeconds)
        private
        returns (uint128)
    {
        (bytes32 guarantorOrg, uint128 obligation, uint128 paid) = guaranteeBook.obligationOf(loanId);
        if (paid < obligation) {
            uint40 graceEndsAt = ln.defaultedAt + graceSeconds;
            if (block.timestamp < graceEndsAt && _isActiveOrg(guarantorOrg, Role.Guarantor)) {
                revert CompensationGuaranteePending(loanId, obligation, paid, graceEndsAt);
            }
            emit GuarantorFailedToPay(loanId, guarantorOrg, ln.bankOrg, fundId, ln.enterpriseHash, obligation, paid);
        }
        return obligation >= ln.lossFen ? 0 : ln.lossFen - obligation;
    }

    function _ownFund(bytes32 fundId) private view returns (Fund storage f) {
        f = _funds[fundId];
        if (!f.exists) revert CompensationFundUnknown(fundId);
        _requireOperatorOf(msg.sender, f.regulatorOrg, Role.Regulator);
    }

    function _filedClaim(bytes32 fundId, bytes32 loanId) private view returns (Claim storage c) {
        c = _claims[fundId][loanId];
        if (c.status != ClaimStatus.Filed) revert CompensationClaimNotFiled(loanId, c.status);
    }

    function _unpaidClaim(bytes32 fundId, bytes32 loanId) private view returns (Claim storage c) {
        c = _filedClaim(fundId, loanId);
        if (c.payoutFen != 0) revert CompensationClaimPartlyPaid(loanId, c.payoutFen);
    }

    function _checkRatio(uint16 ratioBps) private pure {
        if (ratioBps == 0 || ratioBps >= _BPS) revert CompensationInvalidRatio(ratioBps);
    }
}
