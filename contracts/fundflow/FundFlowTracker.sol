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

    mapping(bytes32 loanId => FlowLedger) private _flows;

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
        bytes32 recorderOrg = _requireRecorder(ln.bankOrg);
        FlowLedger storage f = _flows[loanId];
        if (!f.open) revert FundFlowNotOpen(loanId);
        if (amountFen == 0) revert FundFlowInvalidEntry("amountFen is zero");
        if (evidenceHash == bytes32(0)) revert FundFlowInvalidEntry("evidenceHash is zero");
        if (counterpartyHash == bytes32(0)) revert FundFlowInvalidEntry("counterpartyHash is zero");
        uint128 total = f.totalFen + amountFen;
        if (total > ln.amountFen) revert FundFlowExceedsLoan(loanId, total, ln.amountFen);

        f.totalFen = total;
        f.byCategoryFen[uint8(category)] += amountFen;
        if (category == SpendCategory.NonRnD) f.nonRdFen += amountFen;
        uint32 entryIndex = f.entryCount++;
        uint16 share = _nonRdShare(f.nonRdFen, total);
        emit SpendingRecorded(
            loanId,
            recorderOrg,
            evidenceHash,
            entryIndex,
            category,
            amountFen,
            counterpartyHash,
            share
        );

        // Compare exactly (not the rounded share): 30.0001 % is above a 30 % threshold.
        bool deviated = uint256(f.nonRdFen) * _BPS > uint256(total) * f.maxNonRdBps;
        if (deviated && !f.deviated) {
            f.deviated = true;
            emit FundFlowDeviated(loanId, ln.bankOrg, ln.enterpriseHash, share, f.maxNonRdBps);
        } else if (!deviated && f.deviated) {
            f.deviated = false;
            emit FundFlowDeviationCleared(loanId, ln.bankOrg, ln.enterpriseHash, share);
        }
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

    function _rdLoan(bytes32 loanId) private view returns (ILoanBook.Loan memory ln) {
        ln = loanBook.loan(loanId);
        if (ln.status == ILoanBook.LoanStatus.None) revert FundFlowLoanUnknown(loanId);
        if (ln.purpose != ILoanBook.LoanPurpose.RnD) revert FundFlowLoanNotRnD(loanId);
    }

    /// @dev The lending bank's operators or any tax bureau's operators may record spending.
    function _requireRecorder(bytes32 bankOrg) private view returns (bytes32 orgId) {
        orgId = _requireMember(msg.sender, Role.None);
        if (orgId == bankOrg) return orgId;
        if (_isActiveOrg(orgId, Role.TaxBureau)) return orgId;
        revert FundFlowRecorderNotAllowed(msg.sender, orgId);
    }

    function _nonRdShare(uint128 nonRdFen, uint128 totalFen) private pure returns (uint16) {
        return uint16((uint256(nonRdFen) * _BPS) / totalFen);
    }
}
