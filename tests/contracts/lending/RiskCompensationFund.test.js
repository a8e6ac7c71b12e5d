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
  membersFixture,
  loanFixture,
  defaultTerms,
  grantBySig,
} = require("../helpers/fixtures");

const { Role, LoanPurpose } = L;
const ClaimStatus = Object.freeze({ None: 0, Filed: 1, Paid: 2, Rejected: 3, Withdrawn: 4 });
const DAY = 86400;
const GRACE = 90 * DAY; // a new fund's grace period for guarantors
const MAX_UINT128 = 2n ** 128n - 1n;
/** Invitation terms that accept any coverage and any fee. */
const ANY_TERMS = [1, MAX_UINT128];

/** Amounts are in fen: 1 CNY = 100 fen. */
const cny = (n) => BigInt(n) * 100n;

const REGULATOR_2 = L.orgId(ethers, "regulator.gx");
const FUND = ethers.id("fund/liuzhou-2025");
const FUND_RATIO_BPS = 4000;
const FUND_BALANCE = cny(10_000_000);

/**
 * Plus a consent of enterprise 1 for BANK_B, a second regulator organization operated by spare[0], and the
 * regulator's fund FUND: 40 %, 10,000,000 CNY, covering SHUIYIDAI (the fixture loan's product).
 */
async function fundFixture() {
  const f = await loadFixture(loanFixture);
  const consentB = await grantBySig(f, await defaultTerms(f, { consumer: ORG.BANK_B, nonce: 2 }));
  const regulator2 = f.spare[0];
  await govern(f.Consortium, f.governors, "admitMember", [
    REGULATOR_2,
    Role.Regulator,
    "Guangxi Finance Bureau",
    "https://gx-finance.example:7443",
    "",
    encryptionKey("Guangxi Finance Bureau"),
    [regulator2.address],
  ]);
  await (
    await f.RiskCompensationFund.connect(f.regulator).createFund(FUND, FUND_RATIO_BPS, FUND_BALANCE, [
      PRODUCT.SHUIYIDAI,
    ])
  ).wait();
  return { ...f, consentB, regulator2 };
}

/** Plus the fixture loan (unguaranteed) defaulted with a loss of 800,000 CNY. */
async function defaultedFixture() {
  const f = await loadFixture(fundFixture);
  await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(800_000))).wait();
  return f;
}

/** Plus BANK_A's claim on it (net loss 800,000 CNY). */
async function filedFixture() {
  const f = await loadFixture(defaultedFixture);
  await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId)).wait();
  return f;
}

/** Records an approved decision and disburses loan `loan/<label>` as BANK_A (bank "A") or BANK_B (bank "B"). */
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
      productCode: PRODUCT.SHUIYIDAI,
      amountFen: cny(500_000),
      rateBps: 420,
      termMonths: 12,
      purpose: LoanPurpose.WorkingCapital,
      ...terms,
    })
  ).wait();
  return loanId;
}

/** BANK_A invites the guarantor to guarantee the fixture loan, which the guarantor does at `coverageBps`. */
async function guarantee(f, coverageBps, feeFen = 0n) {
  await (await f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, ...ANY_TERMS)).wait();
  await (await f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, coverageBps, feeFen)).wait();
}

describe("RiskCompensationFund", function () {
  describe("createFund", function () {
    it("creates a fund with its ratio, balance and eligible products", async function () {
      const f = await loadFixture(membersFixture);
      const products = [PRODUCT.SHUIYIDAI, PRODUCT.YINSHUIDAI];
      const tx = f.RiskCompensationFund.connect(f.regulator).createFund(FUND, 5000, cny(20_000_000), products);
      await expect(tx)
        .to.emit(f.RiskCompensationFund, "FundCreated")
        .withArgs(FUND, ORG.REGULATOR, 5000, cny(20_000_000), GRACE);
      await expect(tx)
        .to.emit(f.RiskCompensationFund, "FundProductEligibilitySet")
        .withArgs(FUND, PRODUCT.SHUIYIDAI, false, true);
      await expect(tx)
        .to.emit(f.RiskCompensationFund, "FundProductEligibilitySet")
        .withArgs(FUND, PRODUCT.YINSHUIDAI, false, true);

      const fund = await f.RiskCompensationFund.fund(FUND);
      expect(fund.regulatorOrg).to.equal(ORG.REGULATOR);
      expect(fund.balanceFen).to.equal(cny(20_000_000));
      expect(fund.paidFen).to.equal(0n);
      expect(fund.ratioBps).to.equal(5000n);
      expect(fund.exists).to.equal(true);
      expect(fund.graceSeconds).to.equal(BigInt(GRACE));
      expect(await f.RiskCompensationFund.isEligible(FUND, PRODUCT.SHUIYIDAI)).to.equal(true);
      expect(await f.RiskCompensationFund.isEligible(FUND, PRODUCT.YINSHUIDAI)).to.equal(true);
      expect(await f.RiskCompensationFund.isEligible(FUND, ethers.encodeBytes32String("OTHER"))).to.equal(false);
    });

    it("creates a fund without products or balance", async function () {
      const f = await loadFixture(membersFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator).createFund(FUND, 3000, 0, []))
        .to.emit(f.RiskCompensationFund, "FundCreated")
        .withArgs(FUND, ORG.REGULATOR, 3000, 0, GRACE)
        .and.not.to.emit(f.RiskCompensationFund, "FundProductEligibilitySet");
      expect(await f.RiskCompensationFund.isEligible(FUND, PRODUCT.SHUIYIDAI)).to.equal(false);
    });

    it("rejects a caller that does not operate a regulator", async function () {
      const f = await loadFixture(membersFixture);
      await expect(f.RiskCompensationFund.connect(f.bankA).createFund(FUND, 4000, 0, []))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipRequired")
        .withArgs(f.bankA.address, Role.Regulator);
      await expect(f.RiskCompensationFund.connect(f.auditor).createFund(FUND, 4000, 0, []))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipRequired")
        .withArgs(f.auditor.address, Role.Regulator);
    });

    it("never covers the whole loss: refuses a ratio of 0 or 10000 bps and accepts 9999", async function () {
      const f = await loadFixture(membersFixture);
      for (const ratio of [0, 10_000]) {
        await expect(f.RiskCompensationFund.connect(f.regulator).createFund(FUND, ratio, 0, []))
          .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationInvalidRatio")
          .withArgs(ratio);
      }
      await (await f.RiskCompensationFund.connect(f.regulator).createFund(FUND, 9999, 0, [])).wait();
      expect((await f.RiskCompensationFund.fund(FUND)).ratioBps).to.equal(9999n);
    });

    it("rejects a zero fund id", async function () {
      const f = await loadFixture(membersFixture);
      await expect(
        f.RiskCompensationFund.connect(f.regulator).createFund(ethers.ZeroHash, 4000, 0, []),
      ).to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationInvalidFundId");
    });

    it("rejects a fund id that is already taken, even by another regulator", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator).createFund(FUND, 3000, 0, []))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundExists")
        .withArgs(FUND);
      await expect(f.RiskCompensationFund.connect(f.regulator2).createFund(FUND, 3000, 0, []))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundExists")
        .withArgs(FUND);
    });

    it("accepts 32 products at creation and refuses 33", async function () {
      const f = await loadFixture(membersFixture);
      expect(await f.RiskCompensationFund.MAX_PRODUCTS_AT_CREATION()).to.equal(32n);
      const products = Array.from({ length: 33 }, (_, i) => ethers.encodeBytes32String(`PRODUCT-${i}`));
      await expect(f.RiskCompensationFund.connect(f.regulator).createFund(FUND, 4000, 0, products))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationTooManyProducts")
        .withArgs(33, 32);
      await (await f.RiskCompensationFund.connect(f.regulator).createFund(FUND, 4000, 0, products.slice(0, 32))).wait();
      expect(await f.RiskCompensationFund.isEligible(FUND, products[31])).to.equal(true);
      expect(await f.RiskCompensationFund.isEligible(FUND, products[32])).to.equal(false);
    });
  });

  describe("topUp", function () {
    it("adds to the fund's balance", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator).topUp(FUND, cny(2_500_000)))
        .to.emit(f.RiskCompensationFund, "FundToppedUp")
        .withArgs(FUND, cny(2_500_000), FUND_BALANCE + cny(2_500_000));
      expect((await f.RiskCompensationFund.fund(FUND)).balanceFen).to.equal(FUND_BALANCE + cny(2_500_000));
    });

    it("rejects a zero amount", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator).topUp(FUND, 0)).to.be.revertedWithCustomError(
        f.RiskCompensationFund,
        "CompensationInvalidAmount",
      );
    });

    it("rejects another regulator organization", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator2).topUp(FUND, cny(1)))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipWrongOrganization")
        .withArgs(f.regulator2.address, ORG.REGULATOR, REGULATOR_2);
    });

    it("rejects a caller that does not operate a regulator", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.bankA).topUp(FUND, cny(1)))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipRequired")
        .withArgs(f.bankA.address, Role.Regulator);
    });

    it("rejects an unknown fund", async function () {
      const f = await loadFixture(fundFixture);
      const unknown = ethers.id("fund/unknown");
      await expect(f.RiskCompensationFund.connect(f.regulator).topUp(unknown, cny(1)))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundUnknown")
        .withArgs(unknown);
    });
  });

  describe("setRatio", function () {
    it("changes the compensation ratio", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator).setRatio(FUND, 7000))
        .to.emit(f.RiskCompensationFund, "FundRatioChanged")
        .withArgs(FUND, FUND_RATIO_BPS, 7000);
      expect((await f.RiskCompensationFund.fund(FUND)).ratioBps).to.equal(7000n);
      // Issue 11 §4: the event carries the previous value.
      await expect(f.RiskCompensationFund.connect(f.regulator).setRatio(FUND, 2500))
        .to.emit(f.RiskCompensationFund, "FundRatioChanged")
        .withArgs(FUND, 7000, 2500);
    });

    it("refuses a ratio of 0 or 10000 bps", async function () {
      const f = await loadFixture(fundFixture);
      for (const ratio of [0, 10_000]) {
        await expect(f.RiskCompensationFund.connect(f.regulator).setRatio(FUND, ratio))
          .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationInvalidRatio")
          .withArgs(ratio);
      }
    });

    it("rejects another regulator organization and an unknown fund", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator2).setRatio(FUND, 5000))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipWrongOrganization")
        .withArgs(f.regulator2.address, ORG.REGULATOR, REGULATOR_2);
      const unknown = ethers.id("fund/unknown");
      await expect(f.RiskCompensationFund.connect(f.regulator).setRatio(unknown, 5000))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundUnknown")
        .withArgs(unknown);
    });
  });

  describe("setProductEligibility", function () {
    it("adds and removes a product", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator).setProductEligibility(FUND, PRODUCT.YINSHUIDAI, true))
        .to.emit(f.RiskCompensationFund, "FundProductEligibilitySet")
        .withArgs(FUND, PRODUCT.YINSHUIDAI, false, true);
      expect(await f.RiskCompensationFund.isEligible(FUND, PRODUCT.YINSHUIDAI)).to.equal(true);
      await expect(f.RiskCompensationFund.connect(f.regulator).setProductEligibility(FUND, PRODUCT.SHUIYIDAI, false))
        .to.emit(f.RiskCompensationFund, "FundProductEligibilitySet")
        .withArgs(FUND, PRODUCT.SHUIYIDAI, true, false);
      expect(await f.RiskCompensationFund.isEligible(FUND, PRODUCT.SHUIYIDAI)).to.equal(false);
    });

    // Issue 11 §4: previous values on parameter changes, so an indexer sees a no-op as one.
    it("reports whether the product was eligible before, also when nothing changes", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator).setProductEligibility(FUND, PRODUCT.SHUIYIDAI, true))
        .to.emit(f.RiskCompensationFund, "FundProductEligibilitySet")
        .withArgs(FUND, PRODUCT.SHUIYIDAI, true, true);
      await expect(f.RiskCompensationFund.connect(f.regulator).setProductEligibility(FUND, PRODUCT.YINSHUIDAI, false))
        .to.emit(f.RiskCompensationFund, "FundProductEligibilitySet")
        .withArgs(FUND, PRODUCT.YINSHUIDAI, false, false);
    });

    it("reports a product listed twice at creation as already eligible the second time", async function () {
      const f = await loadFixture(membersFixture);
      const tx = f.RiskCompensationFund.connect(f.regulator).createFund(FUND, 4000, 0, [
        PRODUCT.SHUIYIDAI,
        PRODUCT.SHUIYIDAI,
      ]);
      await expect(tx)
        .to.emit(f.RiskCompensationFund, "FundProductEligibilitySet")
        .withArgs(FUND, PRODUCT.SHUIYIDAI, false, true);
      await expect(tx)
        .to.emit(f.RiskCompensationFund, "FundProductEligibilitySet")
        .withArgs(FUND, PRODUCT.SHUIYIDAI, true, true);
    });

    it("rejects another regulator organization and an unknown fund", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator2).setProductEligibility(FUND, PRODUCT.YINSHUIDAI, true))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipWrongOrganization")
        .withArgs(f.regulator2.address, ORG.REGULATOR, REGULATOR_2);
      const unknown = ethers.id("fund/unknown");
      await expect(f.RiskCompensationFund.connect(f.regulator).setProductEligibility(unknown, PRODUCT.YINSHUIDAI, true))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundUnknown")
        .withArgs(unknown);
    });
  });

  describe("fileClaim", function () {
    it("files a claim on a defaulted, unguaranteed loan for the whole loss, fixing what is due", async function () {
      const f = await loadFixture(defaultedFixture);
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, cny(800_000), cny(320_000))
        .and.not.to.emit(f.RiskCompensationFund, "GuarantorFailedToPay");
      const c = await f.RiskCompensationFund.claim(FUND, f.loanId);
      expect(c.fundId).to.equal(FUND);
      expect(c.bankOrg).to.equal(ORG.BANK_A);
      expect(c.enterpriseHash).to.equal(f.cc1);
      expect(c.netLossFen).to.equal(cny(800_000));
      expect(c.dueFen).to.equal(cny(320_000));
      expect(c.payoutFen).to.equal(0n);
      expect(c.status).to.equal(BigInt(ClaimStatus.Filed));
      expect(c.reasonCode).to.equal(0n);
      expect(await f.RiskCompensationFund.liveClaim(f.loanId)).to.equal(FUND);
    });

    it("nets the guarantor's obligation out of the loss once it has paid it", async function () {
      const f = await loadFixture(fundFixture);
      await guarantee(f, 6000);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(500_000))).wait();
      await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(300_000))).wait();
      // 500,000 − 60 % × 500,000 = 200,000 CNY; 40 % of it is due
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, cny(200_000), cny(80_000))
        .and.not.to.emit(f.RiskCompensationFund, "GuarantorFailedToPay");
      expect((await f.RiskCompensationFund.claim(FUND, f.loanId)).netLossFen).to.equal(cny(200_000));
    });

    it("rejects a guaranteed loan whose active guarantor has not paid yet, within its grace period", async function () {
      const f = await loadFixture(fundFixture);
      await guarantee(f, 5000);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(800_000))).wait();
      const defaultedAt = (await f.LoanBook.loan(f.loanId)).defaultedAt;
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationGuaranteePending")
        .withArgs(f.loanId, cny(400_000), 0, defaultedAt + BigInt(GRACE));
    });

    it("rejects a claim when the guarantor covered the whole loss", async function () {
      const f = await loadFixture(fundFixture);
      await guarantee(f, 10_000);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(300_000))).wait();
      await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(300_000))).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationNothingToCompensate")
        .withArgs(f.loanId);
    });

    // A guarantee whose covered share of the loss rounds down to zero owes nothing, and no payout can be
    // recorded for it (zero is refused as "payoutFen is zero", one fen is above the maximum of zero): the bank
    // need not wait for it.
    it("lets the bank claim when the guarantor's covered share of the loss rounds to zero", async function () {
      const f = await loadFixture(fundFixture);
      await guarantee(f, 1);
      // 9,999 fen × 1 bps = 0.9999 fen → 0
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, 9_999n)).wait();
      expect(await f.GuaranteeBook.maxPayout(f.loanId)).to.equal(0n);
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, 1n))
        .to.be.revertedWithCustomError(f.GuaranteeBook, "GuaranteePayoutTooHigh")
        .withArgs(f.loanId, 1n, 0n);
      expect(await f.GuaranteeBook.obligationOf(f.loanId)).to.deep.equal([ORG.GUARANTOR, 0n, 0n]);

      // The whole loss is the bank's: nothing was netted out, and the guarantor owed nothing it failed to pay.
      // 9,999 fen × 40 % = 3,999.6 fen → 3,999
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, 9_999n, 3_999n)
        .and.not.to.emit(f.RiskCompensationFund, "GuarantorFailedToPay");
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, 9_999n, 3_999n, 3_999n, 3_999n, FUND_BALANCE - 3_999n, true);
    });

    it("still waits for a guarantor that owes a single fen", async function () {
      const f = await loadFixture(fundFixture);
      await guarantee(f, 1);
      // 10,000 fen × 1 bps = 1 fen
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, 10_000n)).wait();
      expect(await f.GuaranteeBook.maxPayout(f.loanId)).to.equal(1n);
      const defaultedAt = (await f.LoanBook.loan(f.loanId)).defaultedAt;
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationGuaranteePending")
        .withArgs(f.loanId, 1n, 0n, defaultedAt + BigInt(GRACE));
      await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, 1n)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, 9_999n, 3_999n);
    });

    it("rejects a loan that has not defaulted", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationLoanNotDefaulted")
        .withArgs(f.loanId);
      await (await f.LoanBook.connect(f.bankA).markOverdue(f.loanId, 90, cny(100_000))).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationLoanNotDefaulted")
        .withArgs(f.loanId);
      const unknown = ethers.id("loan-unknown");
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, unknown))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationLoanNotDefaulted")
        .withArgs(unknown);
    });

    it("rejects a bank that did not lend", async function () {
      const f = await loadFixture(defaultedFixture);
      await expect(f.RiskCompensationFund.connect(f.bankB).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
      await expect(f.RiskCompensationFund.connect(f.regulator).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipRequired")
        .withArgs(f.regulator.address, Role.Bank);
    });

    it("lets another bank claim on its own loan", async function () {
      const f = await loadFixture(fundFixture);
      const loanOfB = await lend(f, "of-b", { bank: "B" });
      await (await f.LoanBook.connect(f.bankB).declareDefault(loanOfB, cny(200_000))).wait();
      await expect(f.RiskCompensationFund.connect(f.bankB).fileClaim(FUND, loanOfB))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(loanOfB, FUND, ORG.BANK_B, f.cc1, cny(200_000), cny(80_000));
    });

    it("rejects a product the fund does not cover", async function () {
      const f = await loadFixture(fundFixture);
      const other = await lend(f, "yinshuidai", { productCode: PRODUCT.YINSHUIDAI });
      await (await f.LoanBook.connect(f.bankA).declareDefault(other, cny(100_000))).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, other))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationProductNotEligible")
        .withArgs(FUND, PRODUCT.YINSHUIDAI);
    });

    it("rejects a product the regulator has removed", async function () {
      const f = await loadFixture(defaultedFixture);
      await (
        await f.RiskCompensationFund.connect(f.regulator).setProductEligibility(FUND, PRODUCT.SHUIYIDAI, false)
      ).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationProductNotEligible")
        .withArgs(FUND, PRODUCT.SHUIYIDAI);
    });

    it("rejects an unknown fund", async function () {
      const f = await loadFixture(defaultedFixture);
      const unknown = ethers.id("fund/unknown");
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(unknown, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundUnknown")
        .withArgs(unknown);
    });

    it("rejects a second live claim on the same loan, at the same fund or another, naming the live one", async function () {
      const f = await loadFixture(filedFixture);
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimExists")
        .withArgs(f.loanId, FUND, ClaimStatus.Filed);

      const otherFund = ethers.id("fund/other");
      await (
        await f.RiskCompensationFund.connect(f.regulator2).createFund(otherFund, 3000, cny(1_000_000), [
          PRODUCT.SHUIYIDAI,
        ])
      ).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(otherFund, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimExists")
        .withArgs(f.loanId, FUND, ClaimStatus.Filed);
      expect((await f.RiskCompensationFund.claim(otherFund, f.loanId)).status).to.equal(BigInt(ClaimStatus.None));
    });

    it("rejects a new claim at the fund that rejected the loan's claim", async function () {
      const f = await loadFixture(filedFixture);
      await (await f.RiskCompensationFund.connect(f.regulator).rejectClaim(FUND, f.loanId, 3)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimExists")
        .withArgs(f.loanId, FUND, ClaimStatus.Rejected);
    });

    it("rejects a claim on a loan already compensated, at any fund", async function () {
      const f = await loadFixture(filedFixture);
      await (await f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimExists")
        .withArgs(f.loanId, FUND, ClaimStatus.Paid);
      const otherFund = ethers.id("fund/other");
      await (
        await f.RiskCompensationFund.connect(f.regulator2).createFund(otherFund, 3000, cny(1_000_000), [
          PRODUCT.SHUIYIDAI,
        ])
      ).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(otherFund, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimExists")
        .withArgs(f.loanId, FUND, ClaimStatus.Paid);
    });
  });

  describe("approveClaim", function () {
    it("pays the net loss times the ratio and debits the fund", async function () {
      const f = await loadFixture(filedFixture);
      const payout = (cny(800_000) * BigInt(FUND_RATIO_BPS)) / 10_000n;
      expect(payout).to.equal(cny(320_000));
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, cny(800_000), payout, payout, payout, FUND_BALANCE - payout, true);
      const fund = await f.RiskCompensationFund.fund(FUND);
      expect(fund.balanceFen).to.equal(FUND_BALANCE - payout);
      expect(fund.paidFen).to.equal(payout);
      const c = await f.RiskCompensationFund.claim(FUND, f.loanId);
      expect(c.status).to.equal(BigInt(ClaimStatus.Paid));
      expect(c.payoutFen).to.equal(payout);
      expect(c.dueFen).to.equal(payout);
      // A paid claim stays the loan's live claim.
      expect(await f.RiskCompensationFund.liveClaim(f.loanId)).to.equal(FUND);
    });

    it("rounds the payout down to the fen", async function () {
      const f = await loadFixture(fundFixture);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, 1_234_567n)).wait();
      // 1,234,567 fen × 4,000 / 10,000 = 493,826.8 fen
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, 1_234_567n, 493_826n);
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(
          f.loanId,
          FUND,
          ORG.BANK_A,
          f.cc1,
          1_234_567n,
          493_826n,
          493_826n,
          493_826n,
          FUND_BALANCE - 493_826n,
          true,
        );
    });

    // The amount due is fixed when the claim is filed (IRiskCompensationFund.Claim.dueFen): a ratio change after
    // filing neither raises nor lowers it; one before filing applies.
    it("pays what was due at filing, whatever the ratio is changed to afterwards", async function () {
      const f = await loadFixture(filedFixture);
      await (await f.RiskCompensationFund.connect(f.regulator).setRatio(FUND, 7000)).wait();
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(
          f.loanId,
          FUND,
          ORG.BANK_A,
          f.cc1,
          cny(800_000),
          cny(320_000),
          cny(320_000),
          cny(320_000),
          FUND_BALANCE - cny(320_000),
          true,
        );
    });

    it("applies the ratio in force when the claim is filed", async function () {
      const f = await loadFixture(defaultedFixture);
      await (await f.RiskCompensationFund.connect(f.regulator).setRatio(FUND, 7000)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, cny(800_000), cny(560_000));
      await (await f.RiskCompensationFund.connect(f.regulator).setRatio(FUND, 1000)).wait();
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(
          f.loanId,
          FUND,
          ORG.BANK_A,
          f.cc1,
          cny(800_000),
          cny(560_000),
          cny(560_000),
          cny(560_000),
          FUND_BALANCE - cny(560_000),
          true,
        );
    });

    it("caps the payout at the fund's balance and leaves the claim filed for the rest", async function () {
      const f = await loadFixture(defaultedFixture);
      const small = ethers.id("fund/small");
      await (
        await f.RiskCompensationFund.connect(f.regulator).createFund(small, 5000, cny(100_000), [PRODUCT.SHUIYIDAI])
      ).wait();
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(small, f.loanId)).wait();
      expect(await f.RiskCompensationFund.quotePayout(small, f.loanId)).to.deep.equal([cny(800_000), cny(100_000)]);
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(small, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(f.loanId, small, ORG.BANK_A, f.cc1, cny(800_000), cny(100_000), cny(100_000), cny(400_000), 0, false);
      const fund = await f.RiskCompensationFund.fund(small);
      expect(fund.balanceFen).to.equal(0n);
      expect(fund.paidFen).to.equal(cny(100_000));
      const c = await f.RiskCompensationFund.claim(small, f.loanId);
      expect(c.status).to.equal(BigInt(ClaimStatus.Filed));
      expect(c.payoutFen).to.equal(cny(100_000));
      expect(c.dueFen).to.equal(cny(400_000));
    });

    it("refuses to pay from an empty fund until it is topped up", async function () {
      const f = await loadFixture(defaultedFixture);
      const empty = ethers.id("fund/empty");
      await (await f.RiskCompensationFund.connect(f.regulator).createFund(empty, 5000, 0, [PRODUCT.SHUIYIDAI])).wait();
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(empty, f.loanId)).wait();
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(empty, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundExhausted")
        .withArgs(empty);
      expect((await f.RiskCompensationFund.claim(empty, f.loanId)).status).to.equal(BigInt(ClaimStatus.Filed));

      await (await f.RiskCompensationFund.connect(f.regulator).topUp(empty, cny(1_000_000))).wait();
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(empty, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(
          f.loanId,
          empty,
          ORG.BANK_A,
          f.cc1,
          cny(800_000),
          cny(400_000),
          cny(400_000),
          cny(400_000),
          cny(600_000),
          true,
        );
    });

    it("reports the fund exhausted once a capped payout has drained it", async function () {
      const f = await loadFixture(defaultedFixture);
      const small = ethers.id("fund/small");
      await (
        await f.RiskCompensationFund.connect(f.regulator).createFund(small, 5000, cny(100_000), [PRODUCT.SHUIYIDAI])
      ).wait();
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(small, f.loanId)).wait();
      await (await f.RiskCompensationFund.connect(f.regulator).approveClaim(small, f.loanId)).wait();
      const second = await lend(f, "second");
      await (await f.LoanBook.connect(f.bankA).declareDefault(second, cny(100_000))).wait();
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(small, second)).wait();
      expect(await f.RiskCompensationFund.quotePayout(small, second)).to.deep.equal([cny(100_000), 0n]);
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(small, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundExhausted")
        .withArgs(small);
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(small, second))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundExhausted")
        .withArgs(small);
    });

    // The share is fixed at filing, so a claim whose share rounds down to zero is refused when filed: no claim is
    // ever open that approval could not settle.
    it("refuses to file a claim whose compensated share rounds down to zero, however full the fund", async function () {
      const f = await loadFixture(fundFixture);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, 2n)).wait();
      // 2 fen × 40 % = 0.8 fen → 0
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationNothingToCompensate")
        .withArgs(f.loanId);
      expect((await f.RiskCompensationFund.claim(FUND, f.loanId)).status).to.equal(BigInt(ClaimStatus.None));
      expect(await f.RiskCompensationFund.liveClaim(f.loanId)).to.equal(ethers.ZeroHash);
      const fund = await f.RiskCompensationFund.fund(FUND);
      expect(fund.balanceFen).to.equal(FUND_BALANCE);
      expect(fund.paidFen).to.equal(0n);

      // At 50 % the share is a whole fen and the claim is filed and paid.
      await (await f.RiskCompensationFund.connect(f.regulator).setRatio(FUND, 5000)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, 2n, 1n);
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, 2n, 1n, 1n, 1n, FUND_BALANCE - 1n, true);
    });

    it("reports an empty fund as exhausted for a claim of a single fen", async function () {
      const f = await loadFixture(fundFixture);
      const empty = ethers.id("fund/empty");
      await (await f.RiskCompensationFund.connect(f.regulator).createFund(empty, 5000, 0, [PRODUCT.SHUIYIDAI])).wait();
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, 2n)).wait();
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(empty, f.loanId)).wait();
      expect(await f.RiskCompensationFund.quotePayout(empty, f.loanId)).to.deep.equal([2n, 0n]);
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(empty, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundExhausted")
        .withArgs(empty);
    });

    it("rejects a claim that was never filed or is already settled", async function () {
      const f = await loadFixture(filedFixture);
      const unknown = ethers.id("loan-unknown");
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, unknown))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(unknown, ClaimStatus.None);
      await (await f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId)).wait();
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(f.loanId, ClaimStatus.Paid);
    });

    it("rejects a claim that was rejected", async function () {
      const f = await loadFixture(filedFixture);
      await (await f.RiskCompensationFund.connect(f.regulator).rejectClaim(FUND, f.loanId, 1)).wait();
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(f.loanId, ClaimStatus.Rejected);
    });

    it("rejects another regulator organization and the bank", async function () {
      const f = await loadFixture(filedFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator2).approveClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipWrongOrganization")
        .withArgs(f.regulator2.address, ORG.REGULATOR, REGULATOR_2);
      await expect(f.RiskCompensationFund.connect(f.bankA).approveClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipRequired")
        .withArgs(f.bankA.address, Role.Regulator);
    });
  });

  describe("rejectClaim", function () {
    it("rejects a filed claim with a reason code and pays nothing", async function () {
      const f = await loadFixture(filedFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator).rejectClaim(FUND, f.loanId, 7))
        .to.emit(f.RiskCompensationFund, "ClaimRejected")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, 7);
      const c = await f.RiskCompensationFund.claim(FUND, f.loanId);
      expect(c.status).to.equal(BigInt(ClaimStatus.Rejected));
      expect(c.reasonCode).to.equal(7n);
      expect(c.payoutFen).to.equal(0n);
      const fund = await f.RiskCompensationFund.fund(FUND);
      expect(fund.balanceFen).to.equal(FUND_BALANCE);
      expect(fund.paidFen).to.equal(0n);
      // A rejected claim is not live: the loan may be claimed at another fund.
      expect(await f.RiskCompensationFund.liveClaim(f.loanId)).to.equal(ethers.ZeroHash);
    });

    it("rejects a claim that is not filed", async function () {
      const f = await loadFixture(filedFixture);
      await (await f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId)).wait();
      await expect(f.RiskCompensationFund.connect(f.regulator).rejectClaim(FUND, f.loanId, 7))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(f.loanId, ClaimStatus.Paid);
      const unknown = ethers.id("loan-unknown");
      await expect(f.RiskCompensationFund.connect(f.regulator).rejectClaim(FUND, unknown, 7))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(unknown, ClaimStatus.None);
    });

    it("rejects another regulator organization", async function () {
      const f = await loadFixture(filedFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator2).rejectClaim(FUND, f.loanId, 7))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipWrongOrganization")
        .withArgs(f.regulator2.address, ORG.REGULATOR, REGULATOR_2);
    });
  });

  describe("views", function () {
    it("quote nothing for a loan without a claim", async function () {
      const f = await loadFixture(defaultedFixture);
      expect(await f.RiskCompensationFund.quotePayout(FUND, f.loanId)).to.deep.equal([0n, 0n]);
    });

    it("quote what approval would pay now (the due amount fixed at filing), then what was paid", async function () {
      const f = await loadFixture(filedFixture);
      expect(await f.RiskCompensationFund.quotePayout(FUND, f.loanId)).to.deep.equal([cny(800_000), cny(320_000)]);
      await (await f.RiskCompensationFund.connect(f.regulator).setRatio(FUND, 3000)).wait();
      expect(await f.RiskCompensationFund.quotePayout(FUND, f.loanId)).to.deep.equal([cny(800_000), cny(320_000)]);
      await (await f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId)).wait();
      await (await f.RiskCompensationFund.connect(f.regulator).setRatio(FUND, 6000)).wait();
      expect(await f.RiskCompensationFund.quotePayout(FUND, f.loanId)).to.deep.equal([cny(800_000), cny(320_000)]);
    });

    it("quote no payout for a rejected claim", async function () {
      const f = await loadFixture(filedFixture);
      await (await f.RiskCompensationFund.connect(f.regulator).rejectClaim(FUND, f.loanId, 2)).wait();
      expect(await f.RiskCompensationFund.quotePayout(FUND, f.loanId)).to.deep.equal([cny(800_000), 0n]);
    });

    it("return empty values for an unknown fund and claim", async function () {
      const f = await loadFixture(fundFixture);
      const unknown = ethers.id("fund/unknown");
      const fund = await f.RiskCompensationFund.fund(unknown);
      expect(fund.regulatorOrg).to.equal(ethers.ZeroHash);
      expect(fund.balanceFen).to.equal(0n);
      expect(fund.ratioBps).to.equal(0n);
      expect(fund.exists).to.equal(false);
      expect(fund.graceSeconds).to.equal(0n);
      expect(await f.RiskCompensationFund.isEligible(unknown, PRODUCT.SHUIYIDAI)).to.equal(false);
      const c = await f.RiskCompensationFund.claim(FUND, f.loanId);
      expect(c.fundId).to.equal(ethers.ZeroHash);
      expect(c.enterpriseHash).to.equal(ethers.ZeroHash);
      expect(c.dueFen).to.equal(0n);
      expect(c.status).to.equal(BigInt(ClaimStatus.None));
      expect(await f.RiskCompensationFund.liveClaim(f.loanId)).to.equal(ethers.ZeroHash);
    });
  });

  describe("worked example", function () {
    it("pays 160,000 CNY on a 1,000,000 CNY loan lost 800,000 CNY, half guaranteed, at a 40 % fund ratio", async function () {
      const f = await loadFixture(fundFixture);
      // The fixture loan: 1,000,000.00 CNY of 税易贷 lent by BANK_A.
      expect((await f.LoanBook.loan(f.loanId)).amountFen).to.equal(100_000_000n);

      // CCB invites the guarantor, which covers 50 % of the loss.
      await (await f.GuaranteeBook.connect(f.bankA).inviteGuarantor(f.loanId, ORG.GUARANTOR, ...ANY_TERMS)).wait();
      await (await f.GuaranteeBook.connect(f.guarantor).guaranteeLoan(f.loanId, 5000, 1_000_000n)).wait();

      // The enterprise defaults; the bank loses 800,000.00 CNY.
      await expect(f.LoanBook.connect(f.bankA).declareDefault(f.loanId, 80_000_000n))
        .to.emit(f.LoanBook, "LoanDefaulted")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 80_000_000n);

      // The guarantor pays its share: 400,000.00 CNY.
      expect(await f.GuaranteeBook.maxPayout(f.loanId)).to.equal(40_000_000n);
      await expect(f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, 40_000_000n))
        .to.emit(f.GuaranteeBook, "GuaranteePaidOut")
        .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, f.cc1, 40_000_000n, 40_000_000n, 40_000_000n, 80_000_000n);

      // The bank claims the remaining 400,000.00 CNY from the fund; 40 % of it is due.
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, 40_000_000n, 16_000_000n);
      expect(await f.RiskCompensationFund.quotePayout(FUND, f.loanId)).to.deep.equal([40_000_000n, 16_000_000n]);

      // The fund, at 40 %, pays 160,000.00 CNY; the bank keeps 240,000.00 CNY of the loss.
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(
          f.loanId,
          FUND,
          ORG.BANK_A,
          f.cc1,
          40_000_000n,
          16_000_000n,
          16_000_000n,
          16_000_000n,
          984_000_000n,
          true,
        );

      const fund = await f.RiskCompensationFund.fund(FUND);
      expect(fund.balanceFen).to.equal(984_000_000n);
      expect(fund.paidFen).to.equal(16_000_000n);
      const c = await f.RiskCompensationFund.claim(FUND, f.loanId);
      expect(c.netLossFen).to.equal(40_000_000n);
      expect(c.payoutFen).to.equal(16_000_000n);
      expect(c.status).to.equal(BigInt(ClaimStatus.Paid));
    });
  });

  // Issue 11 §1, "No claim waits forever": the fund's grace period for guarantors.
  describe("setGracePeriod", function () {
    it("gives a new fund a grace period of 90 days, between 1 and 730 days", async function () {
      const f = await loadFixture(fundFixture);
      expect(await f.RiskCompensationFund.DEFAULT_GRACE()).to.equal(BigInt(GRACE));
      expect(await f.RiskCompensationFund.MIN_GRACE()).to.equal(BigInt(DAY));
      expect(await f.RiskCompensationFund.MAX_GRACE()).to.equal(BigInt(730 * DAY));
      expect((await f.RiskCompensationFund.fund(FUND)).graceSeconds).to.equal(BigInt(GRACE));
    });

    it("changes the grace period, announcing the previous value", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator).setGracePeriod(FUND, 30 * DAY))
        .to.emit(f.RiskCompensationFund, "FundGracePeriodChanged")
        .withArgs(FUND, GRACE, 30 * DAY);
      expect((await f.RiskCompensationFund.fund(FUND)).graceSeconds).to.equal(BigInt(30 * DAY));
      await expect(f.RiskCompensationFund.connect(f.regulator).setGracePeriod(FUND, 60 * DAY))
        .to.emit(f.RiskCompensationFund, "FundGracePeriodChanged")
        .withArgs(FUND, 30 * DAY, 60 * DAY);
    });

    it("accepts the bounds and refuses one second outside them", async function () {
      const f = await loadFixture(fundFixture);
      for (const grace of [DAY - 1, 730 * DAY + 1, 0]) {
        await expect(f.RiskCompensationFund.connect(f.regulator).setGracePeriod(FUND, grace))
          .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationInvalidGracePeriod")
          .withArgs(grace);
      }
      expect((await f.RiskCompensationFund.fund(FUND)).graceSeconds).to.equal(BigInt(GRACE));
      await expect(f.RiskCompensationFund.connect(f.regulator).setGracePeriod(FUND, DAY))
        .to.emit(f.RiskCompensationFund, "FundGracePeriodChanged")
        .withArgs(FUND, GRACE, DAY);
      await expect(f.RiskCompensationFund.connect(f.regulator).setGracePeriod(FUND, 730 * DAY))
        .to.emit(f.RiskCompensationFund, "FundGracePeriodChanged")
        .withArgs(FUND, DAY, 730 * DAY);
    });

    it("rejects another regulator organization, a bank and an unknown fund", async function () {
      const f = await loadFixture(fundFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator2).setGracePeriod(FUND, 30 * DAY))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipWrongOrganization")
        .withArgs(f.regulator2.address, ORG.REGULATOR, REGULATOR_2);
      await expect(f.RiskCompensationFund.connect(f.bankA).setGracePeriod(FUND, 30 * DAY))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipRequired")
        .withArgs(f.bankA.address, Role.Regulator);
      const unknown = ethers.id("fund/unknown");
      await expect(f.RiskCompensationFund.connect(f.regulator).setGracePeriod(unknown, 30 * DAY))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundUnknown")
        .withArgs(unknown);
    });
  });

  // Issue 11 §1, "The fund never pays what the guarantor owes" and "No claim waits forever".
  describe("the guarantor's obligation", function () {
    /** The fixture loan guaranteed at 50 % and defaulted with a loss of 800,000 CNY: the guarantor owes 400,000. */
    async function owedFixture() {
      const f = await loadFixture(fundFixture);
      await guarantee(f, 5000);
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(800_000))).wait();
      const defaultedAt = Number((await f.LoanBook.loan(f.loanId)).defaultedAt);
      return { ...f, defaultedAt, graceEndsAt: defaultedAt + GRACE };
    }

    it("nets the whole obligation out when the guarantor paid only part of it (after the grace)", async function () {
      const f = await loadFixture(owedFixture);
      await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(100_000))).wait();
      await time.increaseTo(f.graceEndsAt);
      // 800,000 − 400,000 owed (not − 100,000 paid) = 400,000; 40 % = 160,000 due
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, cny(400_000), cny(160_000));
      const c = await f.RiskCompensationFund.claim(FUND, f.loanId);
      expect(c.netLossFen).to.equal(cny(400_000));
      expect(c.dueFen).to.equal(cny(160_000));
    });

    it("nets the same obligation whether the guarantor paid all, part or nothing", async function () {
      const f = await loadFixture(owedFixture);
      const netLossAfter = async (paidFen) => {
        const id = await ethers.provider.send("evm_snapshot", []);
        if (paidFen > 0n) await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, paidFen)).wait();
        if (paidFen < cny(400_000)) await time.increaseTo(f.graceEndsAt);
        await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId)).wait();
        const c = await f.RiskCompensationFund.claim(FUND, f.loanId);
        await ethers.provider.send("evm_revert", [id]);
        return [c.netLossFen, c.dueFen];
      };
      for (const paid of [cny(400_000), cny(399_999), cny(1), 0n]) {
        expect(await netLossAfter(paid), `paid ${paid}`).to.deep.equal([cny(400_000), cny(160_000)]);
      }
    });

    it("waits for an active guarantor within its grace period, up to the last second", async function () {
      const f = await loadFixture(owedFixture);
      await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(150_000))).wait();
      await time.setNextBlockTimestamp(f.graceEndsAt - 1);
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationGuaranteePending")
        .withArgs(f.loanId, cny(400_000), cny(150_000), f.graceEndsAt);
    });

    it("files the claim once the grace period is over, recording that the guarantor failed to pay", async function () {
      const f = await loadFixture(owedFixture);
      await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(150_000))).wait();
      await time.setNextBlockTimestamp(f.graceEndsAt);
      const tx = f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId);
      await expect(tx)
        .to.emit(f.RiskCompensationFund, "GuarantorFailedToPay")
        .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, FUND, f.cc1, cny(400_000), cny(150_000));
      await expect(tx)
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, cny(400_000), cny(160_000));
    });

    it("files the claim of a guarantor that paid nothing at all after the grace period", async function () {
      const f = await loadFixture(owedFixture);
      await time.increaseTo(f.graceEndsAt + 365 * DAY);
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "GuarantorFailedToPay")
        .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, FUND, f.cc1, cny(400_000), 0);
    });

    it("applies the fund's grace period as the regulator set it", async function () {
      const f = await loadFixture(owedFixture);
      await (await f.RiskCompensationFund.connect(f.regulator).setGracePeriod(FUND, 10 * DAY)).wait();
      await time.setNextBlockTimestamp(f.defaultedAt + 10 * DAY - 1);
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationGuaranteePending")
        .withArgs(f.loanId, cny(400_000), 0, f.defaultedAt + 10 * DAY);
      await time.setNextBlockTimestamp(f.defaultedAt + 10 * DAY);
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "GuarantorFailedToPay")
        .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, FUND, f.cc1, cny(400_000), 0);
    });

    for (const [how, fn] of [
      ["suspended", "suspendMember"],
      ["removed", "removeMember"],
    ]) {
      it(`does not wait for a ${how} guarantor, even within the grace period`, async function () {
        const f = await loadFixture(owedFixture);
        await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(50_000))).wait();
        await govern(f.Consortium, f.governors, fn, [ORG.GUARANTOR]);
        expect(await time.latest()).to.be.lessThan(f.graceEndsAt);
        const tx = f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId);
        await expect(tx)
          .to.emit(f.RiskCompensationFund, "GuarantorFailedToPay")
          .withArgs(f.loanId, ORG.GUARANTOR, ORG.BANK_A, FUND, f.cc1, cny(400_000), cny(50_000));
        await expect(tx)
          .to.emit(f.RiskCompensationFund, "ClaimFiled")
          .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, cny(400_000), cny(160_000));
      });
    }

    it("waits again for a suspended guarantor once it is reinstated within the grace period", async function () {
      const f = await loadFixture(owedFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.GUARANTOR]);
      await govern(f.Consortium, f.governors, "reinstateMember", [ORG.GUARANTOR]);
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationGuaranteePending")
        .withArgs(f.loanId, cny(400_000), 0, f.graceEndsAt);
    });

    it("records no failure for a guarantor that paid in full within the grace", async function () {
      const f = await loadFixture(owedFixture);
      await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(300_000))).wait();
      await (await f.GuaranteeBook.connect(f.guarantor).recordPayout(f.loanId, cny(100_000))).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, cny(400_000), cny(160_000))
        .and.not.to.emit(f.RiskCompensationFund, "GuarantorFailedToPay");
    });

    it("treats a guarantee the bank cancelled before default as none", async function () {
      const f = await loadFixture(fundFixture);
      await guarantee(f, 5000);
      await (await f.GuaranteeBook.connect(f.bankA).cancelGuarantee(f.loanId)).wait();
      await (await f.LoanBook.connect(f.bankA).declareDefault(f.loanId, cny(800_000))).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, cny(800_000), cny(320_000))
        .and.not.to.emit(f.RiskCompensationFund, "GuarantorFailedToPay");
    });
  });

  // Issue 11 §1, "Claims are per fund and loan".
  describe("claims per fund and loan", function () {
    const OTHER = ethers.id("fund/other");

    /** Plus a second fund OTHER of the second regulator (30 %, 1,000,000 CNY, covering SHUIYIDAI). */
    async function twoFundsFixture() {
      const f = await loadFixture(defaultedFixture);
      await (
        await f.RiskCompensationFund.connect(f.regulator2).createFund(OTHER, 3000, cny(1_000_000), [PRODUCT.SHUIYIDAI])
      ).wait();
      return f;
    }

    it("lets the bank claim at another fund after one fund rejected the claim", async function () {
      const f = await loadFixture(twoFundsFixture);
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId)).wait();
      await (await f.RiskCompensationFund.connect(f.regulator).rejectClaim(FUND, f.loanId, 4)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(OTHER, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, OTHER, ORG.BANK_A, f.cc1, cny(800_000), cny(240_000));
      expect(await f.RiskCompensationFund.liveClaim(f.loanId)).to.equal(OTHER);
      // Both claims are kept, each at its fund.
      expect((await f.RiskCompensationFund.claim(FUND, f.loanId)).status).to.equal(BigInt(ClaimStatus.Rejected));
      expect((await f.RiskCompensationFund.claim(OTHER, f.loanId)).status).to.equal(BigInt(ClaimStatus.Filed));
      await expect(f.RiskCompensationFund.connect(f.regulator2).approveClaim(OTHER, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(
          f.loanId,
          OTHER,
          ORG.BANK_A,
          f.cc1,
          cny(800_000),
          cny(240_000),
          cny(240_000),
          cny(240_000),
          cny(760_000),
          true,
        );
    });

    it("never holds two live claims for one loan, nor pays a loan twice", async function () {
      const f = await loadFixture(twoFundsFixture);
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(OTHER, f.loanId)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimExists")
        .withArgs(f.loanId, OTHER, ClaimStatus.Filed);
      await (await f.RiskCompensationFund.connect(f.regulator2).approveClaim(OTHER, f.loanId)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimExists")
        .withArgs(f.loanId, OTHER, ClaimStatus.Paid);
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(f.loanId, ClaimStatus.None);
    });

    it("needs the fund's own regulator to decide on a claim at that fund", async function () {
      const f = await loadFixture(twoFundsFixture);
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(OTHER, f.loanId)).wait();
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(OTHER, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipWrongOrganization")
        .withArgs(f.regulator.address, REGULATOR_2, ORG.REGULATOR);
      // Naming the regulator's own fund finds no claim there.
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(f.loanId, ClaimStatus.None);
      await expect(f.RiskCompensationFund.connect(f.regulator).rejectClaim(FUND, f.loanId, 1))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(f.loanId, ClaimStatus.None);
    });
  });

  describe("withdrawClaim", function () {
    it("lets the bank withdraw a filed claim nothing was paid on, freeing the loan for another claim", async function () {
      const f = await loadFixture(filedFixture);
      await expect(f.RiskCompensationFund.connect(f.bankA).withdrawClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimWithdrawn")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1);
      const c = await f.RiskCompensationFund.claim(FUND, f.loanId);
      expect(c.status).to.equal(BigInt(ClaimStatus.Withdrawn));
      expect(c.payoutFen).to.equal(0n);
      expect(await f.RiskCompensationFund.liveClaim(f.loanId)).to.equal(ethers.ZeroHash);
      const fund = await f.RiskCompensationFund.fund(FUND);
      expect(fund.balanceFen).to.equal(FUND_BALANCE);
      expect(fund.paidFen).to.equal(0n);
      // The regulator can no longer act on it.
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(f.loanId, ClaimStatus.Withdrawn);
      // The bank may file again, at the same fund (here with the ratio now in force) ...
      await (await f.RiskCompensationFund.connect(f.regulator).setRatio(FUND, 5000)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1, cny(800_000), cny(400_000));
      expect(await f.RiskCompensationFund.liveClaim(f.loanId)).to.equal(FUND);
    });

    it("lets the bank withdraw and claim at another fund instead", async function () {
      const f = await loadFixture(filedFixture);
      const other = ethers.id("fund/other");
      await (
        await f.RiskCompensationFund.connect(f.regulator2).createFund(other, 3000, cny(1_000_000), [PRODUCT.SHUIYIDAI])
      ).wait();
      await (await f.RiskCompensationFund.connect(f.bankA).withdrawClaim(FUND, f.loanId)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(other, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimFiled")
        .withArgs(f.loanId, other, ORG.BANK_A, f.cc1, cny(800_000), cny(240_000));
    });

    it("is only for the lending bank", async function () {
      const f = await loadFixture(filedFixture);
      await expect(f.RiskCompensationFund.connect(f.bankB).withdrawClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
      for (const caller of [f.regulator, f.guarantor, f.outsider]) {
        await expect(f.RiskCompensationFund.connect(caller).withdrawClaim(FUND, f.loanId))
          .to.be.revertedWithCustomError(f.RiskCompensationFund, "MembershipRequired")
          .withArgs(caller.address, Role.Bank);
      }
      expect((await f.RiskCompensationFund.claim(FUND, f.loanId)).status).to.equal(BigInt(ClaimStatus.Filed));
    });

    it("rejects a claim that is not filed: none, paid, rejected or withdrawn", async function () {
      const f = await loadFixture(defaultedFixture);
      await expect(f.RiskCompensationFund.connect(f.bankA).withdrawClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(f.loanId, ClaimStatus.None);
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId)).wait();
      await (await f.RiskCompensationFund.connect(f.bankA).withdrawClaim(FUND, f.loanId)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).withdrawClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(f.loanId, ClaimStatus.Withdrawn);
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId)).wait();
      await (await f.RiskCompensationFund.connect(f.regulator).rejectClaim(FUND, f.loanId, 2)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).withdrawClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(f.loanId, ClaimStatus.Rejected);

      const paid = await lend(f, "paid");
      await (await f.LoanBook.connect(f.bankA).declareDefault(paid, cny(100_000))).wait();
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, paid)).wait();
      await (await f.RiskCompensationFund.connect(f.regulator).approveClaim(FUND, paid)).wait();
      await expect(f.RiskCompensationFund.connect(f.bankA).withdrawClaim(FUND, paid))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(paid, ClaimStatus.Paid);
    });
  });

  // Issue 11 §1: "a payout capped by the fund's balance leaves the claim open for the rest, paid after a top-up".
  describe("partial payouts", function () {
    const SMALL = ethers.id("fund/small");

    /** A fund SMALL (50 %, 100,000 CNY) with BANK_A's claim on the defaulted loan (400,000 CNY due), 100,000 paid. */
    async function partlyPaidFixture() {
      const f = await loadFixture(defaultedFixture);
      await (
        await f.RiskCompensationFund.connect(f.regulator).createFund(SMALL, 5000, cny(100_000), [PRODUCT.SHUIYIDAI])
      ).wait();
      await (await f.RiskCompensationFund.connect(f.bankA).fileClaim(SMALL, f.loanId)).wait();
      await (await f.RiskCompensationFund.connect(f.regulator).approveClaim(SMALL, f.loanId)).wait();
      return f;
    }

    it("pays the rest after a top-up, settling the claim", async function () {
      const f = await loadFixture(partlyPaidFixture);
      await (await f.RiskCompensationFund.connect(f.regulator).topUp(SMALL, cny(120_000))).wait();
      // Still not enough: another partial payment.
      expect(await f.RiskCompensationFund.quotePayout(SMALL, f.loanId)).to.deep.equal([cny(800_000), cny(120_000)]);
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(SMALL, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(f.loanId, SMALL, ORG.BANK_A, f.cc1, cny(800_000), cny(120_000), cny(220_000), cny(400_000), 0, false);
      await (await f.RiskCompensationFund.connect(f.regulator).topUp(SMALL, cny(1_000_000))).wait();
      expect(await f.RiskCompensationFund.quotePayout(SMALL, f.loanId)).to.deep.equal([cny(800_000), cny(180_000)]);
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(SMALL, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimPaid")
        .withArgs(
          f.loanId,
          SMALL,
          ORG.BANK_A,
          f.cc1,
          cny(800_000),
          cny(180_000),
          cny(400_000),
          cny(400_000),
          cny(820_000),
          true,
        );
      const c = await f.RiskCompensationFund.claim(SMALL, f.loanId);
      expect(c.status).to.equal(BigInt(ClaimStatus.Paid));
      expect(c.payoutFen).to.equal(cny(400_000));
      const fund = await f.RiskCompensationFund.fund(SMALL);
      expect(fund.paidFen).to.equal(cny(400_000));
      expect(fund.balanceFen).to.equal(cny(820_000));
      // Paid in full: nothing more.
      await expect(f.RiskCompensationFund.connect(f.regulator).approveClaim(SMALL, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimNotFiled")
        .withArgs(f.loanId, ClaimStatus.Paid);
      expect(await f.RiskCompensationFund.quotePayout(SMALL, f.loanId)).to.deep.equal([cny(800_000), cny(400_000)]);
    });

    it("refuses to reject a partly paid claim", async function () {
      const f = await loadFixture(partlyPaidFixture);
      await expect(f.RiskCompensationFund.connect(f.regulator).rejectClaim(SMALL, f.loanId, 5))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimPartlyPaid")
        .withArgs(f.loanId, cny(100_000));
      expect((await f.RiskCompensationFund.claim(SMALL, f.loanId)).status).to.equal(BigInt(ClaimStatus.Filed));
    });

    it("refuses the bank's withdrawal of a partly paid claim", async function () {
      const f = await loadFixture(partlyPaidFixture);
      await expect(f.RiskCompensationFund.connect(f.bankA).withdrawClaim(SMALL, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimPartlyPaid")
        .withArgs(f.loanId, cny(100_000));
      expect(await f.RiskCompensationFund.liveClaim(f.loanId)).to.equal(SMALL);
    });

    it("keeps the partly paid claim live: no claim elsewhere", async function () {
      const f = await loadFixture(partlyPaidFixture);
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
        .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationClaimExists")
        .withArgs(f.loanId, SMALL, ClaimStatus.Filed);
    });
  });

  // Issue 11 §1, "Counterparties must be active too": filing to a fund checks the fund's regulator.
  describe("a fund whose regulator is not active", function () {
    for (const [how, fn] of [
      ["suspended", "suspendMember"],
      ["removed", "removeMember"],
    ]) {
      it(`takes no claim while its regulator is ${how}`, async function () {
        const f = await loadFixture(defaultedFixture);
        await govern(f.Consortium, f.governors, fn, [ORG.REGULATOR]);
        await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId))
          .to.be.revertedWithCustomError(f.RiskCompensationFund, "CompensationFundInactive")
          .withArgs(FUND, ORG.REGULATOR);
        expect(await f.RiskCompensationFund.liveClaim(f.loanId)).to.equal(ethers.ZeroHash);
      });
    }

    it("takes claims again once its regulator is reinstated", async function () {
      const f = await loadFixture(defaultedFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.REGULATOR]);
      await govern(f.Consortium, f.governors, "reinstateMember", [ORG.REGULATOR]);
      await expect(f.RiskCompensationFund.connect(f.bankA).fileClaim(FUND, f.loanId)).to.emit(
        f.RiskCompensationFund,
        "ClaimFiled",
      );
    });

    it("lets the bank withdraw a claim filed before its regulator was suspended", async function () {
      const f = await loadFixture(filedFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.REGULATOR]);
      await expect(f.RiskCompensationFund.connect(f.bankA).withdrawClaim(FUND, f.loanId))
        .to.emit(f.RiskCompensationFund, "ClaimWithdrawn")
        .withArgs(f.loanId, FUND, ORG.BANK_A, f.cc1);
    });
  });
});
