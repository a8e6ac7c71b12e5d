// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMembershipGated} from "../common/IMembershipGated.sol";

/// @title R&D fund-flow tracking (研发资金动态追踪)
/// @notice A loan whose purpose is R&D gets a fund-flow ledger. The lending bank (from its payment records) or
///         the enterprise's own tax bureau — the provider of the consent the loan's decision relied on — (from
///         invoices) records where the money went; the contract keeps running totals per category and raises
///         `FundFlowDeviated` when the non-R&D share of spending passes the loan's threshold (and
///         `FundFlowDeviationCleared` when it falls back under). R&D spending is capped at the amount lent; non-R&D
///         spending never is, so no entry can make later diversion unrecordable. A recorder corrects or reverses its
///         own entry with a reference to it; the ledger keeps each entry's hash for that.
interface IFundFlowTracker is IMembershipGated {
    enum SpendCategory {
        RnDLabour,
        RnDEquipment,
        RnDMaterials,
        OutsourcedRnD,
        NonRnD
    }

    /// @notice One spending entry as its recorder states it (to record, correct or reverse one).
    struct Entry {
        SpendCategory category;
        uint128 amountFen;
        bytes32 counterpartyHash;
        bytes32 evidenceHash;
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
    /// @notice The recorder reversed its entry `entryIndex` (`reasonHash`: the hash of its reason, or of the
    ///         correcting entry's evidence).
    event SpendingReversed(
        bytes32 indexed loanId,
        bytes32 indexed recorderOrg,
        uint32 indexed entryIndex,
        SpendCategory category,
        uint128 amountFen,
        bytes32 reasonHash,
        uint16 nonRdShareBps
    );
    /// @notice The recorder replaced its entry `entryIndex` with entry `newEntryIndex`.
    event SpendingCorrected(
        bytes32 indexed loanId,
        bytes32 indexed recorderOrg,
        uint32 indexed entryIndex,
        uint32 newEntryIndex
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
    error FundFlowZeroAmount(bytes32 loanId);
    error FundFlowZeroEvidence(bytes32 loanId);
    error FundFlowZeroCounterparty(bytes32 loanId);
    /// @notice Recorded R&D spending would exceed the amount lent (non-R&D spending is never capped).
    error FundFlowExceedsLoan(bytes32 loanId, uint128 rdTotalFen, uint128 loanAmountFen);
    /// @notice Only the lending bank or the enterprise's own tax bureau (the provider of the loan's consent)
    ///         records spending.
    error FundFlowRecorderNotAllowed(address account, bytes32 orgId);
    /// @notice No entry `entryIndex` was recorded by the caller's organization with these fields.
    error FundFlowEntryMismatch(bytes32 loanId, uint32 entryIndex);
    error FundFlowEntryReversed(bytes32 loanId, uint32 entryIndex);

    /// @notice The lending bank opens the ledger of its R&D loan with the highest tolerated non-R&D share.
    function openFundFlow(bytes32 loanId, uint16 maxNonRdBps) external;

    /// @notice The lending bank or the enterprise's own tax bureau records one spending entry.
    function recordSpending(
        bytes32 loanId,
        SpendCategory category,
        uint128 amountFen,
        bytes32 counterpartyHash,
        bytes32 evidenceHash
    ) external;

    /// @notice The recorder of entry `entryIndex` (stated as `original`) reverses it.
    function reverseSpending(bytes32 loanId, uint32 entryIndex, Entry calldata original, bytes32 reasonHash) external;

    /// @notice The recorder of entry `entryIndex` (stated as `original`) replaces it with `replacement`; returns
    ///         the new entry's index.
    function correctSpending(bytes32 loanId, uint32 entryIndex, Entry calldata original, Entry calldata replacement)
        external
        returns (uint32 newEntryIndex);

    function fundFlow(bytes32 loanId) external view returns (FlowLedger memory);
    /// @notice Share of recorded spending that reached R&D, in basis points (0 when nothing is recorded).
    function rdShareBps(bytes32 loanId) external view returns (uint16);
}
