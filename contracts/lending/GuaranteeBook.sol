// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IGuaranteeBook} from "./IGuaranteeBook.sol";
import {ILoanBook} from "./ILoanBook.sol";
import {IConsortium} from "../consortium/IConsortium.sol";
import {MembershipGated} from "../common/MembershipGated.sol";
import {Role} from "../common/LedgerTypes.sol";

/// @title Guarantee book
contract GuaranteeBook is IGuaranteeBook, MembershipGated {
    uint16 private constant _BPS = 10_000;

    ILoanBook public immutable loanBook;

    mapping(bytes32 agreementId => Agreement) private _agreements;
    mapping(bytes32 loanId => Guarantee) private _guarantees;
    mapping(bytes32 loanId => Invitation) private _invitations;

    constructor(IConsortium consortium_, ILoanBook loanBook_) MembershipGated(consortium_) {
        loanBook = loanBook_;
    }

    /// @inheritdoc IGuaranteeBook
    function inviteGuarantor(bytes32 loanId, bytes32 guarantorOrg, uint16 minCoverageBps, uint128 maxFeeFen) external {
        ILoanBook.Loan memory ln = _activeLoan(loanId);
        _requireOperatorOf(msg.sender, ln.bankOrg, Role.Bank);
        Guarantee storage existing = _guarantees[loanId];
        if (existing.guarantorOrg != bytes32(0)) revert GuaranteeExists(loanId, existing.guarantorOrg);
        _requireActive(guarantorOrg, Role.Guarantor);
        _checkCoverage(minCoverageBps);
        _invitations[loanId] = Invitation({
            guarantorOrg: guarantorOrg,
            maxFeeFen: maxFeeFen,
            minCoverageBps: minCoverageBps
        });
        emit GuarantorInvited(loanId, ln.bankOrg, guarantorOrg, minCoverageBps, maxFeeFen);
    }

    /// @inheritdoc IGuaranteeBook
    function withdrawInvitation(bytes32 loanId) external {
        ILoanBook.Loan memory ln = loanBook.loan(loanId);
        if (ln.status == ILoanBook.LoanStatus.None) revert GuaranteeLoanNotEligible(loanId);
        _requireOperatorOf(msg.sender, ln.bankOrg, Role.Bank);
        bytes32 guarantorOrg = _invitations[loanId].guarantorOrg;
        if (guarantorOrg == bytes32(0)) revert GuaranteeNotInvited(loanId, bytes32(0));
        delete _invitations[loanId];
        emit InvitationWithdrawn(loanId, ln.bankOrg, guarantorOrg);
    }

    /// @inheritdoc IGuaranteeBook
    function guaranteeLoan(bytes32 loanId, uint16 coverageBps, uint128 feeFen) external {
        bytes32 guarantorOrg = _requireMember(msg.sender, Role.Guarantor);
        _checkCoverage(coverageBps);
        ILoanBook.Loan memory ln = _activeLoan(loanId);
        Invitation memory inv = _invitations[loanId];
        if (inv.guarantorOrg != guarantorOrg) revert GuaranteeNotInvited(loanId, guarantorOrg);
        if (coverageBps < inv.minCoverageBps || feeFen > inv.maxFeeFen) {
            revert GuaranteeOutsideInvitation(loanId, coverageBps, feeFen, inv.minCoverageBps, inv.maxFeeFen);
        }
        _requireActive(ln.bankOrg, Role.Bank);
        _create(loanId, ln, guarantorOrg, bytes32(0), coverageBps, feeFen);
    }

    /// @inheritdoc IGuaranteeBook
    function cancelGuarantee(bytes32 loanId) external {
        Guarantee storage g = _requireGuarantee(loanId);
        ILoanBook.Loan memory ln = loanBook.loan(loanId);
        _requireOperatorOf(msg.sender, ln.bankOrg, Role.Bank);
        // Once the loan defaulted the guarantor's obligation is fixed: waiving it then would shift it to the fund.
        if (ln.status != ILoanBook.LoanStatus.Active && ln.status != ILoanBook.LoanStatus.Overdue) {
            revert GuaranteeNotCancellable(loanId);
        }
        bytes32 guarantorOrg = g.guarantorOrg;
        bytes32 agreementId = g.agreementId;
        if (agreementId != bytes32(0)) _agreements[agreementId].usedFen -= ln.amountFen;
        delete _guarantees[loanId];
        emit GuaranteeCancelled(loanId, guarantorOrg, ln.bankOrg, ln.enterpriseHash, agreementId);
    }

    /// @inheritdoc IGuaranteeBook
    function proposeAgreement(
        bytes32 agreementId,
        bytes32 bankOrg,
        uint16 coverageBps,
        uint16 feeBps,
        uint128 perLoanLimitFen,
        uint128 totalLimitFen,
        uint40 validUntil
    ) external {
        bytes32 guarantorOrg = _requireMember(msg.sender, Role.Guarantor);
        if (agreementId == bytes32(0)) revert GuaranteeZeroAgreementId();
        if (_agreements[agreementId].status != AgreementStatus.None) revert GuaranteeAgreementExists(agreementId);
        _requireActive(bankOrg, Role.Bank);
        _checkCoverage(coverageBps);
        if (feeBps > _BPS) revert GuaranteeInvalidFeeRate(feeBps);
        if (perLoanLimitFen == 0 || totalLimitFen < perLoanLimitFen) {
            revert GuaranteeInvalidLimits(perLoanLimitFen, totalLimitFen);
        }
        if (validUntil <= block.timestamp) revert GuaranteeValidUntilPast(validUntil);
        _agreements[agreementId] = Agreement({
            guarantorOrg: guarantorOrg,
            bankOrg: bankOrg,
            perLoanLimitFen: perLoanLimitFen,
            totalLimitFen: totalLimitFen,
            usedFen: 0,
            coverageBps: coverageBps,
            feeBps: feeBps,
            validUntil: validUntil,
            status: AgreementStatus.Proposed
        });
        emit AgreementProposed(
            agreementId,
            guarantorOrg,
            bankOrg,
            coverageBps,
            feeBps,
            perLoanLimitFen,
            totalLimitFen,
            validUntil
        );
    }

    /// @inheritdoc IGuaranteeBook
    function acceptAgreement(bytes32 agreementId) external {
        Agreement storage a = _requireAgreement(agreementId);
        _requireOperatorOf(msg.sender, a.bankOrg, Role.Bank);
        if (a.status != AgreementStatus.Proposed) revert GuaranteeAgreementNotProposed(agreementId, a.status);
        if (a.validUntil <= block.timestamp) revert GuaranteeAgreementExpired(agreementId, a.validUntil);
        _requireActive(a.guarantorOrg, Role.Guarantor);
        a.status = AgreementStatus.Active;
        emit AgreementAccepted(agreementId, a.guarantorOrg, a.bankOrg);
    }

    /// @inheritdoc IGuaranteeBook
    function terminateAgreement(bytes32 agreementId) external {
        Agreement storage a = _requireAgreement(agreementId);
        bytes32 org = _requireMember(msg.sender, Role.None);
        if (org != a.guarantorOrg && org != a.bankOrg) revert GuaranteeNotParty(msg.sender, a.guarantorOrg, a.bankOrg);
        if (a.status == AgreementStatus.Terminated) revert GuaranteeAgreementNotActive(agreementId, a.status);
        a.status = AgreementStatus.Terminated;
        emit AgreementTerminated(agreementId, org);
    }

    /// @inheritdoc IGuaranteeBook
    function enrollLoan(bytes32 agreementId, bytes32 loanId) external {
        Agreement storage a = _requireAgreement(agreementId);
        _requireOperatorOf(msg.sender, a.bankOrg, Role.Bank);
        if (a.status != AgreementStatus.Active) revert GuaranteeAgreementNotActive(agreementId, a.status);
        if (a.validUntil <= block.timestamp) revert GuaranteeAgreementExpired(agreementId, a.validUntil);
        _requireActive(a.guarantorOrg, Role.Guarantor);
        ILoanBook.Loan memory ln = _activeLoan(loanId);
        if (ln.bankOrg != a.bankOrg) revert GuaranteeAgreementWrongBank(agreementId, ln.bankOrg);
        if (ln.amountFen > a.perLoanLimitFen) {
            revert GuaranteePerLoanLimitExceeded(agreementId, ln.amountFen, a.perLoanLimitFen);
        }
        uint128 available = a.totalLimitFen - a.usedFen;
        if (ln.amountFen > available) revert GuaranteeTotalLimitExceeded(agreementId, ln.amountFen, available);
        a.usedFen += ln.amountFen;
        uint128 fee = uint128((uint256(ln.amountFen) * a.feeBps) / _BPS);
        _create(loanId, ln, a.guarantorOrg, agreementId, a.coverageBps, fee);
    }

    /// @inheritdoc IGuaranteeBook
    function releaseGuarantee(bytes32 loanId) external {
        Guarantee storage g = _requireGuarantee(loanId);
        ILoanBook.Loan memory ln = loanBook.loan(loanId);
        bytes32 org = _requireMember(msg.sender, Role.None);
        if (org != g.guarantorOrg && org != ln.bankOrg) {
            revert GuaranteeNotParty(msg.sender, g.guarantorOrg, ln.bankOrg);
        }
        if (ln.status != ILoanBook.LoanStatus.Repaid) revert GuaranteeLoanNotRepaid(loanId);
        if (g.released) revert GuaranteeAlreadyReleased(loanId);
        g.released = true;
        if (g.agreementId != bytes32(0)) _agreements[g.agreementId].usedFen -= ln.amountFen;
        emit GuaranteeReleased(loanId, g.guarantorOrg, g.agreementId);
    }

    /// @inheritdoc IGuaranteeBook
    function recordPayout(bytes32 loanId, uint128 payoutFen) external {
        Guarantee storage g = _requireGuarantee(loanId);
        _requireOperatorOf(msg.sender, g.guarantorOrg, Role.Guarantor);
        ILoanBook.Loan memory ln = loanBook.loan(loanId);
        if (ln.status != ILoanBook.LoanStatus.Defaulted) revert GuaranteeLoanNotDefaulted(loanId);
        if (g.paidOut) revert GuaranteeAlreadyPaid(loanId);
        if (payoutFen == 0) revert GuaranteeZeroPayout(loanId);
        uint128 obligation = _maxPayout(ln.lossFen, g.coverageBps);
        uint128 remaining = obligation - g.payoutFen;
        if (payoutFen > remaining) revert GuaranteePayoutTooHigh(loanId, payoutFen, remaining);
        uint128 paid = g.payoutFen + payoutFen;
        g.payoutFen = paid;
        if (paid == obligation) g.paidOut = true;
        emit GuaranteePaidOut(
            loanId,
            g.guarantorOrg,
            ln.bankOrg,
            ln.enterpriseHash,
            payoutFen,
            paid,
            obligation,
            ln.lossFen
        );
    }

    /// @inheritdoc IGuaranteeBook
    function guaranteeOf(bytes32 loanId) external view returns (Guarantee memory) {
        return _guarantees[loanId];
    }

    /// @inheritdoc IGuaranteeBook
    function invitedGuarantor(bytes32 loanId) external view returns (bytes32) {
        return _invitations[loanId].guarantorOrg;
    }

    /// @inheritdoc IGuaranteeBook
    function invitation(bytes32 loanId) external view returns (Invitation memory) {
        return _invitations[loanId];
    }

    /// @inheritdoc IGuaranteeBook
    function agreement(bytes32 agreementId) external view returns (Agreement memory) {
        return _agreements[agreementId];
    }

    /// @inheritdoc IGuaranteeBook
    function maxPayout(bytes32 loanId) external view returns (uint128) {
        Guarantee storage g = _guarantees[loanId];
        if (g.guarantorOrg == bytes32(0)) return 0;
        return _maxPayout(loanBook.loan(loanId).lossFen, g.coverageBps);
    }

    /// @inheritdoc IGuaranteeBook
    function obligationOf(bytes32 loanId)
        external
        view
        returns (bytes32 guarantorOrg, uint128 obligationFen, uint128 paidFen)
    {
        Guarantee storage g = _guarantees[loanId];
        guarantorOrg = g.guarantorOrg;
        if (guarantorOrg == bytes32(0)) return (bytes32(0), 0, 0);
        return (guarantorOrg, _maxPayout(loanBook.loan(loanId).lossFen, g.coverageBps), g.payoutFen);
    }

    function _create(
        bytes32 loanId,
        ILoanBook.Loan memory ln,
        bytes32 guarantorOrg,
        bytes32 agreementId,
        uint16 coverageBps,
        uint128 feeFen
    ) private {
        Guarantee storage existing = _guarantees[loanId];
        if (existing.guarantorOrg != bytes32(0)) revert GuaranteeExists(loanId, existing.guarantorOrg);
        // Whichever way the loan got its guarantee, an open invitation is spent.
        delete _invitations[loanId];
        _guarantees[loanId] = Guarantee({
            guarantorOrg: guarantorOrg,
            agreementId: agreementId,
            feeFen: feeFen,
            payoutFen: 0,
            coverageBps: coverageBps,
            createdAt: uint40(block.timestamp),
            paidOut: false,
            released: false
        });
        emit LoanGuaranteed(loanId, guarantorOrg, ln.enterpriseHash, ln.bankOrg, agreementId, coverageBps, feeFen);
    }

    function _activeLoan(bytes32 loanId) private view returns (ILoanBook.Loan memory ln) {
        ln = loanBook.loan(loanId);
        // Only a loan in good standing can be newly guaranteed.
        if (ln.status != ILoanBook.LoanStatus.Active) revert GuaranteeLoanNotEligible(loanId);
    }

    function _requireAgreement(bytes32 agreementId) private view returns (Agreement storage a) {
        a = _agreements[agreementId];
        if (a.status == AgreementStatus.None) revert GuaranteeAgreementUnknown(agreementId);
    }

    function _requireGuarantee(bytes32 loanId) private view returns (Guarantee storage g) {
        g = _guarantees[loanId];
        if (g.guarantorOrg == bytes32(0)) revert GuaranteeUnknown(loanId);
    }

    function _requireActive(bytes32 org, Role role) private view {
        if (!_isActiveOrg(org, role)) revert GuaranteeCounterpartyInactive(org, role);
    }

    function _checkCoverage(uint16 coverageBps) private pure {
        if (coverageBps == 0 || coverageBps > _BPS) revert GuaranteeInvalidCoverage(coverageBps);
    }

    function _maxPayout(uint128 lossFen, uint16 coverageBps) private pure returns (uint128) {
        return uint128((uint256(lossFen) * coverageBps) / _BPS);
    }
}
