// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IFundFlowTracker} from "./IFundFlowTracker.sol";
import {ILoanBook} from "../lending/ILoanBook.sol";
import {IConsortium} from "../consortium/IConsortium.sol";
import {MembershipGated} from "../common/MembershipGated.sol";
import {Role} from "../common/LedgerTypes.sol";

/// @title R&D fund-flow tracker
contract FundFlowTracker is IFundFlowTracker, MembershipGated {
    uint16 private constant _BPS = 10_000;

    ILoanBook public immutable loanBook;

    /// @dev Marks a reversed entry (no entry hash is this value).
    bytes32 private constant _REVERSED = bytes32(uint256(1));

    mapping(bytes32 loanId => FlowLedger) private _flows;
    mapping(bytes32 loanId => mapping(uint32 entryIndex => bytes32 entryHash)) private _entries;

    constructor(IConsortium consortium_, ILoanBook loanBook_) MembershipGated(consortium_) {
        loanBook = loanBook_;
    }

    /// @inheritdoc IFundFlowTracker
    function openFundFlow(bytes32 loanId, uint16 maxNonRdBps) external {
        ILoanBook.Loan memory ln = _rdLoan(loanId);
        _requireOperatorOf(msg.sender, ln.bankOrg, Role.Bank);
        FlowLedger storage f = _flows[loanId];
        if (f.open) revert FundFlowAlreadyOpen(loanId);
        if (maxNonRdBps == 0 || maxNonRdBps >= _BPS) revert FundFlowInvalidThreshold(maxNonRdBps);
        f.open = true;
        f.maxNonRdBps = maxNonRdBps;
        emit FundFlowOpened(loanId, ln.bankOrg, ln.enterpriseHash, maxNonRdBps);
    }

    /// @inheritdoc IFundFlowTracker
    function recordSpending(
        bytes32 loanId,
        SpendCategory category,
        uint128 amountFen,
        bytes32 counterpartyHash,
        bytes32 evidenceHash
    ) external {
        ILoanBook.Loan memory ln = _rdLoan(loanId);
        bytes32 recorderOrg = _requireRecorder(ln);
        FlowLedger storage f = _openFlow(loanId);
        _record(loanId, ln, f, recorderOrg, Entry(category, amountFen, counterpartyHash, evidenceHash));
    }

    /// @inheritdoc IFundFlowTracker
    function reverseSpending(bytes32 loanId, uint32 entryIndex, Entry calldata original, bytes32 reasonHash) external {
        ILoanBook.Loan memory ln = _rdLoan(loanId);
        bytes32 recorderOrg = _requireRecorder(ln);
        FlowLedger storage f = _openFlow(loanId);
        _reverse(loanId, ln, f, recorderOrg, entryIndex, original, reasonHash);
    }

    /// @inheritdoc IFundFlowTracker
    function correctSpending(bytes32 loanId, uint32 entryIndex, Entry calldata original, Entry calldata replacement)
        external
        returns (uint32 newEntryIndex)
    {
        ILoanBook.Loan memory ln = _rdLoan(loanId);
        bytes32 recorderOrg = _requireRecorder(ln);
        FlowLedger storage f = _openFlow(loanId);
        _reverse(loanId, ln, f, recorderOrg, entryIndex, original, replacement.evidenceHash);
        newEntryIndex = _record(loanId, ln, f, recorderOrg, replacement);
        emit SpendingCorrected(loanId, recorderOrg, entryIndex, newEntryIndex);
    }

    /// @inheritdoc IFundFlowTracker
    function fundFlow(bytes32 loanId) external view returns (FlowLedger memory) {
        return _flows[loanId];
    }

    /// @inheritdoc IFundFlowTracker
    function rdShareBps(bytes32 loanId) external view returns (uint16) {
        FlowLedger storage f = _flows[loanId];
        if (f.totalFen == 0) return 0;
        return _BPS - _nonRdShare(f.nonRdFen, f.totalFen);
    }

    function _record(
        bytes32 loanId,
        ILoanBook.Loan memory ln,
        FlowLedger storage f,
        bytes32 recorderOrg,
        Entry memory e
    )
        private
        returns (uint32 entryIndex)
    {
        if (e.amountFen == 0) revert FundFlowZeroAmount(loanId);
        if (e.evidenceHash == bytes32(0)) revert FundFlowZeroEvidence(loanId);
        if (e.counterpartyHash == bytes32(0)) revert FundFlowZeroCounterparty(loanId);
        bool nonRd = e.category == SpendCategory.NonRnD;
        // R&D spending is capped at the amount lent; non-R&D spending never is, so a full-amount R&D entry cannot make
        // later diversion unrecordable.
        if (!nonRd) {
            uint128 rd = f.totalFen - f.nonRdFen + e.amountFen;
            if (rd > ln.amountFen) revert FundFlowExceedsLoan(loanId, rd, ln.amountFen);
        }
        uint128 total = f.totalFen + e.amountFen;
        f.totalFen = total;
        f.byCategoryFen[uint8(e.category)] += e.amountFen;
        if (nonRd) f.nonRdFen += e.amountFen;
        entryIndex = f.entryCount++;
        _entries[loanId][entryIndex] = _entryHash(recorderOrg, e);
        emit SpendingRecorded(
            loanId,
            recorderOrg,
            e.evidenceHash,
            entryIndex,
            e.category,
            e.amountFen,
            e.counterpartyHash,
            _nonRdShare(f.nonRdFen, total)
        );
        _evaluate(loanId, ln, f);
    }

    function _reverse(
        bytes32 loanId,
        ILoanBook.Loan memory ln,
        FlowLedger storage f,
        bytes32 recorderOrg,
        uint32 entryIndex,
        Entry calldata original,
        bytes32 reasonHash
    ) private {
        bytes32 stored = _entries[loanId][entryIndex];
        if (stored == _REVERSED) revert FundFlowEntryReversed(loanId, entryIndex);
        if (stored == bytes32(0) || stored != _entryHash(recorderOrg, original)) {
            revert FundFlowEntryMismatch(loanId, entryIndex);
        }
        _entries[loanId][entryIndex] = _REVERSED;
        uint128 total = f.totalFen - original.amountFen;
        f.totalFen = total;
        f.byCategoryFen[uint8(original.category)] -= original.amountFen;
        if (original.category == SpendCategory.NonRnD) f.nonRdFen -= original.amountFen;
        emit SpendingReversed(
            loanId,
            recorderOrg,
            entryIndex,
            original.category,
            original.amountFen,
            reasonHash,
            total == 0 ? 0 : _nonRdShare(f.nonRdFen, total)
        );
        _evaluate(loanId, ln, f);
    }

    /// @dev Raises or clears the deviation. Compares exactly (not the rounded share): 30.0001 % is above a 30 %
    ///      threshold.
    function _evaluate(bytes32 loanId, ILoanBook.Loan memory ln, FlowLedger storage f) private {
        uint128 total = f.totalFen;
        bool deviated = uint256(f.nonRdFen) * _BPS > uint256(total) * f.maxNonRdBps;
        uint16 share = total == 0 ? 0 : _nonRdShare(f.nonRdFen, total);
        if (deviated && !f.deviated) {
            f.deviated = true;
            emit FundFlowDeviated(loanId, ln.bankOrg, ln.enterpriseHash, share, f.maxNonRdBps);
        } else if (!deviated && f.deviated) {
            f.deviated = false;
            emit FundFlowDeviationCleared(loanId, ln.bankOrg, ln.enterpriseHash, share);
        }
    }

    function _openFlow(bytes32 loanId) private view returns (FlowLedger storage f) {
        f = _flows[loanId];
        if (!f.open) revert FundFlowNotOpen(loanId);
    }

    function _entryHash(bytes32 recorderOrg, Entry memory e) private pure returns (bytes32) {
        return keccak256(abi.encode(recorderOrg, e.category, e.amountFen, e.counterpartyHash, e.evidenceHash));
    }

    function _rdLoan(bytes32 loanId) private view returns (ILoanBook.Loan memory ln) {
        ln = loanBook.loan(loanId);
        if (ln.status == ILoanBook.LoanStatus.None) revert FundFlowLoanUnknown(loanId);
        if (ln.purpose != ILoanBook.LoanPurpose.RnD) revert FundFlowLoanNotRnD(loanId);
    }

    /// @dev The lending bank's operators, or the operators of the enterprise's own tax bureau: the provider of the
    ///      consent the loan's decision relied on (it holds the enterprise's invoices), while it is an active bureau.
    function _requireRecorder(ILoanBook.Loan memory ln) private view returns (bytes32 orgId) {
        orgId = _requireMember(msg.sender, Role.None);
        if (orgId == ln.bankOrg) return orgId;
        if (_isActiveOrg(orgId, Role.TaxBureau)) {
            bytes32 consentId = loanBook.decision(ln.bankOrg, ln.decisionHash).consentId;
            if (loanBook.registry().providerOf(consentId) == orgId) return orgId;
        }
        revert FundFlowRecorderNotAllowed(msg.sender, orgId);
    }

    function _nonRdShare(uint128 nonRdFen, uint128 totalFen) private pure returns (uint16) {
        return uint16((uint256(nonRdFen) * _BPS) / totalFen);
    }
}
