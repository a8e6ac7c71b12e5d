using System.Collections.Frozen;
using System.Globalization;
using Ledger.Core.Errors;
using static Ledger.Core.Errors.ErrorCategory;

namespace Ledger.Chain.Errors;

/// <summary>One contract error of the table: its Solidity name, stable code, category and message template.</summary>
/// <param name="Name">The Solidity custom error's name, as the ABIs declare it (<c>ConsentRevokedAt</c>).</param>
/// <param name="Number">The code's number: LEDGER-<paramref name="Number"/>. Never renumbered, never reused.</param>
/// <param name="Category">What kind of failure it is (one gRPC status).</param>
/// <param name="Template">The message: what happened and what to do, with <c>{argument}</c> or <c>{argument:formatter}</c> placeholders (<see cref="ContractErrorTemplate"/>).</param>
public sealed record ContractErrorEntry(string Name, int Number, ErrorCategory Category, string Template)
{
    /// <summary>The code, e.g. <c>LEDGER-1230</c>.</summary>
    public string Code => string.Create(CultureInfo.InvariantCulture, $"LEDGER-{Number}");
}

/// <summary>
/// The one table of Ledger's contract errors: per Solidity custom error of the ABIs, its code, category and message
/// (docs/errors.md lists the same, one line each). Decoded reverts become a <see cref="ContractRevertException"/> with
/// the entry's code, category and rendered message; callers tell errors apart by the generated error DTOs
/// (<see cref="ContractRevertException.Is{TError}(out TError)"/>), not by class.
/// </summary>
/// <remarks>
/// To add an error: declare it in Solidity, regenerate the bindings (node scripts/generate-bindings.js), add one line
/// here and one line to docs/errors.md. <c>ErrorCatalogueTests</c> fails until every ABI error has exactly one line in
/// both, and when a line names an error no ABI declares or an argument the error lacks. Codes are never renumbered or
/// reused; errors that differ only in which field is malformed or which limit is hit may share one.
/// </remarks>
public static class ContractErrorCatalogue
{
    private static readonly ContractErrorEntry[] Table =
    [
        new("MembershipRequired", 1203, PermissionDenied, "Account {account} is not an operator of an active {role:role-member} of the consortium. Send from an operator account of an active member with that role, or ask the governors to admit (or reinstate) the organization."),
        new("MembershipWrongOrganization", 1204, PermissionDenied, "Account {account} operates {actualOrg:org}, but this action belongs to {expectedOrg:org}; send it from an operator account of {expectedOrg:org}."),
        new("GovernanceNotGovernor", 1205, PermissionDenied, "Account {account} is not a governor of the consortium; only governors propose and approve. Ask a governor to do it."),
        new("GovernanceOnlyByProposal", 1206, PermissionDenied, "Account {caller} called a governance action directly; the consortium changes only through proposals. Propose the action and have enough governors approve it."),
        new("GovernanceUnknownAction", 1207, InvalidArgument, "The proposed action (selector {selector}) is not a governance function of the consortium; encode one of admitMember, suspendMember, reinstateMember, removeMember, changeRole, changeEncryptionKey, changeEndpoint, changeTlsPins, addOperator, removeOperator, addGovernor, removeGovernor, setThreshold or retireEnterprise."),
        new("GovernanceProposalNotFound", 1208, NotFound, "Proposal {proposalId} does not exist; check the proposal number."),
        new("GovernanceProposalExpired", 1209, FailedPrecondition, "Proposal {proposalId} expired at {expiredAt:time}; propose it again."),
        new("GovernanceProposalClosed", 1210, FailedPrecondition, "Proposal {proposalId} was already executed or cancelled; nothing more can be done with it."),
        new("GovernanceAlreadyApproved", 1211, AlreadyExists, "Governor {governor} has already approved proposal {proposalId}; it now needs approvals from other governors."),
        new("GovernanceNotApproved", 1212, FailedPrecondition, "Governor {governor} has not approved proposal {proposalId}, so there is no approval to withdraw."),
        new("GovernanceBelowThreshold", 1213, FailedPrecondition, "Proposal {proposalId} has {approvals} of the {threshold} approvals it needs; more governors must approve it before it runs."),
        new("GovernanceNotProposer", 1214, PermissionDenied, "Only the governor who made proposal {proposalId} may cancel it, and {caller} did not make it."),
        new("GovernanceInvalidThreshold", 1215, InvalidArgument, "A threshold of {threshold} is impossible with {governorCount} governors; choose a number from 1 to the number of governors."),
        new("GovernanceGovernorExists", 1216, AlreadyExists, "{governor} is already a governor."),
        new("GovernanceGovernorUnknown", 1217, NotFound, "{governor} is not a governor; check the address."),
        new("GovernanceZeroAddress", 1218, InvalidArgument, "The zero address cannot be a governor or an operator; give a real account."),
        new("GovernanceInvalidAccount", 1218, InvalidArgument, "{account} is the consortium contract itself, which can be neither a governor nor an operator; give a real account."),
        new("GovernanceTooManyGovernors", 1219, FailedPrecondition, "The consortium already has the most governors it allows ({max}); remove one before adding another."),
        new("ConsortiumTooManyMembers", 1219, FailedPrecondition, "The consortium already has the most members it allows ({max}); remove one before admitting another."),
        new("ConsortiumTooManyOperators", 1219, FailedPrecondition, "Member {orgId:org} already has the most operator accounts allowed ({max}); remove one before adding another."),
        new("CompensationTooManyProducts", 1219, FailedPrecondition, "A fund covers at most {max} loan products and {count} were given; split them over several funds or drop some."),
        new("ConsortiumMemberExists", 1220, AlreadyExists, "Organization {orgId:org} is already a member (or was one: ids are never reused); choose another organization id."),
        new("ConsortiumMemberUnknown", 1221, NotFound, "Organization {orgId:org} is not a member of the consortium; check the organization id."),
        new("ConsortiumInvalidStatus", 1222, FailedPrecondition, "Member {orgId:org} is {status:member-status}, which does not allow this change (only an active member can be suspended, only a suspended one reinstated, and a removed one never comes back)."),
        new("ConsortiumInvalidRole", 1223, InvalidArgument, "Role {role} is not a member role; use tax bureau, bank, guarantor, auditor or regulator."),
        new("ConsortiumInvalidOrgId", 1223, InvalidArgument, "The organization id is empty; give a short code such as bank.ccb."),
        new("ConsortiumInvalidName", 1223, InvalidArgument, "The member's name is empty or too long; give its name in a few words."),
        new("ConsortiumInvalidEncryptionKey", 1223, InvalidArgument, "The encryption key {key} is not a compressed secp256k1 public key (33 bytes starting 0x02 or 0x03); register the node's encryption public key in compressed form."),
        new("ConsortiumOperatorTaken", 1224, AlreadyExists, "Account {operator} already acts for {orgId:org}; an account operates one organization only, so use a new account."),
        new("ConsortiumOperatorUnknown", 1225, NotFound, "Account {operator} is not an operator of {orgId:org}; check the address."),
        new("ConsortiumNoOperators", 1226, InvalidArgument, "Member {orgId:org} would be left without an operator account; add the new account before removing the last one."),
        new("ConsentUnknown", 1227, NotFound, "Consent {consentId:short} does not exist on this chain; check the id (a consent signed for another chain or registry has another id)."),
        new("ConsentNotYetValid", 1228, FailedPrecondition, "Consent {consentId:short} is valid only from {validFrom:time}; wait until then."),
        new("ConsentExpired", 1229, FailedPrecondition, "Consent {consentId:short} expired at {validUntil:time}; ask the enterprise for a new consent."),
        new("ConsentRevokedAt", 1230, FailedPrecondition, "Consent {consentId:short} was revoked at block {revokedAtBlock}; ask the enterprise for a new consent."),
        new("ConsentWrongConsumer", 1231, PermissionDenied, "Consent {consentId:short} was not granted to {consumer:org}; only the consumer named in the consent may use it."),
        new("ConsentWrongProvider", 1232, PermissionDenied, "Consent {consentId:short} does not name {provider:org} as its provider; only the tax bureau named in the consent may serve data under it."),
        new("ConsentScopeNotGranted", 1233, PermissionDenied, "Consent {consentId:short} grants {granted:scopes} but {requested:scopes} was asked for; ask only for granted scopes, or ask the enterprise for a wider consent."),
        new("ConsentFetchCapReached", 1234, FailedPrecondition, "Consent {consentId:short} allows {fetchCap} access(es) per period and they are used up; wait for the next period or ask the enterprise for a new consent."),
        new("ConsentConsumerIneligible", 1235, FailedPrecondition, "{consumer:org} is not an active bank or guarantor, so it cannot use consent {consentId:short}; the governors must admit or reinstate it first."),
        new("ConsentProviderIneligible", 1236, FailedPrecondition, "{provider:org} is not an active tax bureau, so it cannot serve data under consent {consentId:short}; the governors must admit or reinstate it first."),
        new("ConsentInvalidSignature", 1237, InvalidArgument, "The signature is not enterprise {enterprise}'s: it does not recover to that account (or its contract wallet rejects it). Have the enterprise sign exactly these terms for this chain and registry."),
        new("ConsentSignatureExpired", 1238, FailedPrecondition, "The signature's deadline ({deadline:time}) has passed; have the enterprise sign again with a later deadline."),
        new("ConsentNonceUsed", 1239, AlreadyExists, "Nonce {nonce} of enterprise {enterprise} was already used or cancelled, and each signature can be submitted once. If it was this very consent, it is already granted; otherwise have the enterprise sign with a new nonce."),
        new("ConsentEnterpriseNotBound", 1240, FailedPrecondition, "Enterprise account {enterprise} is not bound to credit-code hash {creditCodeHash:short}; the enterprise must sign its binding and the tax bureau relay it (ledger tax bind) before the enterprise can consent."),
        new("ConsentCreditCodeNotBound", 1240, FailedPrecondition, "Credit-code hash {creditCodeHash:short} has no active account, so there is no key to rotate; bind the enterprise's account instead (ledger tax bind)."),
        new("ConsentEnterpriseAlreadyBound", 1241, AlreadyExists, "Enterprise account {enterprise} is already bound (to credit-code hash {creditCodeHash:short}); nothing to do."),
        new("ConsentEnterpriseRetired", 1242, FailedPrecondition, "Enterprise account {enterprise} was unbound (or replaced by a key rotation) and is retired for good, so its old consents stay dead; bind a new account for the enterprise."),
        new("ConsentNotEnterprise", 1243, PermissionDenied, "Only the enterprise of consent {consentId:short} may do this, and {caller} is not its account; have the enterprise sign it."),
        new("ConsentScopesEmpty", 1244, InvalidArgument, "The consent grants no data scope; name at least one scope and have the enterprise sign again."),
        new("ConsentValidityInverted", 1244, InvalidArgument, "The consent's validity ends ({validUntil:time}) no later than it starts ({validFrom:time}); give a validUntil after validFrom and have the enterprise sign again."),
        new("ConsentValidityEnded", 1244, InvalidArgument, "The consent's validity already ended at {validUntil:time} (the chain's time is {currentTime:time}); have the enterprise sign terms that end in the future."),
        new("ConsentValidityTooLong", 1244, InvalidArgument, "The consent's validUntil {validUntil} is beyond the latest time the registry stores ({maxValidUntil}); give an earlier end and have the enterprise sign again."),
        new("ConsentDataPeriodInverted", 1244, InvalidArgument, "The consent's data period ends ({dataUntil:time}) before it starts ({dataFrom:time}); give a dataUntil at or after dataFrom and have the enterprise sign again."),
        new("ConsentFetchCapZero", 1244, InvalidArgument, "The consent's fetch cap is 0, so it would allow no access at all; give a fetch cap of at least 1 and have the enterprise sign again."),
        new("ConsentFetchCapTooHigh", 1244, InvalidArgument, "The consent's fetch cap {fetchCap} is above the most the registry counts ({maxFetchCap}); give a smaller cap (or a fetch period) and have the enterprise sign again."),
        new("ConsentFetchPeriodTooShort", 1244, InvalidArgument, "A fetch period of {fetchPeriod} s is too short for a validity from {validFrom:time} to {validUntil:time} (at most 16,777,214 periods fit); give a longer period or a shorter validity and have the enterprise sign again."),
        new("ConsentConsumerIsProvider", 1244, InvalidArgument, "The consent names {org:org} as both consumer and provider; the consumer is the bank or guarantor that reads, the provider the tax bureau that serves. Correct the terms and have the enterprise sign again."),
        new("ConsentEnterpriseZeroAddress", 1244, InvalidArgument, "The binding names the zero address as the enterprise account; give the enterprise's real account and have it sign its binding."),
        new("ConsentCreditCodeHashInvalid", 1244, InvalidArgument, "{creditCodeHash:short} is not a credit-code hash (zero and 0x…01 are reserved); bind the salted hash of the enterprise's unified social credit code, as the tax node computes it."),
        new("LoanZeroDecisionHash", 1244, InvalidArgument, "The decision hash is zero; record the hash of the credit decision."),
        new("LoanZeroLoanId", 1244, InvalidArgument, "The loan reference is zero; give the loan its own reference (the bank's loan number)."),
        new("LoanZeroAmount", 1244, InvalidArgument, "The loan amount is zero; disburse at least 0.01 yuan."),
        new("LoanZeroProductCode", 1244, InvalidArgument, "The product code is empty; name the loan product (e.g. SHUIYIDAI)."),
        new("LoanInvalidRate", 1244, InvalidArgument, "A rate of {rateBps:percent} a year is not allowed; give a rate above 0 and at most 24 % (the judicial protection ceiling)."),
        new("LoanInvalidTermMonths", 1244, InvalidArgument, "A term of {termMonths} months is not allowed; give 1 to 360 months."),
        new("LoanZeroRepayment", 1244, InvalidArgument, "The repayment on loan {loanId:short} is zero (no principal, no interest); record what was repaid."),
        new("LoanZeroDaysOverdue", 1244, InvalidArgument, "Loan {loanId:short} cannot be overdue by zero days; give the days overdue."),
        new("LoanInvalidOverdueAmount", 1244, InvalidArgument, "Arrears of {overdueFen:yuan} on loan {loanId:short} are not allowed: give at least 0.01 yuan and at most what is outstanding, {outstandingFen:yuan}."),
        new("LoanZeroLoss", 1244, InvalidArgument, "The loss declared on loan {loanId:short} is zero; a default needs the loss the bank bears."),
        new("GuaranteeInvalidCoverage", 1244, InvalidArgument, "A coverage of {coverageBps:percent} is not allowed; give more than 0 % and at most 100 %."),
        new("GuaranteeInvalidFeeRate", 1244, InvalidArgument, "A fee rate of {feeBps:percent} is not allowed; give at most 100 %."),
        new("GuaranteeInvalidLimits", 1244, InvalidArgument, "A per-loan limit of {perLoanLimitFen:yuan} with a total limit of {totalLimitFen:yuan} is not allowed; the per-loan limit must be above zero and at most the total."),
        new("GuaranteeValidUntilPast", 1244, InvalidArgument, "The agreement would end at {validUntil:time}, which is not in the future; give a later end."),
        new("GuaranteeZeroAgreementId", 1244, InvalidArgument, "The agreement reference is zero; give the agreement its own reference (the guarantor's agreement number)."),
        new("GuaranteeZeroPayout", 1244, InvalidArgument, "A payment of zero on loan {loanId:short} is not a payment; record at least 0.01 yuan."),
        new("FundFlowZeroAmount", 1244, InvalidArgument, "A spending entry of zero on loan {loanId:short} records nothing; give the amount spent."),
        new("FundFlowZeroEvidence", 1244, InvalidArgument, "A spending entry on loan {loanId:short} needs the hash of its evidence (the invoice or payment record kept off chain)."),
        new("FundFlowZeroCounterparty", 1244, InvalidArgument, "A spending entry on loan {loanId:short} needs the hash of its counterparty (who was paid)."),
        new("ConsentNarrowingWidens", 1245, InvalidArgument, "A narrowing of consent {consentId:short} may only remove scopes and shorten validity, and this one widens it; grant a new consent instead."),
        new("ConsentAccessLogNotWired", 1246, Internal, "{accessLog} is not an access log built for this consent registry (no contract there, or its registry() is another); deploy AccessLog with this registry's address and wire that one."),
        new("ConsentOnlyAccessLog", 1246, Internal, "Account {caller} tried to count a fetch directly; only the access log contract does that. Record accesses through AccessLog.recordAccess."),
        new("ConsentAccessLogAlreadySet", 1246, Internal, "The consent registry is already wired to access log {accessLog}; the wiring is done once, at deployment."),
        new("ConsentNotDeployer", 1246, Internal, "Account {caller} is not the registry's deployer, and only the deployer wires the registry at deployment."),
        new("ConsentNoPredecessor", 1246, Internal, "This consent registry has no predecessor to import from; its deployer names the previous version's registry (setPredecessor) before bindings and consents are taken over."),
        new("ConsentPredecessorAlreadySet", 1246, Internal, "The registry's predecessor is already {predecessor}; it is named once, at the upgrade."),
        new("ConsentPredecessorNotUsable", 1246, Internal, "{predecessor} cannot be this registry's predecessor: it is not a consent registry of the same consortium (or it is this registry). Name the registry of the previous contract version."),
        new("InvalidShortString", 1246, Internal, "A short string in the contract's EIP-712 domain is invalid; the deployment is broken, redeploy the contracts."),
        new("StringTooLong", 1246, Internal, "The string \"{str}\" is too long for the contract's EIP-712 domain; the deployment is broken, redeploy the contracts."),
        new("AnchorBatchExists", 1247, AlreadyExists, "{orgId:org} already anchored batch {batchId:short} (root {root:short}); a batch id is used once."),
        new("AnchorInvalidBatch", 1248, InvalidArgument, "Batch {batchId:short} cannot be anchored with root {root:short} and {count} record(s): the root must not be zero and the batch must hold at least one record."),
        new("AnchorUnknownBatch", 1249, NotFound, "{orgId:org} has not anchored batch {batchId:short}; it may still be waiting in the anchor outbox."),
        new("AccessInvalidRequest", 1250, InvalidArgument, "The access record's request hash {requestHash:short} is not usable (zero); record the hash of the actual request."),
        new("AccessInvalidResponse", 1250, InvalidArgument, "The access record's response hash {responseHash:short} is not usable (zero); a served access must name what was sent, so record the hash of the actual response."),
        new("LoanDecisionExists", 1251, AlreadyExists, "Credit decision {decisionHash:short} is already recorded; a decision is recorded once."),
        new("LoanDecisionUnknown", 1252, NotFound, "Credit decision {decisionHash:short} was never recorded; record the decision (recordDecision) before disbursing on it."),
        new("LoanDecisionNotApproved", 1253, FailedPrecondition, "Credit decision {decisionHash:short} declined the loan, so nothing can be disbursed on it."),
        new("LoanDecisionUsed", 1254, FailedPrecondition, "Credit decision {decisionHash:short} already has its loan; each decision backs one loan, so make a new decision."),
        new("LoanConsentNotForBank", 1255, PermissionDenied, "Consent {consentId:short} was not granted to {bankOrg:org}; a bank can only decide on data it was allowed to read."),
        new("LoanConsentRevoked", 1256, FailedPrecondition, "Consent {consentId:short} has been revoked; the enterprise withdrew its authorization, so no new decision or loan may rest on it."),
        new("LoanEnterpriseUnbound", 1257, FailedPrecondition, "The enterprise of consent {consentId:short} was unbound by the tax bureau; its identity must be bound again before lending to it."),
        new("LoanExists", 1258, AlreadyExists, "Loan {loanId:short} already exists: this bank has disbursed a loan under that reference; give every loan its own reference."),
        new("LoanUnknown", 1259, NotFound, "Loan {loanId:short} does not exist; check the loan id."),
        new("LoanInvalidStatus", 1260, FailedPrecondition, "Loan {loanId:short} is {status:loan-status}, which does not allow this step."),
        new("LoanRepaymentExceedsOutstanding", 1261, InvalidArgument, "A repayment of {principalFen:yuan} on loan {loanId:short} exceeds the {outstandingFen:yuan} outstanding; record at most the outstanding principal."),
        new("LoanLossExceedsOutstanding", 1262, InvalidArgument, "A loss of {lossFen:yuan} on loan {loanId:short} exceeds the {outstandingFen:yuan} outstanding; the loss is at most what is still owed."),
        new("GuaranteeExists", 1263, AlreadyExists, "Loan {loanId:short} is already guaranteed by {guarantorOrg:org}; a loan has one guarantee."),
        new("GuaranteeNotParty", 1264, PermissionDenied, "Account {caller} acts for neither guarantor {guarantorOrg:org} nor bank {bankOrg:org}; only the parties may do this."),
        new("GuaranteeUnknown", 1265, NotFound, "Loan {loanId:short} has no guarantee."),
        new("GuaranteeNotInvited", 1266, PermissionDenied, "{guarantorOrg:org} was not invited to guarantee loan {loanId:short}; the lending bank must invite it (inviteGuarantor) first."),
        new("GuaranteeLoanNotEligible", 1267, FailedPrecondition, "Loan {loanId:short} cannot be guaranteed now: only an active loan that is not overdue can be."),
        new("GuaranteeAlreadyPaid", 1268, AlreadyExists, "The guarantor has already paid its whole obligation on loan {loanId:short} (loss × coverage); nothing more is owed, and nothing is paid twice."),
        new("GuaranteeLoanNotDefaulted", 1269, FailedPrecondition, "Loan {loanId:short} has not defaulted, so there is nothing for the guarantor to pay yet."),
        new("GuaranteeLoanNotRepaid", 1270, FailedPrecondition, "Loan {loanId:short} is not fully repaid, so its guarantee cannot be released yet."),
        new("GuaranteeAlreadyReleased", 1271, FailedPrecondition, "The guarantee of loan {loanId:short} was already released."),
        new("GuaranteePayoutTooHigh", 1272, InvalidArgument, "A payment of {payoutFen:yuan} on loan {loanId:short} exceeds what the guarantor still owes, {remainingFen:yuan} (its obligation, loss × coverage, less what it paid); pay at most that."),
        new("GuaranteeAgreementExists", 1273, AlreadyExists, "Agreement {agreementId:short} already exists; choose another agreement id."),
        new("GuaranteeAgreementUnknown", 1274, NotFound, "Agreement {agreementId:short} does not exist; check the agreement id."),
        new("GuaranteeAgreementNotActive", 1275, FailedPrecondition, "Agreement {agreementId:short} is {status:agreement-status}, not active; loans can only be enrolled under an active agreement."),
        new("GuaranteeAgreementNotProposed", 1276, FailedPrecondition, "Agreement {agreementId:short} is {status:agreement-status}; only a proposed agreement can be accepted."),
        new("GuaranteeAgreementExpired", 1277, FailedPrecondition, "Agreement {agreementId:short} expired at {validUntil:time}; the parties must sign a new one."),
        new("GuaranteeAgreementWrongBank", 1278, PermissionDenied, "Agreement {agreementId:short} is not with {loanBank:org}, the bank of this loan; enrol the loan under the bank's own agreement."),
        new("GuaranteePerLoanLimitExceeded", 1279, FailedPrecondition, "A loan of {amountFen:yuan} exceeds agreement {agreementId:short}'s per-loan limit of {perLoanLimitFen:yuan}; guarantee it singly instead."),
        new("GuaranteeTotalLimitExceeded", 1280, FailedPrecondition, "Agreement {agreementId:short} has {availableFen:yuan} of its total limit left, less than the {requestedFen:yuan} asked; release repaid loans or raise the limit with a new agreement."),
        new("CompensationFundExists", 1281, AlreadyExists, "Fund {fundId:short} already exists; choose another fund id."),
        new("CompensationInvalidGracePeriod", 1282, InvalidArgument, "A grace period of {graceSeconds} seconds is not allowed; give 1 to 730 days."),
        new("CompensationInvalidFundId", 1282, InvalidArgument, "The fund id is zero; give the fund an id."),
        new("CompensationInvalidRatio", 1282, InvalidArgument, "A compensation ratio of {ratioBps:percent} is not allowed: it must be above 0 % and below 100 % (the bank always keeps part of the risk)."),
        new("CompensationInvalidAmount", 1282, InvalidArgument, "The amount must be more than zero."),
        new("CompensationFundUnknown", 1283, NotFound, "Fund {fundId:short} does not exist; check the fund id."),
        new("CompensationProductNotEligible", 1284, FailedPrecondition, "Fund {fundId:short} does not cover product {productCode:product}; claim on a fund that covers it."),
        new("CompensationLoanNotDefaulted", 1285, FailedPrecondition, "Loan {loanId:short} has not defaulted; a claim can only be filed on a defaulted loan."),
        new("CompensationClaimExists", 1286, AlreadyExists, "Loan {loanId:short} already has a claim at fund {liveFundId:short} ({status:claim-status}); a loan has one live claim, and a fund that rejected it takes no second one. Withdraw the open claim first, or claim at another fund."),
        new("CompensationClaimNotFiled", 1287, FailedPrecondition, "The claim on loan {loanId:short} is {status:claim-status}, not filed; only a filed claim can be approved or rejected."),
        new("CompensationGuaranteePending", 1288, FailedPrecondition, "Loan {loanId:short} is guaranteed and the guarantor has paid {paidFen:yuan} of the {obligationFen:yuan} it owes; its grace period runs until {graceEndsAt:time}. File the claim once it has paid, or after that time (the claim then nets the obligation out unpaid)."),
        new("CompensationNothingToCompensate", 1289, FailedPrecondition, "Loan {loanId:short} has no loss left after the guarantor's payout, so there is nothing to compensate."),
        new("CompensationFundExhausted", 1290, FailedPrecondition, "Fund {fundId:short} has no balance left; the regulator must top it up before claims are paid."),
        new("FundFlowLoanNotRnD", 1291, FailedPrecondition, "Loan {loanId:short} is not an R&D loan, so it has no fund-flow ledger."),
        new("FundFlowLoanUnknown", 1292, NotFound, "Loan {loanId:short} does not exist; check the loan id."),
        new("FundFlowAlreadyOpen", 1293, AlreadyExists, "The fund-flow ledger of loan {loanId:short} is already open."),
        new("FundFlowNotOpen", 1294, FailedPrecondition, "Loan {loanId:short} has no open fund-flow ledger; the lending bank must open it (openFundFlow) first."),
        new("FundFlowInvalidThreshold", 1295, InvalidArgument, "A non-R&D threshold of {maxNonRdBps:percent} is not allowed; choose more than 0 % and less than 100 %."),
        new("FundFlowExceedsLoan", 1296, InvalidArgument, "Recorded R&D spending of loan {loanId:short} would reach {rdTotalFen:yuan}, more than the {loanAmountFen:yuan} lent; check the amount (non-R&D spending is never capped)."),
        new("FundFlowRecorderNotAllowed", 1297, PermissionDenied, "Account {account} (acting for {orgId:org}) may not record spending; only the lending bank or the enterprise's own tax bureau (the provider of the loan's consent) does."),
        new("ConsentCreditCodeTaken", 1298, AlreadyExists, "Credit-code hash {creditCodeHash:short} already has an active account, {account}; an enterprise has one account at a time. To replace a lost or compromised key, have the bureau that made the binding rotate it (ledger tax rotate-key) on the new key's signature."),
        new("AccessRequestAlreadyRecorded", 1299, AlreadyExists, "An access with request hash {requestHash:short} is already recorded under consent {consentId:short}; a request is served once (a replay must not use up the fetch cap). To fetch again, send a new request."),
        new("GuaranteeCounterpartyInactive", 1850, FailedPrecondition, "{org:org} is not an active {role:role-member} of the consortium (suspended, removed or of another role), so it cannot be a party to this guarantee; choose an active one, or ask the governors to reinstate it."),
        new("GuaranteeOutsideInvitation", 1851, FailedPrecondition, "A guarantee of loan {loanId:short} covering {coverageBps:percent} for a fee of {feeFen:yuan} is outside the bank's invitation (at least {minCoverageBps:percent} coverage, at most {maxFeeFen:yuan} fee); offer terms within it, or ask the bank for a new invitation."),
        new("GuaranteeNotCancellable", 1852, FailedPrecondition, "The guarantee of loan {loanId:short} can no longer be cancelled: the loan has defaulted (the guarantor's obligation is fixed) or was repaid (release the guarantee instead)."),
        new("LoanConsentNotValid", 1853, FailedPrecondition, "Consent {consentId:short} is valid from {validFrom:time} until {validUntil:time}; a credit decision needs a consent valid when it is recorded (at most 7 days after it expired). Ask the enterprise for a new consent and decide on data fetched under it."),
        new("CompensationClaimPartlyPaid", 1854, FailedPrecondition, "{payoutFen:yuan} has already been paid on the claim on loan {loanId:short}; a claim paid in part can no longer be rejected or withdrawn, only paid in full (after a top-up of the fund)."),
        new("CompensationFundInactive", 1855, FailedPrecondition, "Fund {fundId:short} takes no claims: its regulator {regulatorOrg:org} is no longer an active member. Claim at another fund, or ask the governors to reinstate the regulator."),
        new("FundFlowEntryMismatch", 1856, FailedPrecondition, "Entry {entryIndex} of loan {loanId:short} was not recorded by this organization with these fields; only its recorder corrects or reverses an entry, stating it as it was recorded."),
        new("FundFlowEntryReversed", 1857, FailedPrecondition, "Entry {entryIndex} of loan {loanId:short} was already reversed (or corrected); correct the entry that replaced it instead."),
        new("ConsentAlreadyImported", 1858, AlreadyExists, "Consent {consentId:short} is already in this registry; nothing to import."),
        new("ConsentNotImportable", 1859, FailedPrecondition, "The predecessor registry has no live consent {consentId:short} (unknown there, revoked or expired), so it is not taken over; the enterprise grants a new consent if it still wants to."),
        new("ConsentRefusedByPredecessor", 1860, FailedPrecondition, "Consent {consentId:short} was taken over from the previous registry, where the enterprise has since changed it: there it is {status:access-status}. No data may be served under it; record the change here with syncRevocation if it was revoked."),
        new("ConsentNotRevokedByPredecessor", 1861, FailedPrecondition, "Consent {consentId:short} was not taken over from a previous registry, or that registry has not revoked it: there is no revocation to record."),
        new("ConsortiumInvalidTlsPin", 1862, InvalidArgument, "The TLS pin {pin} is zero or given twice; give each certificate's pin once (the SHA-256 of its SubjectPublicKeyInfo, as `ledger-node keys show` prints it)."),
        new("ConsortiumTooManyTlsPins", 1863, InvalidArgument, "Member {orgId:org} may register at most {max} TLS pins (the current certificate and the next); drop the pin of a certificate the node no longer uses."),
    ];

    /// <summary>Every line of the table, in order (a name twice would be a mistake; the tests check there is none).</summary>
    internal static IReadOnlyList<ContractErrorEntry> All => Table;

    /// <summary>Every entry, by error name.</summary>
    public static FrozenDictionary<string, ContractErrorEntry> Entries { get; } = Table.ToFrozenDictionary(e => e.Name, StringComparer.Ordinal);

    /// <summary>The entry of the error named <paramref name="name"/>, or null when the table has none.</summary>
    public static ContractErrorEntry? Find(string name) => Entries.GetValueOrDefault(name);

    /// <summary>The exception for a decoded custom error; <see cref="UnknownContractErrorException"/> for a name this table lacks.</summary>
    internal static ContractRevertException Create(ContractError error) =>
        Find(error.Name) is { } entry
            ? new ContractRevertException(entry, error)
            : new UnknownContractErrorException(error.Data);
}
