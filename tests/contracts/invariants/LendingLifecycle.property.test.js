"use strict";

// Randomized lifecycle of lending (issue 11 §5): decisions, disbursements, invitations and guarantees, batch
// agreements (proposed, accepted, loans enrolled, terminated, guarantees released or cancelled), repayments,
// overdue and default, guarantor payments in instalments, claims at two funds (filed, approved while the balance
// runs out, topped up, rejected, withdrawn), parameter changes, suspensions, reinstatements and removals of members
// through the consortium's governance, and time jumps past guarantors' grace periods.
//
// Each run starts from the same fixture (loadFixture reverts to its snapshot) and plays a random sequence. A step
// either succeeds or is refused with one of the contracts' custom errors — never a panic (overflow, division) or an
// untyped revert. After every step the invariants below are checked against the chain state: the funds and the
// agreements are re-read after every step, so is every loan the step acted on (with its guarantee, invitation and
// claims at both funds); every REACH_EVERY steps and at the end of a run every loan is re-read.
//   - each fund: balance + paid == what was put in (creation + top-ups), so paid never exceeds it, and paid is the
//     sum of its claims' payouts;
//   - each claim: payout <= due; net loss == loss − the guarantor's obligation (loss × coverage) at filing, and
//     due == net loss × the fund's ratio at filing, whatever the guarantor had paid;
//   - each guarantee: what the guarantor paid <= loss × coverage, and nothing before default;
//   - each agreement: used == the sum of the amounts of its live (neither released nor cancelled) enrolments, and
//     used <= total limit;
//   - each loan: at most one live (filed or paid) claim, and liveClaim names it;
//   - every filed claim can still reach Paid, Rejected or Withdrawn. A view-level check every step (nothing paid:
//     the regulator can reject it or the bank withdraw it; partly paid: its regulator can still pay, the balance
//     being the only thing missing), and every REACH_EVERY steps and at the end of a run an actual one: from an
//     evm_snapshot, governance reinstates every suspended member, then each filed claim is driven to Rejected and
//     to Withdrawn (when nothing was paid) and to Paid after a top-up, and everything is reverted.
//
// The seed and the number of runs are fixed, with no time limit, so CI replays the same sequences and never runs
// fewer; on a failure fast-check prints the shrunk sequence and the error carries the last steps.
// LENDING_TRACE=1 prints every run's steps and the tally of outcomes; LENDING_NO_SHRINK=1 reports the first failing
// sequence without shrinking it (faster while debugging).
//
// Banks and guarantors may be suspended, reinstated or removed; regulators are only suspended and reinstated. A
// removed regulator's fund can never act again, so a claim partly paid there could never be completed (nor
// rejected or withdrawn, as it is partly paid) and stays the loan's live claim: that is a governance matter the
// contracts leave open, not a state this test should reach.

const { expect } = require("chai");
const fc = require("fast-check");
const { ethers } = require("hardhat");
const { loadFixture, time } = require("@nomicfoundation/hardhat-network-helpers");
const {
  L,
  ORG,
  PRODUCT,
  govern,
  encryptionKey,
  consentFixture,
  defaultTerms,
  grantBySig,
} = require("../helpers/fixtures");

const { Role, LoanStatus, LoanPurpose, MemberStatus } = L;
const ClaimStatus = Object.freeze({ None: 0n, Filed: 1n, Paid: 2n, Rejected: 3n, Withdrawn: 4n });
const AgreementStatus = Object.freeze({ None: 0n, Proposed: 1n, Active: 2n, Terminated: 3n });
const DAY = 86400;
const BPS = 10_000n;
const GAS = { gasLimit: 1_500_000 }; // explicit: no estimation round trip, a refusal is reported by the send
const cny = (n) => BigInt(n) * 100n;

const SEED = 20251;
const RUNS = 12;
const MIN_STEPS = 50;
const MAX_STEPS = 90;
const REACH_EVERY = 10;

const GUARANTOR_2 = L.orgId(ethers, "guarantor.liuzhou");
const REGULATOR_2 = L.orgId(ethers, "regulator.gx");
const FUNDS = [
  {
    id: ethers.id("fund/liuzhou"),
    regulator: ORG.REGULATOR,
    ratioBps: 4000n,
    balance: cny(3_000_000),
    products: [PRODUCT.SHUIYIDAI],
  },
  {
    id: ethers.id("fund/guangxi"),
    regulator: REGULATOR_2,
    ratioBps: 6000n,
    balance: cny(500_000),
    products: [PRODUCT.SHUIYIDAI, PRODUCT.YINSHUIDAI],
  },
];
const BANKS = [ORG.BANK_A, ORG.BANK_B];
const GUARANTORS = [ORG.GUARANTOR, GUARANTOR_2];
/** Members a step may suspend (and reinstate); the last two may also be removed for good. */
const SUSPENDABLE = [ORG.BANK_A, ORG.BANK_B, ORG.GUARANTOR, GUARANTOR_2, ORG.REGULATOR, REGULATOR_2];
const REMOVABLE = [ORG.BANK_B, GUARANTOR_2];

// ------------------------------------------------------------------------------------------------ fixture

/**
 * The consortium with two banks, two guarantors (the second operated by spare[0]) and two regulators (the second
 * by spare[1]); enterprise 1's consents for both banks, valid for 20 years; and the two funds of FUNDS.
 */
async function lendingWorldFixture() {
  const f = await loadFixture(consentFixture);
  const now = await time.latest();
  const long = { validFrom: now, validUntil: now + 20 * 365 * DAY };
  const consents = {
    [ORG.BANK_A]: await grantBySig(f, await defaultTerms(f, { ...long, consumer: ORG.BANK_A, nonce: 11 })),
    [ORG.BANK_B]: await grantBySig(f, await defaultTerms(f, { ...long, consumer: ORG.BANK_B, nonce: 12 })),
  };
  const admit = (org, role, name, signer) =>
    govern(f.Consortium, f.governors, "admitMember", [
      org,
      role,
      name,
      `https://${name.toLowerCase().replace(/\s+/g, "-")}.example:7443`,
      "",
      encryptionKey(name),
      [signer.address],
    ]);
  await admit(GUARANTOR_2, Role.Guarantor, "Liuzhou Guarantee", f.spare[0]);
  await admit(REGULATOR_2, Role.Regulator, "Guangxi Finance Bureau", f.spare[1]);
  const signers = {
    [ORG.BANK_A]: f.bankA,
    [ORG.BANK_B]: f.bankB,
    [ORG.GUARANTOR]: f.guarantor,
    [GUARANTOR_2]: f.spare[0],
    [ORG.REGULATOR]: f.regulator,
    [REGULATOR_2]: f.spare[1],
  };
  for (const fund of FUNDS) {
    await (
      await f.RiskCompensationFund.connect(signers[fund.regulator]).createFund(
        fund.id,
        fund.ratioBps,
        fund.balance,
        fund.products,
      )
    ).wait();
  }
  // Four running loans, two per bank, and an active agreement of the guarantor with bank A.
  const loans = [];
  for (const [i, bank] of [ORG.BANK_A, ORG.BANK_B, ORG.BANK_A, ORG.BANK_B].entries()) {
    const decisionHash = ethers.id(`decision/initial/${i}`);
    const loanId = ethers.id(`loan/initial/${i}`);
    await (await f.LoanBook.connect(signers[bank]).recordDecision(decisionHash, consents[bank], true)).wait();
    await (
      await f.LoanBook.connect(signers[bank]).disburse({
        loanId,
        decisionHash,
        productCode: i % 2 === 0 ? PRODUCT.SHUIYIDAI : PRODUCT.YINSHUIDAI,
        amountFen: cny(300_000 * (i + 1)),
        rateBps: 400,
        termMonths: 12,
        purpose: LoanPurpose.RnD,
      })
    ).wait();
    loans.push({ id: loanId, bank });
  }
  const agreement = { id: ethers.id("agreement/initial"), guarantor: ORG.GUARANTOR, bank: ORG.BANK_A };
  await (
    await f.GuaranteeBook.connect(f.guarantor).proposeAgreement(
      agreement.id,
      ORG.BANK_A,
      6000,
      100,
      cny(1_000_000),
      cny(2_500_000),
      now + 200 * DAY,
    )
  ).wait();
  await (await f.GuaranteeBook.connect(f.bankA).acceptAgreement(agreement.id)).wait();
  return { ...f, consents, signers, loans, agreements: [agreement] };
}

// ------------------------------------------------------------------------------------------------ steps

const KINDS = [
  ...Array(6).fill("lend"),
  ...Array(6).fill("invite"),
  ...Array(8).fill("guarantee"),
  "withdrawInvitation",
  "cancelGuarantee",
  ...Array(2).fill("propose"),
  ...Array(2).fill("accept"),
  ...Array(3).fill("enrol"),
  "terminate",
  "release",
  ...Array(3).fill("repay"),
  ...Array(2).fill("overdue"),
  "current",
  ...Array(5).fill("default"),
  ...Array(6).fill("payout"),
  ...Array(7).fill("file"),
  ...Array(5).fill("approve"),
  ...Array(2).fill("reject"),
  ...Array(2).fill("withdrawClaim"),
  ...Array(2).fill("topUp"),
  "param",
  ...Array(2).fill("member"),
  ...Array(4).fill("time"),
];

const step = fc.record({
  kind: fc.constantFrom(...KINDS),
  p: fc.nat(), // which loan / agreement / claim / fund / member
  q: fc.nat(), // a second choice (fund, bank, guarantor, mode)
  r: fc.integer({ min: 0, max: 10_000 }), // a share in basis points
  s: fc.integer({ min: 1, max: 8 }), // a small count (steps until reinstatement, days, ...)
  off: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), // one in ten picks off the sensible targets
});

// ------------------------------------------------------------------------------------------------ errors

/** The custom error a refused call reverted with, as [name, args]; fails on a panic or an undecodable revert. */
function refusal(error, contracts) {
  const data = error.data ?? error.error?.data ?? error.info?.error?.data;
  if (typeof data !== "string" || data.length < 10) throw error;
  if (data.startsWith("0x4e487b71")) {
    throw new Error(`panic ${BigInt("0x" + data.slice(10))} instead of a custom error: ${error.message}`);
  }
  for (const c of contracts) {
    const parsed = c.interface.parseError(data);
    if (parsed) return [parsed.name, parsed.args];
  }
  throw new Error(`revert data ${data} is no custom error of the lending contracts: ${error.message}`);
}

// ------------------------------------------------------------------------------------------------ one run

async function runSequence(steps) {
  const f = await loadFixture(lendingWorldFixture);
  const { LoanBook, GuaranteeBook, RiskCompensationFund: Fund, Consortium } = f;
  const lending = [LoanBook, GuaranteeBook, Fund];
  const trail = [];
  const outcomes = {};

  // What the chain cannot tell: what went into each fund, each fund's ratio when a claim was filed.
  const model = {
    putIn: Object.fromEntries(FUNDS.map((x) => [x.id, x.balance])),
    ratio: Object.fromEntries(FUNDS.map((x) => [x.id, x.ratioBps])),
    status: Object.fromEntries(SUSPENDABLE.map((o) => [o, MemberStatus.Active])),
    reinstateAt: {}, // org → step index
    loans: [...f.loans], // { id, bank }
    agreements: [...f.agreements], // { id, guarantor, bank }
    filed: {}, // `${fund}/${loan}` → { ratio, lossFen, obligationFen }
    lent: 0,
  };
  // The chain's state after the last step, read by `refresh`.
  let view = { loans: [], agreements: [], funds: {}, claims: {}, now: 0 };

  const bankSigner = (org) => f.signers[org];
  const key = (fund, loan) => `${fund}/${loan}`;
  const pick = (list, n) => (list.length === 0 ? null : list[n % list.length]);
  const loanWhere = (s, pred) => {
    const all = view.loans;
    if (s.off || all.length === 0) return pick(all, s.p);
    return pick(all.filter(pred), s.p);
  };
  const claimsWhere = (pred) => Object.values(view.claims).filter(pred);

  let touched = [];
  const touch = (loanId) => {
    touched.push(loanId);
    return loanId;
  };

  async function send(txPromise) {
    try {
      await (await txPromise).wait();
      return null;
    } catch (error) {
      return refusal(error, lending);
    }
  }

  // ---------------------------------------------------------------------------------------- step handlers

  async function lend(s) {
    const bank = pick(BANKS, s.q);
    const n = model.lent++;
    const decisionHash = ethers.id(`decision/${n}`);
    const loanId = ethers.id(`loan/${n}`);
    const approved = s.r % 10 !== 0;
    let refused = await send(
      LoanBook.connect(bankSigner(bank)).recordDecision(decisionHash, f.consents[bank], approved, GAS),
    );
    if (refused) return `decision refused: ${refused[0]}`;
    const amountFen = s.off ? BigInt(1 + s.r) : cny(10_000 + (s.r % 1000) * 2_000); // up to ~2,000,000 CNY
    refused = await send(
      LoanBook.connect(bankSigner(bank)).disburse(
        {
          loanId,
          decisionHash,
          productCode: s.s % 3 === 0 ? PRODUCT.YINSHUIDAI : PRODUCT.SHUIYIDAI,
          amountFen,
          rateBps: 300 + (s.r % 500),
          termMonths: 12,
          purpose: LoanPurpose.RnD,
        },
        GAS,
      ),
    );
    if (refused) return `disbursal refused: ${refused[0]}`;
    model.loans.push({ id: touch(loanId), bank });
    return `lent ${amountFen} by ${bank === ORG.BANK_A ? "A" : "B"}`;
  }

  async function invite(s) {
    const ln = loanWhere(s, (l) => l.status === LoanStatus.Active && l.guarantor === ethers.ZeroHash);
    if (!ln) return "no loan";
    const guarantor = pick(GUARANTORS, s.q);
    const minCoverage = 1 + (s.r % 8000);
    const maxFee = cny(s.s * 5_000);
    const refused = await send(
      GuaranteeBook.connect(bankSigner(ln.bank)).inviteGuarantor(touch(ln.id), guarantor, minCoverage, maxFee, GAS),
    );
    return refused ? `refused: ${refused[0]}` : `invited (min ${minCoverage} bps, max fee ${maxFee})`;
  }

  async function guarantee(s) {
    const ln = loanWhere(s, (l) => l.invited !== ethers.ZeroHash && l.status === LoanStatus.Active);
    if (!ln) return "no loan";
    const guarantor = s.off
      ? pick(GUARANTORS, s.q)
      : ln.invited !== ethers.ZeroHash
        ? ln.invited
        : pick(GUARANTORS, s.q);
    // mostly within the invitation, sometimes outside it
    const coverage = s.q % 4 === 0 ? Math.max(1, s.r) : Math.min(10_000, Math.max(Number(ln.minCoverage), s.r));
    const fee = s.q % 5 === 0 ? ln.maxFee + 1n : ln.maxFee / 2n;
    const refused = await send(
      GuaranteeBook.connect(f.signers[guarantor]).guaranteeLoan(touch(ln.id), coverage, fee, GAS),
    );
    return refused ? `refused: ${refused[0]}` : `guaranteed at ${coverage} bps`;
  }

  async function withdrawInvitation(s) {
    const ln = loanWhere(s, (l) => l.invited !== ethers.ZeroHash);
    if (!ln) return "no loan";
    const refused = await send(GuaranteeBook.connect(bankSigner(ln.bank)).withdrawInvitation(touch(ln.id), GAS));
    return refused ? `refused: ${refused[0]}` : "invitation withdrawn";
  }

  async function cancelGuarantee(s) {
    const ln = loanWhere(
      s,
      (l) => l.guarantor !== ethers.ZeroHash && (l.status === LoanStatus.Active || l.status === LoanStatus.Overdue),
    );
    if (!ln) return "no loan";
    const refused = await send(GuaranteeBook.connect(bankSigner(ln.bank)).cancelGuarantee(touch(ln.id), GAS));
    return refused ? `refused: ${refused[0]}` : "guarantee cancelled";
  }

  async function propose(s) {
    const guarantor = pick(GUARANTORS, s.p);
    const bank = pick(BANKS, s.q);
    const id = ethers.id(`agreement/${model.agreements.length}`);
    const perLoan = cny(200_000 + (s.r % 100) * 20_000);
    const total = perLoan * BigInt(1 + s.s);
    const validUntil = view.now + (30 + (s.r % 300)) * DAY;
    const refused = await send(
      GuaranteeBook.connect(f.signers[guarantor]).proposeAgreement(
        id,
        bank,
        1 + (s.r % 10_000),
        s.r % 300,
        perLoan,
        total,
        validUntil,
        GAS,
      ),
    );
    if (refused) return `refused: ${refused[0]}`;
    model.agreements.push({ id, guarantor, bank });
    return `proposed (per loan ${perLoan}, total ${total})`;
  }

  const agreementWhere = (s, pred) => {
    const all = view.agreements;
    if (s.off || all.length === 0) return pick(all, s.p);
    return pick(all.filter(pred), s.p);
  };

  async function accept(s) {
    const a = agreementWhere(s, (x) => x.status === AgreementStatus.Proposed);
    if (!a) return "no agreement";
    const refused = await send(GuaranteeBook.connect(bankSigner(a.bank)).acceptAgreement(a.id, GAS));
    return refused ? `refused: ${refused[0]}` : "accepted";
  }

  async function enrol(s) {
    const a = agreementWhere(s, (x) => x.status === AgreementStatus.Active);
    if (!a) return "no agreement";
    const ln = loanWhere(
      { ...s, p: s.q },
      (l) => l.status === LoanStatus.Active && l.guarantor === ethers.ZeroHash && l.bank === a.bank,
    );
    if (!ln) return "no loan";
    const refused = await send(GuaranteeBook.connect(bankSigner(a.bank)).enrollLoan(a.id, touch(ln.id), GAS));
    return refused ? `refused: ${refused[0]}` : "enrolled";
  }

  async function terminate(s) {
    const a = agreementWhere(s, (x) => x.status !== AgreementStatus.Terminated);
    if (!a) return "no agreement";
    const by = s.q % 2 === 0 ? f.signers[a.guarantor] : bankSigner(a.bank);
    const refused = await send(GuaranteeBook.connect(by).terminateAgreement(a.id, GAS));
    return refused ? `refused: ${refused[0]}` : "terminated";
  }

  async function release(s) {
    const ln = loanWhere(s, (l) => l.status === LoanStatus.Repaid && l.guarantor !== ethers.ZeroHash && !l.released);
    if (!ln) return "no loan";
    const by = s.q % 2 === 0 || ln.guarantor === ethers.ZeroHash ? bankSigner(ln.bank) : f.signers[ln.guarantor];
    const refused = await send(GuaranteeBook.connect(by).releaseGuarantee(touch(ln.id), GAS));
    return refused ? `refused: ${refused[0]}` : "released";
  }

  async function repay(s) {
    const running = (l) => l.status === LoanStatus.Active || l.status === LoanStatus.Overdue;
    // half the time a guaranteed loan, when there is one (so that guarantees get released)
    const ln =
      (s.r % 2 === 0 ? loanWhere(s, (l) => running(l) && l.guarantor !== ethers.ZeroHash) : null) ??
      loanWhere(s, running);
    if (!ln) return "no loan";
    const principal = s.q % 3 === 0 ? ln.outstanding : (ln.outstanding * BigInt(s.r)) / BPS;
    const refused = await send(
      LoanBook.connect(bankSigner(ln.bank)).recordRepayment(touch(ln.id), principal, s.s * 100, GAS),
    );
    return refused ? `refused: ${refused[0]}` : `repaid ${principal}`;
  }

  async function overdue(s) {
    const ln = loanWhere(s, (l) => l.status === LoanStatus.Active || l.status === LoanStatus.Overdue);
    if (!ln) return "no loan";
    const arrears = (ln.outstanding * BigInt(s.r)) / BPS;
    const refused = await send(LoanBook.connect(bankSigner(ln.bank)).markOverdue(touch(ln.id), s.s * 10, arrears, GAS));
    return refused ? `refused: ${refused[0]}` : "overdue";
  }

  async function current(s) {
    const ln = loanWhere(s, (l) => l.status === LoanStatus.Overdue);
    if (!ln) return "no loan";
    const refused = await send(LoanBook.connect(bankSigner(ln.bank)).markCurrent(touch(ln.id), GAS));
    return refused ? `refused: ${refused[0]}` : "current";
  }

  async function declareDefault(s) {
    const running = (l) => l.status === LoanStatus.Active || l.status === LoanStatus.Overdue;
    // three times in four a guaranteed loan, when there is one
    const ln =
      (s.q % 4 !== 0 ? loanWhere(s, (l) => running(l) && l.guarantor !== ethers.ZeroHash) : null) ??
      loanWhere(s, running);
    if (!ln) return "no loan";
    const near = ln.outstanding + BigInt(s.s - 4); // around what is outstanding, possibly above it
    const loss = s.off ? (near < 0n ? 0n : near) : (ln.outstanding * BigInt(Math.max(1, s.r))) / BPS;
    const refused = await send(LoanBook.connect(bankSigner(ln.bank)).declareDefault(touch(ln.id), loss, GAS));
    return refused ? `refused: ${refused[0]}` : `defaulted, loss ${loss}`;
  }

  async function payout(s) {
    const ln = loanWhere(
      s,
      (l) => l.status === LoanStatus.Defaulted && l.guarantor !== ethers.ZeroHash && l.paid < l.obligation,
    );
    if (!ln) return "no loan";
    const remaining = ln.obligation - ln.paid;
    // mostly an instalment of the rest, sometimes all of it, sometimes one fen too much
    const amount = s.q % 6 === 0 ? remaining + 1n : s.q % 3 === 0 ? remaining : (remaining * BigInt(s.r)) / BPS;
    const signer = ln.guarantor === ethers.ZeroHash ? f.guarantor : f.signers[ln.guarantor];
    const refused = await send(GuaranteeBook.connect(signer).recordPayout(touch(ln.id), amount, GAS));
    return refused ? `refused: ${refused[0]}` : `guarantor paid ${amount} of ${remaining} owed`;
  }

  async function file(s) {
    const ln = loanWhere(s, (l) => l.status === LoanStatus.Defaulted && l.live === ethers.ZeroHash);
    if (!ln) return "no loan";
    // mostly a fund that covers the loan's product
    const covering = FUNDS.filter((x) => x.products.includes(ln.product));
    const fund = (s.off || covering.length === 0 ? pick(FUNDS, s.q) : pick(covering, s.q)).id;
    const [loan, g] = await Promise.all([LoanBook.loan(ln.id), GuaranteeBook.guaranteeOf(ln.id)]);
    const refused = await send(Fund.connect(bankSigner(ln.bank)).fileClaim(fund, touch(ln.id), GAS));
    if (refused) return `refused: ${refused[0]}`;
    const obligationFen = (loan.lossFen * g.coverageBps) / BPS;
    model.filed[key(fund, ln.id)] = { ratio: model.ratio[fund], lossFen: loan.lossFen, obligationFen };
    return `filed at fund ${FUNDS.findIndex((x) => x.id === fund)}`;
  }

  async function approve(s) {
    const c = pick(s.off ? Object.values(view.claims) : claimsWhere((x) => x.status === ClaimStatus.Filed), s.p);
    if (!c) return "no claim";
    const regulator = FUNDS.find((x) => x.id === c.fund).regulator;
    const refused = await send(Fund.connect(f.signers[regulator]).approveClaim(c.fund, touch(c.loan), GAS));
    return refused ? `refused: ${refused[0]}` : "approved";
  }

  async function reject(s) {
    const c = pick(
      claimsWhere((x) => x.status === ClaimStatus.Filed),
      s.p,
    );
    if (!c) return "no claim";
    const regulator = FUNDS.find((x) => x.id === c.fund).regulator;
    const refused = await send(Fund.connect(f.signers[regulator]).rejectClaim(c.fund, touch(c.loan), s.s, GAS));
    return refused ? `refused: ${refused[0]}` : "rejected";
  }

  async function withdrawClaim(s) {
    const c = pick(
      claimsWhere((x) => x.status === ClaimStatus.Filed),
      s.p,
    );
    if (!c) return "no claim";
    const refused = await send(Fund.connect(bankSigner(c.bank)).withdrawClaim(c.fund, touch(c.loan), GAS));
    return refused ? `refused: ${refused[0]}` : "withdrawn";
  }

  async function topUp(s) {
    const fund = pick(FUNDS, s.p);
    const amount = cny(1 + (s.r % 100) * 5_000);
    const refused = await send(Fund.connect(f.signers[fund.regulator]).topUp(fund.id, amount, GAS));
    if (refused) return `refused: ${refused[0]}`;
    model.putIn[fund.id] += amount;
    return `topped up ${amount}`;
  }

  async function param(s) {
    const fund = pick(FUNDS, s.p);
    const regulator = f.signers[fund.regulator];
    const mode = s.q % 3;
    if (mode === 0) {
      const ratio = s.r % 10_000; // 0 is refused
      const refused = await send(Fund.connect(regulator).setRatio(fund.id, ratio, GAS));
      if (refused) return `ratio refused: ${refused[0]}`;
      model.ratio[fund.id] = BigInt(ratio);
      return `ratio ${ratio}`;
    }
    if (mode === 1) {
      const grace = s.s * 10 * DAY;
      const refused = await send(Fund.connect(regulator).setGracePeriod(fund.id, grace, GAS));
      return refused ? `grace refused: ${refused[0]}` : `grace ${grace / DAY} days`;
    }
    const product = s.r % 2 === 0 ? PRODUCT.SHUIYIDAI : PRODUCT.YINSHUIDAI;
    const refused = await send(Fund.connect(regulator).setProductEligibility(fund.id, product, s.s % 4 !== 0, GAS));
    return refused ? `eligibility refused: ${refused[0]}` : "eligibility set";
  }

  async function setStatus(org, action) {
    await govern(Consortium, f.governors, action, [org]);
    model.status[org] =
      action === "suspendMember"
        ? MemberStatus.Suspended
        : action === "removeMember"
          ? MemberStatus.Removed
          : MemberStatus.Active;
  }

  async function member(s, index) {
    if (s.q % 8 === 0) {
      const org = pick(REMOVABLE, s.p);
      if (model.status[org] === MemberStatus.Removed) return "already removed";
      await setStatus(org, "removeMember");
      delete model.reinstateAt[org];
      return `removed ${org.slice(0, 10)}`;
    }
    const org = pick(SUSPENDABLE, s.p);
    if (model.status[org] === MemberStatus.Active) {
      await setStatus(org, "suspendMember");
      model.reinstateAt[org] = index + s.s;
      return `suspended ${org.slice(0, 10)} for ${s.s} steps`;
    }
    if (model.status[org] === MemberStatus.Suspended) {
      await setStatus(org, "reinstateMember");
      delete model.reinstateAt[org];
      return `reinstated ${org.slice(0, 10)}`;
    }
    return "removed member left alone";
  }

  async function jump(s) {
    let target = null;
    const mode = s.q % 4;
    if (mode === 0) {
      // to the end of a guarantor's grace period (± 1 s) at one of the funds
      const ln = pick(
        view.loans.filter((l) => l.status === LoanStatus.Defaulted && l.guarantor !== ethers.ZeroHash),
        s.p,
      );
      if (ln) target = Number(ln.defaultedAt) + Number(view.funds[pick(FUNDS, s.r).id].graceSeconds) + (s.s % 3) - 1;
    } else if (mode === 1) {
      target = view.now + 30 * DAY + s.r * 60;
    }
    if (target === null || target <= view.now) target = view.now + s.s * 3600 + s.r;
    await time.increaseTo(target);
    return `time +${target - view.now}s`;
  }

  // ---------------------------------------------------------------------------------------- invariants

  /** One loan as the invariants need it: the loan, its guarantee, invitation and claims. */
  async function readLoan({ id, bank }) {
    const [l, g, inv, ob, live, c0, c1] = await Promise.all([
      LoanBook.loan(id),
      GuaranteeBook.guaranteeOf(id),
      GuaranteeBook.invitation(id),
      GuaranteeBook.obligationOf(id),
      Fund.liveClaim(id),
      Fund.claim(FUNDS[0].id, id),
      Fund.claim(FUNDS[1].id, id),
    ]);
    return {
      id,
      bank,
      status: Number(l.status),
      amount: l.amountFen,
      product: l.productCode,
      outstanding: l.outstandingFen,
      lossFen: l.lossFen,
      defaultedAt: l.defaultedAt,
      guarantor: g.guarantorOrg,
      agreementId: g.agreementId,
      coverageBps: g.coverageBps,
      paid: g.payoutFen,
      paidOut: g.paidOut,
      released: g.released,
      obligation: ob.obligationFen,
      invited: inv.guarantorOrg,
      minCoverage: inv.minCoverageBps,
      maxFee: inv.maxFeeFen,
      live,
      claims: [c0, c1],
    };
  }

  /**
   * Reads what the invariants need into `view`: the funds, the agreements and either every loan (`touched` null)
   * or only the loan the step acted on (the others cannot have changed; every REACH_EVERY steps all are re-read).
   */
  async function refresh(touched = null) {
    const now = await time.latest();
    let loans;
    if (touched === null) {
      loans = await Promise.all(model.loans.map(readLoan));
    } else {
      loans = [...view.loans];
      for (const entry of model.loans.filter((x) => touched.includes(x.id))) {
        const fresh = await readLoan(entry);
        const at = loans.findIndex((x) => x.id === entry.id);
        if (at === -1) loans.push(fresh);
        else loans[at] = fresh;
      }
    }
    const agreements = await Promise.all(
      model.agreements.map(async (a) => ({ ...a, ...(await GuaranteeBook.agreement(a.id)).toObject() })),
    );
    const funds = {};
    for (const x of FUNDS) funds[x.id] = await Fund.fund(x.id);
    const claims = {};
    for (const ln of loans) {
      ln.claims.forEach((c, i) => {
        if (c.status !== ClaimStatus.None) {
          claims[key(FUNDS[i].id, ln.id)] = {
            fund: FUNDS[i].id,
            loan: ln.id,
            bank: ln.bank,
            status: c.status,
            netLossFen: c.netLossFen,
            dueFen: c.dueFen,
            payoutFen: c.payoutFen,
            enterpriseHash: c.enterpriseHash,
          };
        }
      });
    }
    view = { loans, agreements, funds, claims, now };
  }

  function checkInvariants() {
    // funds: what was put in is balance + paid; paid is the sum of the claims' payouts
    for (const x of FUNDS) {
      const fund = view.funds[x.id];
      const where = `fund ${x.id.slice(0, 10)}`;
      expect(fund.balanceFen + fund.paidFen, `${where}: balance + paid`).to.equal(model.putIn[x.id]);
      expect(fund.paidFen <= model.putIn[x.id], `${where}: paid more than was put in`).to.equal(true);
      const paidOnClaims = Object.values(view.claims)
        .filter((c) => c.fund === x.id)
        .reduce((sum, c) => sum + c.payoutFen, 0n);
      expect(paidOnClaims, `${where}: paid vs the claims' payouts`).to.equal(fund.paidFen);
    }
    // claims: share and netting fixed at filing, payout within it
    for (const [k, c] of Object.entries(view.claims)) {
      const at = model.filed[k];
      expect(at, `claim ${k} unknown to the model`).to.not.equal(undefined);
      expect(c.payoutFen <= c.dueFen, `claim ${k}: payout ${c.payoutFen} > due ${c.dueFen}`).to.equal(true);
      const net = at.obligationFen >= at.lossFen ? 0n : at.lossFen - at.obligationFen;
      expect(c.netLossFen, `claim ${k}: net loss is loss − obligation`).to.equal(net);
      expect(c.dueFen, `claim ${k}: due is net loss × ratio at filing`).to.equal((net * at.ratio) / BPS);
      expect(c.dueFen > 0n, `claim ${k}: nothing due`).to.equal(true);
      if (c.status === ClaimStatus.Paid)
        expect(c.payoutFen, `claim ${k}: paid claim not paid in full`).to.equal(c.dueFen);
      if (c.status === ClaimStatus.Rejected || c.status === ClaimStatus.Withdrawn) {
        expect(c.payoutFen, `claim ${k}: a rejected or withdrawn claim was paid`).to.equal(0n);
      }
    }
    for (const ln of view.loans) {
      const where = `loan ${ln.id.slice(0, 10)}`;
      // at most one live claim per loan, and liveClaim names it
      const live = ln.claims
        .map((c, i) => [c.status, FUNDS[i].id])
        .filter(([st]) => st === ClaimStatus.Filed || st === ClaimStatus.Paid);
      expect(live.length <= 1, `${where}: ${live.length} live claims`).to.equal(true);
      expect(ln.live, `${where}: liveClaim`).to.equal(live.length === 1 ? live[0][1] : ethers.ZeroHash);
      // guarantor's payments: never above loss × coverage, nothing before default
      if (ln.guarantor !== ethers.ZeroHash) {
        const cap = (ln.lossFen * ln.coverageBps) / BPS;
        expect(ln.obligation, `${where}: obligation`).to.equal(ln.status === LoanStatus.Defaulted ? cap : 0n);
        expect(ln.paid <= cap, `${where}: guarantor paid ${ln.paid} > ${cap}`).to.equal(true);
        expect(ln.paidOut, `${where}: paidOut`).to.equal(
          ln.status === LoanStatus.Defaulted && ln.paid === cap && cap > 0n,
        );
      } else {
        expect(ln.paid, `${where}: payment without a guarantee`).to.equal(0n);
      }
      if (ln.claims.some((c) => c.status !== ClaimStatus.None)) {
        expect(ln.status, `${where}: a claim on a loan that did not default`).to.equal(LoanStatus.Defaulted);
      }
    }
    // agreements: used == the sum of live enrolments, within the total limit
    for (const a of view.agreements) {
      const enrolled = view.loans
        .filter((l) => l.agreementId === a.id && !l.released)
        .reduce((sum, l) => sum + l.amount, 0n);
      expect(a.usedFen, `agreement ${a.id.slice(0, 10)}: used vs live enrolments`).to.equal(enrolled);
      expect(a.usedFen <= a.totalLimitFen, `agreement ${a.id.slice(0, 10)}: over its limit`).to.equal(true);
    }
    // every filed claim can still reach Paid, Rejected or Withdrawn (view level)
    for (const [k, c] of Object.entries(view.claims)) {
      if (c.status !== ClaimStatus.Filed) continue;
      const regulator = FUNDS.find((x) => x.id === c.fund).regulator;
      const regulatorCan = model.status[regulator] !== MemberStatus.Removed;
      const bankCan = model.status[c.bank] !== MemberStatus.Removed;
      if (c.payoutFen === 0n) {
        expect(regulatorCan || bankCan, `claim ${k}: nobody can reject or withdraw it`).to.equal(true);
      } else {
        expect(regulatorCan, `claim ${k}: partly paid and its regulator is gone`).to.equal(true);
        const owed = c.dueFen - c.payoutFen;
        expect(owed > 0n, `claim ${k}: filed though paid in full`).to.equal(true);
      }
    }
  }

  /** The actual check, on a snapshot: each filed claim is driven to Rejected, Withdrawn and Paid. */
  async function checkReachable() {
    const filed = Object.values(view.claims).filter((c) => c.status === ClaimStatus.Filed);
    if (filed.length === 0) return 0;
    const outer = await ethers.provider.send("evm_snapshot", []);
    try {
      for (const org of SUSPENDABLE) {
        if (model.status[org] === MemberStatus.Suspended)
          await govern(Consortium, f.governors, "reinstateMember", [org]);
      }
      for (const c of filed) {
        const k = key(c.fund, c.loan);
        const fund = FUNDS.find((x) => x.id === c.fund);
        const regulator = f.signers[fund.regulator];
        const ends = [];
        if (c.payoutFen === 0n) {
          ends.push([
            "Rejected",
            () => Fund.connect(regulator).rejectClaim(c.fund, c.loan, 1, GAS),
            ClaimStatus.Rejected,
          ]);
          if (model.status[c.bank] !== MemberStatus.Removed) {
            ends.push([
              "Withdrawn",
              () => Fund.connect(bankSigner(c.bank)).withdrawClaim(c.fund, c.loan, GAS),
              ClaimStatus.Withdrawn,
            ]);
          }
        }
        ends.push([
          "Paid",
          async () => {
            const owed = c.dueFen - c.payoutFen;
            await (await Fund.connect(regulator).topUp(c.fund, owed, GAS)).wait();
            return Fund.connect(regulator).approveClaim(c.fund, c.loan, GAS);
          },
          ClaimStatus.Paid,
        ]);
        for (const [name, drive, status] of ends) {
          const inner = await ethers.provider.send("evm_snapshot", []);
          const refused = await send(drive());
          expect(refused, `claim ${k} cannot reach ${name}`).to.equal(null);
          expect((await Fund.claim(c.fund, c.loan)).status, `claim ${k} → ${name}`).to.equal(status);
          await ethers.provider.send("evm_revert", [inner]);
        }
      }
    } finally {
      await ethers.provider.send("evm_revert", [outer]);
    }
    return filed.length;
  }

  const handlers = {
    lend,
    invite,
    guarantee,
    withdrawInvitation,
    cancelGuarantee,
    propose,
    accept,
    enrol,
    terminate,
    release,
    repay,
    overdue,
    current,
    default: declareDefault,
    payout,
    file,
    approve,
    reject,
    withdrawClaim,
    topUp,
    param,
    member,
    time: jump,
  };

  await refresh();
  let reached = 0;
  for (const [i, s] of steps.entries()) {
    try {
      const result = await handlers[s.kind](s, i);
      trail.push(`${i}: ${s.kind} → ${result}`);
      const outcome = result.startsWith("no ") ? "skipped" : /refused/.test(result) ? "refused" : "done";
      outcomes[`${s.kind}:${outcome}`] = (outcomes[`${s.kind}:${outcome}`] ?? 0) + 1;
      for (const [org, at] of Object.entries(model.reinstateAt)) {
        if (at <= i && model.status[org] === MemberStatus.Suspended) {
          await setStatus(org, "reinstateMember");
          delete model.reinstateAt[org];
          trail.push(`${i}: member → reinstated ${org.slice(0, 10)}`);
        }
      }
      const full = (i + 1) % REACH_EVERY === 0 || i === steps.length - 1;
      await refresh(full ? null : touched);
      touched = [];
      checkInvariants();
      if (full) reached += await checkReachable();
    } catch (error) {
      error.message += `\n  after steps:\n    ${trail.slice(-15).join("\n    ")}\n  failing step ${i}: ${JSON.stringify(s)}`;
      throw error;
    }
  }
  return { trail, outcomes, reached };
}

describe("Lending lifecycle (property)", function () {
  it("never pays out more than was put in or is due, keeps agreement limits, and leaves no claim stuck", async function () {
    this.timeout(0); // a fixed number of runs, never a time limit; a failure's shrinking may take a while
    const totals = {};
    let reached = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: MIN_STEPS, maxLength: MAX_STEPS }), async (steps) => {
        const run = await runSequence(steps);
        if (process.env.LENDING_TRACE) console.log(run.trail.join("\n"));
        for (const [k, n] of Object.entries(run.outcomes)) totals[k] = (totals[k] ?? 0) + n;
        reached += run.reached;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: !!process.env.LENDING_NO_SHRINK },
    );
    if (process.env.LENDING_TRACE) console.log(totals, { reached });
    // The sequences must reach the interesting states, or the invariants say little.
    for (const kind of ["lend", "invite", "guarantee", "default", "file", "topUp", "repay"]) {
      expect(totals[`${kind}:done`] ?? 0, `${kind} succeeded too rarely`).to.be.greaterThan(RUNS);
    }
    for (const kind of ["enrol", "payout", "approve"]) {
      expect(totals[`${kind}:done`] ?? 0, `${kind} succeeded too rarely`).to.be.greaterThan(RUNS / 2);
    }
    for (const kind of [
      "accept",
      "terminate",
      "withdrawInvitation",
      "cancelGuarantee",
      "release",
      "reject",
      "withdrawClaim",
      "member",
      "time",
    ]) {
      expect(totals[`${kind}:done`] ?? 0, `${kind} never succeeded`).to.be.greaterThan(0);
    }
    for (const kind of ["payout", "file", "approve", "guarantee"]) {
      expect(totals[`${kind}:refused`] ?? 0, `${kind} never refused`).to.be.greaterThan(0);
    }
    expect(reached, "filed claims driven to an end on a snapshot").to.be.greaterThan(RUNS);
  });
});
