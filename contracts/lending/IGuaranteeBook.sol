// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMembershipGated} from "../common/IMembershipGated.sol";

/// @title Guarantees: single guarantees, batch agreements (银担"总对总") and payouts on default (代偿)
/// @notice A guarantor guarantees one loan, or signs a batch agreement with a bank under which the bank enrols
///         loans within a per-loan and a total limit. When a guaranteed loan defaults, the guarantor records its
///         payout, at most the covered share of the bank's loss.
interface IGuaranteeBook is IMembershipGated {
    enum AgreementStatus {
        None,
        Proposed,
        Active,
        Terminated
    }

    struct Agreement {
        bytes32 guarantorOrg;
        bytes32 bankOrg;
        uint128 perLoanLimitFen;
        uint128 totalLimitFen;
        uint128 usedFen;
        uint16 coverageBps;
        uint16 feeBps;
        uint40 validUntil;
        AgreementStatus status;
    }

    struct Guarantee {
        bytes32 guarantorOrg;
        bytes32 agreementId;
        uint128 feeFen;
        uint128 payoutFen;
        uint16 coverageBps;
        uint40 createdAt;
        bool paidOut;
        bool released;
    }

    event AgreementProposed(
        bytes32 indexed agreementId,
        bytes32 indexed guarantorOrg,
        bytes32 indexed bankOrg,
        uint16 coverageBps,
        uint16 feeBps,
        uint128 perLoanLimitFen,
        uint128 totalLimitFen,
        uint40 validUntil
    );
    event AgreementAccepted(bytes32 indexed agreementId, bytes32 indexed guarantorOrg, bytes32 indexed bankOrg);
    event AgreementTerminated(bytes32 indexed agreementId, bytes32 indexed byOrg);
    /// @notice The lending bank invited a guarantor to guarantee one of its loans.
    event GuarantorInvited(bytes32 indexed loanId, bytes32 indexed bankOrg, bytes32 indexed guarantorOrg);
    event LoanGuaranteed(
        bytes32 indexed loanId,
        bytes32 indexed guarantorOrg,
        bytes32 indexed enterpriseHash,
        bytes32 bankOrg,
        bytes32 agreementId,
        uint16 coverageBps,
        uint128 feeFen
    );
    event GuaranteeReleased(bytes32 indexed loanId, bytes32 indexed guarantorOrg, bytes32 indexed agreementId);
    event GuaranteePaidOut(
        bytes32 indexed loanId,
        bytes32 indexed guarantorOrg,
        bytes32 indexed bankOrg,
        uint128 payoutFen,
        uint128 lossFen
    );

    error GuaranteeExists(bytes32 loanId, bytes32 guarantorOrg);
    /// @notice Only the guarantor or the bank of the agreement (or guaranteed loan) may do this.
    error GuaranteeNotParty(address caller, bytes32 guarantorOrg, bytes32 bankOrg);
    error GuaranteeUnknown(bytes32 loanId);
    /// @notice A single guarantee needs the lending bank's invitation of this guarantor first.
    error GuaranteeNotInvited(bytes32 loanId, bytes32 guarantorOrg);
    error GuaranteeLoanNotEligible(bytes32 loanId);
    error GuaranteeInvalidTerms(string reason);
    error GuaranteeAlreadyPaid(bytes32 loanId);
    error GuaranteeLoanNotDefaulted(bytes32 loanId);
    error GuaranteeLoanNotRepaid(bytes32 loanId);
    error GuaranteeAlreadyReleased(bytes32 loanId);
    /// @notice The payout asked exceeds the covered share of the loss.
    error GuaranteePayoutTooHigh(bytes32 loanId, uint128 payoutFen, uint128 maxPayoutFen);
    error GuaranteeAgreementExists(bytes32 agreementId);
    error GuaranteeAgreementUnknown(bytes32 agreementId);
    error GuaranteeAgreementNotActive(bytes32 agreementId, AgreementStatus status);
    error GuaranteeAgreementNotProposed(bytes32 agreementId, AgreementStatus status);
    error GuaranteeAgreementExpired(bytes32 agreementId, uint40 validUntil);
    error GuaranteeAgreementWrongBank(bytes32 agreementId, bytes32 loanBank);
    error GuaranteePerLoanLimitExceeded(bytes32 agreementId, uint128 amountFen, uint128 perLoanLimitFen);
    error GuaranteeTotalLimitExceeded(bytes32 agreementId, uint128 requestedFen, uint128 availableFen);

    /// @notice The lending bank invites `guarantorOrg` to guarantee one of its active loans (replacing an earlier
    ///         invitation), so no guarantor can attach itself to a loan the bank did not offer.
    function inviteGuarantor(bytes32 loanId, bytes32 guarantorOrg) external;

    /// @notice An invited guarantor guarantees one active (not overdue) loan.
    function guaranteeLoan(bytes32 loanId, uint16 coverageBps, uint128 feeFen) external;

    /// @notice A guarantor proposes a batch agreement to a bank.
    function proposeAgreement(
        bytes32 agreementId,
        bytes32 bankOrg,
        uint16 coverageBps,
        uint16 feeBps,
        uint128 perLoanLimitFen,
        uint128 totalLimitFen,
        uint40 validUntil
    ) external;

    /// @notice The bank named in a proposed agreement accepts it.
    function acceptAgreement(bytes32 agreementId) external;

    /// @notice Either party ends an agreement; loans already enrolled stay guaranteed.
    function terminateAgreement(bytes32 agreementId) external;

    /// @notice The bank enrols one of its active loans under an active agreement, within its limits.
    function enrollLoan(bytes32 agreementId, bytes32 loanId) external;

    /// @notice Either party releases the guarantee of a repaid loan, freeing the agreement's limit.
    function releaseGuarantee(bytes32 loanId) external;

    /// @notice The guarantor records its payout on a defaulted loan (at most coverage × loss).
    function recordPayout(bytes32 loanId, uint128 payoutFen) external;

    function guaranteeOf(bytes32 loanId) external view returns (Guarantee memory);
    /// @notice The guarantor the lending bank invited for `loanId` (zero when none or already guaranteed).
    function invitedGuarantor(bytes32 loanId) external view returns (bytes32);
    function agreement(bytes32 agreementId) external view returns (Agreement memory);
    /// @notice The most the guarantor may pay on a defaulted loan: loss × coverage.
    function maxPayout(bytes32 loanId) external view returns (uint128);
    /// @notice What the guarantor has paid on a loan (0 when not guaranteed or not yet paid).
    function paidOut(bytes32 loanId) external view returns (bool guaranteed, bool paid, uint128 payoutFen);
}
