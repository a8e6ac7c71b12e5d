// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMembershipGated} from "../common/IMembershipGated.sol";

/// @title R&D fund-flow tracking (研发资金动态追踪)
/// @notice A loan whose purpose is R&D gets a fund-flow ledger. The lending bank (from its payment records) or
///         the tax bureau (from invoices) records where the money went; the contract keeps running totals per
///         category and raises `FundFlowDeviated` when the non-R&D share of spending passes the loan's threshold
///         (and `FundFlowDeviationCleared` when it falls back under).
interface IFundFlowTracker is IMembershipGated {
    enum SpendCategory {
        RnDLabour,
        RnDEquipment,
        RnDMaterials,
        OutsourcedRnD,
        NonRnD
    }

    struct FlowLedger {
        uint128 totalFen;
        uint128 nonRdFen;
        uint128[5] byCategoryFen;
        uint16 maxNonRdBps;
        uint32 entryCount;
        bool open;
        bool deviated;
    }

    event FundFlowOpened(
        bytes32 indexed loanId,
        bytes32 indexed bankOrg,
        bytes32 indexed enterpriseHash,
        uint16 maxNonRdBps
    );
    event SpendingRecorded(
        bytes32 indexed loanId,
        bytes32 indexed recorderOrg,
        bytes32 indexed evidenceHash,
        uint32 entryIndex,
        SpendCategory category,
        uint128 amountFen,
        bytes32 counterpartyHash,
        uint16 nonRdShareBps
    );
    event FundFlowDeviated(
        bytes32 indexed loanId,
        bytes32 indexed bankOrg,
        bytes32 indexed enterpriseHash,
        uint16 nonRdShareBps,
        uint16 maxNonRdBps
    );
    event FundFlowDeviationCleared(
        bytes32 indexed loanId,
        bytes32 indexed bankOrg,
        bytes32 indexed enterpriseHash,
        uint16 nonRdShareBps
    );

    error FundFlowLoanNotRnD(bytes32 loanId);
    error FundFlowLoanUnknown(bytes32 loanId);
    error FundFlowAlreadyOpen(bytes32 loanId);
    error FundFlowNotOpen(bytes32 loanId);
    /// @notice The threshold must be between 1 and 9,999 basis points.
    error FundFlowInvalidThreshold(uint16 maxNonRdBps);
    error FundFlowInvalidEntry(string reason);
    /// @notice Recorded spending would exceed the amount lent.
    error FundFlowExceedsLoan(bytes32 loanId, uint128 totalFen, uint128 loanAmountFen);
    /// @notice Only the lending bank or a tax bureau records spending.
    error FundFlowRecorderNotAllowed(address account, bytes32 orgId);

    /// @notice The lending bank opens the ledger of its R&D loan with the highest tolerated non-R&D share.
    function openFundFlow(bytes32 loanId, uint16 maxNonRdBps) external;

    /// @notice The lending bank or a tax bureau records one spending entry.
    function recordSpending(
        bytes32 loanId,
        SpendCategory category,
        uint128 amountFen,
        bytes32 counterpartyHash,
        bytes32 evidenceHash
    ) external;

    function fundFlow(bytes32 loanId) external view returns (FlowLedger memory);
    /// @notice Share of recorded spending that reached R&D, in basis points (0 when nothing is recorded).
    function rdShareBps(bytes32 loanId) external view returns (uint16);
}
