// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ILoanBook} from "./ILoanBook.sol";
import {IConsentRegistry} from "../consent/IConsentRegistry.sol";
import {IConsortium} from "../consortium/IConsortium.sol";
import {MembershipGated} from "../common/MembershipGated.sol";
import {Role} from "../common/LedgerTypes.sol";

/// @title Loan book
contract LoanBook is ILoanBook, MembershipGated {
    /// @notice Highest rate accepted, in basis points per year (24 %: the judicial protection ceiling for loans).
    uint32 public constant MAX_RATE_BPS = 2400;
    /// @notice Longest term accepted, in months.
    uint16 public constant MAX_TERM_MONTHS = 360;
    /// @notice How long after its consent expired a decision on data fetched under it may still be recorded: a
    ///         credit committee decides within a week of the last fetch.
    uint64 public constant DECISION_GRACE = 7 days;

    IConsentRegistry public immutable registry;

    mapping(bytes32 decisionHash => Decision) private _decisions;
    mapping(bytes32 loanId => Loan) private _loans;

    constructor(IConsortium consortium_, IConsentRegistry registry_) MembershipGated(consortium_) {
        registry = registry_;
    }

    /// @inheritdoc ILoanBook
    function recordDecision(bytes32 decisionHash, bytes32 consentId, bool approved) external {
        bytes32 bankOrg = _requireMember(msg.sender, Role.Bank);
        if (decisionHash == bytes32(0)) revert LoanZeroDecisionHash();
        if (_decisions[decisionHash].bankOrg != bytes32(0)) revert LoanDecisionExists(decisionHash);
        IConsentRegistry.ConsentState memory c = registry.consent(consentId);
        if (c.consumer != bankOrg) revert LoanConsentNotForBank(consentId, bankOrg);
        if (c.revokedAtBlock != 0) revert LoanConsentRevoked(consentId);
        if (block.timestamp < c.validFrom || block.timestamp > c.validUntil + DECISION_GRACE) {
            revert LoanConsentNotValid(consentId, c.validFrom, c.validUntil);
        }
        bytes32 enterpriseHash = registry.creditCodeOf(c.enterprise);
        if (enterpriseHash == bytes32(0)) revert LoanEnterpriseUnbound(consentId);
        _decisions[decisionHash] = Decision({
            bankOrg: bankOrg,
            enterpriseHash: enterpriseHash,
            consentId: consentId,
            recordedAtBlock: uint64(block.number),
            approved: approved,
            used: false
        });
        emit CreditDecisionRecorded(decisionHash, bankOrg, enterpriseHash, consentId, approved);
    }

    /// @inheritdoc ILoanBook
    function disburse(DisbursementTerms calldata t) external {
        bytes32 bankOrg = _requireMember(msg.sender, Role.Bank);
        Decision storage d = _decisions[t.decisionHash];
        if (d.bankOrg == bytes32(0)) revert LoanDecisionUnknown(t.decisionHash);
        if (d.bankOrg != bankOrg) revert MembershipWrongOrganization(msg.sender, d.bankOrg, bankOrg);
        if (!d.approved) revert LoanDecisionNotApproved(t.decisionHash);
        if (d.used) revert LoanDecisionUsed(t.decisionHash);
        if (t.loanId == bytes32(0)) revert LoanZeroLoanId();
        if (_loans[t.loanId].status != LoanStatus.None) revert LoanExists(t.loanId);
        if (t.amountFen == 0) revert LoanZeroAmount();
        if (t.rateBps == 0 || t.rateBps > MAX_RATE_BPS) revert LoanInvalidRate(t.rateBps);
        if (t.termMonths == 0 || t.termMonths > MAX_TERM_MONTHS) revert LoanInvalidTermMonths(t.termMonths);
        if (t.productCode == bytes32(0)) revert LoanZeroProductCode();
        d.used = true;
        bytes32 enterpriseHash = d.enterpriseHash;
        _loans[t.loanId] = Loan({
            bankOrg: bankOrg,
            enterpriseHash: enterpriseHash,
            decisionHash: t.decisionHash,
            productCode: t.productCode,
            amountFen: t.amountFen,
            outstandingFen: t.amountFen,
            lossFen: 0,
            rateBps: t.rateBps,
            termMonths: t.termMonths,
            purpose: t.purpose,
            status: LoanStatus.Active,
            disbursedAt: uint40(block.timestamp),
            daysOverdue: 0,
            defaultedAt: 0
        });
        emit LoanDisbursed(
            t.loanId,
            bankOrg,
            enterpriseHash,
            t.productCode,
            t.amountFen,
            t.rateBps,
            t.termMonths,
            t.purpose,
            d.consentId,
            t.decisionHash
        );
    }

    /// @inheritdoc ILoanBook
    function recordRepayment(bytes32 loanId, uint128 principalFen, uint128 interestFen) external {
        Loan storage ln = _lenderLoan(loanId);
        _requireRunning(loanId, ln);
        if (principalFen == 0 && interestFen == 0) revert LoanZeroRepayment(loanId);
        if (principalFen > ln.outstandingFen) {
            revert LoanRepaymentExceedsOutstanding(loanId, principalFen, ln.outstandingFen);
        }
        uint128 outstanding = ln.outstandingFen - principalFen;
        ln.outstandingFen = outstanding;
        if (outstanding == 0) {
            ln.status = LoanStatus.Repaid;
            ln.daysOverdue = 0;
        }
        emit LoanRepaid(loanId, ln.bankOrg, ln.enterpriseHash, principalFen, interestFen, outstanding);
    }

    /// @inheritdoc ILoanBook
    function markOverdue(bytes32 loanId, uint16 daysOverdue, uint128 overdueFen) external {
        Loan storage ln = _lenderLoan(loanId);
        _requireRunning(loanId, ln);
        if (daysOverdue == 0) revert LoanZeroDaysOverdue(loanId);
        if (overdueFen == 0 || overdueFen > ln.outstandingFen) {
            revert LoanInvalidOverdueAmount(loanId, overdueFen, ln.outstandingFen);
        }
        ln.status = LoanStatus.Overdue;
        ln.daysOverdue = daysOverdue;
        emit LoanOverdue(loanId, ln.bankOrg, ln.enterpriseHash, daysOverdue, overdueFen);
    }

    /// @inheritdoc ILoanBook
    function markCurrent(bytes32 loanId) external {
        Loan storage ln = _lenderLoan(loanId);
        if (ln.status != LoanStatus.Overdue) revert LoanInvalidStatus(loanId, ln.status);
        ln.status = LoanStatus.Active;
        ln.daysOverdue = 0;
        emit LoanBackToCurrent(loanId, ln.bankOrg, ln.enterpriseHash);
    }

    /// @inheritdoc ILoanBook
    function declareDefault(bytes32 loanId, uint128 lossFen) external {
        Loan storage ln = _lenderLoan(loanId);
        _requireRunning(loanId, ln);
        if (lossFen == 0) revert LoanZeroLoss(loanId);
        if (lossFen > ln.outstandingFen) revert LoanLossExceedsOutstanding(loanId, lossFen, ln.outstandingFen);
        ln.status = LoanStatus.Defaulted;
        ln.lossFen = lossFen;
        ln.defaultedAt = uint40(block.timestamp);
        emit LoanDefaulted(loanId, ln.bankOrg, ln.enterpriseHash, lossFen);
    }

    /// @inheritdoc ILoanBook
    function loan(bytes32 loanId) external view returns (Loan memory) {
        return _loans[loanId];
    }

    /// @inheritdoc ILoanBook
    function decision(bytes32 decisionHash) external view returns (Decision memory) {
        return _decisions[decisionHash];
    }

    /// @dev The loan, after checking the caller operates the lending bank.
    function _lenderLoan(bytes32 loanId) private view returns (Loan storage ln) {
        ln = _loans[loanId];
        if (ln.status == LoanStatus.None) revert LoanUnknown(loanId);
        _requireOperatorOf(msg.sender, ln.bankOrg, Role.Bank);
    }

    function _requireRunning(bytes32 loanId, Loan storage ln) private view {
        if (ln.status != LoanStatus.Active && ln.status != LoanStatus.Overdue) {
            revert LoanInvalidStatus(loanId, ln.status);
        }
    }
}
