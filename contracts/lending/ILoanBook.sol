// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMembershipGated} from "../common/IMembershipGated.sol";
import {IConsentRegistry} from "../consent/IConsentRegistry.sol";

/// @title Loan book: credit decisions, disbursements, repayments, overdue and default
/// @notice A bank records its credit decision (only its hash and the consent it relied on go on chain), then the
///         loan it disburses on an approved decision, then the loan's life. Only the lending bank's operators
///         change a loan. Amounts are in fen (0.01 CNY), rates in basis points.
interface ILoanBook is IMembershipGated {
    enum LoanPurpose {
        WorkingCapital,
        RnD,
        Equipment,
        Trade,
        Other
    }

    enum LoanStatus {
        None,
        Active,
        Overdue,
        Repaid,
        Defaulted
    }

    struct Decision {
        bytes32 bankOrg;
        bytes32 enterpriseHash;
        bytes32 consentId;
        uint64 recordedAtBlock;
        bool approved;
        bool used;
    }

    /// @notice What a bank states when it disburses. Enterprise and consent come from the decision. The loan id is
    ///         derived from the bank and its own reference (`loanIdOf`), so no member can take an id another will use.
    struct DisbursementTerms {
        bytes32 loanRef;
        bytes32 decisionHash;
        bytes32 productCode;
        uint128 amountFen;
        uint32 rateBps;
        uint16 termMonths;
        LoanPurpose purpose;
    }

    struct Loan {
        bytes32 bankOrg;
        bytes32 enterpriseHash;
        bytes32 decisionHash;
        bytes32 productCode;
        uint128 amountFen;
        uint128 outstandingFen;
        uint128 lossFen;
        uint32 rateBps;
        uint16 termMonths;
        LoanPurpose purpose;
        LoanStatus status;
        uint40 disbursedAt;
        uint16 daysOverdue;
        uint40 defaultedAt;
    }

    event CreditDecisionRecorded(
        bytes32 indexed decisionHash,
        bytes32 indexed bankOrg,
        bytes32 indexed enterpriseHash,
        bytes32 consentId,
        bool approved
    );
    event LoanDisbursed(
        bytes32 indexed loanId,
        bytes32 indexed bankOrg,
        bytes32 indexed enterpriseHash,
        bytes32 productCode,
        uint128 amountFen,
        uint32 rateBps,
        uint16 termMonths,
        LoanPurpose purpose,
        bytes32 consentId,
        bytes32 decisionHash
    );
    event LoanRepaid(
        bytes32 indexed loanId,
        bytes32 indexed bankOrg,
        bytes32 indexed enterpriseHash,
        uint128 principalFen,
        uint128 interestFen,
        uint128 outstandingFen
    );
    event LoanOverdue(
        bytes32 indexed loanId,
        bytes32 indexed bankOrg,
        bytes32 indexed enterpriseHash,
        uint16 daysOverdue,
        uint128 overdueFen
    );
    event LoanBackToCurrent(bytes32 indexed loanId, bytes32 indexed bankOrg, bytes32 indexed enterpriseHash);
    event LoanDefaulted(
        bytes32 indexed loanId,
        bytes32 indexed bankOrg,
        bytes32 indexed enterpriseHash,
        uint128 lossFen
    );

    error LoanDecisionExists(bytes32 decisionHash);
    error LoanDecisionUnknown(bytes32 decisionHash);
    error LoanDecisionNotApproved(bytes32 decisionHash);
    error LoanDecisionUsed(bytes32 decisionHash);
    /// @notice The consent was not granted to the deciding bank.
    error LoanConsentNotForBank(bytes32 consentId, bytes32 bankOrg);
    error LoanConsentRevoked(bytes32 consentId);
    error LoanEnterpriseUnbound(bytes32 consentId);
    error LoanExists(bytes32 loanId);
    error LoanUnknown(bytes32 loanId);
    /// @notice The loan's status does not allow this step.
    error LoanInvalidStatus(bytes32 loanId, LoanStatus status);
    /// @notice The consent was not valid when the decision was recorded (before `validFrom`, or more than the
    ///         decision grace after `validUntil`).
    error LoanConsentNotValid(bytes32 consentId, uint64 validFrom, uint64 validUntil);
    error LoanZeroDecisionHash();
    error LoanZeroLoanId();
    error LoanZeroAmount();
    error LoanZeroProductCode();
    /// @notice The rate must be between 1 and MAX_RATE_BPS (2,400) basis points a year.
    error LoanInvalidRate(uint32 rateBps);
    /// @notice The term must be between 1 and MAX_TERM_MONTHS (360) months.
    error LoanInvalidTermMonths(uint16 termMonths);
    error LoanZeroRepayment(bytes32 loanId);
    error LoanZeroDaysOverdue(bytes32 loanId);
    /// @notice The amount overdue must be between 1 fen and what is outstanding.
    error LoanInvalidOverdueAmount(bytes32 loanId, uint128 overdueFen, uint128 outstandingFen);
    error LoanZeroLoss(bytes32 loanId);
    error LoanRepaymentExceedsOutstanding(bytes32 loanId, uint128 principalFen, uint128 outstandingFen);
    error LoanLossExceedsOutstanding(bytes32 loanId, uint128 lossFen, uint128 outstandingFen);

    /// @notice A bank records a credit decision made on data fetched under `consentId` (granted to this bank, not
    ///         revoked, and valid now or expired at most DECISION_GRACE ago).
    function recordDecision(bytes32 decisionHash, bytes32 consentId, bool approved) external;

    /// @notice The deciding bank disburses a loan on its approved decision (one loan per decision); returns the
    ///         loan id.
    function disburse(DisbursementTerms calldata terms) external returns (bytes32 loanId);

    /// @notice The lending bank records a repayment; the loan is repaid when nothing is outstanding.
    function recordRepayment(bytes32 loanId, uint128 principalFen, uint128 interestFen) external;

    /// @notice The lending bank reports the loan overdue by `daysOverdue` days with `overdueFen` in arrears.
    function markOverdue(bytes32 loanId, uint16 daysOverdue, uint128 overdueFen) external;

    /// @notice The lending bank reports arrears cleared.
    function markCurrent(bytes32 loanId) external;

    /// @notice The lending bank declares default with the loss it bears before guarantee and compensation.
    function declareDefault(bytes32 loanId, uint128 lossFen) external;

    function loan(bytes32 loanId) external view returns (Loan memory);
    /// @notice The consent registry decisions are checked against.
    function registry() external view returns (IConsentRegistry);
    /// @notice A bank's decision: decision hashes are scoped by the recording bank.
    function decision(bytes32 bankOrg, bytes32 decisionHash) external view returns (Decision memory);
    /// @notice The id of the loan `bankOrg` disburses under its reference `loanRef` (keccak256 of its own loan number):
    ///         keccak256(abi.encode(bankOrg, loanRef)).
    function loanIdOf(bytes32 bankOrg, bytes32 loanRef) external pure returns (bytes32);
}
