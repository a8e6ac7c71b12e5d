"use strict";
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { loadFixture } = require("@nomicfoundation/hardhat-network-helpers");
const { L, ORG, PRODUCT, govern, encryptionKey, loanFixture, loanIdOf } = require("../helpers/fixtures");

const { Role, LoanPurpose, SpendCategory } = L;

/** Amounts are in fen: 1 CNY = 100 fen. */
const cny = (n) => BigInt(n) * 100n;

/** Highest tolerated non-R&D share of the fixture loan's spending: 30 %. */
const THRESHOLD_BPS = 3000;
const COUNTERPARTY = ethers.id("counterparty/guilin-lab-instruments");

let evidenceSeq = 0;
/** A fresh evidence hash (an invoice or payment record kept off chain). */
const evidence = () => ethers.id(`evidence/${++evidenceSeq}`);

/** Plus the fund-flow ledger of the fixture R&D loan (1,000,000 CNY by BANK_A) opened at THRESHOLD_BPS. */
async function flowFixture() {
  const f = await loadFixture(loanFixture);
  await (await f.FundFlowTracker.connect(f.bankA).openFundFlow(f.loanId, THRESHOLD_BPS)).wait();
  return f;
}

/**
 * Records an approved decision and disburses it under reference `loan/<label>` as BANK_A under the fixture consent;
 * returns the derived loan id.
 */
async function lend(f, label, terms = {}) {
  const decisionHash = ethers.id(`decision/${label}`);
  const loanRef = ethers.id(`loan/${label}`);
  const loanId = loanIdOf(ORG.BANK_A, loanRef);
  await (await f.LoanBook.connect(f.bankA).recordDecision(decisionHash, f.consentId, true)).wait();
  await (
    await f.LoanBook.connect(f.bankA).disburse({
      loanRef,
      decisionHash,
      productCode: PRODUCT.SHUIYIDAI,
      amountFen: cny(500_000),
      rateBps: 385,
      termMonths: 12,
      purpose: LoanPurpose.RnD,
      ...terms,
    })
  ).wait();
  return loanId;
}

/** The ledger of `loanId` as a plain object. */
async function ledger(f, loanId) {
  return (await f.FundFlowTracker.fundFlow(loanId)).toObject();
}

/** `recorder` records `amountFen` of `category` on `loanId`. */
function spend(f, recorder, loanId, category, amountFen, evidenceHash = evidence()) {
  return f.FundFlowTracker.connect(recorder).recordSpending(loanId, category, amountFen, COUNTERPARTY, evidenceHash);
}

describe("FundFlowTracker", function () {
  describe("openFundFlow", function () {
    it("opens the ledger of an R&D loan with its threshold", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.FundFlowTracker.connect(f.bankA).openFundFlow(f.loanId, THRESHOLD_BPS))
        .to.emit(f.FundFlowTracker, "FundFlowOpened")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, THRESHOLD_BPS);
      const flow = await ledger(f, f.loanId);
      expect(flow.open).to.equal(true);
      expect(flow.maxNonRdBps).to.equal(BigInt(THRESHOLD_BPS));
      expect(flow.totalFen).to.equal(0n);
      expect(flow.nonRdFen).to.equal(0n);
      expect(flow.entryCount).to.equal(0n);
      expect(flow.deviated).to.equal(false);
    });

    it("accepts thresholds of 1 and 9999 bps", async function () {
      const f = await loadFixture(loanFixture);
      await (await f.FundFlowTracker.connect(f.bankA).openFundFlow(f.loanId, 1)).wait();
      const other = await lend(f, "rd-2");
      await (await f.FundFlowTracker.connect(f.bankA).openFundFlow(other, 9999)).wait();
      expect((await ledger(f, f.loanId)).maxNonRdBps).to.equal(1n);
      expect((await ledger(f, other)).maxNonRdBps).to.equal(9999n);
    });

    it("rejects a threshold of 0 or 10000 bps", async function () {
      const f = await loadFixture(loanFixture);
      for (const threshold of [0, 10_000]) {
        await expect(f.FundFlowTracker.connect(f.bankA).openFundFlow(f.loanId, threshold))
          .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowInvalidThreshold")
          .withArgs(threshold);
      }
    });

    it("rejects opening the same ledger twice", async function () {
      const f = await loadFixture(flowFixture);
      await expect(f.FundFlowTracker.connect(f.bankA).openFundFlow(f.loanId, 5000))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowAlreadyOpen")
        .withArgs(f.loanId);
      expect((await ledger(f, f.loanId)).maxNonRdBps).to.equal(BigInt(THRESHOLD_BPS));
    });

    it("rejects a loan whose purpose is not R&D", async function () {
      const f = await loadFixture(loanFixture);
      const working = await lend(f, "working-capital", { purpose: LoanPurpose.WorkingCapital });
      await expect(f.FundFlowTracker.connect(f.bankA).openFundFlow(working, THRESHOLD_BPS))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowLoanNotRnD")
        .withArgs(working);
    });

    it("rejects an unknown loan", async function () {
      const f = await loadFixture(loanFixture);
      const unknown = ethers.id("loan-unknown");
      await expect(f.FundFlowTracker.connect(f.bankA).openFundFlow(unknown, THRESHOLD_BPS))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowLoanUnknown")
        .withArgs(unknown);
    });

    it("rejects anyone but the lending bank", async function () {
      const f = await loadFixture(loanFixture);
      await expect(f.FundFlowTracker.connect(f.bankB).openFundFlow(f.loanId, THRESHOLD_BPS))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "MembershipWrongOrganization")
        .withArgs(f.bankB.address, ORG.BANK_A, ORG.BANK_B);
      await expect(f.FundFlowTracker.connect(f.tax).openFundFlow(f.loanId, THRESHOLD_BPS))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "MembershipRequired")
        .withArgs(f.tax.address, Role.Bank);
      await expect(f.FundFlowTracker.connect(f.outsider).openFundFlow(f.loanId, THRESHOLD_BPS))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "MembershipRequired")
        .withArgs(f.outsider.address, Role.Bank);
    });
  });

  describe("recordSpending", function () {
    it("records an entry from the lending bank with the running non-R&D share", async function () {
      const f = await loadFixture(flowFixture);
      const ev = evidence();
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.RnDEquipment, cny(120_000), ev))
        .to.emit(f.FundFlowTracker, "SpendingRecorded")
        .withArgs(f.loanId, ORG.BANK_A, ev, 0, SpendCategory.RnDEquipment, cny(120_000), COUNTERPARTY, 0);
      const flow = await ledger(f, f.loanId);
      expect(flow.totalFen).to.equal(cny(120_000));
      expect(flow.nonRdFen).to.equal(0n);
      expect(flow.entryCount).to.equal(1n);
    });

    it("records an entry from a tax bureau (from invoices)", async function () {
      const f = await loadFixture(flowFixture);
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(80_000))).wait();
      const ev = evidence();
      await expect(spend(f, f.tax, f.loanId, SpendCategory.NonRnD, cny(20_000), ev))
        .to.emit(f.FundFlowTracker, "SpendingRecorded")
        .withArgs(f.loanId, ORG.TAX, ev, 1, SpendCategory.NonRnD, cny(20_000), COUNTERPARTY, 2000);
    });

    it("refuses another tax bureau: only the enterprise's own bureau, the provider of the loan's consent, records", async function () {
      const f = await loadFixture(flowFixture);
      const tax2 = L.orgId(ethers, "tax.guilin");
      await govern(f.Consortium, f.governors, "admitMember", [
        tax2,
        Role.TaxBureau,
        "Guilin Tax Bureau",
        "https://guilin-tax.example:7443",
        "",
        encryptionKey("Guilin Tax Bureau"),
        [f.spare[0].address],
      ]);
      await expect(spend(f, f.spare[0], f.loanId, SpendCategory.NonRnD, cny(5_000)))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowRecorderNotAllowed")
        .withArgs(f.spare[0].address, tax2);
      expect((await ledger(f, f.loanId)).entryCount).to.equal(0n);
    });

    it("keeps totals per category", async function () {
      const f = await loadFixture(flowFixture);
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(100_000))).wait();
      await (await spend(f, f.tax, f.loanId, SpendCategory.RnDEquipment, cny(200_000))).wait();
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDMaterials, cny(50_000))).wait();
      await (await spend(f, f.tax, f.loanId, SpendCategory.OutsourcedRnD, cny(70_000))).wait();
      await (await spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, cny(30_000))).wait();
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(25_000))).wait();
      const flow = await ledger(f, f.loanId);
      expect(flow.byCategoryFen).to.deep.equal([cny(125_000), cny(200_000), cny(50_000), cny(70_000), cny(30_000)]);
      expect(flow.totalFen).to.equal(cny(475_000));
      expect(flow.nonRdFen).to.equal(cny(30_000));
      expect(flow.entryCount).to.equal(6n);
    });

    it("accepts R&D spending up to the amount lent and rejects one fen more", async function () {
      const f = await loadFixture(flowFixture);
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(999_999))).wait();
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(1) + 1n))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowExceedsLoan")
        .withArgs(f.loanId, cny(1_000_000) + 1n, cny(1_000_000));
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(1))).wait();
      expect((await ledger(f, f.loanId)).totalFen).to.equal(cny(1_000_000));
    });

    it("still records non-R&D spending after a full-amount R&D entry, so the deviation stays detectable", async function () {
      const f = await loadFixture(flowFixture);
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDEquipment, cny(1_000_000))).wait();
      await expect(spend(f, f.tax, f.loanId, SpendCategory.NonRnD, cny(500_000)))
        .to.emit(f.FundFlowTracker, "FundFlowDeviated")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 3333, THRESHOLD_BPS);
      const flow = await ledger(f, f.loanId);
      expect(flow.totalFen).to.equal(cny(1_500_000));
      expect(flow.nonRdFen).to.equal(cny(500_000));
      // R&D stays capped: the non-R&D entry does not open room for more R&D.
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, 1n))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowExceedsLoan")
        .withArgs(f.loanId, cny(1_000_000) + 1n, cny(1_000_000));
    });

    it("rejects other banks, guarantors and auditors", async function () {
      const f = await loadFixture(flowFixture);
      await expect(spend(f, f.bankB, f.loanId, SpendCategory.RnDLabour, cny(1)))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowRecorderNotAllowed")
        .withArgs(f.bankB.address, ORG.BANK_B);
      await expect(spend(f, f.guarantor, f.loanId, SpendCategory.RnDLabour, cny(1)))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowRecorderNotAllowed")
        .withArgs(f.guarantor.address, ORG.GUARANTOR);
      await expect(spend(f, f.auditor, f.loanId, SpendCategory.RnDLabour, cny(1)))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowRecorderNotAllowed")
        .withArgs(f.auditor.address, ORG.AUDITOR);
    });

    it("rejects an account that is not a member", async function () {
      const f = await loadFixture(flowFixture);
      await expect(spend(f, f.outsider, f.loanId, SpendCategory.RnDLabour, cny(1)))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "MembershipRequired")
        .withArgs(f.outsider.address, Role.None);
    });

    it("rejects a ledger that was not opened", async function () {
      const f = await loadFixture(loanFixture);
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(1)))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowNotOpen")
        .withArgs(f.loanId);
    });

    it("rejects an unknown loan and a loan that is not for R&D", async function () {
      const f = await loadFixture(flowFixture);
      const unknown = ethers.id("loan-unknown");
      await expect(spend(f, f.bankA, unknown, SpendCategory.RnDLabour, cny(1)))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowLoanUnknown")
        .withArgs(unknown);
      const trade = await lend(f, "trade", { purpose: LoanPurpose.Trade });
      await expect(spend(f, f.bankA, trade, SpendCategory.RnDLabour, cny(1)))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowLoanNotRnD")
        .withArgs(trade);
    });

    it("rejects a zero amount", async function () {
      const f = await loadFixture(flowFixture);
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, 0))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowZeroAmount")
        .withArgs(f.loanId);
    });

    it("rejects a zero evidence hash", async function () {
      const f = await loadFixture(flowFixture);
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(1), ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowZeroEvidence")
        .withArgs(f.loanId);
    });

    it("rejects a zero counterparty hash", async function () {
      const f = await loadFixture(flowFixture);
      await expect(
        f.FundFlowTracker.connect(f.bankA).recordSpending(
          f.loanId,
          SpendCategory.RnDLabour,
          cny(1),
          ethers.ZeroHash,
          evidence(),
        ),
      )
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowZeroCounterparty")
        .withArgs(f.loanId);
    });
  });

  describe("corrections and reversals", function () {
    /** The entry as its recorder states it. */
    const entry = (category, amountFen, evidenceHash, counterpartyHash = COUNTERPARTY) => ({
      category,
      amountFen,
      counterpartyHash,
      evidenceHash,
    });

    it("lets the recorder reverse its entry, with the totals, the share and the deviation following", async function () {
      const f = await loadFixture(flowFixture);
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(60_000))).wait();
      const ev = evidence();
      await expect(spend(f, f.tax, f.loanId, SpendCategory.NonRnD, cny(40_000), ev)).to.emit(
        f.FundFlowTracker,
        "FundFlowDeviated",
      );
      const reason = ethers.id("invoice cancelled by the issuer");
      await expect(
        f.FundFlowTracker.connect(f.tax).reverseSpending(f.loanId, 1, entry(SpendCategory.NonRnD, cny(40_000), ev), reason),
      )
        .to.emit(f.FundFlowTracker, "SpendingReversed")
        .withArgs(f.loanId, ORG.TAX, 1, SpendCategory.NonRnD, cny(40_000), reason, 0)
        .and.to.emit(f.FundFlowTracker, "FundFlowDeviationCleared")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 0);
      const flow = await ledger(f, f.loanId);
      expect(flow.totalFen).to.equal(cny(60_000));
      expect(flow.nonRdFen).to.equal(0n);
      expect(flow.byCategoryFen[SpendCategory.NonRnD]).to.equal(0n);
      expect(flow.entryCount).to.equal(2n);
      expect(flow.deviated).to.equal(false);
    });

    it("refuses a reversal by anyone but the entry's recorder, or with other fields, and a second reversal", async function () {
      const f = await loadFixture(flowFixture);
      const ev = evidence();
      await (await spend(f, f.tax, f.loanId, SpendCategory.NonRnD, cny(40_000), ev)).wait();
      const original = entry(SpendCategory.NonRnD, cny(40_000), ev);
      await expect(f.FundFlowTracker.connect(f.bankA).reverseSpending(f.loanId, 0, original, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowEntryMismatch")
        .withArgs(f.loanId, 0);
      await expect(
        f.FundFlowTracker.connect(f.tax).reverseSpending(
          f.loanId,
          0,
          entry(SpendCategory.NonRnD, cny(4_000), ev),
          ethers.ZeroHash,
        ),
      )
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowEntryMismatch")
        .withArgs(f.loanId, 0);
      await expect(f.FundFlowTracker.connect(f.tax).reverseSpending(f.loanId, 7, original, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowEntryMismatch")
        .withArgs(f.loanId, 7);
      await (await f.FundFlowTracker.connect(f.tax).reverseSpending(f.loanId, 0, original, ethers.ZeroHash)).wait();
      await expect(f.FundFlowTracker.connect(f.tax).reverseSpending(f.loanId, 0, original, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowEntryReversed")
        .withArgs(f.loanId, 0);
    });

    it("lets the recorder correct its entry: the original reversed, the replacement recorded with a reference to it", async function () {
      const f = await loadFixture(flowFixture);
      const ev = evidence();
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDEquipment, cny(90_000), ev)).wait();
      const fixed = evidence();
      const replacement = entry(SpendCategory.NonRnD, cny(9_000), fixed);
      await expect(
        f.FundFlowTracker.connect(f.bankA).correctSpending(
          f.loanId,
          0,
          entry(SpendCategory.RnDEquipment, cny(90_000), ev),
          replacement,
        ),
      )
        .to.emit(f.FundFlowTracker, "SpendingReversed")
        .withArgs(f.loanId, ORG.BANK_A, 0, SpendCategory.RnDEquipment, cny(90_000), fixed, 0)
        .and.to.emit(f.FundFlowTracker, "SpendingRecorded")
        .withArgs(f.loanId, ORG.BANK_A, fixed, 1, SpendCategory.NonRnD, cny(9_000), COUNTERPARTY, 10_000)
        .and.to.emit(f.FundFlowTracker, "SpendingCorrected")
        .withArgs(f.loanId, ORG.BANK_A, 0, 1)
        .and.to.emit(f.FundFlowTracker, "FundFlowDeviated");
      const flow = await ledger(f, f.loanId);
      expect(flow.totalFen).to.equal(cny(9_000));
      expect(flow.byCategoryFen[SpendCategory.RnDEquipment]).to.equal(0n);
      expect(flow.entryCount).to.equal(2n);
      // The correction is itself an entry its recorder can reverse.
      await expect(
        f.FundFlowTracker.connect(f.bankA).reverseSpending(f.loanId, 1, replacement, ethers.ZeroHash),
      ).to.emit(f.FundFlowTracker, "SpendingReversed");
    });

    it("refuses a correction whose replacement breaks the rules, leaving the original in place", async function () {
      const f = await loadFixture(flowFixture);
      const ev = evidence();
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(100_000), ev)).wait();
      const original = entry(SpendCategory.RnDLabour, cny(100_000), ev);
      await expect(
        f.FundFlowTracker.connect(f.bankA).correctSpending(
          f.loanId,
          0,
          original,
          entry(SpendCategory.RnDLabour, cny(1_000_001), evidence()),
        ),
      )
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowExceedsLoan")
        .withArgs(f.loanId, cny(1_000_001), cny(1_000_000));
      await expect(
        f.FundFlowTracker.connect(f.bankA).correctSpending(f.loanId, 0, original, entry(SpendCategory.RnDLabour, 0n, evidence())),
      )
        .to.be.revertedWithCustomError(f.FundFlowTracker, "FundFlowZeroAmount")
        .withArgs(f.loanId);
      expect((await ledger(f, f.loanId)).totalFen).to.equal(cny(100_000));
    });
  });

  describe("deviation", function () {
    it("alerts once when the non-R&D share passes the threshold, and clears when R&D spending brings it back", async function () {
      const f = await loadFixture(flowFixture);
      const { FundFlowTracker: t } = f;

      // 70 R&D, 20 non-R&D: 22.22 % — under 30 %.
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(70_000))).wait();
      const ev1 = evidence();
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, cny(20_000), ev1))
        .to.emit(t, "SpendingRecorded")
        .withArgs(f.loanId, ORG.BANK_A, ev1, 1, SpendCategory.NonRnD, cny(20_000), COUNTERPARTY, 2222)
        .and.not.to.emit(t, "FundFlowDeviated");

      // + 15 non-R&D: 35 / 105 = 33.33 % — over.
      await expect(spend(f, f.tax, f.loanId, SpendCategory.NonRnD, cny(15_000)))
        .to.emit(t, "FundFlowDeviated")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 3333, THRESHOLD_BPS);
      expect((await ledger(f, f.loanId)).deviated).to.equal(true);

      // + 5 non-R&D: 40 / 110 = 36.36 % — still over, no second alert.
      const ev3 = evidence();
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, cny(5_000), ev3))
        .to.emit(t, "SpendingRecorded")
        .withArgs(f.loanId, ORG.BANK_A, ev3, 3, SpendCategory.NonRnD, cny(5_000), COUNTERPARTY, 3636)
        .and.not.to.emit(t, "FundFlowDeviated");

      // + 20 R&D: 40 / 130 = 30.76 % — still over, nothing cleared.
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.RnDMaterials, cny(20_000)))
        .not.to.emit(t, "FundFlowDeviationCleared")
        .and.not.to.emit(t, "FundFlowDeviated");

      // + 10 R&D: 40 / 140 = 28.57 % — back under.
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.OutsourcedRnD, cny(10_000)))
        .to.emit(t, "FundFlowDeviationCleared")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 2857)
        .and.not.to.emit(t, "FundFlowDeviated");
      expect((await ledger(f, f.loanId)).deviated).to.equal(false);

      // + 10 R&D: 40 / 150 = 26.66 % — still under, nothing cleared again.
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(10_000)))
        .not.to.emit(t, "FundFlowDeviationCleared")
        .and.not.to.emit(t, "FundFlowDeviated");

      // + 30 non-R&D: 70 / 180 = 38.88 % — over again, a new alert.
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, cny(30_000)))
        .to.emit(t, "FundFlowDeviated")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 3888, THRESHOLD_BPS);
    });

    it("does not alert at exactly the threshold", async function () {
      const f = await loadFixture(flowFixture);
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDEquipment, cny(70_000))).wait();
      const ev = evidence();
      // 30,000 / 100,000 = 30 % exactly.
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, cny(30_000), ev))
        .to.emit(f.FundFlowTracker, "SpendingRecorded")
        .withArgs(f.loanId, ORG.BANK_A, ev, 1, SpendCategory.NonRnD, cny(30_000), COUNTERPARTY, 3000)
        .and.not.to.emit(f.FundFlowTracker, "FundFlowDeviated");
      expect((await ledger(f, f.loanId)).deviated).to.equal(false);
    });

    // The share in the events is rounded down to the basis point; whether spending deviates is decided on the
    // exact amounts (nonRd × 10000 > total × threshold), so a fen over the line alerts although it still reads 3000.
    it("alerts one fen above the threshold, though the rounded share still reads the threshold", async function () {
      const f = await loadFixture(flowFixture);
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDEquipment, cny(70_000))).wait();
      await (await spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, cny(30_000))).wait();
      // 3,000,001 / 10,000,001 fen = 30.00000699… %
      const ev = evidence();
      const tx = spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, 1n, ev);
      await expect(tx)
        .to.emit(f.FundFlowTracker, "SpendingRecorded")
        .withArgs(f.loanId, ORG.BANK_A, ev, 2, SpendCategory.NonRnD, 1n, COUNTERPARTY, 3000);
      await expect(tx)
        .to.emit(f.FundFlowTracker, "FundFlowDeviated")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 3000, THRESHOLD_BPS);
      const flow = await ledger(f, f.loanId);
      expect(flow.deviated).to.equal(true);
      expect(flow.nonRdFen).to.equal(cny(30_000) + 1n);
      expect(flow.totalFen).to.equal(cny(100_000) + 1n);
    });

    it("alerts at 30.0001 % of the whole loan against a 30 % threshold", async function () {
      const f = await loadFixture(flowFixture);
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(699_999))).wait();
      // 300,001 / 1,000,000 CNY = 30.0001 %, read as 3000 bps.
      await expect(spend(f, f.tax, f.loanId, SpendCategory.NonRnD, cny(300_001)))
        .to.emit(f.FundFlowTracker, "FundFlowDeviated")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 3000, THRESHOLD_BPS);
    });

    it("clears when spending comes back to exactly the threshold", async function () {
      const f = await loadFixture(flowFixture);
      const { FundFlowTracker: t } = f;
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, 70_000n)).wait();
      await (await spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, 30_000n)).wait();
      // 30,003 / 100,003 fen = 30.0020… % — over, read as 3000.
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, 3n))
        .to.emit(t, "FundFlowDeviated")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 3000, THRESHOLD_BPS);
      // 30,003 / 100,010 fen = 30 % exactly — no longer over.
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.RnDMaterials, 7n))
        .to.emit(t, "FundFlowDeviationCleared")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 3000)
        .and.not.to.emit(t, "FundFlowDeviated");
      expect((await ledger(f, f.loanId)).deviated).to.equal(false);
    });

    it("compares exactly at the lowest threshold of 1 bps", async function () {
      const f = await loadFixture(loanFixture);
      const { FundFlowTracker: t } = f;
      await (await t.connect(f.bankA).openFundFlow(f.loanId, 1)).wait();
      // 1 / 10,000 fen = 1 bps exactly — not over.
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, 9_999n)).wait();
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, 1n)).not.to.emit(t, "FundFlowDeviated");
      // 2 / 10,001 fen = 1.9998 bps, read as 1 — over.
      await expect(spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, 1n))
        .to.emit(t, "FundFlowDeviated")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 1, 1);
    });

    it("alerts at once when the first entry is not R&D", async function () {
      const f = await loadFixture(flowFixture);
      await expect(spend(f, f.tax, f.loanId, SpendCategory.NonRnD, cny(1_000)))
        .to.emit(f.FundFlowTracker, "FundFlowDeviated")
        .withArgs(f.loanId, ORG.BANK_A, f.cc1, 10_000, THRESHOLD_BPS);
    });
  });

  describe("rdShareBps", function () {
    it("is zero when nothing is recorded", async function () {
      const f = await loadFixture(flowFixture);
      expect(await f.FundFlowTracker.rdShareBps(f.loanId)).to.equal(0n);
      expect(await f.FundFlowTracker.rdShareBps(ethers.id("loan-unknown"))).to.equal(0n);
    });

    it("is the share of recorded spending that reached R&D", async function () {
      const f = await loadFixture(flowFixture);
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, cny(45_000))).wait();
      await (await spend(f, f.bankA, f.loanId, SpendCategory.OutsourcedRnD, cny(25_000))).wait();
      await (await spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, cny(30_000))).wait();
      expect(await f.FundFlowTracker.rdShareBps(f.loanId)).to.equal(7000n);
    });

    it("is 10000 when everything reached R&D and 0 when nothing did", async function () {
      const f = await loadFixture(flowFixture);
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDMaterials, cny(10))).wait();
      expect(await f.FundFlowTracker.rdShareBps(f.loanId)).to.equal(10_000n);

      const other = await lend(f, "all-non-rd");
      await (await f.FundFlowTracker.connect(f.bankA).openFundFlow(other, 5000)).wait();
      await (await spend(f, f.bankA, other, SpendCategory.NonRnD, cny(10))).wait();
      expect(await f.FundFlowTracker.rdShareBps(other)).to.equal(0n);
    });

    it("rounds the non-R&D share down, so the R&D share is the complement", async function () {
      const f = await loadFixture(flowFixture);
      await (await spend(f, f.bankA, f.loanId, SpendCategory.RnDLabour, 2n)).wait();
      await (await spend(f, f.bankA, f.loanId, SpendCategory.NonRnD, 1n)).wait();
      // non-R&D: 1 / 3 = 3333.3 bps → 3333; R&D: 10000 − 3333
      expect(await f.FundFlowTracker.rdShareBps(f.loanId)).to.equal(6667n);
    });
  });
});
