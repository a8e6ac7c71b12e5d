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

    ILoanBook public immutable loanBook;
    IGuaranteeBook public immutable guaranteeBook;

    mapping(bytes32 fundId => Fund) private _funds;
    mapping(bytes32 fundId => mapping(bytes32 productCode => bool)) private _eligible;
    mapping(bytes32 loanId => Claim) private _claims;

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
            exists: true
        });
        emit FundCreated(fundId, regulatorOrg, ratioBps, balanceFen);
        for (uint256 i = 0; i < eligibleProducts.length; ++i) {
            _eligible[fundId][eligibleProducts[i]] = true;
            emit FundProductEligibilitySet(fundId, eligibleProducts[i], true);
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
        f.ratioBps = ratioBps;
        emit FundRatioChanged(fundId, ratioBps);
    }

    /// @inheritdoc IRiskCompensationFund
    function setProductEligibility(bytes32 fundId, bytes32 productCode, bool eligible) external {
        _ownFund(fundId);
        _eligible[fundId][productCode] = eligible;
        emit FundProductEligibilitySet(fundId, productCode, eligible);
    }

    /// @inheritdoc IRiskCompensationFund
    function fileClaim(bytes32 fundId, bytes32 loanId) external {
        if (!_funds[fundId].exists) revert CompensationFundUnknown(fundId);
        ILoanBook.Loan memory ln = loanBook.loan(loanId);
        if (ln.status != ILoanBook.LoanStatus.Defaulted) revert CompensationLoanNotDefaulted(loanId);
        _requireOperatorOf(msg.sender, ln.bankOrg, Role.Bank);
        if (!_eligible[fundId][ln.productCode]) revert CompensationProductNotEligible(fundId, ln.productCode);
        Claim storage c = _claims[loanId];
        if (c.status != ClaimStatus.None) revert CompensationClaimExists(loanId, c.status);
        uint128 netLoss = _netLoss(loanId, ln.lossFen);
        if (netLoss == 0) revert CompensationNothingToCompensate(loanId);
        _claims[loanId] = Claim({
            fundId: fundId,
            bankOrg: ln.bankOrg,
            netLossFen: netLoss,
            payoutFen: 0,
            status: ClaimStatus.Filed,
            reasonCode: 0
        });
        emit ClaimFiled(loanId, fundId, ln.bankOrg, netLoss);
    }

    /// @inheritdoc IRiskCompensationFund
    function approveClaim(bytes32 loanId) external {
        Claim storage c = _filedClaim(loanId);
        Fund storage f = _ownFund(c.fundId);
        if (f.balanceFen == 0) revert CompensationFundExhausted(c.fundId);
        uint128 payout = _payout(c.netLossFen, f.ratioBps, f.balanceFen);
        if (payout == 0) revert CompensationNothingToCompensate(loanId);
        f.balanceFen -= payout;
        f.paidFen += payout;
        c.payoutFen = payout;
        c.status = ClaimStatus.Paid;
        emit ClaimPaid(loanId, c.fundId, c.bankOrg, c.netLossFen, payout, f.balanceFen);
    }

    /// @inheritdoc IRiskCompensationFund
    function rejectClaim(bytes32 loanId, uint16 reasonCode) external {
        Claim storage c = _filedClaim(loanId);
        _ownFund(c.fundId);
        c.status = ClaimStatus.Rejected;
        c.reasonCode = reasonCode;
        emit ClaimRejected(loanId, c.fundId, c.bankOrg, reasonCode);
    }

    /// @inheritdoc IRiskCompensationFund
    function fund(bytes32 fundId) external view returns (Fund memory) {
        return _funds[fundId];
    }

    /// @inheritdoc IRiskCompensationFund
    function claim(bytes32 loanId) external view returns (Claim memory) {
        return _claims[loanId];
    }

    /// @inheritdoc IRiskCompensationFund
    function isEligible(bytes32 fundId, bytes32 productCode) external view returns (bool) {
        return _eligible[fundId][productCode];
    }

    /// @inheritdoc IRiskCompensationFund
    function quotePayout(bytes32 loanId) external view returns (uint128 netLossFen, uint128 payoutFen) {
        Claim storage c = _claims[loanId];
        if (c.status != ClaimStatus.Filed) return (c.netLossFen, c.payoutFen);
        Fund storage f = _funds[c.fundId];
        return (c.netLossFen, _payout(c.netLossFen, f.ratioBps, f.balanceFen));
    }

    /// @dev The bank's loss after the guarantor's payout. A guaranteed loan must have its payout recorded first,
    ///      unless the guarantor owes nothing (its covered share of the loss rounds down to zero).
    function _netLoss(bytes32 loanId, uint128 lossFen) private view returns (uint128) {
        (bool guaranteed, bool paid, uint128 payoutFen) = guaranteeBook.paidOut(loanId);
        if (guaranteed && !paid && guaranteeBook.maxPayout(loanId) != 0) revert CompensationGuaranteePending(loanId);
        return payoutFen >= lossFen ? 0 : lossFen - payoutFen;
    }

    function _payout(uint128 netLossFen, uint16 ratioBps, uint128 balanceFen) private pure returns (uint128) {
        uint128 due = uint128((uint256(netLossFen) * ratioBps) / _BPS);
        return due < balanceFen ? due : balanceFen;
    }

    function _ownFund(bytes32 fundId) private view returns (Fund storage f) {
        f = _funds[fundId];
        if (!f.exists) revert CompensationFundUnknown(fundId);
        _requireOperatorOf(msg.sender, f.regulatorOrg, Role.Regulator);
    }

    function _filedClaim(bytes32 loanId) private view returns (Claim storage c) {
        c = _claims[loanId];
        if (c.status != ClaimStatus.Filed) revert CompensationClaimNotFiled(loanId, c.status);
    }

    function _checkRatio(uint16 ratioBps) private pure {
        if (ratioBps == 0 || ratioBps >= _BPS) revert CompensationInvalidRatio(ratioBps);
    }
}
