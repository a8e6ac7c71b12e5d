"use strict";
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { loadFixture, time } = require("@nomicfoundation/hardhat-network-helpers");
const {
  L,
  ORG,
  PRODUCT,
  govern,
  consentFixture,
  loanFixture,
  defaultTerms,
  grantBySig,
} = require("../helpers/fixtures");

const { Role, LoanStatus, LoanPurpose } = L;

/** Amounts are in fen: 1 CNY = 100 fen. */
const cny = (n) => BigInt(n) * 100n;

/** Plus a consent of enterprise 1 for BANK_B, so a second bank can decide and lend. */
async function twoBanksFixture() {
  const f = await loadFixture(loanFixture);
  const consentB = await grantBySig(f, await defaultTerms(f, { consumer: ORG.BANK_B, nonce: 2 }));
  return { ...f, consentB };
}

/** Records an approved decision `decision/<label>` as `bank` and disburses loan `loan/<label>` on it. */
async function lend(f, label, { bank = f.bankA, consentId = f.consentId, ...terms } = {}) {
  const decisionHash = ethers.id(`decision/${label}`);
  const loanId = ethers.id(`loan/${label}`);
  await (await f.LoanBook.connect(bank).recordDecision(decisionHash, consentId, true)).wait();
  await (
    await f.LoanBook.connect(bank).disburse({
      loanId,
      decisionHash,
      productCode: PRODUCT.YINSHUIDAI,
      amountFen: cny(500_000),
      rateBps: 420,
      termMonths: 24,
      purpose: LoanPurpose.WorkingCapital,
      ...terms,
    })
  ).wait();
  return loanId;
}

describe("LoanBook", function () {
  it("caps rates at 24 % a year and terms at 30 years", async function () {
    const { LoanBook } = await loadFixture(consentFixture);
    expect(await LoanBook.MAX_RATE_BPS()).to.equal(2400n);
    expect(await LoanBook.MAX_TERM_MONTHS()).to.equal(360n);
  });

  describe("recordDecision", function () {
    it("records an approved decision with the enterprise's credit-code hash and the consent it relied on", async function () {
      const f = await loadFixture(consentFixture);
      const decisionHash = ethers.id("decision-a");
      const tx = f.LoanBook.connect(f.bankA).recordDecision(decisionHash, f.consentId, true);
      await expect(tx)
        .to.emit(f.LoanBook, "CreditDecisionRecorded")
        .withArgs(decisionHash, ORG.BANK_A, f.cc1, f.consentId, true);
      const receipt = await (await tx).wait();

      const d = await f.LoanBook.decision(decisionHash);
      expect(d.bankOrg).to.equal(ORG.BANK_A);
      expect(d.enterpriseHash).to.equal(f.cc1);
      expect(d.consentId).to.equal(f.consentId);
      expect(d.recordedAtBlock).to.equal(BigInt(receipt.blockNumber));
      expect(d.approved).to.equal(true);
      expect(d.used).to.equal(false);
    });

    it("records a declined decision too", async function () {
      const f = await loadFixture(consentFixture);
      const decisionHash = ethers.id("decision-declined");
      await expect(f.LoanBook.connect(f.bankA).recordDecision(decisionHash, f.consentId, false))
        .to.emit(f.LoanBook, "CreditDecisionRecorded")
        .withArgs(decisionHash, ORG.BANK_A, f.cc1, f.consentId, false);
      const d = await f.LoanBook.decision(decisionHash);
      expect(d.bankOrg).to.equal(ORG.BANK_A);
      expect(d.approved).to.equal(false);
    });

    it("lets a second bank decide on a consent the enterprise granted to it", async function () {
      const f = await loadFixture(twoBanksFixture);
      const decisionHash = ethers.id("decision-b");
      await expect(f.LoanBook.connect(f.bankB).recordDecision(decisionHash, f.consentB, true))
        .to.emit(f.LoanBook, "CreditDecisionRecorded")
        .withArgs(decisionHash, ORG.BANK_B, f.cc1, f.consentB, true);
      expect((await f.LoanBook.decision(decisionHash)).bankOrg).to.equal(ORG.BANK_B);
    });

    it("rejects a caller that does not operate a bank", async function () {
      const f = await loadFixture(consentFixture);
      await expect(f.LoanBook.connect(f.tax).recordDecision(ethers.id("d"), f.consentId, true))
        .to.be.revertedWithCustomError(f.LoanBook, "MembershipRequired")
        .withArgs(f.tax.address, Role.Bank);
      await expect(f.LoanBook.connect(f.outsider).recordDecision(ethers.id("d"), f.consentId, true))
        .to.be.revertedWithCustomError(f.LoanBook, "MembershipRequired")
        .withArgs(f.outsider.address, Role.Bank);
    });

    it("rejects a bank that has been suspended", async function () {
      const f = await loadFixture(consentFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
      await expect(f.LoanBook.connect(f.bankA).recordDecision(ethers.id("d"), f.consentId, true))
        .to.be.revertedWithCustomError(f.LoanBook, "MembershipRequired")
        .withArgs(f.bankA.address, Role.Bank);
    });

    it("rejects a zero decision hash", async function () {
      const f = await loadFixture(consentFixture);
      await expect(f.LoanBook.connect(f.bankA).recordDecision(ethers.ZeroHash, f.consentId, true))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanZeroDecisionHash")
        .withArgs();
    });

    it("rejects a decision hash that is already recorded, by any bank", async function () {
      const f = await loadFixture(twoBanksFixture);
      await expect(f.LoanBook.connect(f.bankA).recordDecision(f.decisionHash, f.consentId, false))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanDecisionExists")
        .withArgs(f.decisionHash);
      await expect(f.LoanBook.connect(f.bankB).recordDecision(f.decisionHash, f.consentB, true))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanDecisionExists")
        .withArgs(f.decisionHash);
    });

    it("rejects a consent granted to another bank", async function () {
      const f = await loadFixture(consentFixture);
      await expect(f.LoanBook.connect(f.bankB).recordDecision(ethers.id("d"), f.consentId, true))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanConsentNotForBank")
        .withArgs(f.consentId, ORG.BANK_B);
    });

    it("rejects a consent that does not exist", async function () {
      const f = await loadFixture(consentFixture);
      const unknown = ethers.id("no such consent");
      await expect(f.LoanBook.connect(f.bankA).recordDecision(ethers.id("d"), unknown, true))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanConsentNotForBank")
        .withArgs(unknown, ORG.BANK_A);
    });

    it("rejects a consent the enterprise has revoked", async function () {
      const f = await loadFixture(consentFixture);
      await (await f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId)).wait();
      await expect(f.LoanBook.connect(f.bankA).recordDecision(ethers.id("d"), f.consentId, true))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanConsentRevoked")
        .withArgs(f.consentId);
    });

    it("rejects a consent whose enterprise account the tax bureau has unbound", async function () {
      const f = await loadFixture(consentFixture);
      await (await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address)).wait();
      await expect(f.LoanBook.connect(f.bankA).recordDecision(ethers.id("d"), f.consentId, true))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanEnterpriseUnbound")
        .withArgs(f.consentId);
    });

    // Issue 11 §3: a credit decision needs a consent that is valid when the decision is recorded, with a
    // documented grace (DECISION_GRACE, 7 days) after expiry at most.
    describe("needs a consent valid now", function () {
      const DAY = 86400;

      /** A consent of enterprise 1 for BANK_A valid from `from` to `until` (seconds from now). */
      async function windowFixture() {
        const f = await loadFixture(consentFixture);
        const now = await time.latest();
        const terms = await defaultTerms(f, { validFrom: now + 10 * DAY, validUntil: now + 40 * DAY, nonce: 7 });
        const windowed = await grantBySig(f, terms);
        return { ...f, windowed, validFrom: terms.validFrom, validUntil: terms.validUntil };
      }

      it("has a decision grace of 7 days", async function () {
        const f = await loadFixture(consentFixture);
        expect(await f.LoanBook.DECISION_GRACE()).to.equal(BigInt(7 * DAY));
      });

      it("refuses a consent that is not valid yet, and accepts it from validFrom", async function () {
        const f = await loadFixture(windowFixture);
        await time.setNextBlockTimestamp(f.validFrom - 1);
        await expect(f.LoanBook.connect(f.bankA).recordDecision(ethers.id("early"), f.windowed, true))
          .to.be.revertedWithCustomError(f.LoanBook, "LoanConsentNotValid")
          .withArgs(f.windowed, f.validFrom, f.validUntil);
        expect((await f.LoanBook.decision(ethers.id("early"))).bankOrg).to.equal(ethers.ZeroHash);
        await time.setNextBlockTimestamp(f.validFrom);
        await expect(f.LoanBook.connect(f.bankA).recordDecision(ethers.id("early"), f.windowed, true))
          .to.emit(f.LoanBook, "CreditDecisionRecorded")
          .withArgs(ethers.id("early"), ORG.BANK_A, f.cc1, f.windowed, true);
      });

      it("accepts a decision within the grace after the consent expired, up to its last second", async function () {
        const f = await loadFixture(windowFixture);
        await time.setNextBlockTimestamp(f.validUntil + 1);
        await expect(f.LoanBook.connect(f.bankA).recordDecision(ethers.id("just-expired"), f.windowed, false))
          .to.emit(f.LoanBook, "CreditDecisionRecorded")
          .withArgs(ethers.id("just-expired"), ORG.BANK_A, f.cc1, f.windowed, false);
        await time.setNextBlockTimestamp(f.validUntil + 7 * DAY);
        await expect(f.LoanBook.connect(f.bankA).recordDecision(ethers.id("last-second"), f.windowed, true))
          .to.emit(f.LoanBook, "CreditDecisionRecorded")
          .withArgs(ethers.id("last-second"), ORG.BANK_A, f.cc1, f.windowed, true);
      });

      it("refuses a decision more than the grace after the consent expired", async function () {
        const f = await loadFixture(windowFixture);
        await time.setNextBlockTimestamp(f.validUntil + 7 * DAY + 1);
        await expect(f.LoanBook.connect(f.bankA).recordDecision(ethers.id("late"), f.windowed, true))
          .to.be.revertedWithCustomError(f.LoanBook, "LoanConsentNotValid")
          .withArgs(f.windowed, f.validFrom, f.validUntil);
        await time.increase(365 * DAY);
        await expect(f.LoanBook.connect(f.bankA).recordDecision(ethers.id("late"), f.windowed, true))
          .to.be.revertedWithCustomError(f.LoanBook, "LoanConsentNotValid")
          .withArgs(f.windowed, f.validFrom, f.validUntil);
      });
    });

    it("returns an empty decision for an unknown hash", async function () {
      const f = await loadFixture(consentFixture);
      const d = await f.LoanBook.decision(ethers.id("unknown"));
      expect(d.bankOrg).to.equal(ethers.ZeroHash);
      expect(d.enterpriseHash).to.equal(ethers.ZeroHash);
      expect(d.consentId).to.equal(ethers.ZeroHash);
      expect(d.recordedAtBlock).to.equal(0n);
      expect(d.approved).to.equal(false);
      expect(d.used).to.equal(false);
    });
  });

  describe("disburse", function () {
    async function approvedFixture() {
      const f = await loadFixture(twoBanksFixture);
      const decisionHash = ethers.id("decision-2");
      await (await f.LoanBook.connect(f.bankA).recordDecision(decisionHash, f.consentId, true)).wait();
      const terms = {
        loanId: ethers.id("loan-2"),
        decisionHash,
        productCode: PRODUCT.YINSHUIDAI,
        amountFen: cny(300_000),
        rateBps: 450,
        termMonths: 36,
        purpose: LoanPurpose.Equipment,
      };
      return { ...f, terms };
    }

    it("disburses a loan on an approved decision, carrying the consent and the decision hash", async function () {
      const f = await loadFixture(approvedFixture);
      const t = f.terms;
      const tx = f.LoanBook.connect(f.bankA).disburse(t);
      await expect(tx)
        .to.emit(f.LoanBook, "LoanDisbursed")
        .withArgs(
          t.loanId,
          ORG.BANK_A,
          f.cc1,
          t.productCode,
          t.amountFen,
          t.rateBps,
          t.termMonths,
          t.purpose,
          f.consentId,
          t.decisionHash,
        );
      const block = await ethers.provider.getBlock((await (await tx).wait()).blockNumber);

      const l = await f.LoanBook.loan(t.loanId);
      expect(l.bankOrg).to.equal(ORG.BANK_A);
      expect(l.enterpriseHash).to.equal(f.cc1);
      expect(l.decisionHash).to.equal(t.decisionHash);
      expect(l.productCode).to.equal(t.productCode);
      expect(l.amountFen).to.equal(t.amountFen);
      expect(l.outstandingFen).to.equal(t.amountFen);
      expect(l.lossFen).to.equal(0n);
      expect(l.rateBps).to.equal(450n);
      expect(l.termMonths).to.equal(36n);
      expect(l.purpose).to.equal(BigInt(LoanPurpose.Equipment));
      expect(l.status).to.equal(BigInt(LoanStatus.Active));
      expect(l.disbursedAt).to.equal(BigInt(block.timestamp));
      expect(l.daysOverdue).to.equal(0n);
      expect((await f.LoanBook.decision(t.decisionHash)).used).to.equal(true);
    });

    it("accepts the boundary rate of 2400 bps and term of 360 months", async function () {
      const f = await loadFixture(approvedFixture);
      await expect(f.LoanBook.connect(f.bankA).disburse({ ...f.terms, rateBps: 2400, termMonths: 360 })).to.emit(
        f.LoanBook,
        "LoanDisbursed",
      );
      const l = await f.LoanBook.loan(f.terms.loanId);
      expect(l.rateBps).to.equal(2400n);
      expect(l.termMonths).to.equal(360n);
    });

    it("accepts the smallest rate, term and amount", async function () {
      const f = await loadFixture(approvedFixture);
      await (
        await f.LoanBook.connect(f.bankA).disburse({ ...f.terms, rateBps: 1, termMonths: 1, amountFen: 1 })
      ).wait();
      const l = await f.LoanBook.loan(f.terms.loanId);
      expect([l.rateBps, l.termMonths, l.amountFen]).to.deep.equal([1n, 1n, 1n]);
    });

    it("rejects a caller that does not operate a bank", async function () {
      const f = await loadFixture(approvedFixture);
      await expect(f.LoanBook.connect(f.guarantor).disburse(f.terms))
        .to.be.revertedWithCustomError(f.LoanBook, "MembershipRequired")
        .withArgs(f.guarantor.address, Role.Bank);
    });

    it("rejects an unknown decision", async function () {
      const f = await loadFixture(approvedFixture);
      const decisionHash = ethers.id("never recorded");
      await expect(f.LoanBook.connect(f.bankA).disburse({ ...f.terms, decisionHash }))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanDecisionUnknown")
        .withArgs(decisionHash);
    });

    it("rejects another bank's decision", async function () {
      const f = await loadFixture(approvedFixture);
      await expect(f.LoanBook.connect(f.bankB).disburse(f.terms))
        .to.be.revertedWithCustomError(f.LoanBook, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
    });

    it("rejects a declined decision", async function () {
      const f = await loadFixture(approvedFixture);
      const decisionHash = ethers.id("decision-declined");
      await (await f.LoanBook.connect(f.bankA).recordDecision(decisionHash, f.consentId, false)).wait();
      await expect(f.LoanBook.connect(f.bankA).disburse({ ...f.terms, decisionHash }))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanDecisionNotApproved")
        .withArgs(decisionHash);
    });

    it("rejects a second loan on the same decision", async function () {
      const f = await loadFixture(approvedFixture);
      await expect(f.LoanBook.connect(f.bankA).disburse({ ...f.terms, decisionHash: f.decisionHash }))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanDecisionUsed")
        .withArgs(f.decisionHash);
    });

    it("rejects a loan id that is already taken", async function () {
      const f = await loadFixture(approvedFixture);
      await expect(f.LoanBook.connect(f.bankA).disburse({ ...f.terms, loanId: f.loanId }))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanExists")
        .withArgs(f.loanId);
      expect((await f.LoanBook.decision(f.terms.decisionHash)).used).to.equal(false);
    });

    for (const [what, error, args, change] of [
      ["a zero loan id", "LoanZeroLoanId", [], { loanId: ethers.ZeroHash }],
      ["a zero amount", "LoanZeroAmount", [], { amountFen: 0 }],
      ["a zero rate", "LoanInvalidRate", [0], { rateBps: 0 }],
      ["a rate above 2400 bps", "LoanInvalidRate", [2401], { rateBps: 2401 }],
      ["a zero term", "LoanInvalidTermMonths", [0], { termMonths: 0 }],
      ["a term above 360 months", "LoanInvalidTermMonths", [361], { termMonths: 361 }],
      ["an empty product code", "LoanZeroProductCode", [], { productCode: ethers.ZeroHash }],
    ]) {
      it(`rejects ${what} with ${error}`, async function () {
        const f = await loadFixture(approvedFixture);
        await expect(f.LoanBook.connect(f.bankA).disburse({ ...f.terms, ...change }))
          .to.be.revertedWithCustomError(f.LoanBook, error)
          .withArgs(...args);
        expect((await f.LoanBook.decision(f.terms.decisionHash)).used).to.equal(false);
      });
    }

    it("returns an empty loan for an unknown id", async function () {
      const f = await loadFixture(approvedFixture);
      const l = await f.LoanBook.loan(ethers.id("unknown"));
      expect(l.bankOrg).to.equal(ethers.ZeroHash);
      expect(l.amountFen).to.equal(0n);
      expect(l.status).to.equal(BigInt(LoanStatus.None));
    });
  });

  describe("recordRepayment", function () {
    it("records a partial repayment and keeps the loan active", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(250_000), cny(3_208)))
        .to.emit(f.LoanBook, "LoanRepaid")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, cny(250_000), cny(3_208), cny(750_000));
      const l = await f.LoanBook.loan(f.loanId);
      expect(l.outstandingFen).to.equal(cny(750_000));
      expect(l.status).to.equal(BigInt(LoanStatus.Active));
    });

    it("marks the loan repaid when the last principal is paid", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(400_000), 0)).wait();
      await expect(f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(600_000), cny(1_000)))
        .to.emit(f.LoanBook, "LoanRepaid")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, cny(600_000), cny(1_000), 0);
      const l = await f.LoanBook.loan(f.loanId);
      expect(l.outstandingFen).to.equal(0n);
      expect(l.status).to.equal(BigInt(LoanStatus.Repaid));
    });

    it("accepts an interest-only payment without touching the principal", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, 0, cny(3_208)))
        .to.emit(f.LoanBook, "LoanRepaid")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 0, cny(3_208), cny(1_000_000));
      const l = await f.LoanBook.loan(f.loanId);
      expect(l.outstandingFen).to.equal(cny(1_000_000));
      expect(l.status).to.equal(BigInt(LoanStatus.Active));
    });

    it("keeps an overdue loan overdue on a partial repayment and clears it on full repayment", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 35, cny(90_000))).wait();
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(90_000), 0)).wait();
      let l = await f.LoanBook.loan(f.loanId);
      expect(l.status).to.equal(BigInt(LoanStatus.Overdue));
      expect(l.daysOverdue).to.equal(35n);

      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(910_000), 0)).wait();
      l = await f.LoanBook.loan(f.loanId);
      expect(l.status).to.equal(BigInt(LoanStatus.Repaid));
      expect(l.daysOverdue).to.equal(0n);
    });

    it("rejects a principal larger than what is outstanding", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(100_000), 0)).wait();
      await expect(f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(900_000) + 1n, 0))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanRepaymentExceedsOutstanding")
        .withArgs(f.loanId, cny(900_000) + 1n, cny(900_000));
    });

    it("rejects a repayment of nothing", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, 0, 0))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanZeroRepayment")
        .withArgs(f.loanId);
    });

    it("rejects a repayment on a repaid loan", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(1_000_000), 0)).wait();
      await expect(f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, 0, 1))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanInvalidStatus")
        .withArgs(f.loanId, LoanStatus.Repaid);
    });

    it("rejects a repayment on a defaulted loan", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(800_000))).wait();
      await expect(f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(1), 0))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanInvalidStatus")
        .withArgs(f.loanId, LoanStatus.Defaulted);
    });

    it("rejects another bank", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.bankB).recordRepayment(f.loanId, cny(1), 0))
        .to.be.revertedWithCustomError(f.LoanBook, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
    });

    it("rejects a caller that does not operate a bank", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.guarantor).recordRepayment(f.loanId, cny(1), 0))
        .to.be.revertedWithCustomError(f.LoanBook, "MembershipRequired")
        .withArgs(f.guarantor.address, Role.Bank);
    });

    it("rejects the lending bank once it is suspended", async function () {
      const f = await loadFixture(loanFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
      await expect(f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(1), 0))
        .to.be.revertedWithCustomError(f.LoanBook, "MembershipRequired")
        .withArgs(f.bankA.address, Role.Bank);
    });

    it("rejects an unknown loan", async function () {
      const f = await loadFixture(loanFixture);
      const unknown = ethers.id("loan-unknown");
      await expect(f.LoanBook.connect(f.bankA).recordRepayment(unknown, cny(1), 0))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanUnknown")
        .withArgs(unknown);
    });
  });

  describe("markOverdue", function () {
    it("marks an active loan overdue with the days and the arrears", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 31, cny(86_000)))
        .to.emit(f.LoanBook, "LoanOverdue")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 31, cny(86_000));
      const l = await f.LoanBook.loan(f.loanId);
      expect(l.status).to.equal(BigInt(LoanStatus.Overdue));
      expect(l.daysOverdue).to.equal(31n);
    });

    it("updates the days of a loan that is already overdue", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 31, cny(86_000))).wait();
      await expect(f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 62, cny(172_000)))
        .to.emit(f.LoanBook, "LoanOverdue")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 62, cny(172_000));
      expect((await f.LoanBook.loan(f.loanId)).daysOverdue).to.equal(62n);
    });

    it("accepts arrears equal to the whole outstanding amount", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 1, cny(1_000_000))).to.emit(
        f.LoanBook,
        "LoanOverdue",
      );
    });

    it("rejects zero days overdue", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 0, cny(1)))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanZeroDaysOverdue")
        .withArgs(f.loanId);
    });

    it("rejects zero arrears", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 30, 0))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanInvalidOverdueAmount")
        .withArgs(f.loanId, 0, cny(1_000_000));
    });

    it("rejects arrears above the outstanding amount", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(600_000), 0)).wait();
      await expect(f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 30, cny(400_000) + 1n))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanInvalidOverdueAmount")
        .withArgs(f.loanId, cny(400_000) + 1n, cny(400_000));
    });

    it("rejects a repaid or defaulted loan", async function () {
      const f = await loadFixture(twoBanksFixture);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(1_000_000), 0)).wait();
      await expect(f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 30, 1))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanInvalidStatus")
        .withArgs(f.loanId, LoanStatus.Repaid);

      const other = await lend(f, "defaulted");
      await (await f.LoanBook.connect(f.bankA).declareDefault(other, cny(100_000))).wait();
      await expect(f.LoanBook.connect(f.bankA).markOverdue(other, 30, 1))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanInvalidStatus")
        .withArgs(other, LoanStatus.Defaulted);
    });

    it("rejects another bank and an unknown loan", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.bankB).markOverdue(f.loanId, 30, cny(1)))
        .to.be.revertedWithCustomError(f.LoanBook, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
      const unknown = ethers.id("loan-unknown");
      await expect(f.LoanBook.connect(f.bankA).markOverdue(unknown, 30, cny(1)))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanUnknown")
        .withArgs(unknown);
    });
  });

  describe("markCurrent", function () {
    it("brings an overdue loan back to current", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 12, cny(86_000))).wait();
      await expect(f.LoanBook.connect(f.bankA).markCurrent(f.loanId))
        .to.emit(f.LoanBook, "LoanBackToCurrent")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1);
      const l = await f.LoanBook.loan(f.loanId);
      expect(l.status).to.equal(BigInt(LoanStatus.Active));
      expect(l.daysOverdue).to.equal(0n);
    });

    it("rejects a loan that is not overdue", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.bankA).markCurrent(f.loanId))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanInvalidStatus")
        .withArgs(f.loanId, LoanStatus.Active);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(1_000_000), 0)).wait();
      await expect(f.LoanBook.connect(f.bankA).markCurrent(f.loanId))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanInvalidStatus")
        .withArgs(f.loanId, LoanStatus.Repaid);
    });

    it("rejects another bank and an unknown loan", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 12, cny(86_000))).wait();
      await expect(f.LoanBook.connect(f.bankB).markCurrent(f.loanId))
        .to.be.revertedWithCustomError(f.LoanBook, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
      const unknown = ethers.id("loan-unknown");
      await expect(f.LoanBook.connect(f.bankA).markCurrent(unknown))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanUnknown")
        .withArgs(unknown);
    });
  });

  describe("declareDefault", function () {
    it("declares an active loan defaulted with the bank's loss and the time of default", async function () {
      const f = await loadFixture(loanFixture);
      expect((await f.LoanBook.loan(f.loanId)).defaultedAt).to.equal(0n);
      await time.increase(45 * 86400);
      const tx = f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(800_000));
      await expect(tx).to.emit(f.LoanBook, "LoanDefaulted").withArgs(f.loanId, ORG.BANK_A, f.cc1, cny(800_000));
      const block = await ethers.provider.getBlock((await (await tx).wait()).blockNumber);
      const l = await f.LoanBook.loan(f.loanId);
      expect(l.status).to.equal(BigInt(LoanStatus.Defaulted));
      expect(l.lossFen).to.equal(cny(800_000));
      expect(l.outstandingFen).to.equal(cny(1_000_000));
      // Issue 11 §1: the grace period of a guarantor runs from here.
      expect(l.defaultedAt).to.equal(BigInt(block.timestamp));
      expect(l.defaultedAt > l.disbursedAt).to.equal(true);
    });

    it("leaves defaultedAt at zero on a loan that is overdue or repaid", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 95, cny(300_000))).wait();
      expect((await f.LoanBook.loan(f.loanId)).defaultedAt).to.equal(0n);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(1_000_000), 0)).wait();
      expect((await f.LoanBook.loan(f.loanId)).defaultedAt).to.equal(0n);
    });

    it("declares an overdue loan defaulted", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 95, cny(300_000))).wait();
      await expect(f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(700_000)))
        .to.emit(f.LoanBook, "LoanDefaulted")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, cny(700_000));
      expect((await f.LoanBook.loan(f.loanId)).status).to.equal(BigInt(LoanStatus.Defaulted));
    });

    it("accepts a loss equal to the outstanding amount and refuses one fen more", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(250_000), 0)).wait();
      await expect(f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(750_000) + 1n))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanLossExceedsOutstanding")
        .withArgs(f.loanId, cny(750_000) + 1n, cny(750_000));
      await expect(f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(750_000)))
        .to.emit(f.LoanBook, "LoanDefaulted")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, cny(750_000));
    });

    it("rejects a zero loss", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.LoanBook.connect(f.bankA).declareDefault(f.loanId, 0))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanZeroLoss")
        .withArgs(f.loanId);
    });

    it("rejects a loan that is already defaulted or repaid", async function () {
      const f = await loadFixture(twoBanksFixture);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(1))).wait();
      await expect(f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(1)))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanInvalidStatus")
        .withArgs(f.loanId, LoanStatus.Defaulted);

      const other = await lend(f, "repaid");
      await (await f.LoanBook.connect(f.bankA).recordRepayment(other, cny(500_000), 0)).wait();
      await expect(f.LoanBook.connect(f.bankA).declareDefault(other, cny(1)))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanInvalidStatus")
        .withArgs(other, LoanStatus.Repaid);
    });

    it("rejects another bank and an unknown loan", async function () {
      const f = await loadFixture(twoBanksFixture);
      const loanOfB = await lend(f, "of-b", { bank: f.bankB, consentId: f.consentB });
      await expect(f.LoanBook.connect(f.bankA).declareDefault(loanOfB, cny(1)))
        .to.be.revertedWithCustomError(f.LoanBook, "MembershipWrongOrganization")
        .withArgs(f.bankA.address, ORG.BANK_B, ORG.BANK_A);
      const unknown = ethers.id("loan-unknown");
      await expect(f.LoanBook.connect(f.bankA).declareDefault(unknown, cny(1)))
        .to.be.revertedWithCustomError(f.LoanBook, "LoanUnknown")
        .withArgs(unknown);
    });
  });

  describe("lifecycle", function () {
    it("follows a loan from decision through overdue and back to full repayment", async function () {
      const f = await loadFixture(consentFixture);
      const loanId = await lend(f, "life", { amountFen: cny(200_000), purpose: LoanPurpose.Trade });
      await time.increase(30 * 86400);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(loanId, cny(50_000), cny(700))).wait();
      await (await f.LoanBook.connect(f.bankA).markOverdue(loanId, 5, cny(50_000))).wait();
      await (await f.LoanBook.connect(f.bankA).markCurrent(loanId)).wait();
      await (await f.LoanBook.connect(f.bankA).recordRepayment(loanId, cny(150_000), cny(1_400))).wait();
      const l = await f.LoanBook.loan(loanId);
      expect(l.status).to.equal(BigInt(LoanStatus.Repaid));
      expect(l.outstandingFen).to.equal(0n);
      expect(l.amountFen).to.equal(cny(200_000));
      expect(l.purpose).to.equal(BigInt(LoanPurpose.Trade));
    });
  });
});
