// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMembershipGated} from "../common/IMembershipGated.sol";
import {Role} from "../common/LedgerTypes.sol";

/// @title Guarantees: single guarantees, batch agreements (银担"总对总") and payouts on default (代偿)
/// @notice A guarantor guarantees one loan on the lending bank's invitation (which sets the least coverage and the
///         most fee the bank accepts), or signs a batch agreement with a bank under which the bank enrols loans
///         within a per-loan and a total limit. When a guaranteed loan defaults, the guarantor owes its obligation,
///         loss × coverage, and records its payment (代偿) in one or more instalments up to it. The bank may withdraw
///         an invitation and cancel a guarantee before the loan defaults, so no guarantor can lock a loan.
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

    /// @dev `payoutFen` is what the guarantor has paid so far (all instalments); `paidOut` is true once that is
    ///      its whole obligation.
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

    /// @notice The lending bank's invitation: the guarantor it asks, the least coverage and the most fee it accepts.
    struct Invitation {
        bytes32 guarantorOrg;
        uint128 maxFeeFen;
        uint16 minCoverageBps;
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
    /// @notice The lending bank invited a guarantor to guarantee one of its loans, on at least `minCoverageBps` for at
    ///         most `maxFeeFen`.
    event GuarantorInvited(
        bytes32 indexed loanId,
        bytes32 indexed bankOrg,
        bytes32 indexed guarantorOrg,
        uint16 minCoverageBps,
        uint128 maxFeeFen
    );
    /// @notice The lending bank withdrew its invitation.
    event InvitationWithdrawn(bytes32 indexed loanId, bytes32 indexed bankOrg, bytes32 indexed guarantorOrg);
    /// @notice The lending bank cancelled a guarantee before the loan defaulted; the loan may be guaranteed again.
    event GuaranteeCancelled(
        bytes32 indexed loanId,
        bytes32 indexed guarantorOrg,
        bytes32 indexed bankOrg,
        bytes32 enterpriseHash,
        bytes32 agreementId
    );
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
    /// @notice One instalment of the guarantor's payment: `payoutFen` now, `paidFen` in all, of `obligationFen`.
    event GuaranteePaidOut(
        bytes32 indexed loanId,
        bytes32 indexed guarantorOrg,
        bytes32 indexed bankOrg,
        bytes32 enterpriseHash,
        uint128 payoutFen,
        uint128 paidFen,
        uint128 obligationFen,
        uint128 lossFen
    );

    error GuaranteeExists(bytes32 loanId, bytes32 guarantorOrg);
    /// @notice Only the guarantor or the bank of the agreement (or guaranteed loan) may do this.
    error GuaranteeNotParty(address caller, bytes32 guarantorOrg, bytes32 bankOrg);
    error GuaranteeUnknown(bytes32 loanId);
    /// @notice A single guarantee needs the lending bank's invitation of this guarantor first.
    error GuaranteeNotInvited(bytes32 loanId, bytes32 guarantorOrg);
    error GuaranteeLoanNotEligible(bytes32 loanId);
    /// @notice Coverage must be between 1 and 10,000 basis points.
    error GuaranteeInvalidCoverage(uint16 coverageBps);
    /// @notice A fee rate must be at most 10,000 basis points.
    error GuaranteeInvalidFeeRate(uint16 feeBps);
    /// @notice An agreement's limits must satisfy 0 < perLoanLimit <= totalLimit.
    error GuaranteeInvalidLimits(uint128 perLoanLimitFen, uint128 totalLimitFen);
    /// @notice An agreement must end in the future.
    error GuaranteeValidUntilPast(uint40 validUntil);
    error GuaranteeZeroAgreementId();
    error GuaranteeZeroPayout(bytes32 loanId);
    /// @notice The other party (`org`, expected in `role`) is not an active member.
    error GuaranteeCounterpartyInactive(bytes32 org, Role role);
    /// @notice The guarantee offered is outside the bank's invitation (less coverage or a higher fee).
    error GuaranteeOutsideInvitation(
        bytes32 loanId,
        uint16 coverageBps,
        uint128 feeFen,
        uint16 minCoverageBps,
        uint128 maxFeeFen
    );
    /// @notice A guarantee can be cancelled only while its loan runs (before default or repayment).
    error GuaranteeNotCancellable(bytes32 loanId);
    error GuaranteeAlreadyPaid(bytes32 loanId);
    error GuaranteeLoanNotDefaulted(bytes32 loanId);
    error GuaranteeLoanNotRepaid(bytes32 loanId);
    error GuaranteeAlreadyReleased(bytes32 loanId);
    /// @notice The instalment exceeds what the guarantor still owes (its obligation less what it paid).
    error GuaranteePayoutTooHigh(bytes32 loanId, uint128 payoutFen, uint128 remainingFen);
    error GuaranteeAgreementExists(bytes32 agreementId);
    error GuaranteeAgreementUnknown(bytes32 agreementId);
    error GuaranteeAgreementNotActive(bytes32 agreementId, AgreementStatus status);
    error GuaranteeAgreementNotProposed(bytes32 agreementId, AgreementStatus status);
    error GuaranteeAgreementExpired(bytes32 agreementId, uint40 validUntil);
    error GuaranteeAgreementWrongBank(bytes32 agreementId, bytes32 loanBank);
    error GuaranteePerLoanLimitExceeded(bytes32 agreementId, uint128 amountFen, uint128 perLoanLimitFen);
    error GuaranteeTotalLimitExceeded(bytes32 agreementId, uint128 requestedFen, uint128 availableFen);

    /// @notice The lending bank invites `guarantorOrg` to guarantee one of its active loans (replacing an earlier
    ///         invitation) on at least `minCoverageBps` for at most `maxFeeFen`, so no guarantor can attach itself
    ///         to a loan the bank did not offer, nor on terms the bank did not accept.
    function inviteGuarantor(bytes32 loanId, bytes32 guarantorOrg, uint16 minCoverageBps, uint128 maxFeeFen) external;

    /// @notice The lending bank withdraws its open invitation.
    function withdrawInvitation(bytes32 loanId) external;

    /// @notice An invited guarantor guarantees one active (not overdue) loan, within the invitation's terms.
    function guaranteeLoan(bytes32 loanId, uint16 coverageBps, uint128 feeFen) external;

    /// @notice The lending bank cancels the guarantee of a loan that is still running (active or overdue; nothing
    ///         was paid out before default), freeing the agreement's limit; the loan may then be guaranteed again.
    function cancelGuarantee(bytes32 loanId) external;

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

    /// @notice The guarantor records one instalment of its payment on a defaulted loan; all instalments together
    ///         are at most its obligation, coverage × loss.
    function recordPayout(bytes32 loanId, uint128 payoutFen) external;

    function guaranteeOf(bytes32 loanId) external view returns (Guarantee memory);
    /// @notice The guarantor the lending bank invited for `loanId` (zero when none or already guaranteed).
    function invitedGuarantor(bytes32 loanId) external view returns (bytes32);
    /// @notice The open invitation for `loanId` (all zero when none).
    function invitation(bytes32 loanId) external view returns (Invitation memory);
    function agreement(bytes32 agreementId) external view returns (Agreement memory);
    /// @notice The most the guarantor may pay on a defaulted loan: loss × coverage.
    function maxPayout(bytes32 loanId) external view returns (uint128);
    /// @notice The guarantor of a loan, what it owes (loss × coverage; zero before default) and what it has paid.
    function obligationOf(bytes32 loanId)
        external
        view
        returns (bytes32 guarantorOrg, uint128 obligationFen, uint128 paidFen);
}
