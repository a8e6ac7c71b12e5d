"use strict";
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { loadFixture, time } = require("@nomicfoundation/hardhat-network-helpers");
const {
  L,
  ORG,
  PRODUCT,
  govern,
  encryptionKey,
  loanFixture,
  defaultTerms,
  grantBySig,
} = require("../helpers/fixtures");

const { Role, LoanStatus, LoanPurpose } = L;
const AgreementStatus = Object.freeze({ None: 0, Proposed: 1, Active: 2, Terminated: 3 });

/** Amounts are in fen: 1 CNY = 100 fen. */
const cny = (n) => BigInt(n) * 100n;

const GUARANTOR_2 = L.orgId(ethers, "guarantor.gx.2");
const AGREEMENT = ethers.id("agreement/ccb-gx-2025");
const YEAR = 365 * 86400;
const MAX_UINT128 = 2n ** 128n - 1n;
/** Invitation terms that accept any coverage and any fee: minCoverageBps 1, maxFeeFen 2^128 − 1. */
const ANY_TERMS = [1, MAX_UINT128];

/** The 总对总 agreement the guarantor offers BANK_A in these tests. */
const OFFER = Object.freeze({
  coverageBps: 7000,
  feeBps: 150,
  perLoanLimitFen: cny(2_000_000),
  totalLimitFen: cny(5_000_000),
});

/**
 * Plus a consent of enterprise 1 for BANK_B (so both banks can lend) and a second guarantor organization
 * operated by spare[0]. The fixture loan (1,000,000 CNY by BANK_A) is active and unguaranteed.
 */
async function guaranteeFixture() {
  const f = await loadFixture(loanFixture);
  const consentB = await grantBySig(f, await defaultTerms(f, { consumer: ORG.BANK_B, nonce: 2 }));
  const guarantor2 = f.spare[0];
  await govern(f.Consortium, f.governors, "admitMember", [
    GUARANTOR_2,
    Role.Guarantor,
    "Liuzhou Guarantee",
    "https://liuzhou-guarantee.example:7443",
    "",
    encryptionKey("Liuzhou Guarantee"),
    [guarantor2.address],
  ]);
  return { ...f, consentB, guarantor2 };
}

/** Plus BANK_A's invitation of the guarantor to guarantee the fixture loan. */
async function invitedFixture() {
  const f = await loadFixture(guaranteeFixture);
  await (await f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, ...ANY_TERMS)).wait();
  return f;
}

/** BANK_A invites `guarantorOrg` to guarantee the fixture loan, and `signer` (its operator) guarantees it. */
async function inviteAndGuarantee(f, signer, guarantorOrg, coverageBps, feeFen) {
  await (await f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, guarantorOrg, ...ANY_TERMS)).wait();
  await (await f.GuaranteeBook.connect(signer).guaranteeLoan(f.loanId, coverageBps, feeFen)).wait();
}

/** Plus the agreement OFFER proposed by the guarantor to BANK_A (not yet accepted). */
async function proposedFixture() {
  const f = await loadFixture(guaranteeFixture);
  const validUntil = (await time.latest()) + YEAR;
  await (
    await f.GuaranteeBook.connect(f.guarantor).proposeAgreement(
      AGREEMENT,
      ORG.BANK_A,
      OFFER.coverageBps,
      OFFER.feeBps,
      OFFER.perLoanLimitFen,
      OFFER.totalLimitFen,
      validUntil,
    )
  ).wait();
  return { ...f, validUntil };
}

/** Plus BANK_A's acceptance: the agreement is active. */
async function agreementFixture() {
  const f = await loadFixture(proposedFixture);
  await (await f.GuaranteeBook.connect(f.bankA).acceptAgreement(AGREEMENT)).wait();
  return f;
}

/**
 * Records an approved decision `decision/<label>` and disburses loan `loan/<label>` on it, as BANK_A
 * (bank: "A") or BANK_B (bank: "B"), each under the enterprise's consent to that bank.
 */
async function lend(f, label, { bank = "A", ...terms } = {}) {
  const signer = bank === "B" ? f.bankB : f.bankA;
  const consentId = bank === "B" ? f.consentB : f.consentId;
  const decisionHash = ethers.id(`decision/${label}`);
  const loanId = ethers.id(`loan/${label}`);
  await (await f.LoanBook.connect(signer).recordDecision(decisionHash, consentId, true)).wait();
  await (
    await f.LoanBook.connect(signer).disburse({
      loanId,
      decisionHash,
      productCode: PRODUCT.YINSHUIDAI,
      amountFen: cny(500_000),
      rateBps: 420,
      termMonths: 12,
      purpose: LoanPurpose.WorkingCapital,
      ...terms,
    })
  ).wait();
  return loanId;
}

describe("GuaranteeBook", function () {
  describe("inviteGuarantor", function () {
    it("lets the lending bank invite an active guarantor to guarantee its active loan", async function () {
      const f = await loadFixture(guaranteeFixture);
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ethers.ZeroHash);
      await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, ...ANY_TERMS))
        .to.emit(f.GuaranteeBook, "GuarantorInvited")
        .withArgs(f.loanId, ORG.BANK_A, ORG.GUARANTOR, ...ANY_TERMS);
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ORG.GUARANTOR);
      // An invitation is not a guarantee.
      expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).guarantorOrg).to.equal(ethers.ZeroHash);
      expect(await f.GuaranteeBook.obligationOf(f.loanId)).to.deep.equal([ethers.ZeroHash, 0n, 0n]);
    });

    it("replaces an earlier invitation, so only the guarantor invited last may guarantee", async function () {
      const f = await loadFixture(invitedFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, GUARANTOR_2, ...ANY_TERMS))
        .to.emit(f.GuaranteeBook, "GuarantorInvited")
        .withArgs(f.loanId, ORG.BANK_A, GUARANTOR_2, ...ANY_TERMS);
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(GUARANTOR_2);
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotInvited")
        .withArgs(f.loanId, ORG.GUARANTOR);
      await expect(f.GuaranteeBook.connect(f.guarantor2).guaranteeLoan(f.loanId, 5000, 0))
        .to.emit(f.GuaranteeBook, "LoanGuaranteed")
        .withArgs(f.loanId, GUARANTOR_2, f.cc1, ORG.BANK_A, ethers.ZeroHash, 5000, 0);
    });

    it("lets the bank renew the invitation of the same guarantor", async function () {
      const f = await loadFixture(invitedFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, ...ANY_TERMS))
        .to.emit(f.GuaranteeBook, "GuarantorInvited")
        .withArgs(f.loanId, ORG.BANK_A, ORG.GUARANTOR, ...ANY_TERMS);
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ORG.GUARANTOR);
    });

    it("keeps invitations per loan", async function () {
      const f = await loadFixture(invitedFixture);
      const other = await lend(f, "other");
      await (await f.GuaranteeBook.connect(f.bankA).inviteGuarantor(other, GUARANTOR_2, ...ANY_TERMS)).wait();
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ORG.GUARANTOR);
      expect(await f.GuaranteeBook.invitedGuarantor(other)).to.equal(GUARANTOR_2);
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(other, 5000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotInvited")
        .withArgs(other, ORG.GUARANTOR);
    });

    it("rejects another bank", async function () {
      const f = await loadFixture(guaranteeFixture);
      await expect(f.GuaranteeBook.connect(f.bankB).inviteGuarantor(f.loanId, ORG.GUARANTOR, ...ANY_TERMS))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ethers.ZeroHash);
    });

    it("rejects a guarantor inviting itself and any caller that does not operate a bank", async function () {
      const f = await loadFixture(guaranteeFixture);
      for (const caller of [f.guarantor, f.tax, f.outsider, f.enterprise]) {
        await expect(f.GuaranteeBook.connect(caller).inviteGuarantor(f.loanId, ORG.GUARANTOR, ...ANY_TERMS))
          .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
          .withArgs(caller.address, Role.Bank);
      }
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ethers.ZeroHash);
    });

    it("rejects the lending bank while it is suspended", async function () {
      const f = await loadFixture(guaranteeFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
      await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, ...ANY_TERMS))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
        .withArgs(f.bankA.address, Role.Bank);
    });

    it("rejects a loan that is not active: overdue, repaid, defaulted or unknown", async function () {
      const f = await loadFixture(guaranteeFixture);
      const overdue = await lend(f, "overdue");
      await (await f.LoanBook.connect(f.bankA).markOverdue(overdue, 10, cny(1))).wait();
      const repaid = await lend(f, "repaid");
      await (await f.LoanBook.connect(f.bankA).recordRepayment(repaid, cny(500_000), 0)).wait();
      const defaulted = await lend(f, "defaulted");
      await (await f.LoanBook.connect(f.bankA).declareDefault(defaulted, cny(1))).wait();
      const unknown = ethers.id("loan-unknown");
      for (const loanId of [overdue, repaid, defaulted, unknown]) {
        await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(loanId, ORG.GUARANTOR, ...ANY_TERMS))
          .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotEligible")
          .withArgs(loanId);
        expect(await f.GuaranteeBook.invitedGuarantor(loanId)).to.equal(ethers.ZeroHash);
      }
    });

    it("rejects a loan that is already guaranteed, naming its guarantor", async function () {
      const f = await loadFixture(guaranteeFixture);
      await inviteAndGuarantee(f, f.guarantor, ORG.GUARANTOR, 5000, 0);
      for (const invitee of [GUARANTOR_2, ORG.GUARANTOR]) {
        await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, invitee, ...ANY_TERMS))
          .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeExists")
          .withArgs(f.loanId, ORG.GUARANTOR);
      }
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ethers.ZeroHash);
    });

    it("rejects a loan already enrolled under an agreement", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId)).wait();
      await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, GUARANTOR_2, ...ANY_TERMS))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeExists")
        .withArgs(f.loanId, ORG.GUARANTOR);
    });

    it("rejects an organization that is not an active guarantor", async function () {
      const f = await loadFixture(guaranteeFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [GUARANTOR_2]);
      const notGuarantors = [
        ORG.BANK_B, // a bank
        ORG.REGULATOR, // another role
        L.orgId(ethers, "guarantor.unknown"), // not a member
        ethers.ZeroHash,
        GUARANTOR_2, // a suspended guarantor
      ];
      for (const org of notGuarantors) {
        await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, org, ...ANY_TERMS))
          .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeCounterpartyInactive")
          .withArgs(org, Role.Guarantor);
      }
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ethers.ZeroHash);
    });

    it("keeps an earlier invitation when a replacement is refused", async function () {
      const f = await loadFixture(invitedFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.BANK_B, ...ANY_TERMS))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeCounterpartyInactive")
        .withArgs(ORG.BANK_B, Role.Guarantor);
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ORG.GUARANTOR);
    });
  });

  describe("guaranteeLoan", function () {
    it("lets the invited guarantor guarantee an active loan with a coverage share and a fee", async function () {
      const f = await loadFixture(invitedFixture);
      const tx = f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, cny(10_000));
      await expect(tx)
        .to.emit(f.GuaranteeBook, "LoanGuaranteed")
        .withArgs(f.loanId, ORG.GUARANTOR, f.cc1, ORG.BANK_A, ethers.ZeroHash, 5000, cny(10_000));
      const block = await ethers.provider.getBlock((await (await tx).wait()).blockNumber);

      const g = await f.GuaranteeBook.guaranteeOf(f.loanId);
      expect(g.guarantorOrg).to.equal(ORG.GUARANTOR);
      expect(g.agreementId).to.equal(ethers.ZeroHash);
      expect(g.feeFen).to.equal(cny(10_000));
      expect(g.payoutFen).to.equal(0n);
      expect(g.coverageBps).to.equal(5000n);
      expect(g.createdAt).to.equal(BigInt(block.timestamp));
      expect(g.paidOut).to.equal(false);
      expect(g.released).to.equal(false);
      // Before default the guarantor owes nothing yet.
      expect(await f.GuaranteeBook.obligationOf(f.loanId)).to.deep.equal([ORG.GUARANTOR, 0n, 0n]);
    });

    it("uses up the invitation", async function () {
      const f = await loadFixture(invitedFixture);
      await (await f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 0)).wait();
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ethers.ZeroHash);
    });

    it("accepts full coverage", async function () {
      const f = await loadFixture(invitedFixture);
      await (await f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 10_000, 0)).wait();
      expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).coverageBps).to.equal(10_000n);
    });

    it("rejects a guarantor the bank has not invited", async function () {
      const f = await loadFixture(guaranteeFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotInvited")
        .withArgs(f.loanId, ORG.GUARANTOR);
      expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).guarantorOrg).to.equal(ethers.ZeroHash);
    });

    it("rejects a guarantor other than the one invited, leaving the invitation in place", async function () {
      const f = await loadFixture(invitedFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor2).guaranteeLoan(f.loanId, 5000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotInvited")
        .withArgs(f.loanId, GUARANTOR_2);
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ORG.GUARANTOR);
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 0)).to.emit(
        f.GuaranteeBook,
        "LoanGuaranteed",
      );
    });

    it("rejects a caller that does not operate a guarantor", async function () {
      const f = await loadFixture(invitedFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).guaranteeLoan(f.loanId, 5000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
        .withArgs(f.bankA.address, Role.Guarantor);
    });

    it("rejects the invited guarantor while it is suspended", async function () {
      const f = await loadFixture(invitedFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.GUARANTOR]);
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
        .withArgs(f.guarantor.address, Role.Guarantor);
    });

    it("rejects a coverage of zero or above 10000 bps", async function () {
      const f = await loadFixture(invitedFixture);
      for (const coverage of [0, 10_001]) {
        await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, coverage, 0))
          .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeInvalidCoverage")
          .withArgs(coverage);
      }
    });

    it("rejects the invited guarantor once the loan is overdue", async function () {
      const f = await loadFixture(invitedFixture);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 10, cny(1))).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotEligible")
        .withArgs(f.loanId);
    });

    it("rejects the invited guarantor once the loan is repaid", async function () {
      const f = await loadFixture(invitedFixture);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(1_000_000), 0)).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotEligible")
        .withArgs(f.loanId);
    });

    it("rejects the invited guarantor once the loan is defaulted", async function () {
      const f = await loadFixture(invitedFixture);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(1))).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotEligible")
        .withArgs(f.loanId);
    });

    it("rejects an unknown loan before asking for an invitation", async function () {
      const f = await loadFixture(guaranteeFixture);
      const unknown = ethers.id("loan-unknown");
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(unknown, 5000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotEligible")
        .withArgs(unknown);
    });

    it("rejects a second guarantee on the same loan: the invitation is used up and cannot be renewed", async function () {
      const f = await loadFixture(invitedFixture);
      await (await f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 0)).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 6000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotInvited")
        .withArgs(f.loanId, ORG.GUARANTOR);
      await expect(f.GuaranteeBook.connect(f.guarantor2).guaranteeLoan(f.loanId, 6000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotInvited")
        .withArgs(f.loanId, GUARANTOR_2);
      expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).coverageBps).to.equal(5000n);
    });
  });

  describe("proposeAgreement", function () {
    /** Arguments of proposeAgreement for OFFER, with `overrides`. */
    async function offer(overrides = {}) {
      const o = {
        agreementId: AGREEMENT,
        bankOrg: ORG.BANK_A,
        ...OFFER,
        validUntil: (await time.latest()) + YEAR,
        ...overrides,
      };
      return [o.agreementId, o.bankOrg, o.coverageBps, o.feeBps, o.perLoanLimitFen, o.totalLimitFen, o.validUntil];
    }

    it("proposes a batch agreement to a bank", async function () {
      const f = await loadFixture(guaranteeFixture);
      const args = await offer();
      await expect(f.GuaranteeBook.connect(f.guarantor).proposeAgreement(...args))
        .to.emit(f.GuaranteeBook, "AgreementProposed")
        .withArgs(AGREEMENT, ORG.GUARANTOR, ORG.BANK_A, ...args.slice(2));
      const a = await f.GuaranteeBook.agreement(AGREEMENT);
      expect(a.guarantorOrg).to.equal(ORG.GUARANTOR);
      expect(a.bankOrg).to.equal(ORG.BANK_A);
      expect(a.perLoanLimitFen).to.equal(OFFER.perLoanLimitFen);
      expect(a.totalLimitFen).to.equal(OFFER.totalLimitFen);
      expect(a.usedFen).to.equal(0n);
      expect(a.coverageBps).to.equal(BigInt(OFFER.coverageBps));
      expect(a.feeBps).to.equal(BigInt(OFFER.feeBps));
      expect(a.validUntil).to.equal(BigInt(args[6]));
      expect(a.status).to.equal(BigInt(AgreementStatus.Proposed));
    });

    it("accepts the extreme terms: full coverage, no fee or the full fee, one limit for both", async function () {
      const f = await loadFixture(guaranteeFixture);
      const one = { coverageBps: 10_000, feeBps: 0, perLoanLimitFen: 1, totalLimitFen: 1 };
      await (await f.GuaranteeBook.connect(f.guarantor).proposeAgreement(...(await offer(one)))).wait();
      const other = ethers.id("agreement/full-fee");
      await (
        await f.GuaranteeBook.connect(f.guarantor).proposeAgreement(
          ...(await offer({ agreementId: other, feeBps: 10_000 })),
        )
      ).wait();
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).coverageBps).to.equal(10_000n);
      expect((await f.GuaranteeBook.agreement(other)).feeBps).to.equal(10_000n);
    });

    it("rejects a caller that does not operate a guarantor", async function () {
      const f = await loadFixture(guaranteeFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).proposeAgreement(...(await offer())))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
        .withArgs(f.bankA.address, Role.Guarantor);
    });

    it("rejects an agreement id that is already taken", async function () {
      const f = await loadFixture(proposedFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor2).proposeAgreement(...(await offer({ bankOrg: ORG.BANK_B }))))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementExists")
        .withArgs(AGREEMENT);
    });

    const invalid = [
      ["a zero agreement id", () => ({ agreementId: ethers.ZeroHash }), () => ["GuaranteeZeroAgreementId", []]],
      [
        "a counterparty that is not a bank",
        () => ({ bankOrg: ORG.GUARANTOR }),
        () => ["GuaranteeCounterpartyInactive", [ORG.GUARANTOR, Role.Bank]],
      ],
      [
        "a counterparty that is not a member",
        () => ({ bankOrg: L.orgId(ethers, "bank.unknown") }),
        () => ["GuaranteeCounterpartyInactive", [L.orgId(ethers, "bank.unknown"), Role.Bank]],
      ],
      ["a zero coverage", () => ({ coverageBps: 0 }), () => ["GuaranteeInvalidCoverage", [0]]],
      ["a coverage above 10000 bps", () => ({ coverageBps: 10_001 }), () => ["GuaranteeInvalidCoverage", [10_001]]],
      ["a fee above 10000 bps", () => ({ feeBps: 10_001 }), () => ["GuaranteeInvalidFeeRate", [10_001]]],
      [
        "a zero per-loan limit",
        () => ({ perLoanLimitFen: 0, totalLimitFen: 0 }),
        () => ["GuaranteeInvalidLimits", [0, 0]],
      ],
      [
        "a total limit below the per-loan limit",
        () => ({ perLoanLimitFen: cny(2_000_000), totalLimitFen: cny(2_000_000) - 1n }),
        () => ["GuaranteeInvalidLimits", [cny(2_000_000), cny(2_000_000) - 1n]],
      ],
      ["an expiry in the past", (now) => ({ validUntil: now - 1 }), (now) => ["GuaranteeValidUntilPast", [now - 1]]],
      [
        "an expiry at the current block",
        (now) => ({ validUntil: now + 1 }),
        (now) => ["GuaranteeValidUntilPast", [now + 1]],
      ],
    ];
    for (const [what, change, refusal] of invalid) {
      it(`rejects ${what}`, async function () {
        const f = await loadFixture(guaranteeFixture);
        const now = await time.latest();
        const args = await offer(change(now));
        await time.setNextBlockTimestamp(now + 1);
        const [error, errorArgs] = refusal(now);
        await expect(f.GuaranteeBook.connect(f.guarantor).proposeAgreement(...args))
          .to.be.revertedWithCustomError(f.GuaranteeBook, error)
          .withArgs(...errorArgs);
        expect((await f.GuaranteeBook.agreement(args[0])).status).to.equal(BigInt(AgreementStatus.None));
      });
    }

    it("rejects a bank that has been suspended", async function () {
      const f = await loadFixture(guaranteeFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_B]);
      await expect(f.GuaranteeBook.connect(f.guarantor).proposeAgreement(...(await offer({ bankOrg: ORG.BANK_B }))))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeCounterpartyInactive")
        .withArgs(ORG.BANK_B, Role.Bank);
    });
  });

  describe("acceptAgreement", function () {
    it("lets the named bank accept a proposed agreement", async function () {
      const f = await loadFixture(proposedFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).acceptAgreement(AGREEMENT))
        .to.emit(f.GuaranteeBook, "AgreementAccepted")
        .withArgs(AGREEMENT, ORG.GUARANTOR, ORG.BANK_A);
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).status).to.equal(BigInt(AgreementStatus.Active));
    });

    it("accepts in the last second before expiry", async function () {
      const f = await loadFixture(proposedFixture);
      await time.setNextBlockTimestamp(f.validUntil - 1);
      await expect(f.GuaranteeBook.connect(f.bankA).acceptAgreement(AGREEMENT)).to.emit(
        f.GuaranteeBook,
        "AgreementAccepted",
      );
    });

    it("rejects an expired agreement", async function () {
      const f = await loadFixture(proposedFixture);
      await time.setNextBlockTimestamp(f.validUntil);
      await expect(f.GuaranteeBook.connect(f.bankA).acceptAgreement(AGREEMENT))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementExpired")
        .withArgs(AGREEMENT, f.validUntil);
    });

    it("rejects another bank", async function () {
      const f = await loadFixture(proposedFixture);
      await expect(f.GuaranteeBook.connect(f.bankB).acceptAgreement(AGREEMENT))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
    });

    it("rejects the guarantor accepting its own proposal", async function () {
      const f = await loadFixture(proposedFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor).acceptAgreement(AGREEMENT))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
        .withArgs(f.guarantor.address, Role.Bank);
    });

    it("rejects an agreement that is already active", async function () {
      const f = await loadFixture(agreementFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).acceptAgreement(AGREEMENT))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementNotProposed")
        .withArgs(AGREEMENT, AgreementStatus.Active);
    });

    it("rejects an agreement withdrawn before acceptance", async function () {
      const f = await loadFixture(proposedFixture);
      await (await f.GuaranteeBook.connect(f.guarantor).terminateAgreement(AGREEMENT)).wait();
      await expect(f.GuaranteeBook.connect(f.bankA).acceptAgreement(AGREEMENT))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementNotProposed")
        .withArgs(AGREEMENT, AgreementStatus.Terminated);
    });

    it("rejects an unknown agreement", async function () {
      const f = await loadFixture(proposedFixture);
      const unknown = ethers.id("agreement/unknown");
      await expect(f.GuaranteeBook.connect(f.bankA).acceptAgreement(unknown))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementUnknown")
        .withArgs(unknown);
    });
  });

  describe("terminateAgreement", function () {
    it("lets the guarantor terminate", async function () {
      const f = await loadFixture(agreementFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor).terminateAgreement(AGREEMENT))
        .to.emit(f.GuaranteeBook, "AgreementTerminated")
        .withArgs(AGREEMENT, ORG.GUARANTOR);
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).status).to.equal(BigInt(AgreementStatus.Terminated));
    });

    it("lets the bank terminate", async function () {
      const f = await loadFixture(agreementFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).terminateAgreement(AGREEMENT))
        .to.emit(f.GuaranteeBook, "AgreementTerminated")
        .withArgs(AGREEMENT, ORG.BANK_A);
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).status).to.equal(BigInt(AgreementStatus.Terminated));
    });

    it("lets the guarantor withdraw a proposal the bank has not accepted", async function () {
      const f = await loadFixture(proposedFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor).terminateAgreement(AGREEMENT))
        .to.emit(f.GuaranteeBook, "AgreementTerminated")
        .withArgs(AGREEMENT, ORG.GUARANTOR);
    });

    it("rejects a member that is not a party", async function () {
      const f = await loadFixture(agreementFixture);
      await expect(f.GuaranteeBook.connect(f.bankB).terminateAgreement(AGREEMENT))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotParty")
        .withArgs(f.bankB.address, ORG.GUARANTOR, ORG.BANK_A);
      await expect(f.GuaranteeBook.connect(f.guarantor2).terminateAgreement(AGREEMENT))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotParty")
        .withArgs(f.guarantor2.address, ORG.GUARANTOR, ORG.BANK_A);
    });

    it("rejects an account that is not a member", async function () {
      const f = await loadFixture(agreementFixture);
      await expect(f.GuaranteeBook.connect(f.outsider).terminateAgreement(AGREEMENT))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
        .withArgs(f.outsider.address, Role.None);
    });

    it("rejects terminating twice", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.GuaranteeBook.connect(f.bankA).terminateAgreement(AGREEMENT)).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).terminateAgreement(AGREEMENT))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementNotActive")
        .withArgs(AGREEMENT, AgreementStatus.Terminated);
    });

    it("rejects an unknown agreement", async function () {
      const f = await loadFixture(agreementFixture);
      const unknown = ethers.id("agreement/unknown");
      await expect(f.GuaranteeBook.connect(f.guarantor).terminateAgreement(unknown))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementUnknown")
        .withArgs(unknown);
    });

    it("keeps the loans already enrolled guaranteed", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId)).wait();
      await (await f.GuaranteeBook.connect(f.guarantor).terminateAgreement(AGREEMENT)).wait();
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(600_000))).wait();
      expect(await f.GuaranteeBook.maxPayout(f.loanId)).to.equal(cny(420_000));
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(420_000)))
        .to.emit(f.GuaranteeBook, "GuaranteePaidOut")
        .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, f.cc1, cny(420_000), cny(420_000), cny(420_000), cny(600_000));
    });
  });

  describe("enrollLoan", function () {
    it("enrols an active loan of the bank, charging the agreement's fee and using its limit", async function () {
      const f = await loadFixture(agreementFixture);
      const fee = (cny(1_000_000) * BigInt(OFFER.feeBps)) / 10_000n;
      expect(fee).to.equal(cny(15_000));
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId))
        .to.emit(f.GuaranteeBook, "LoanGuaranteed")
        .withArgs(f.loanId, ORG.GUARANTOR, f.cc1, ORG.BANK_A, AGREEMENT, OFFER.coverageBps, fee);
      const g = await f.GuaranteeBook.guaranteeOf(f.loanId);
      expect(g.guarantorOrg).to.equal(ORG.GUARANTOR);
      expect(g.agreementId).to.equal(AGREEMENT);
      expect(g.coverageBps).to.equal(BigInt(OFFER.coverageBps));
      expect(g.feeFen).to.equal(fee);
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(cny(1_000_000));

      const second = await lend(f, "second", { amountFen: cny(1_500_000) });
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, second)).wait();
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(cny(2_500_000));
    });

    it("rounds the fee down to the fen", async function () {
      const f = await loadFixture(agreementFixture);
      const loanId = await lend(f, "odd", { amountFen: 333_333n });
      // 333,333 fen × 150 / 10,000 = 4,999.995 fen
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, loanId))
        .to.emit(f.GuaranteeBook, "LoanGuaranteed")
        .withArgs(loanId, ORG.GUARANTOR, f.cc1, ORG.BANK_A, AGREEMENT, OFFER.coverageBps, 4_999n);
      expect((await f.GuaranteeBook.guaranteeOf(loanId)).feeFen).to.equal(4_999n);
    });

    it("rejects the guarantor and other banks", async function () {
      const f = await loadFixture(agreementFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor).enrollLoan(AGREEMENT, f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
        .withArgs(f.guarantor.address, Role.Bank);
      await expect(f.GuaranteeBook.connect(f.bankB).enrollLoan(AGREEMENT, f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
    });

    it("rejects an agreement the bank has not accepted", async function () {
      const f = await loadFixture(proposedFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementNotActive")
        .withArgs(AGREEMENT, AgreementStatus.Proposed);
    });

    it("rejects a terminated agreement", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.GuaranteeBook.connect(f.guarantor).terminateAgreement(AGREEMENT)).wait();
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementNotActive")
        .withArgs(AGREEMENT, AgreementStatus.Terminated);
    });

    it("rejects an expired agreement", async function () {
      const f = await loadFixture(agreementFixture);
      await time.setNextBlockTimestamp(f.validUntil);
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementExpired")
        .withArgs(AGREEMENT, f.validUntil);
    });

    it("rejects an unknown agreement", async function () {
      const f = await loadFixture(agreementFixture);
      const unknown = ethers.id("agreement/unknown");
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(unknown, f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementUnknown")
        .withArgs(unknown);
    });

    it("rejects a loan that is not active", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 3, cny(1))).wait();
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotEligible")
        .withArgs(f.loanId);
      const unknown = ethers.id("loan-unknown");
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, unknown))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotEligible")
        .withArgs(unknown);
    });

    it("rejects a loan of another bank", async function () {
      const f = await loadFixture(agreementFixture);
      const loanOfB = await lend(f, "of-b", { bank: "B" });
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, loanOfB))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAgreementWrongBank")
        .withArgs(AGREEMENT, ORG.BANK_B);
    });

    it("accepts a loan at the per-loan limit and rejects one fen more", async function () {
      const f = await loadFixture(agreementFixture);
      const tooBig = await lend(f, "too-big", { amountFen: OFFER.perLoanLimitFen + 1n });
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, tooBig))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteePerLoanLimitExceeded")
        .withArgs(AGREEMENT, OFFER.perLoanLimitFen + 1n, OFFER.perLoanLimitFen);
      const atLimit = await lend(f, "at-limit", { amountFen: OFFER.perLoanLimitFen });
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, atLimit)).wait();
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(OFFER.perLoanLimitFen);
    });

    it("rejects a loan beyond the total limit with what is still available, and fills it exactly", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId)).wait(); // 1.0 M
      const two = await lend(f, "two", { amountFen: cny(2_000_000) });
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, two)).wait(); // 3.0 M
      const three = await lend(f, "three", { amountFen: cny(1_500_000) });
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, three)).wait(); // 4.5 M

      const over = await lend(f, "over", { amountFen: cny(500_000) + 1n });
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, over))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeTotalLimitExceeded")
        .withArgs(AGREEMENT, cny(500_000) + 1n, cny(500_000));
      const fits = await lend(f, "fits", { amountFen: cny(500_000) });
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, fits)).wait();
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(OFFER.totalLimitFen);
    });

    it("rejects a loan that is already guaranteed, leaving the limit untouched", async function () {
      const f = await loadFixture(agreementFixture);
      await inviteAndGuarantee(f, f.guarantor2, GUARANTOR_2, 5000, 0);
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeExists")
        .withArgs(f.loanId, GUARANTOR_2);
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(0n);
    });
  });

  describe("releaseGuarantee", function () {
    it("lets the bank release the guarantee of a repaid loan, freeing the agreement's limit", async function () {
      const f = await loadFixture(agreementFixture);
      const big = await lend(f, "big", { amountFen: cny(2_000_000) });
      const big2 = await lend(f, "big2", { amountFen: cny(2_000_000) });
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, big)).wait();
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, big2)).wait();
      await (await f.LoanBook.connect(f.bankA).recordRepayment(big, cny(2_000_000), cny(20_000))).wait();
      const mid = await lend(f, "mid", { amountFen: cny(1_500_000) });
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, mid))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeTotalLimitExceeded")
        .withArgs(AGREEMENT, cny(1_500_000), cny(1_000_000));

      await expect(f.GuaranteeBook.connect(f.bankA).releaseGuarantee(big))
        .to.emit(f.GuaranteeBook, "GuaranteeReleased")
        .withArgs(big, ORG.GUARANTOR, AGREEMENT);
      expect((await f.GuaranteeBook.guaranteeOf(big)).released).to.equal(true);
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(cny(2_000_000));

      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, mid)).wait();
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(cny(3_500_000));
    });

    it("lets the guarantor release a single guarantee of a repaid loan", async function () {
      const f = await loadFixture(guaranteeFixture);
      await inviteAndGuarantee(f, f.guarantor, ORG.GUARANTOR, 5000, 0);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(1_000_000), 0)).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).releaseGuarantee(f.loanId))
        .to.emit(f.GuaranteeBook, "GuaranteeReleased")
        .withArgs(f.loanId, ORG.GUARANTOR, ethers.ZeroHash);
      expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).released).to.equal(true);
    });

    it("rejects a loan that is not repaid", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId)).wait();
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(999_999), 0)).wait();
      await expect(f.GuaranteeBook.connect(f.bankA).releaseGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotRepaid")
        .withArgs(f.loanId);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(1))).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).releaseGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotRepaid")
        .withArgs(f.loanId);
    });

    it("rejects releasing twice", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId)).wait();
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(1_000_000), 0)).wait();
      await (await f.GuaranteeBook.connect(f.bankA).releaseGuarantee(f.loanId)).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).releaseGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAlreadyReleased")
        .withArgs(f.loanId);
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(0n);
    });

    it("rejects a member that is neither the bank nor the guarantor", async function () {
      const f = await loadFixture(guaranteeFixture);
      await inviteAndGuarantee(f, f.guarantor, ORG.GUARANTOR, 5000, 0);
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(1_000_000), 0)).wait();
      await expect(f.GuaranteeBook.connect(f.bankB).releaseGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotParty")
        .withArgs(f.bankB.address, ORG.GUARANTOR, ORG.BANK_A);
      await expect(f.GuaranteeBook.connect(f.guarantor2).releaseGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotParty")
        .withArgs(f.guarantor2.address, ORG.GUARANTOR, ORG.BANK_A);
      await expect(f.GuaranteeBook.connect(f.outsider).releaseGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
        .withArgs(f.outsider.address, Role.None);
    });

    it("rejects a loan without a guarantee", async function () {
      const f = await loadFixture(guaranteeFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).releaseGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeUnknown")
        .withArgs(f.loanId);
    });
  });

  describe("recordPayout", function () {
    /** The fixture loan guaranteed at 50 % by the guarantor and defaulted with a loss of 800,000 CNY. */
    async function defaultedFixture() {
      const f = await loadFixture(invitedFixture);
      await (await f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, cny(10_000))).wait();
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(800_000))).wait();
      return f;
    }

    it("records the guarantor's payment of its whole obligation on a defaulted loan, with the enterprise", async function () {
      const f = await loadFixture(defaultedFixture);
      expect(await f.GuaranteeBook.obligationOf(f.loanId)).to.deep.equal([ORG.GUARANTOR, cny(400_000), 0n]);
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(400_000)))
        .to.emit(f.GuaranteeBook, "GuaranteePaidOut")
        .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, f.cc1, cny(400_000), cny(400_000), cny(400_000), cny(800_000));
      const g = await f.GuaranteeBook.guaranteeOf(f.loanId);
      expect(g.paidOut).to.equal(true);
      expect(g.payoutFen).to.equal(cny(400_000));
      expect(await f.GuaranteeBook.obligationOf(f.loanId)).to.deep.equal([ORG.GUARANTOR, cny(400_000), cny(400_000)]);
    });

    // Issue 11 §1: a 1-fen payment no longer settles the guarantee; it is one instalment of the obligation.
    it("records a payment below the obligation as an instalment: the guarantee is not paid out", async function () {
      const f = await loadFixture(defaultedFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(1)))
        .to.emit(f.GuaranteeBook, "GuaranteePaidOut")
        .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, f.cc1, cny(1), cny(1), cny(400_000), cny(800_000));
      const g = await f.GuaranteeBook.guaranteeOf(f.loanId);
      expect(g.paidOut).to.equal(false);
      expect(g.payoutFen).to.equal(cny(1));
      expect(await f.GuaranteeBook.obligationOf(f.loanId)).to.deep.equal([ORG.GUARANTOR, cny(400_000), cny(1)]);
    });

    it("records instalments up to the obligation, each an event, and refuses one fen beyond what is still owed", async function () {
      const f = await loadFixture(defaultedFixture);
      const instalments = [cny(100_000), cny(150_000), cny(120_000)];
      let paid = 0n;
      for (const amount of instalments) {
        paid += amount;
        await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, amount))
          .to.emit(f.GuaranteeBook, "GuaranteePaidOut")
          .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, f.cc1, amount, paid, cny(400_000), cny(800_000));
        expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).paidOut).to.equal(false);
      }
      expect(paid).to.equal(cny(370_000));
      // 30,000 CNY still owed: one fen more is refused, naming what remains.
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(30_000) + 1n))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteePayoutTooHigh")
        .withArgs(f.loanId, cny(30_000) + 1n, cny(30_000));
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(30_000)))
        .to.emit(f.GuaranteeBook, "GuaranteePaidOut")
        .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, f.cc1, cny(30_000), cny(400_000), cny(400_000), cny(800_000));
      const g = await f.GuaranteeBook.guaranteeOf(f.loanId);
      expect(g.paidOut).to.equal(true);
      expect(g.payoutFen).to.equal(cny(400_000));
    });

    it("rejects a payout above loss × coverage, naming the maximum", async function () {
      const f = await loadFixture(defaultedFixture);
      expect(await f.GuaranteeBook.maxPayout(f.loanId)).to.equal(cny(400_000));
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(400_000) + 1n))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteePayoutTooHigh")
        .withArgs(f.loanId, cny(400_000) + 1n, cny(400_000));
    });

    it("rounds the maximum payout down to the fen", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId)).wait();
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, 33_333_333n)).wait();
      // 33,333,333 fen × 7,000 / 10,000 = 23,333,333.1 fen
      expect(await f.GuaranteeBook.maxPayout(f.loanId)).to.equal(23_333_333n);
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, 23_333_334n))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteePayoutTooHigh")
        .withArgs(f.loanId, 23_333_334n, 23_333_333n);
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, 23_333_333n))
        .to.emit(f.GuaranteeBook, "GuaranteePaidOut")
        .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, f.cc1, 23_333_333n, 23_333_333n, 23_333_333n, 33_333_333n);
    });

    it("rejects a zero payout", async function () {
      const f = await loadFixture(defaultedFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeZeroPayout")
        .withArgs(f.loanId);
    });

    it("rejects any payment once the whole obligation is paid", async function () {
      const f = await loadFixture(defaultedFixture);
      await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(100_000))).wait();
      await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(300_000))).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, 1n))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeAlreadyPaid")
        .withArgs(f.loanId);
      expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).payoutFen).to.equal(cny(400_000));
    });

    it("rejects a loan that has not defaulted", async function () {
      const f = await loadFixture(guaranteeFixture);
      await inviteAndGuarantee(f, f.guarantor, ORG.GUARANTOR, 5000, 0);
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(1)))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotDefaulted")
        .withArgs(f.loanId);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 90, cny(1))).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(1)))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotDefaulted")
        .withArgs(f.loanId);
    });

    it("rejects another guarantor organization", async function () {
      const f = await loadFixture(defaultedFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor2).recordPayout(f.loanId, cny(1)))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipWrongOrganization")
        .withArgs(f.guarantor2.address, ORG.GUARANTOR, GUARANTOR_2);
    });

    it("rejects the bank", async function () {
      const f = await loadFixture(defaultedFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).recordPayout(f.loanId, cny(1)))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
        .withArgs(f.bankA.address, Role.Guarantor);
    });

    it("rejects a loan without a guarantee", async function () {
      const f = await loadFixture(guaranteeFixture);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(1))).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(1)))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeUnknown")
        .withArgs(f.loanId);
    });
  });

  describe("views", function () {
    it("return empty values for a loan without a guarantee or an invitation and an unknown agreement", async function () {
      const f = await loadFixture(guaranteeFixture);
      const g = await f.GuaranteeBook.guaranteeOf(f.loanId);
      expect(g.guarantorOrg).to.equal(ethers.ZeroHash);
      expect(g.agreementId).to.equal(ethers.ZeroHash);
      expect(g.coverageBps).to.equal(0n);
      expect(g.createdAt).to.equal(0n);
      expect(await f.GuaranteeBook.maxPayout(f.loanId)).to.equal(0n);
      expect(await f.GuaranteeBook.obligationOf(f.loanId)).to.deep.equal([ethers.ZeroHash, 0n, 0n]);
      const inv = await f.GuaranteeBook.invitation(f.loanId);
      expect([inv.guarantorOrg, inv.maxFeeFen, inv.minCoverageBps]).to.deep.equal([ethers.ZeroHash, 0n, 0n]);
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ethers.ZeroHash);
      expect(await f.GuaranteeBook.invitedGuarantor(ethers.id("loan-unknown"))).to.equal(ethers.ZeroHash);

      const a = await f.GuaranteeBook.agreement(AGREEMENT);
      expect(a.guarantorOrg).to.equal(ethers.ZeroHash);
      expect(a.bankOrg).to.equal(ethers.ZeroHash);
      expect(a.status).to.equal(BigInt(AgreementStatus.None));
    });

    it("report a maximum payout of zero until the guaranteed loan defaults", async function () {
      const f = await loadFixture(guaranteeFixture);
      await inviteAndGuarantee(f, f.guarantor, ORG.GUARANTOR, 8000, 0);
      expect(await f.GuaranteeBook.maxPayout(f.loanId)).to.equal(0n);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(500_000))).wait();
      expect(await f.GuaranteeBook.maxPayout(f.loanId)).to.equal(cny(400_000));
      expect((await f.LoanBook.loan(f.loanId)).status).to.equal(BigInt(LoanStatus.Defaulted));
    });

    // IGuaranteeBook.invitedGuarantor: "zero when none or already guaranteed". Enrolling the loan under an
    // agreement guarantees it, but only guaranteeLoan clears the invitation.
    it("report no invitation once the invited loan is guaranteed under an agreement", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, GUARANTOR_2, ...ANY_TERMS)).wait();
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId)).wait();
      expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).guarantorOrg).to.equal(ORG.GUARANTOR);
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ethers.ZeroHash);
    });
  });

  // Issue 11 §1, "The bank sets the guarantee's terms": an invitation names the least coverage and the most fee.
  describe("invitation terms", function () {
    /** BANK_A's invitation of the guarantor: at least 60 % coverage for at most 12,000 CNY. */
    async function termsFixture() {
      const f = await loadFixture(guaranteeFixture);
      await (await f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, 6000, cny(12_000))).wait();
      return f;
    }

    it("records the minimum coverage and the maximum fee and announces them", async function () {
      const f = await loadFixture(guaranteeFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, 6000, cny(12_000)))
        .to.emit(f.GuaranteeBook, "GuarantorInvited")
        .withArgs(f.loanId, ORG.BANK_A, ORG.GUARANTOR, 6000, cny(12_000));
      const inv = await f.GuaranteeBook.invitation(f.loanId);
      expect(inv.guarantorOrg).to.equal(ORG.GUARANTOR);
      expect(inv.minCoverageBps).to.equal(6000n);
      expect(inv.maxFeeFen).to.equal(cny(12_000));
    });

    it("refuses less coverage than the invitation asks, naming both terms", async function () {
      const f = await loadFixture(termsFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5999, cny(12_000)))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeOutsideInvitation")
        .withArgs(f.loanId, 5999, cny(12_000), 6000, cny(12_000));
      expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).guarantorOrg).to.equal(ethers.ZeroHash);
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ORG.GUARANTOR);
    });

    it("refuses a higher fee than the invitation allows", async function () {
      const f = await loadFixture(termsFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 10_000, cny(12_000) + 1n))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeOutsideInvitation")
        .withArgs(f.loanId, 10_000, cny(12_000) + 1n, 6000, cny(12_000));
      expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).guarantorOrg).to.equal(ethers.ZeroHash);
    });

    it("accepts a guarantee exactly at the invitation's terms, and better ones", async function () {
      const f = await loadFixture(termsFixture);
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 6000, cny(12_000)))
        .to.emit(f.GuaranteeBook, "LoanGuaranteed")
        .withArgs(f.loanId, ORG.GUARANTOR, f.cc1, ORG.BANK_A, ethers.ZeroHash, 6000, cny(12_000));
      const other = await lend(f, "better");
      await (await f.GuaranteeBook.connect(f.bankA).inviteGuarantor(other, ORG.GUARANTOR, 6000, cny(12_000))).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(other, 8000, 0)).to.emit(
        f.GuaranteeBook,
        "LoanGuaranteed",
      );
    });

    it("refuses an invitation with a minimum coverage of 0 or above 10000 bps", async function () {
      const f = await loadFixture(guaranteeFixture);
      for (const coverage of [0, 10_001]) {
        await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, coverage, 0))
          .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeInvalidCoverage")
          .withArgs(coverage);
      }
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ethers.ZeroHash);
    });

    it("applies the terms of the latest invitation", async function () {
      const f = await loadFixture(termsFixture);
      await (await f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, 9000, 0)).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 6000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeOutsideInvitation")
        .withArgs(f.loanId, 6000, 0, 9000, 0);
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 9000, 1))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeOutsideInvitation")
        .withArgs(f.loanId, 9000, 1, 9000, 0);
      await (await f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 9000, 0)).wait();
      // The invitation is spent.
      const inv = await f.GuaranteeBook.invitation(f.loanId);
      expect([inv.guarantorOrg, inv.maxFeeFen, inv.minCoverageBps]).to.deep.equal([ethers.ZeroHash, 0n, 0n]);
    });
  });

  describe("withdrawInvitation", function () {
    it("lets the lending bank withdraw its invitation, so the guarantor can no longer guarantee", async function () {
      const f = await loadFixture(invitedFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).withdrawInvitation(f.loanId))
        .to.emit(f.GuaranteeBook, "InvitationWithdrawn")
        .withArgs(f.loanId, ORG.BANK_A, ORG.GUARANTOR);
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ethers.ZeroHash);
      await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 0))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotInvited")
        .withArgs(f.loanId, ORG.GUARANTOR);
    });

    it("lets the bank withdraw an invitation on a loan that is no longer active", async function () {
      const f = await loadFixture(invitedFixture);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 10, cny(1))).wait();
      await expect(f.GuaranteeBook.connect(f.bankA).withdrawInvitation(f.loanId))
        .to.emit(f.GuaranteeBook, "InvitationWithdrawn")
        .withArgs(f.loanId, ORG.BANK_A, ORG.GUARANTOR);
    });

    it("rejects another bank, the guarantor and non-members", async function () {
      const f = await loadFixture(invitedFixture);
      await expect(f.GuaranteeBook.connect(f.bankB).withdrawInvitation(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
      for (const caller of [f.guarantor, f.outsider]) {
        await expect(f.GuaranteeBook.connect(caller).withdrawInvitation(f.loanId))
          .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
          .withArgs(caller.address, Role.Bank);
      }
      expect(await f.GuaranteeBook.invitedGuarantor(f.loanId)).to.equal(ORG.GUARANTOR);
    });

    it("rejects a loan without an open invitation, and an unknown loan", async function () {
      const f = await loadFixture(guaranteeFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).withdrawInvitation(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotInvited")
        .withArgs(f.loanId, ethers.ZeroHash);
      await inviteAndGuarantee(f, f.guarantor, ORG.GUARANTOR, 5000, 0);
      await expect(f.GuaranteeBook.connect(f.bankA).withdrawInvitation(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotInvited")
        .withArgs(f.loanId, ethers.ZeroHash);
      const unknown = ethers.id("loan-unknown");
      await expect(f.GuaranteeBook.connect(f.bankA).withdrawInvitation(unknown))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeLoanNotEligible")
        .withArgs(unknown);
    });
  });

  // Issue 11 §1: "the bank can ... cancel a guarantee that has not paid out, so no guarantor can lock a loan out
  // of the bank's 银担总对总 agreement".
  describe("cancelGuarantee", function () {
    it("lets the lending bank cancel a single guarantee of an active loan, with the enterprise in the event", async function () {
      const f = await loadFixture(guaranteeFixture);
      await inviteAndGuarantee(f, f.guarantor2, GUARANTOR_2, 5000, cny(1_000));
      await expect(f.GuaranteeBook.connect(f.bankA).cancelGuarantee(f.loanId))
        .to.emit(f.GuaranteeBook, "GuaranteeCancelled")
        .withArgs(f.loanId, GUARANTOR_2, ORG.BANK_A, f.cc1, ethers.ZeroHash);
      const g = await f.GuaranteeBook.guaranteeOf(f.loanId);
      expect(g.guarantorOrg).to.equal(ethers.ZeroHash);
      expect(g.coverageBps).to.equal(0n);
      expect(await f.GuaranteeBook.obligationOf(f.loanId)).to.deep.equal([ethers.ZeroHash, 0n, 0n]);
    });

    it("lets the bank cancel a guarantee while the loan is overdue", async function () {
      const f = await loadFixture(guaranteeFixture);
      await inviteAndGuarantee(f, f.guarantor, ORG.GUARANTOR, 5000, 0);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 15, cny(10_000))).wait();
      await expect(f.GuaranteeBook.connect(f.bankA).cancelGuarantee(f.loanId))
        .to.emit(f.GuaranteeBook, "GuaranteeCancelled")
        .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, f.cc1, ethers.ZeroHash);
    });

    it("frees a guaranteed loan for the bank's agreement: a guarantor cannot lock it out", async function () {
      const f = await loadFixture(agreementFixture);
      // Another guarantor got the loan first; the agreement cannot take it.
      await inviteAndGuarantee(f, f.guarantor2, GUARANTOR_2, 5000, 0);
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeExists")
        .withArgs(f.loanId, GUARANTOR_2);
      await (await f.GuaranteeBook.connect(f.bankA).cancelGuarantee(f.loanId)).wait();
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId))
        .to.emit(f.GuaranteeBook, "LoanGuaranteed")
        .withArgs(f.loanId, ORG.GUARANTOR, f.cc1, ORG.BANK_A, AGREEMENT, OFFER.coverageBps, cny(15_000));
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(cny(1_000_000));
    });

    it("frees the agreement's limit of an enrolled loan, which may then be guaranteed again", async function () {
      const f = await loadFixture(agreementFixture);
      const big = await lend(f, "big", { amountFen: cny(2_000_000) });
      const big2 = await lend(f, "big2", { amountFen: cny(2_000_000) });
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, big)).wait();
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, big2)).wait();
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(cny(4_000_000));
      const mid = await lend(f, "mid", { amountFen: cny(1_500_000) });
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, mid))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeTotalLimitExceeded")
        .withArgs(AGREEMENT, cny(1_500_000), cny(1_000_000));

      await expect(f.GuaranteeBook.connect(f.bankA).cancelGuarantee(big))
        .to.emit(f.GuaranteeBook, "GuaranteeCancelled")
        .withArgs(big, ORG.GUARANTOR, ORG.BANK_A, f.cc1, AGREEMENT);
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(cny(2_000_000));
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, mid)).wait();
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(cny(3_500_000));

      // The cancelled loan can be guaranteed again, by invitation.
      await (await f.GuaranteeBook.connect(f.bankA).inviteGuarantor(big, GUARANTOR_2, 5000, 0)).wait();
      await expect(f.GuaranteeBook.connect(f.guarantor2).guaranteeLoan(big, 5000, 0))
        .to.emit(f.GuaranteeBook, "LoanGuaranteed")
        .withArgs(big, GUARANTOR_2, f.cc1, ORG.BANK_A, ethers.ZeroHash, 5000, 0);
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(cny(3_500_000));
    });

    it("frees the limit even after the agreement was terminated", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId)).wait();
      await (await f.GuaranteeBook.connect(f.guarantor).terminateAgreement(AGREEMENT)).wait();
      await (await f.GuaranteeBook.connect(f.bankA).cancelGuarantee(f.loanId)).wait();
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(0n);
    });

    it("refuses to cancel once the loan defaulted: the guarantor's obligation is fixed", async function () {
      const f = await loadFixture(guaranteeFixture);
      await inviteAndGuarantee(f, f.guarantor, ORG.GUARANTOR, 5000, 0);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(100_000))).wait();
      await expect(f.GuaranteeBook.connect(f.bankA).cancelGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotCancellable")
        .withArgs(f.loanId);
      expect(await f.GuaranteeBook.obligationOf(f.loanId)).to.deep.equal([ORG.GUARANTOR, cny(50_000), 0n]);
    });

    it("refuses to cancel the guarantee of a repaid loan (it is released instead)", async function () {
      const f = await loadFixture(agreementFixture);
      await (await f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId)).wait();
      await (await f.LoanBook.connect(f.bankA).recordRepayment(f.loanId, cny(1_000_000), 0)).wait();
      await expect(f.GuaranteeBook.connect(f.bankA).cancelGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeNotCancellable")
        .withArgs(f.loanId);
      expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(cny(1_000_000));
    });

    it("is only for the lending bank: refuses the guarantor, another bank and non-members", async function () {
      const f = await loadFixture(guaranteeFixture);
      await inviteAndGuarantee(f, f.guarantor, ORG.GUARANTOR, 5000, 0);
      await expect(f.GuaranteeBook.connect(f.guarantor).cancelGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
        .withArgs(f.guarantor.address, Role.Bank);
      await expect(f.GuaranteeBook.connect(f.bankB).cancelGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
      await expect(f.GuaranteeBook.connect(f.outsider).cancelGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "MembershipRequired")
        .withArgs(f.outsider.address, Role.Bank);
      expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).guarantorOrg).to.equal(ORG.GUARANTOR);
    });

    it("rejects a loan without a guarantee", async function () {
      const f = await loadFixture(invitedFixture);
      await expect(f.GuaranteeBook.connect(f.bankA).cancelGuarantee(f.loanId))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeUnknown")
        .withArgs(f.loanId);
    });
  });

  // Issue 11 §1, "Counterparties must be active too": the other member's state is checked, not only the caller's.
  describe("counterparties must be active", function () {
    for (const [how, fn] of [
      ["suspended", "suspendMember"],
      ["removed", "removeMember"],
    ]) {
      it(`refuses acceptAgreement of a proposal from a ${how} guarantor`, async function () {
        const f = await loadFixture(proposedFixture);
        await govern(f.Consortium, f.governors, fn, [ORG.GUARANTOR]);
        await expect(f.GuaranteeBook.connect(f.bankA).acceptAgreement(AGREEMENT))
          .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeCounterpartyInactive")
          .withArgs(ORG.GUARANTOR, Role.Guarantor);
        expect((await f.GuaranteeBook.agreement(AGREEMENT)).status).to.equal(BigInt(AgreementStatus.Proposed));
      });

      it(`refuses enrollLoan under the agreement of a ${how} guarantor`, async function () {
        const f = await loadFixture(agreementFixture);
        await govern(f.Consortium, f.governors, fn, [ORG.GUARANTOR]);
        await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId))
          .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeCounterpartyInactive")
          .withArgs(ORG.GUARANTOR, Role.Guarantor);
        expect((await f.GuaranteeBook.agreement(AGREEMENT)).usedFen).to.equal(0n);
      });

      it(`refuses inviteGuarantor of a ${how} guarantor`, async function () {
        const f = await loadFixture(guaranteeFixture);
        await govern(f.Consortium, f.governors, fn, [GUARANTOR_2]);
        await expect(f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, GUARANTOR_2, ...ANY_TERMS))
          .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeCounterpartyInactive")
          .withArgs(GUARANTOR_2, Role.Guarantor);
      });

      it(`refuses guaranteeLoan when the lending bank is ${how}`, async function () {
        const f = await loadFixture(invitedFixture);
        await govern(f.Consortium, f.governors, fn, [ORG.BANK_A]);
        await expect(f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 0))
          .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeCounterpartyInactive")
          .withArgs(ORG.BANK_A, Role.Bank);
        expect((await f.GuaranteeBook.guaranteeOf(f.loanId)).guarantorOrg).to.equal(ethers.ZeroHash);
      });

      it(`refuses proposeAgreement to a ${how} bank`, async function () {
        const f = await loadFixture(guaranteeFixture);
        await govern(f.Consortium, f.governors, fn, [ORG.BANK_B]);
        const validUntil = (await time.latest()) + YEAR;
        await expect(
          f.GuaranteeBook.connect(f.guarantor).proposeAgreement(
            AGREEMENT,
            ORG.BANK_B,
            OFFER.coverageBps,
            OFFER.feeBps,
            OFFER.perLoanLimitFen,
            OFFER.totalLimitFen,
            validUntil,
          ),
        )
          .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteeCounterpartyInactive")
          .withArgs(ORG.BANK_B, Role.Bank);
      });
    }

    it("accepts again once the suspended guarantor is reinstated", async function () {
      const f = await loadFixture(agreementFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.GUARANTOR]);
      await govern(f.Consortium, f.governors, "reinstateMember", [ORG.GUARANTOR]);
      await expect(f.GuaranteeBook.connect(f.bankA).enrollLoan(AGREEMENT, f.loanId)).to.emit(
        f.GuaranteeBook,
        "LoanGuaranteed",
      );
    });
  });
});
