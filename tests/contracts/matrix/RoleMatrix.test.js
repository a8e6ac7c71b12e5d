// The role matrix: every state-changing function of every Ledger contract, called by every role (and by accounts
// that are not members), is either allowed or refused exactly as designed.
//
// One table per contract. Each row names a function, the roles allowed to call it, a fixture (`setup`) that brings
// the chain to a state where the call WOULD succeed for an allowed caller, the call itself, the event a success
// emits, and the refusal every other role gets (error name and arguments, in the contract's own check order).
// For each row and each role one test is generated, starting from the row's fixture, so no test sees another's
// state. Rows whose allowed caller is not a signer of ours (the consortium itself through a passed proposal, the
// access log contract, the deployer of a fresh registry) list that caller under `extra`.
//
// Another table suspends the lending bank by governance and replays every row a bank may call: an active bank is
// allowed, the same account of a suspended bank is refused with MembershipRequired (or, for the few functions that
// need no membership at all, still succeeds).
//
// A second axis (issue 11 §1, "Counterparties must be active too"): for each function that names another member
// (the guarantor of an agreement or invitation, the lending bank, the bank an agreement is offered to, the
// regulator of a fund, the guarantor a claim waits for), the allowed caller — itself active — calls with that
// counterparty active, suspended and removed by governance.
"use strict";

const { expect } = require("chai");
const { ethers, artifacts } = require("hardhat");
const { loadFixture, time, impersonateAccount, setBalance } = require("@nomicfoundation/hardhat-network-helpers");
const {
  L,
  ORG,
  PRODUCT,
  encryptionKey,
  govern,
  membersFixture,
  consentFixture,
  loanFixture,
  defaultTerms,
  loanIdOf,
  agreementIdOf,
  fundIdOf,
} = require("../helpers/fixtures");

const { Role } = L;
const ZERO = ethers.ZeroHash;
const DAY = 86400;

// ---------------------------------------------------------------------------------------------------------- roles

/**
 * The callers of the matrix. `role` and `org` are what the consortium says about the account; `active` whether it
 * operates an active member. The governor is governors[0], which is not a member (governors govern, members act).
 */
const ROLES = [
  { name: "TaxBureau", signer: (f) => f.tax, org: ORG.TAX, role: Role.TaxBureau, active: true },
  { name: "Bank", signer: (f) => f.bankA, org: ORG.BANK_A, role: Role.Bank, active: true },
  { name: "OtherBank", signer: (f) => f.bankB, org: ORG.BANK_B, role: Role.Bank, active: true },
  { name: "Guarantor", signer: (f) => f.guarantor, org: ORG.GUARANTOR, role: Role.Guarantor, active: true },
  { name: "Auditor", signer: (f) => f.auditor, org: ORG.AUDITOR, role: Role.Auditor, active: true },
  { name: "Regulator", signer: (f) => f.regulator, org: ORG.REGULATOR, role: Role.Regulator, active: true },
  { name: "NonMember", signer: (f) => f.outsider, org: ZERO, role: Role.None, active: false },
  { name: "Enterprise", signer: (f) => f.enterprise, org: ZERO, role: Role.None, active: false },
  { name: "Governor", signer: (f) => f.governors[0], org: ZERO, role: Role.None, active: false },
];
const ROLE = Object.fromEntries(ROLES.map((r) => [r.name, r]));
const MEMBERS = ROLES.filter((r) => r.active).map((r) => r.name);
const EVERYONE = ROLES.map((r) => r.name);
/** The lending bank's account while its membership is suspended. */
const SUSPENDED_BANK = { ...ROLE.Bank, name: "Bank (suspended)", active: false };

const addressOf = (f, who) => who.signer(f).address;

// ---------------------------------------------------------------------------------------- refusals (check order)

/** `_requireMember(caller, role)`: anything but an active member with `role` (any role when None) is refused. */
const requireMember = (role) => (who) => ["MembershipRequired", (f) => [addressOf(f, who), role]];

/** `_requireOperatorOf(caller, org, role)`: an active member with the role but another organization is told so. */
const requireOperatorOf = (orgOf, role) => (who) =>
  who.active && who.role === role
    ? ["MembershipWrongOrganization", (f) => [addressOf(f, who), orgOf(f), who.org]]
    : ["MembershipRequired", (f) => [addressOf(f, who), role]];

/** Either party of a guarantee or agreement: any active member checked first, then whether it is a party. */
const requireParty = (guarantorOrg, bankOrg) => (who) =>
  who.active
    ? ["GuaranteeNotParty", (f) => [addressOf(f, who), guarantorOrg, bankOrg]]
    : ["MembershipRequired", (f) => [addressOf(f, who), Role.None]];

const onlyByProposal = (who) => ["GovernanceOnlyByProposal", (f) => [addressOf(f, who)]];
const onlyGovernor = (who) => ["GovernanceNotGovernor", (f) => [addressOf(f, who)]];
const onlyEnterprise = (who) => ["ConsentNotEnterprise", (f) => [f.consentId, addressOf(f, who)]];

// ------------------------------------------------------------------------------------------------ fixed values

const NEW_ORG = L.orgId(ethers, "bank.new.liuzhou");
const NEW_KEY = encryptionKey("ICBC Liuzhou rotated");
const TLS_PIN = ethers.id("ICBC Liuzhou TLS certificate");
/** The guarantor's and the regulator's own references; the ids are derived from them and the recording organization. */
const AGREEMENT_REF = ethers.id("agreement-gx-ccb-2025");
const AGREEMENT = agreementIdOf(ORG.GUARANTOR, AGREEMENT_REF);
const AGREEMENT_VALID_UNTIL = 4_102_444_800; // 2100-01-01, far beyond any fixture's clock
const FUND_REF = ethers.encodeBytes32String("fund.liuzhou.2025");
const FUND = fundIdOf(ORG.REGULATOR, FUND_REF);
const REQUEST = ethers.id("request-1");
const RESPONSE = ethers.id("response-1");
const BATCH = ethers.id("batch-1");
const ROOT = ethers.id("root-1");
const COUNTERPARTY = ethers.id("counterparty-lab-1");
const EVIDENCE = ethers.id("invoice-1");
const LOSS = 60_000_000n;
const REVOCATION_NONCE = 2n;
const NARROWING_NONCE = 3n;
/** Invitation terms that accept any coverage and any fee. */
const ANY_TERMS = [1, 2n ** 128n - 1n];
const GRACE = 90 * DAY; // a new fund's grace period for guarantors

const consentTuple = (terms) => L.CONSENT_TYPES.Consent.map(({ name }) => terms[name]);

// ---------------------------------------------------------------------------------------------------- fixtures

/** ICBC Liuzhou suspended, so it can be reinstated. */
async function suspendedBankBFixture() {
  const f = await loadFixture(membersFixture);
  await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_B]);
  return f;
}

/** ICBC Liuzhou with a second operator account, so one can be removed. */
async function secondOperatorFixture() {
  const f = await loadFixture(membersFixture);
  await govern(f.Consortium, f.governors, "addOperator", [ORG.BANK_B, f.spare[0].address]);
  return f;
}

/** governors[1] proposed suspending ICBC Liuzhou: one approval of two. */
async function proposalOfAnotherGovernorFixture() {
  const f = await loadFixture(membersFixture);
  const proposalId = await f.Consortium.proposalCount();
  const action = f.Consortium.interface.encodeFunctionData("suspendMember", [ORG.BANK_B]);
  await (await f.Consortium.connect(f.governors[1]).propose(action)).wait();
  return { ...f, proposalId };
}

/** governors[0] proposed suspending ICBC Liuzhou: one approval of two. */
async function proposalOfGovernorFixture() {
  const f = await loadFixture(membersFixture);
  const proposalId = await f.Consortium.proposalCount();
  const action = f.Consortium.interface.encodeFunctionData("suspendMember", [ORG.BANK_B]);
  await (await f.Consortium.connect(f.governors[0]).propose(action)).wait();
  return { ...f, proposalId };
}

/** A pending proposal with one approval, then the threshold lowered to one: it can be executed. */
async function executableProposalFixture() {
  const f = await loadFixture(proposalOfAnotherGovernorFixture);
  await govern(f.Consortium, f.governors, "setThreshold", [1]);
  return f;
}

/** Consent terms of enterprise 1 for CCB Liuzhou, signed by the enterprise, not yet submitted. */
async function signedConsentFixture() {
  const f = await loadFixture(membersFixture);
  const terms = await defaultTerms(f);
  const signature = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
  const consentId = await f.ConsentRegistry.consentId(terms);
  return { ...f, terms, signature, consentId };
}

/** The fixture consent plus a revocation signed by the enterprise, not yet submitted. */
async function signedRevocationFixture() {
  const f = await loadFixture(consentFixture);
  const revocation = { consentId: f.consentId, nonce: REVOCATION_NONCE, deadline: (await time.latest()) + 3600 };
  const revocationSig = await L.signRevocation(f.enterprise, f.ConsentRegistry, revocation);
  return { ...f, revocation, revocationSig };
}

/** The fixture consent plus a narrowing (rating only, a day shorter) signed by the enterprise. */
async function signedNarrowingFixture() {
  const f = await loadFixture(consentFixture);
  const narrowing = {
    consentId: f.consentId,
    scopes: L.Scope.TaxCreditRating,
    validUntil: BigInt(f.terms.validUntil) - BigInt(DAY),
    nonce: NARROWING_NONCE,
    deadline: (await time.latest()) + 3600,
  };
  const narrowingSig = await L.signNarrowing(f.enterprise, f.ConsentRegistry, narrowing);
  return { ...f, narrowing, narrowingSig };
}

/** A second consent registry, deployed by a spare account, and the access log built for it (not yet wired). */
async function unwiredRegistryFixture() {
  const f = await loadFixture(membersFixture);
  const factory = await ethers.getContractFactory("ConsentRegistry", f.spare[5]);
  const unwired = await factory.deploy(f.Consortium);
  await unwired.waitForDeployment();
  const unwiredLog = await (await ethers.getContractFactory("AccessLog", f.spare[5])).deploy(f.Consortium, unwired);
  await unwiredLog.waitForDeployment();
  return { ...f, unwired, unwiredLog };
}

/** Upgrade: a new registry (deployed by spare[5], same consortium) whose predecessor is the fixture's registry. */
async function successorFixture() {
  const f = await loadFixture(consentFixture);
  const successor = await (await ethers.getContractFactory("ConsentRegistry", f.spare[5])).deploy(f.Consortium);
  await successor.waitForDeployment();
  await (await successor.setPredecessor(f.ConsentRegistry)).wait();
  return { ...f, successor, predecessorAddress: await f.ConsentRegistry.getAddress() };
}

/** Plus enterprise 1's binding taken over. */
async function successorWithBindingFixture() {
  const f = await loadFixture(successorFixture);
  await (await f.successor.connect(f.tax).importBinding(f.cc1)).wait();
  return f;
}

/** Plus the fixture consent taken over, then revoked by the enterprise at the predecessor. */
async function importedRevokedAtPredecessorFixture() {
  const f = await loadFixture(successorWithBindingFixture);
  await (await f.successor.connect(f.tax).importConsent(f.terms)).wait();
  await (await f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId)).wait();
  return f;
}

/** A binding of spare[0] to a third credit code, signed by spare[0] for the Liuzhou bureau, not yet relayed. */
async function signedBindingFixture() {
  const f = await loadFixture(membersFixture);
  const binding = {
    enterprise: f.spare[0].address,
    creditCodeHash: ethers.id("cc-3"),
    taxBureau: ORG.TAX,
    nonce: 1n,
    deadline: BigInt(await time.latest()) + 3600n,
  };
  const bindingSig = await L.signBinding(f.spare[0], f.ConsentRegistry, binding);
  return { ...f, binding, bindingSig };
}

/** spare[0] signs to replace enterprise 2's account (key rotation), for the Liuzhou bureau that bound it. */
async function signedRotationFixture() {
  const f = await loadFixture(membersFixture);
  const binding = {
    enterprise: f.spare[0].address,
    creditCodeHash: f.cc2,
    taxBureau: ORG.TAX,
    nonce: 1n,
    deadline: BigInt(await time.latest()) + 3600n,
  };
  const bindingSig = await L.signBinding(f.spare[0], f.ConsentRegistry, binding);
  return { ...f, binding, bindingSig };
}

const relayBinding = (f, s, fn) =>
  f.ConsentRegistry.connect(s)[fn](
    f.binding.enterprise,
    f.binding.creditCodeHash,
    f.binding.nonce,
    f.binding.deadline,
    f.bindingSig,
  );

/** The fixture consent plus CCB's approved credit decision, not yet used. */
async function decisionFixture() {
  const f = await loadFixture(consentFixture);
  const decisionHash = ethers.id("decision-1");
  await (await f.LoanBook.connect(f.bankA).recordDecision(decisionHash, f.consentId, true)).wait();
  const loanTerms = {
    loanRef: ethers.id("loan-1"),
    decisionHash,
    productCode: PRODUCT.SHUIYIDAI,
    amountFen: 100_000_000n,
    rateBps: 385,
    termMonths: 12,
    purpose: L.LoanPurpose.RnD,
  };
  return { ...f, decisionHash, loanTerms };
}

/** The fixture loan, 30 days overdue. */
async function overdueLoanFixture() {
  const f = await loadFixture(loanFixture);
  await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 30, 5_000_000n)).wait();
  return f;
}

/** The fixture loan plus a batch agreement the guarantor proposed to CCB (70 % coverage, 1 % fee). */
async function proposedAgreementFixture() {
  const f = await loadFixture(loanFixture);
  await (
    await f.GuaranteeBook.connect(f.guarantor).proposeAgreement(
      AGREEMENT_REF,
      ORG.BANK_A,
      7000,
      100,
      200_000_000n,
      1_000_000_000n,
      AGREEMENT_VALID_UNTIL,
    )
  ).wait();
  return f;
}

/** The agreement accepted by CCB. */
async function activeAgreementFixture() {
  const f = await loadFixture(proposedAgreementFixture);
  await (await f.GuaranteeBook.connect(f.bankA).acceptAgreement(AGREEMENT)).wait();
  return f;
}

/** The fixture loan with CCB's invitation of the guarantor to guarantee it. */
async function invitedLoanFixture() {
  const f = await loadFixture(loanFixture);
  await (await f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, ...ANY_TERMS)).wait();
  return f;
}

/** The fixture loan guaranteed at 80 % by the invited guarantor. */
async function guaranteedLoanFixture() {
  const f = await loadFixture(invitedLoanFixture);
  await (await f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 8000, 1_000_000n)).wait();
  return f;
}

/** The guaranteed loan, fully repaid. */
async function repaidGuaranteedLoanFixture() {
  const f = await loadFixture(guaranteedLoanFixture);
  await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, f.loanTerms.amountFen, 3_850_000n)).wait();
  return f;
}

/** The guaranteed loan, defaulted with a loss of 600,000.00 CNY. */
async function defaultedGuaranteedLoanFixture() {
  const f = await loadFixture(guaranteedLoanFixture);
  await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, LOSS)).wait();
  return f;
}

/** The fixture loan plus the regulator's fund (50 %, 5,000,000.00 CNY, covering SHUIYIDAI). */
async function fundFixture() {
  const f = await loadFixture(loanFixture);
  await (
    await f.RiskCompensationFund.connect(f.regulator).createFund(FUND_REF, 5000, 500_000_000n, [PRODUCT.SHUIYIDAI])
  ).wait();
  return f;
}

/** The fund plus the (unguaranteed) fixture loan in default. */
async function defaultedLoanInFundFixture() {
  const f = await loadFixture(fundFixture);
  await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, LOSS)).wait();
  return f;
}

/** CCB's claim on the defaulted loan, filed. */
async function filedClaimFixture() {
  const f = await loadFixture(defaultedLoanInFundFixture);
  await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId)).wait();
  return f;
}

/** The R&D loan's fund-flow ledger opened by CCB (at most 30 % non-R&D). */
async function openFundFlowFixture() {
  const f = await loadFixture(loanFixture);
  await (await f.FundFlowTracker.connect(f.bankA).openFundFlow(f.loanId, 3000)).wait();
  return f;
}

/** The lending bank's entry (index 0) on the opened fund-flow ledger, as its recorder states it. */
const BANK_ENTRY = { category: L.SpendCategory.RnDLabour, amountFen: 20_000_000n, counterpartyHash: COUNTERPARTY, evidenceHash: EVIDENCE };
const REPLACEMENT = { ...BANK_ENTRY, amountFen: 10_000_000n, evidenceHash: ethers.id("evidence/replacement") };

/** Plus one entry recorded by the lending bank. */
async function bankEntryFixture() {
  const f = await loadFixture(openFundFlowFixture);
  const e = BANK_ENTRY;
  await (await f.FundFlowTracker.connect(f.bankA).recordSpending(f.loanId, e.category, e.amountFen, e.counterpartyHash, e.evidenceHash)).wait();
  return f;
}

/** Only the entry's recorder: another recorder (the tax bureau) is told the entry does not match its organization. */
const entryRecorderOnly = (who) =>
  who.name === "TaxBureau"
    ? ["FundFlowEntryMismatch", (f) => [f.loanId, 0]]
    : who.active
      ? ["FundFlowRecorderNotAllowed", (f) => [addressOf(f, who), who.org]]
      : ["MembershipRequired", (f) => [addressOf(f, who), Role.None]];

/** The same state as `setup`, with CCB Liuzhou (the lending bank) suspended by governance. */
const suspendedFixtures = new Map();
function suspendedAfter(setup) {
  if (!suspendedFixtures.has(setup)) {
    const fixture = async function suspendedLenderFixture() {
      const f = await loadFixture(setup);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
      return f;
    };
    suspendedFixtures.set(setup, fixture);
  }
  return suspendedFixtures.get(setup);
}

/** A signer for a contract's own address (to act as the access log towards the registry). */
async function impersonate(contract) {
  const address = await contract.getAddress();
  await impersonateAccount(address);
  await setBalance(address, ethers.parseEther("1"));
  return ethers.getSigner(address);
}

// ------------------------------------------------------------------------------------------------------ tables

/** A governance action: refused to every direct caller, run through a proposal that passes. */
function governanceAction(fn, setup, args, event, eventArgs) {
  return {
    fn,
    allowed: [],
    setup,
    call: (f, s) => f.Consortium.connect(s)[fn](...args(f)),
    contract: (f) => f.Consortium,
    event,
    eventArgs,
    refuse: onlyByProposal,
    extra: [
      {
        name: "a passed proposal",
        send: async (f) => {
          const action = f.Consortium.interface.encodeFunctionData(fn, args(f));
          const id = await f.Consortium.proposalCount();
          await (await f.Consortium.connect(f.governors[0]).propose(action)).wait();
          return f.Consortium.connect(f.governors[1]).approve(id);
        },
      },
    ],
  };
}

const suspendAction = (f) => f.Consortium.interface.encodeFunctionData("suspendMember", [ORG.BANK_B]);

const TABLES = {
  Consortium: [
    governanceAction(
      "admitMember",
      membersFixture,
      (f) => [NEW_ORG, Role.Bank, "New Bank", "https://new-bank.example:7443", "", NEW_KEY, [f.spare[0].address]],
      "MemberAdmitted",
      () => [NEW_ORG, Role.Bank, "New Bank", "https://new-bank.example:7443", "", NEW_KEY],
    ),
    governanceAction(
      "suspendMember",
      membersFixture,
      () => [ORG.BANK_B],
      "MemberSuspended",
      () => [ORG.BANK_B],
    ),
    governanceAction(
      "reinstateMember",
      suspendedBankBFixture,
      () => [ORG.BANK_B],
      "MemberReinstated",
      () => [ORG.BANK_B],
    ),
    governanceAction(
      "removeMember",
      membersFixture,
      () => [ORG.BANK_B],
      "MemberRemoved",
      () => [ORG.BANK_B],
    ),
    governanceAction(
      "changeRole",
      membersFixture,
      () => [ORG.BANK_B, Role.Guarantor],
      "MemberRoleChanged",
      () => [ORG.BANK_B, Role.Bank, Role.Guarantor],
    ),
    governanceAction(
      "changeEncryptionKey",
      membersFixture,
      () => [ORG.BANK_B, NEW_KEY],
      "MemberEncryptionKeyChanged",
      () => [ORG.BANK_B, NEW_KEY],
    ),
    governanceAction(
      "changeEndpoint",
      membersFixture,
      () => [ORG.BANK_B, "https://icbc-2.example:7443", "enode://icbc@10.0.0.2:30303"],
      "MemberEndpointChanged",
      () => [ORG.BANK_B, "https://icbc-2.example:7443", "enode://icbc@10.0.0.2:30303"],
    ),
    governanceAction(
      "changeTlsPins",
      membersFixture,
      () => [ORG.BANK_B, [TLS_PIN]],
      "MemberTlsPinsChanged",
      () => [ORG.BANK_B, TLS_PIN, ethers.ZeroHash],
    ),
    governanceAction(
      "addOperator",
      membersFixture,
      (f) => [ORG.BANK_B, f.spare[0].address],
      "OperatorAdded",
      (f) => [ORG.BANK_B, f.spare[0].address],
    ),
    governanceAction(
      "removeOperator",
      secondOperatorFixture,
      (f) => [ORG.BANK_B, f.spare[0].address],
      "OperatorRemoved",
      (f) => [ORG.BANK_B, f.spare[0].address],
    ),
    governanceAction(
      "addGovernor",
      membersFixture,
      (f) => [f.spare[1].address],
      "GovernorAdded",
      (f) => [f.spare[1].address],
    ),
    governanceAction(
      "removeGovernor",
      membersFixture,
      (f) => [f.governors[2].address],
      "GovernorRemoved",
      (f) => [f.governors[2].address],
    ),
    governanceAction(
      "setThreshold",
      membersFixture,
      () => [3],
      "ThresholdChanged",
      () => [2, 3],
    ),
    {
      // Governance retires an enterprise binding in the registry; the registry emits EnterpriseUnbound.
      ...governanceAction("retireEnterprise", membersFixture, (f) => [f.ConsentRegistry.target, f.enterprise2.address]),
      event: undefined,
      check: async (f) => expect(await f.ConsentRegistry.creditCodeOf(f.enterprise2.address)).to.equal(ZERO),
    },
    {
      fn: "propose",
      allowed: ["Governor"],
      setup: membersFixture,
      call: (f, s) => f.Consortium.connect(s).propose(suspendAction(f)),
      contract: (f) => f.Consortium,
      event: "ProposalCreated",
      eventArgs: async (f, who) => {
        // Pin the block time so the expiry is known exactly.
        const at = (await time.latest()) + 10;
        await time.setNextBlockTimestamp(at);
        const selector = f.Consortium.interface.getFunction("suspendMember").selector;
        return [await f.Consortium.proposalCount(), addressOf(f, who), selector, suspendAction(f), at + 7 * DAY];
      },
      refuse: onlyGovernor,
    },
    {
      fn: "approve",
      allowed: ["Governor"],
      setup: proposalOfAnotherGovernorFixture,
      call: (f, s) => f.Consortium.connect(s).approve(f.proposalId),
      contract: (f) => f.Consortium,
      event: "ProposalApproved",
      eventArgs: (f, who) => [f.proposalId, addressOf(f, who), 2, 2],
      refuse: onlyGovernor,
    },
    {
      fn: "revokeApproval",
      allowed: ["Governor"],
      setup: proposalOfGovernorFixture,
      call: (f, s) => f.Consortium.connect(s).revokeApproval(f.proposalId),
      contract: (f) => f.Consortium,
      event: "ProposalApprovalRevoked",
      eventArgs: (f, who) => [f.proposalId, addressOf(f, who), 0],
      refuse: onlyGovernor,
    },
    {
      fn: "execute",
      allowed: ["Governor"],
      setup: executableProposalFixture,
      call: (f, s) => f.Consortium.connect(s).execute(f.proposalId),
      contract: (f) => f.Consortium,
      event: "ProposalExecuted",
      eventArgs: (f, who) => [f.proposalId, addressOf(f, who)],
      refuse: onlyGovernor,
    },
    {
      fn: "cancel",
      allowed: ["Governor"], // the proposer
      setup: proposalOfGovernorFixture,
      call: (f, s) => f.Consortium.connect(s).cancel(f.proposalId),
      contract: (f) => f.Consortium,
      event: "ProposalCancelled",
      eventArgs: (f, who) => [f.proposalId, addressOf(f, who)],
      // Only a current governor may cancel, and only its own proposal.
      refuse: onlyGovernor,
    },
  ],

  ConsentRegistry: [
    {
      // The enterprise account signs; a tax bureau relays (and only the bureau the signature names).
      fn: "bindEnterprise",
      allowed: ["TaxBureau"],
      setup: signedBindingFixture,
      call: (f, s) => relayBinding(f, s, "bindEnterprise"),
      contract: (f) => f.ConsentRegistry,
      event: "EnterpriseBound",
      eventArgs: (f) => [f.spare[0].address, ethers.id("cc-3"), ORG.TAX],
      refuse: requireMember(Role.TaxBureau),
    },
    {
      // Key recovery: the bureau that made the binding relays the new key's signature.
      fn: "rotateEnterprise",
      allowed: ["TaxBureau"],
      setup: signedRotationFixture,
      call: (f, s) => relayBinding(f, s, "rotateEnterprise"),
      contract: (f) => f.ConsentRegistry,
      event: "EnterpriseBound",
      eventArgs: (f) => [f.spare[0].address, f.cc2, ORG.TAX],
      refuse: requireMember(Role.TaxBureau),
    },
    {
      // The bureau that made the binding, or governance (the consortium contract, by proposal).
      fn: "unbindEnterprise",
      allowed: ["TaxBureau"],
      setup: membersFixture,
      call: (f, s) => f.ConsentRegistry.connect(s).unbindEnterprise(f.enterprise2.address),
      contract: (f) => f.ConsentRegistry,
      event: "EnterpriseUnbound",
      eventArgs: (f) => [f.enterprise2.address, f.cc2, ORG.TAX],
      refuse: requireMember(Role.TaxBureau),
      extra: [{ name: "the Consortium contract (governance)", signer: (f) => impersonate(f.Consortium) }],
    },
    {
      fn: "grantConsent",
      allowed: ["Enterprise"],
      setup: signedConsentFixture,
      call: (f, s) => f.ConsentRegistry.connect(s).grantConsent(f.terms),
      contract: (f) => f.ConsentRegistry,
      event: "ConsentGranted",
      eventArgs: (f, who) => [
        f.consentId,
        f.enterprise.address,
        ORG.BANK_A,
        ORG.TAX,
        f.cc1,
        consentTuple(f.terms),
        addressOf(f, who),
      ],
      // Only the account the terms name may send them itself (no signature is involved, so none is "invalid").
      refuse: onlyEnterprise,
    },
    {
      fn: "grantConsentBySig",
      allowed: MEMBERS,
      setup: signedConsentFixture,
      call: (f, s) => f.ConsentRegistry.connect(s).grantConsentBySig(f.terms, f.signature),
      contract: (f) => f.ConsentRegistry,
      event: "ConsentGranted",
      eventArgs: (f, who) => [
        f.consentId,
        f.enterprise.address,
        ORG.BANK_A,
        ORG.TAX,
        f.cc1,
        consentTuple(f.terms),
        addressOf(f, who),
      ],
      refuse: requireMember(Role.None),
    },
    {
      fn: "revokeConsent",
      allowed: ["Enterprise"],
      setup: consentFixture,
      call: (f, s) => f.ConsentRegistry.connect(s).revokeConsent(f.consentId),
      contract: (f) => f.ConsentRegistry,
      event: "ConsentRevoked",
      eventArgs: (f) => [f.consentId, f.enterprise.address, ORG.BANK_A],
      refuse: onlyEnterprise,
    },
    {
      fn: "revokeConsentBySig",
      allowed: EVERYONE,
      setup: signedRevocationFixture,
      call: (f, s) =>
        f.ConsentRegistry.connect(s).revokeConsentBySig(
          f.consentId,
          f.revocation.nonce,
          f.revocation.deadline,
          f.revocationSig,
        ),
      contract: (f) => f.ConsentRegistry,
      event: "ConsentRevoked",
      eventArgs: (f) => [f.consentId, f.enterprise.address, ORG.BANK_A],
    },
    {
      fn: "narrowConsent",
      allowed: ["Enterprise"],
      setup: consentFixture,
      call: (f, s) =>
        f.ConsentRegistry.connect(s).narrowConsent(
          f.consentId,
          L.Scope.TaxCreditRating,
          BigInt(f.terms.validUntil) - BigInt(DAY),
        ),
      contract: (f) => f.ConsentRegistry,
      event: "ConsentNarrowed",
      eventArgs: (f) => [
        f.consentId,
        f.enterprise.address,
        ORG.BANK_A,
        L.Scope.TaxCreditRating,
        BigInt(f.terms.validUntil) - BigInt(DAY),
      ],
      refuse: onlyEnterprise,
    },
    {
      fn: "narrowConsentBySig",
      allowed: EVERYONE,
      setup: signedNarrowingFixture,
      call: (f, s) =>
        f.ConsentRegistry.connect(s).narrowConsentBySig(
          f.consentId,
          f.narrowing.scopes,
          f.narrowing.validUntil,
          f.narrowing.nonce,
          f.narrowing.deadline,
          f.narrowingSig,
        ),
      contract: (f) => f.ConsentRegistry,
      event: "ConsentNarrowed",
      eventArgs: (f) => [f.consentId, f.enterprise.address, ORG.BANK_A, f.narrowing.scopes, f.narrowing.validUntil],
    },
    {
      // Every account owns its nonces; cancelling one's own is open to all and touches no one else's.
      fn: "invalidateNonce",
      allowed: EVERYONE,
      setup: membersFixture,
      call: (f, s) => f.ConsentRegistry.connect(s).invalidateNonce(99),
      contract: (f) => f.ConsentRegistry,
      event: "NonceInvalidated",
      eventArgs: (f, who) => [addressOf(f, who), 99],
    },
    {
      fn: "consumeFetch",
      allowed: [],
      setup: consentFixture,
      call: (f, s) =>
        f.ConsentRegistry.connect(s).consumeFetch(f.consentId, ORG.BANK_A, L.Scope.TaxCreditRating, f.tax.address),
      contract: (f) => f.ConsentRegistry,
      // consumeFetch emits nothing itself (the access log does); success is the fetch counted.
      check: async (f) => expect((await f.ConsentRegistry.consent(f.consentId)).fetchesInPeriod).to.equal(1n),
      refuse: (who) => ["ConsentOnlyAccessLog", (f) => [addressOf(f, who)]],
      extra: [{ name: "the AccessLog contract", signer: (f) => impersonate(f.AccessLog) }],
    },
    {
      fn: "setAccessLog",
      allowed: [],
      setup: unwiredRegistryFixture,
      call: (f, s) => f.unwired.connect(s).setAccessLog(f.unwiredLog),
      contract: (f) => f.unwired,
      event: "AccessLogSet",
      eventArgs: async (f) => [await f.unwiredLog.getAddress()],
      refuse: (who) => ["ConsentNotDeployer", (f) => [addressOf(f, who)]],
      extra: [{ name: "its deployer", signer: (f) => f.spare[5] }],
    },
    {
      fn: "setPredecessor",
      allowed: [],
      setup: unwiredRegistryFixture,
      call: (f, s) => f.unwired.connect(s).setPredecessor(f.ConsentRegistry),
      contract: (f) => f.unwired,
      event: "PredecessorSet",
      eventArgs: async (f) => [await f.ConsentRegistry.getAddress()],
      refuse: (who) => ["ConsentNotDeployer", (f) => [addressOf(f, who)]],
      extra: [{ name: "its deployer", signer: (f) => f.spare[5] }],
    },
    {
      fn: "importBinding",
      allowed: MEMBERS,
      setup: successorFixture,
      call: (f, s) => f.successor.connect(s).importBinding(f.cc1),
      contract: (f) => f.successor,
      event: "BindingImported",
      eventArgs: (f) => [f.cc1, f.enterprise.address, f.predecessorAddress],
      refuse: requireMember(Role.None),
    },
    {
      fn: "importConsent",
      allowed: MEMBERS,
      setup: successorWithBindingFixture,
      call: (f, s) => f.successor.connect(s).importConsent(f.terms),
      contract: (f) => f.successor,
      event: "ConsentImported",
      eventArgs: (f) => [f.consentId, f.enterprise.address, f.predecessorAddress],
      refuse: requireMember(Role.None),
    },
    {
      fn: "syncRevocation",
      allowed: EVERYONE,
      setup: importedRevokedAtPredecessorFixture,
      call: (f, s) => f.successor.connect(s).syncRevocation(f.consentId),
      contract: (f) => f.successor,
      event: "ConsentRevoked",
      eventArgs: (f) => [f.consentId, f.enterprise.address, ORG.BANK_A],
    },
  ],

  AccessLog: [
    {
      fn: "recordAccess",
      allowed: ["TaxBureau"],
      setup: consentFixture,
      call: (f, s) =>
        f.AccessLog.connect(s).recordAccess(f.consentId, ORG.BANK_A, L.Scope.TaxCreditRating, REQUEST, RESPONSE),
      contract: (f) => f.AccessLog,
      event: "AccessRecorded",
      eventArgs: (f) => [f.consentId, ORG.TAX, ORG.BANK_A, L.Scope.TaxCreditRating, REQUEST, RESPONSE],
      // The registry checks the serving provider (msg.sender of recordAccess) and bubbles its refusal up.
      refuse: requireMember(Role.TaxBureau),
    },
    {
      fn: "recordRefusal",
      allowed: ["TaxBureau"],
      setup: consentFixture,
      call: (f, s) =>
        f.AccessLog.connect(s).recordRefusal(
          f.consentId,
          ORG.BANK_B,
          L.Scope.TaxCreditRating,
          REQUEST,
          L.AccessStatus.WrongConsumer,
        ),
      contract: (f) => f.AccessLog,
      event: "AccessRefused",
      eventArgs: (f) => [
        f.consentId,
        ORG.TAX,
        ORG.BANK_B,
        L.Scope.TaxCreditRating,
        REQUEST,
        L.AccessStatus.WrongConsumer,
        true,
      ],
      refuse: requireMember(Role.TaxBureau),
    },
    {
      fn: "anchor",
      allowed: MEMBERS,
      setup: membersFixture,
      call: (f, s) => f.AccessLog.connect(s).anchor(BATCH, ROOT, 16, L.BatchKind.AccessRecords, "ledger://batch-1"),
      contract: (f) => f.AccessLog,
      event: "BatchAnchored",
      eventArgs: (f, who) => [who.org, BATCH, ROOT, 16, L.BatchKind.AccessRecords, "ledger://batch-1"],
      refuse: requireMember(Role.None),
    },
  ],

  LoanBook: [
    {
      fn: "recordDecision",
      allowed: ["Bank"],
      setup: consentFixture,
      call: (f, s) => f.LoanBook.connect(s).recordDecision(ethers.id("decision-2"), f.consentId, true),
      contract: (f) => f.LoanBook,
      event: "CreditDecisionRecorded",
      eventArgs: (f) => [ethers.id("decision-2"), ORG.BANK_A, f.cc1, f.consentId, true],
      // Another bank may decide, but not on a consent granted to CCB.
      refuse: (who) =>
        who.active && who.role === Role.Bank
          ? ["LoanConsentNotForBank", (f) => [f.consentId, who.org]]
          : requireMember(Role.Bank)(who),
    },
    {
      fn: "disburse",
      allowed: ["Bank"],
      setup: decisionFixture,
      call: (f, s) => f.LoanBook.connect(s).disburse(f.loanTerms),
      contract: (f) => f.LoanBook,
      event: "LoanDisbursed",
      eventArgs: (f) => {
        const t = f.loanTerms;
        return [
          loanIdOf(ORG.BANK_A, t.loanRef),
          ORG.BANK_A,
          f.cc1,
          t.productCode,
          t.amountFen,
          t.rateBps,
          t.termMonths,
          t.purpose,
          f.consentId,
          t.decisionHash,
        ];
      },
      // Decisions are scoped by bank: another bank has no decision of that hash (issue 11 §3).
      refuse: (who) =>
        who.active && who.role === Role.Bank
          ? ["LoanDecisionUnknown", (f) => [f.decisionHash]]
          : requireMember(Role.Bank)(who),
    },
    {
      fn: "recordRepayment",
      allowed: ["Bank"],
      setup: loanFixture,
      call: (f, s) => f.LoanBook.connect(s).recordRepayment(f.loanId, 10_000_000n, 300_000n),
      contract: (f) => f.LoanBook,
      event: "LoanRepaid",
      eventArgs: (f) => [f.loanId, ORG.BANK_A, f.cc1, 10_000_000n, 300_000n, 90_000_000n],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
    {
      fn: "markOverdue",
      allowed: ["Bank"],
      setup: loanFixture,
      call: (f, s) => f.LoanBook.connect(s).markOverdue(f.loanId, 30, 5_000_000n),
      contract: (f) => f.LoanBook,
      event: "LoanOverdue",
      eventArgs: (f) => [f.loanId, ORG.BANK_A, f.cc1, 30, 5_000_000n],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
    {
      fn: "markCurrent",
      allowed: ["Bank"],
      setup: overdueLoanFixture,
      call: (f, s) => f.LoanBook.connect(s).markCurrent(f.loanId),
      contract: (f) => f.LoanBook,
      event: "LoanBackToCurrent",
      eventArgs: (f) => [f.loanId, ORG.BANK_A, f.cc1],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
    {
      fn: "declareDefault",
      allowed: ["Bank"],
      setup: loanFixture,
      call: (f, s) => f.LoanBook.connect(s).declareDefault(f.loanId, LOSS),
      contract: (f) => f.LoanBook,
      event: "LoanDefaulted",
      eventArgs: (f) => [f.loanId, ORG.BANK_A, f.cc1, LOSS],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
  ],

  GuaranteeBook: [
    {
      fn: "inviteGuarantor",
      allowed: ["Bank"],
      setup: loanFixture,
      call: (f, s) => f.GuaranteeBook.connect(s).inviteGuarantor(f.loanId, ORG.GUARANTOR, ...ANY_TERMS),
      contract: (f) => f.GuaranteeBook,
      event: "GuarantorInvited",
      eventArgs: (f) => [f.loanId, ORG.BANK_A, ORG.GUARANTOR, ...ANY_TERMS],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
    {
      fn: "withdrawInvitation",
      allowed: ["Bank"],
      setup: invitedLoanFixture,
      call: (f, s) => f.GuaranteeBook.connect(s).withdrawInvitation(f.loanId),
      contract: (f) => f.GuaranteeBook,
      event: "InvitationWithdrawn",
      eventArgs: (f) => [f.loanId, ORG.BANK_A, ORG.GUARANTOR],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
    {
      fn: "cancelGuarantee",
      allowed: ["Bank"],
      setup: guaranteedLoanFixture,
      call: (f, s) => f.GuaranteeBook.connect(s).cancelGuarantee(f.loanId),
      contract: (f) => f.GuaranteeBook,
      event: "GuaranteeCancelled",
      eventArgs: (f) => [f.loanId, ORG.GUARANTOR, ORG.BANK_A, f.cc1, ZERO],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
    {
      fn: "guaranteeLoan",
      allowed: ["Guarantor"],
      setup: invitedLoanFixture,
      call: (f, s) => f.GuaranteeBook.connect(s).guaranteeLoan(f.loanId, 8000, 1_000_000n),
      contract: (f) => f.GuaranteeBook,
      event: "LoanGuaranteed",
      eventArgs: (f) => [f.loanId, ORG.GUARANTOR, f.cc1, ORG.BANK_A, ZERO, 8000, 1_000_000n],
      refuse: requireMember(Role.Guarantor),
    },
    {
      fn: "proposeAgreement",
      allowed: ["Guarantor"],
      setup: membersFixture,
      call: (f, s) =>
        f.GuaranteeBook.connect(s).proposeAgreement(
          AGREEMENT_REF,
          ORG.BANK_A,
          7000,
          100,
          200_000_000n,
          1_000_000_000n,
          AGREEMENT_VALID_UNTIL,
        ),
      contract: (f) => f.GuaranteeBook,
      event: "AgreementProposed",
      eventArgs: () => [
        AGREEMENT,
        ORG.GUARANTOR,
        ORG.BANK_A,
        7000,
        100,
        200_000_000n,
        1_000_000_000n,
        AGREEMENT_VALID_UNTIL,
      ],
      refuse: requireMember(Role.Guarantor),
    },
    {
      fn: "acceptAgreement",
      allowed: ["Bank"],
      setup: proposedAgreementFixture,
      call: (f, s) => f.GuaranteeBook.connect(s).acceptAgreement(AGREEMENT),
      contract: (f) => f.GuaranteeBook,
      event: "AgreementAccepted",
      eventArgs: () => [AGREEMENT, ORG.GUARANTOR, ORG.BANK_A],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
    {
      fn: "terminateAgreement",
      allowed: ["Bank", "Guarantor"],
      setup: activeAgreementFixture,
      call: (f, s) => f.GuaranteeBook.connect(s).terminateAgreement(AGREEMENT),
      contract: (f) => f.GuaranteeBook,
      event: "AgreementTerminated",
      eventArgs: (f, who) => [AGREEMENT, who.org],
      refuse: requireParty(ORG.GUARANTOR, ORG.BANK_A),
    },
    {
      fn: "enrollLoan",
      allowed: ["Bank"],
      setup: activeAgreementFixture,
      call: (f, s) => f.GuaranteeBook.connect(s).enrollLoan(AGREEMENT, f.loanId),
      contract: (f) => f.GuaranteeBook,
      event: "LoanGuaranteed",
      // fee = 1,000,000.00 CNY × 1 %
      eventArgs: (f) => [f.loanId, ORG.GUARANTOR, f.cc1, ORG.BANK_A, AGREEMENT, 7000, 1_000_000n],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
    {
      fn: "releaseGuarantee",
      allowed: ["Bank", "Guarantor"],
      setup: repaidGuaranteedLoanFixture,
      call: (f, s) => f.GuaranteeBook.connect(s).releaseGuarantee(f.loanId),
      contract: (f) => f.GuaranteeBook,
      event: "GuaranteeReleased",
      eventArgs: (f) => [f.loanId, ORG.GUARANTOR, ZERO],
      refuse: requireParty(ORG.GUARANTOR, ORG.BANK_A),
    },
    {
      fn: "recordPayout",
      allowed: ["Guarantor"],
      setup: defaultedGuaranteedLoanFixture,
      call: (f, s) => f.GuaranteeBook.connect(s).recordPayout(f.loanId, 40_000_000n),
      contract: (f) => f.GuaranteeBook,
      event: "GuaranteePaidOut",
      // an instalment of 400,000.00 CNY of the 480,000.00 CNY owed (80 % of the loss)
      eventArgs: (f) => [f.loanId, ORG.GUARANTOR, ORG.BANK_A, f.cc1, 40_000_000n, 40_000_000n, 48_000_000n, LOSS],
      refuse: requireOperatorOf(() => ORG.GUARANTOR, Role.Guarantor),
    },
  ],

  RiskCompensationFund: [
    {
      fn: "createFund",
      allowed: ["Regulator"],
      setup: membersFixture,
      call: (f, s) => f.RiskCompensationFund.connect(s).createFund(FUND_REF, 5000, 500_000_000n, [PRODUCT.SHUIYIDAI]),
      contract: (f) => f.RiskCompensationFund,
      event: "FundCreated",
      eventArgs: () => [FUND, ORG.REGULATOR, 5000, 500_000_000n, GRACE],
      refuse: requireMember(Role.Regulator),
    },
    {
      fn: "topUp",
      allowed: ["Regulator"],
      setup: fundFixture,
      call: (f, s) => f.RiskCompensationFund.connect(s).topUp(FUND, 100_000_000n),
      contract: (f) => f.RiskCompensationFund,
      event: "FundToppedUp",
      eventArgs: () => [FUND, 100_000_000n, 600_000_000n],
      refuse: requireOperatorOf(() => ORG.REGULATOR, Role.Regulator),
    },
    {
      fn: "setRatio",
      allowed: ["Regulator"],
      setup: fundFixture,
      call: (f, s) => f.RiskCompensationFund.connect(s).setRatio(FUND, 7000),
      contract: (f) => f.RiskCompensationFund,
      event: "FundRatioChanged",
      eventArgs: () => [FUND, 5000, 7000],
      refuse: requireOperatorOf(() => ORG.REGULATOR, Role.Regulator),
    },
    {
      fn: "setGracePeriod",
      allowed: ["Regulator"],
      setup: fundFixture,
      call: (f, s) => f.RiskCompensationFund.connect(s).setGracePeriod(FUND, 30 * DAY),
      contract: (f) => f.RiskCompensationFund,
      event: "FundGracePeriodChanged",
      eventArgs: () => [FUND, GRACE, 30 * DAY],
      refuse: requireOperatorOf(() => ORG.REGULATOR, Role.Regulator),
    },
    {
      fn: "setProductEligibility",
      allowed: ["Regulator"],
      setup: fundFixture,
      call: (f, s) => f.RiskCompensationFund.connect(s).setProductEligibility(FUND, PRODUCT.YINSHUIDAI, true),
      contract: (f) => f.RiskCompensationFund,
      event: "FundProductEligibilitySet",
      eventArgs: () => [FUND, PRODUCT.YINSHUIDAI, false, true],
      refuse: requireOperatorOf(() => ORG.REGULATOR, Role.Regulator),
    },
    {
      fn: "fileClaim",
      allowed: ["Bank"],
      setup: defaultedLoanInFundFixture,
      call: (f, s) => f.RiskCompensationFund.connect(s).fileClaim(FUND, f.loanId),
      contract: (f) => f.RiskCompensationFund,
      event: "ClaimFiled",
      // 50 % of the 600,000.00 CNY loss is due
      eventArgs: (f) => [f.loanId, FUND, ORG.BANK_A, f.cc1, LOSS, 30_000_000n],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
    {
      fn: "approveClaim",
      allowed: ["Regulator"],
      setup: filedClaimFixture,
      call: (f, s) => f.RiskCompensationFund.connect(s).approveClaim(FUND, f.loanId),
      contract: (f) => f.RiskCompensationFund,
      event: "ClaimPaid",
      // 50 % of the 600,000.00 CNY loss, from a 5,000,000.00 CNY balance
      eventArgs: (f) => [
        f.loanId,
        FUND,
        ORG.BANK_A,
        f.cc1,
        LOSS,
        30_000_000n,
        30_000_000n,
        30_000_000n,
        470_000_000n,
        true,
      ],
      refuse: requireOperatorOf(() => ORG.REGULATOR, Role.Regulator),
    },
    {
      fn: "rejectClaim",
      allowed: ["Regulator"],
      setup: filedClaimFixture,
      call: (f, s) => f.RiskCompensationFund.connect(s).rejectClaim(FUND, f.loanId, 3),
      contract: (f) => f.RiskCompensationFund,
      event: "ClaimRejected",
      eventArgs: (f) => [f.loanId, FUND, ORG.BANK_A, f.cc1, 3],
      refuse: requireOperatorOf(() => ORG.REGULATOR, Role.Regulator),
    },
    {
      fn: "withdrawClaim",
      allowed: ["Bank"],
      setup: filedClaimFixture,
      call: (f, s) => f.RiskCompensationFund.connect(s).withdrawClaim(FUND, f.loanId),
      contract: (f) => f.RiskCompensationFund,
      event: "ClaimWithdrawn",
      eventArgs: (f) => [f.loanId, FUND, ORG.BANK_A, f.cc1],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
  ],

  FundFlowTracker: [
    {
      fn: "openFundFlow",
      allowed: ["Bank"],
      setup: loanFixture,
      call: (f, s) => f.FundFlowTracker.connect(s).openFundFlow(f.loanId, 3000),
      contract: (f) => f.FundFlowTracker,
      event: "FundFlowOpened",
      eventArgs: (f) => [f.loanId, ORG.BANK_A, f.cc1, 3000],
      refuse: requireOperatorOf(() => ORG.BANK_A, Role.Bank),
    },
    {
      fn: "recordSpending",
      allowed: ["Bank", "TaxBureau"],
      setup: openFundFlowFixture,
      call: (f, s) =>
        f.FundFlowTracker.connect(s).recordSpending(
          f.loanId,
          L.SpendCategory.RnDLabour,
          20_000_000n,
          COUNTERPARTY,
          EVIDENCE,
        ),
      contract: (f) => f.FundFlowTracker,
      event: "SpendingRecorded",
      eventArgs: (f, who) => [f.loanId, who.org, EVIDENCE, 0, L.SpendCategory.RnDLabour, 20_000_000n, COUNTERPARTY, 0],
      refuse: (who) =>
        who.active
          ? ["FundFlowRecorderNotAllowed", (f) => [addressOf(f, who), who.org]]
          : ["MembershipRequired", (f) => [addressOf(f, who), Role.None]],
    },
    {
      fn: "reverseSpending",
      allowed: ["Bank"],
      setup: bankEntryFixture,
      call: (f, s) => f.FundFlowTracker.connect(s).reverseSpending(f.loanId, 0, BANK_ENTRY, ethers.ZeroHash),
      contract: (f) => f.FundFlowTracker,
      event: "SpendingReversed",
      eventArgs: (f, who) => [f.loanId, who.org, 0, BANK_ENTRY.category, BANK_ENTRY.amountFen, ethers.ZeroHash, 0],
      refuse: entryRecorderOnly,
    },
    {
      fn: "correctSpending",
      allowed: ["Bank"],
      setup: bankEntryFixture,
      call: (f, s) => f.FundFlowTracker.connect(s).correctSpending(f.loanId, 0, BANK_ENTRY, REPLACEMENT),
      contract: (f) => f.FundFlowTracker,
      event: "SpendingCorrected",
      eventArgs: (f, who) => [f.loanId, who.org, 0, 1],
      refuse: entryRecorderOnly,
    },
  ],
};

// ------------------------------------------------------------------------------------- counterparty axis

/** The regulator's fund plus the guaranteed loan (80 %) in default: the guarantor owes 480,000.00 CNY. */
async function defaultedGuaranteedLoanInFundFixture() {
  const f = await loadFixture(defaultedGuaranteedLoanFixture);
  await (
    await f.RiskCompensationFund.connect(f.regulator).createFund(FUND_REF, 5000, 500_000_000n, [PRODUCT.SHUIYIDAI])
  ).wait();
  return f;
}

const COUNTERPARTY_STATES = [
  { name: "active", action: null },
  { name: "suspended", action: "suspendMember" },
  { name: "removed", action: "removeMember" },
];

/** The same state as `setup`, with `org` suspended or removed by governance (`action`). */
const counterpartyFixtures = new Map();
function counterpartyAfter(setup, org, action) {
  const key = `${setup.name}/${org}/${action}`;
  if (!counterpartyFixtures.has(key)) {
    const fixture = {
      [`${setup.name}_${action}`]: async function () {
        const f = await loadFixture(setup);
        await govern(f.Consortium, f.governors, action, [org]);
        return f;
      },
    }[`${setup.name}_${action}`];
    counterpartyFixtures.set(key, fixture);
  }
  return counterpartyFixtures.get(key);
}

const inactiveGuarantor = () => ["GuaranteeCounterpartyInactive", () => [ORG.GUARANTOR, Role.Guarantor]];
const inactiveLendingBank = () => ["GuaranteeCounterpartyInactive", () => [ORG.BANK_A, Role.Bank]];

/**
 * Rows: the caller (an active member allowed to call), the counterparty it names, the fixture, the call, and per
 * counterparty state either `success` (the event and its arguments) or a refusal [error, args(f)].
 */
const COUNTERPARTY_ROWS = [
  {
    contract: "GuaranteeBook",
    fn: "acceptAgreement",
    caller: "Bank",
    counterparty: { name: "guarantor", org: ORG.GUARANTOR },
    setup: proposedAgreementFixture,
    call: (f) => f.GuaranteeBook.connect(f.bankA).acceptAgreement(AGREEMENT),
    success: ["AgreementAccepted", () => [AGREEMENT, ORG.GUARANTOR, ORG.BANK_A]],
    inactive: inactiveGuarantor,
  },
  {
    contract: "GuaranteeBook",
    fn: "enrollLoan",
    caller: "Bank",
    counterparty: { name: "guarantor", org: ORG.GUARANTOR },
    setup: activeAgreementFixture,
    call: (f) => f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId),
    success: ["LoanGuaranteed", (f) => [f.loanId, ORG.GUARANTOR, f.cc1, ORG.BANK_A, AGREEMENT, 7000, 1_000_000n]],
    inactive: inactiveGuarantor,
  },
  {
    contract: "GuaranteeBook",
    fn: "inviteGuarantor",
    caller: "Bank",
    counterparty: { name: "guarantor", org: ORG.GUARANTOR },
    setup: loanFixture,
    call: (f) => f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, ...ANY_TERMS),
    success: ["GuarantorInvited", (f) => [f.loanId, ORG.BANK_A, ORG.GUARANTOR, ...ANY_TERMS]],
    inactive: inactiveGuarantor,
  },
  {
    contract: "GuaranteeBook",
    fn: "guaranteeLoan",
    caller: "Guarantor",
    counterparty: { name: "lending bank", org: ORG.BANK_A },
    setup: invitedLoanFixture,
    call: (f) => f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 8000, 1_000_000n),
    success: ["LoanGuaranteed", (f) => [f.loanId, ORG.GUARANTOR, f.cc1, ORG.BANK_A, ZERO, 8000, 1_000_000n]],
    inactive: inactiveLendingBank,
  },
  {
    contract: "GuaranteeBook",
    fn: "proposeAgreement",
    caller: "Guarantor",
    counterparty: { name: "bank", org: ORG.BANK_A },
    setup: membersFixture,
    call: (f) =>
      f.GuaranteeBook.connect(f.guarantor).proposeAgreement(
        AGREEMENT_REF,
        ORG.BANK_A,
        7000,
        100,
        200_000_000n,
        1_000_000_000n,
        AGREEMENT_VALID_UNTIL,
      ),
    success: [
      "AgreementProposed",
      () => [AGREEMENT, ORG.GUARANTOR, ORG.BANK_A, 7000, 100, 200_000_000n, 1_000_000_000n, AGREEMENT_VALID_UNTIL],
    ],
    inactive: inactiveLendingBank,
  },
  {
    contract: "RiskCompensationFund",
    fn: "fileClaim",
    caller: "Bank",
    counterparty: { name: "fund's regulator", org: ORG.REGULATOR },
    setup: defaultedLoanInFundFixture,
    call: (f) => f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId),
    success: ["ClaimFiled", (f) => [f.loanId, FUND, ORG.BANK_A, f.cc1, LOSS, 30_000_000n]],
    inactive: () => ["CompensationFundInactive", () => [FUND, ORG.REGULATOR]],
  },
  {
    // The other way round: an active guarantor within its grace period holds the claim; an inactive one does not,
    // and the claim is filed with its obligation (80 % of the loss) netted out all the same.
    contract: "RiskCompensationFund",
    fn: "fileClaim",
    caller: "Bank",
    counterparty: { name: "guarantor of the loan, unpaid within its grace period,", org: ORG.GUARANTOR },
    setup: defaultedGuaranteedLoanInFundFixture,
    call: (f) => f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId),
    activeError: "CompensationGuaranteePending",
    active: async (f) => [
      "CompensationGuaranteePending",
      [f.loanId, 48_000_000n, 0n, (await f.LoanBook.loan(f.loanId)).defaultedAt + BigInt(GRACE)],
    ],
    success: ["GuarantorFailedToPay", (f) => [f.loanId, ORG.GUARANTOR, ORG.BANK_A, FUND, f.cc1, 48_000_000n, 0n]],
    inactiveSucceeds: true,
  },
];

// ------------------------------------------------------------------------------------------------- generation

async function expectSuccess(row, f, who, send) {
  if (row.event) {
    const args = await row.eventArgs(f, who);
    await expect(send())
      .to.emit(row.contract(f), row.event)
      .withArgs(...args);
  } else {
    await (await send()).wait();
    await row.check(f, who);
  }
}

async function expectRefusal(row, f, who, send) {
  const [error, args] = row.refuse(who);
  await expect(send())
    .to.be.revertedWithCustomError(row.contract(f), error)
    .withArgs(...args(f));
}

const successTitle = (row) => `succeeds${row.event ? ` and emits ${row.event}` : ""}`;
const isOpen = (row) => row.allowed.includes("NonMember");

describe("role matrix", function () {
  for (const [contractName, rows] of Object.entries(TABLES)) {
    describe(contractName, function () {
      it(`covers every state-changing function of ${contractName}`, async function () {
        const { abi } = await artifacts.readArtifact(contractName);
        const stateChanging = abi
          .filter((e) => e.type === "function" && !["view", "pure"].includes(e.stateMutability))
          .map((e) => e.name)
          .sort();
        expect(rows.map((r) => r.fn).sort()).to.deep.equal(stateChanging);
      });

      for (const row of rows) {
        for (const who of ROLES) {
          if (row.allowed.includes(who.name)) {
            it(`${contractName}.${row.fn} by ${who.name} ${successTitle(row)}`, async function () {
              const f = await loadFixture(row.setup);
              await expectSuccess(row, f, who, () => row.call(f, who.signer(f)));
            });
          } else {
            const [error] = row.refuse(who);
            it(`${contractName}.${row.fn} by ${who.name} is refused with ${error}`, async function () {
              const f = await loadFixture(row.setup);
              await expectRefusal(row, f, who, () => row.call(f, who.signer(f)));
            });
          }
        }
        for (const extra of row.extra ?? []) {
          it(`${contractName}.${row.fn} by ${extra.name} ${successTitle(row)}`, async function () {
            const f = await loadFixture(row.setup);
            const caller = { name: extra.name, org: ZERO };
            if (extra.send) {
              await expectSuccess(row, f, caller, () => extra.send(f));
            } else {
              const signer = await extra.signer(f);
              await expectSuccess(row, f, { ...caller, signer: () => signer }, () => row.call(f, signer));
            }
          });
        }
      }
    });
  }

  describe("a suspended member", function () {
    it("is suspended by governance and no longer an active operator", async function () {
      const f = await loadFixture(suspendedAfter(membersFixture));
      expect(await f.Consortium.isActiveOperator(f.bankA.address, Role.Bank)).to.equal(false);
      expect((await f.Consortium.memberSummary(ORG.BANK_A)).status).to.equal(BigInt(L.MemberStatus.Suspended));
    });

    for (const [contractName, rows] of Object.entries(TABLES)) {
      for (const row of rows.filter((r) => r.allowed.includes("Bank"))) {
        if (isOpen(row)) {
          // Functions that need no membership stay open to the account of a suspended member.
          it(`${contractName}.${row.fn} by ${SUSPENDED_BANK.name} still ${successTitle(row)}`, async function () {
            const f = await loadFixture(suspendedAfter(row.setup));
            await expectSuccess(row, f, SUSPENDED_BANK, () => row.call(f, f.bankA));
          });
        } else {
          const [error] = row.refuse(SUSPENDED_BANK);
          it(`${contractName}.${row.fn} by ${SUSPENDED_BANK.name} is refused with ${error}`, async function () {
            const f = await loadFixture(suspendedAfter(row.setup));
            await expectRefusal(row, f, SUSPENDED_BANK, () => row.call(f, f.bankA));
          });
        }
      }
    }

    it("LoanBook.recordRepayment by Bank succeeds again once the bank is reinstated", async function () {
      const f = await loadFixture(suspendedAfter(loanFixture));
      await govern(f.Consortium, f.governors, "reinstateMember", [ORG.BANK_A]);
      await expect(f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, 10_000_000n, 300_000n))
        .to.emit(f.LoanBook, "LoanRepaid")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 10_000_000n, 300_000n, 90_000_000n);
    });

    // The suspended bank named by someone else's allowed call: the counterparty must be active too.
    it("ConsentRegistry.grantConsentBySig by TaxBureau naming the suspended bank as consumer is refused with ConsentConsumerIneligible", async function () {
      const f = await loadFixture(suspendedAfter(signedConsentFixture));
      await expect(f.ConsentRegistry.connect(f.tax).grantConsentBySig(f.terms, f.signature))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentConsumerIneligible")
        .withArgs(f.consentId, ORG.BANK_A);
    });

    it("AccessLog.recordAccess by TaxBureau for the suspended bank is refused with ConsentConsumerIneligible", async function () {
      const f = await loadFixture(suspendedAfter(consentFixture));
      await expect(
        f.AccessLog.connect(f.tax).recordAccess(f.consentId, ORG.BANK_A, L.Scope.TaxCreditRating, REQUEST, RESPONSE),
      )
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentConsumerIneligible")
        .withArgs(f.consentId, ORG.BANK_A);
    });

    it("GuaranteeBook.proposeAgreement by Guarantor to the suspended bank is refused with GuaranteeCounterpartyInactive", async function () {
      const f = await loadFixture(suspendedAfter(membersFixture));
      await expect(
        f.GuaranteeBook.connect(f.guarantor).proposeAgreement(
          AGREEMENT_REF,
          ORG.BANK_A,
          7000,
          100,
          200_000_000n,
          1_000_000_000n,
          AGREEMENT_VALID_UNTIL,
        ),
      )
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeCounterpartyInactive")
        .withArgs(ORG.BANK_A, Role.Bank);
    });
  });

  describe("the counterparty's state", function () {
    for (const row of COUNTERPARTY_ROWS) {
      for (const state of COUNTERPARTY_STATES) {
        const succeeds = state.action ? !!row.inactiveSucceeds : !row.active;
        const refusal = state.action ? row.inactive?.()[0] : row.activeError;
        const outcome = succeeds ? `succeeds and emits ${row.success[0]}` : `is refused with ${refusal}`;
        it(`${row.contract}.${row.fn} by ${row.caller} with the ${row.counterparty.name} ${state.name} ${outcome}`, async function () {
          const setup = state.action ? counterpartyAfter(row.setup, row.counterparty.org, state.action) : row.setup;
          const f = await loadFixture(setup);
          const contract = f[row.contract];
          if (succeeds) {
            const [event, args] = row.success;
            await expect(row.call(f))
              .to.emit(contract, event)
              .withArgs(...args(f));
          } else {
            const [error, args] = state.action ? [row.inactive()[0], row.inactive()[1](f)] : await row.active(f);
            expect(error).to.equal(refusal);
            await expect(row.call(f))
              .to.be.revertedWithCustomError(contract, error)
              .withArgs(...args);
          }
        });
      }
    }
  });
});
