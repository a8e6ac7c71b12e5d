// The upgrade path (issue 11 §4): a running consortium moves to a new version of the contracts without any
// enterprise signing again. The consortium stays; a new registry names the old one its predecessor and takes over its
// bindings and live consents (ids, terms, narrowed scopes, fetch counters); the predecessor keeps a say over what it
// handed over (a revocation or narrowing made there later still counts).
"use strict";

const { expect } = require("chai");
const { ethers } = require("hardhat");
const { loadFixture, time } = require("@nomicfoundation/hardhat-network-helpers");
const { L, ORG, consentFixture, defaultTerms, grantBySig } = require("../helpers/fixtures");

const DAY = 86400;
const REQUEST = ethers.id("request-1");
const RESPONSE = ethers.id("response-1");

/**
 * Version 1 live: enterprise 1 has a consent used once (strong mode) and a narrowed one; enterprise 2 a consent it
 * revoked and one about to expire. Then version 2 is deployed on the same consortium with version 1 as predecessor.
 */
async function upgradedFixture() {
  const v1 = await loadFixture(consentFixture);
  await (await v1.AccessLog.connect(v1.tax).recordAccess(v1.consentId, ORG.BANK_A, L.Scope.TaxCreditRating, REQUEST, RESPONSE)).wait();
  const narrowedTerms = await defaultTerms(v1, { nonce: 501n });
  const narrowedId = await grantBySig(v1, narrowedTerms);
  const narrowedUntil = BigInt(narrowedTerms.validUntil) - BigInt(DAY);
  await (await v1.ConsentRegistry.connect(v1.enterprise).narrowConsent(narrowedId, L.Scope.TaxCreditRating, narrowedUntil)).wait();
  const revokedTerms = await defaultTerms(v1, { enterprise: v1.enterprise2.address, creditCodeHash: v1.cc2, nonce: 502n });
  const revokedId = await grantBySig(v1, revokedTerms, v1.enterprise2);
  await (await v1.ConsentRegistry.connect(v1.enterprise2).revokeConsent(revokedId)).wait();
  const now = await time.latest();
  const expiringTerms = await defaultTerms(v1, {
    enterprise: v1.enterprise2.address, creditCodeHash: v1.cc2, nonce: 503n, validFrom: now, validUntil: now + 2 * DAY,
  });
  const expiringId = await grantBySig(v1, expiringTerms, v1.enterprise2);
  await time.increase(3 * DAY);

  const v2 = await L.deployLedger(ethers, { deployer: v1.spare[5], consortium: v1.Consortium, predecessor: v1.ConsentRegistry });
  return {
    ...v1,
    v1: v1.c,
    v2: v2.contracts,
    narrowedTerms, narrowedId, narrowedUntil, revokedTerms, revokedId, expiringTerms, expiringId,
  };
}

async function importedFixture() {
  const f = await loadFixture(upgradedFixture);
  const result = await L.importFromPredecessor(ethers, { registry: f.v2.ConsentRegistry, signer: f.tax });
  return { ...f, result };
}

describe("upgrade: v1 with live consents → v2", function () {
  it("takes over the bindings and the live consents without a new signature: same ids, narrowed terms and fetch counts kept", async function () {
    const f = await loadFixture(importedFixture);
    expect(f.result).to.deep.equal({ bindings: 2, consents: 2, skipped: 2 }); // the revoked and the expired consents stay behind
    const reg = f.v2.ConsentRegistry;

    expect(await reg.accountOf(f.cc1)).to.deep.equal([f.enterprise.address, ORG.TAX]);
    expect(await reg.creditCodeOf(f.enterprise2.address)).to.equal(f.cc2);
    const used = await reg.consent(f.consentId);
    expect(used.enterprise).to.equal(f.enterprise.address);
    expect(used.consumer).to.equal(ORG.BANK_A);
    expect(used.provider).to.equal(ORG.TAX);
    expect(used.fetchesInPeriod).to.equal(1n); // counted in v1, still counted
    const narrowed = await reg.consent(f.narrowedId);
    expect(narrowed.scopes).to.equal(BigInt(L.Scope.TaxCreditRating));
    expect(narrowed.validUntil).to.equal(f.narrowedUntil);
    expect((await reg.consent(f.revokedId)).enterprise).to.equal(ethers.ZeroAddress);
    expect((await reg.consent(f.expiringId)).enterprise).to.equal(ethers.ZeroAddress);

    // v2 checks them like its own, and the v2 access log counts on from v1's count.
    expect(await reg.checkAccess(f.consentId, ORG.BANK_A, ORG.TAX, L.Scope.TaxCreditRating)).to.equal(L.AccessStatus.Allowed);
    expect(await reg.checkAccess(f.narrowedId, ORG.BANK_A, ORG.TAX, L.Scope.TaxPayments)).to.equal(L.AccessStatus.ScopeNotGranted);
    await expect(f.v2.AccessLog.connect(f.tax).recordAccess(f.consentId, ORG.BANK_A, L.Scope.TaxCreditRating, ethers.id("request-2"), RESPONSE))
      .to.emit(f.v2.AccessLog, "AccessRecorded");
    expect((await reg.consent(f.consentId)).fetchesInPeriod).to.equal(2n);
    // And the lending contracts of v2 take a decision on an imported consent.
    await expect(f.v2.LoanBook.connect(f.bankA).recordDecision(ethers.id("decision-v2"), f.consentId, true))
      .to.emit(f.v2.LoanBook, "CreditDecisionRecorded");
  });

  it("emits what an indexer of v2 alone needs: ConsentImported, ConsentGranted with the original terms, ConsentNarrowed when narrowed", async function () {
    const f = await loadFixture(upgradedFixture);
    const reg = f.v2.ConsentRegistry.connect(f.bankA);
    await (await reg.importBinding(f.cc1)).wait();

    const tx = reg.importConsent(f.narrowedTerms);

    await expect(tx).to.emit(reg, "ConsentImported").withArgs(f.narrowedId, f.enterprise.address, await f.v1.ConsentRegistry.getAddress());
    await expect(tx).to.emit(reg, "ConsentGranted");
    await expect(tx).to.emit(reg, "ConsentNarrowed").withArgs(f.narrowedId, f.enterprise.address, ORG.BANK_A, L.Scope.TaxCreditRating, f.narrowedUntil);
    // The id is the predecessor's EIP-712 digest of the terms, not v2's: recompute it in v1's domain.
    expect(await f.v1.ConsentRegistry.consentId(f.narrowedTerms)).to.equal(f.narrowedId);
    expect(await f.v2.ConsentRegistry.consentId(f.narrowedTerms)).to.not.equal(f.narrowedId);
  });

  it("refuses what is not live in v1, anything twice, a consent before its binding, and non-members", async function () {
    const f = await loadFixture(upgradedFixture);
    const reg = f.v2.ConsentRegistry.connect(f.tax);
    await expect(reg.importConsent(f.terms)).to.be.revertedWithCustomError(reg, "ConsentEnterpriseNotBound");
    await (await reg.importBinding(f.cc1)).wait();
    await (await reg.importBinding(f.cc2)).wait();
    await expect(reg.importBinding(f.cc1)).to.be.revertedWithCustomError(reg, "ConsentEnterpriseAlreadyBound");
    await expect(reg.importBinding(ethers.id("never bound"))).to.be.revertedWithCustomError(reg, "ConsentCreditCodeNotBound");

    await expect(reg.importConsent(f.revokedTerms)).to.be.revertedWithCustomError(reg, "ConsentNotImportable").withArgs(f.revokedId);
    await expect(reg.importConsent(f.expiringTerms)).to.be.revertedWithCustomError(reg, "ConsentNotImportable").withArgs(f.expiringId);
    await expect(reg.importConsent({ ...f.terms, nonce: 999n })).to.be.revertedWithCustomError(reg, "ConsentNotImportable");
    await (await reg.importConsent(f.terms)).wait();
    await expect(reg.importConsent(f.terms)).to.be.revertedWithCustomError(reg, "ConsentAlreadyImported").withArgs(f.consentId);
    await expect(f.v2.ConsentRegistry.connect(f.outsider).importConsent(f.narrowedTerms))
      .to.be.revertedWithCustomError(reg, "MembershipRequired");
  });

  it("a revocation or narrowing made at v1 after the import still counts, and syncRevocation records it in v2", async function () {
    const f = await loadFixture(importedFixture);
    const reg = f.v2.ConsentRegistry;
    await expect(reg.syncRevocation(f.consentId)).to.be.revertedWithCustomError(reg, "ConsentNotRevokedByPredecessor").withArgs(f.consentId);

    // The enterprise, still using v1, revokes one consent and narrows the other there.
    await (await f.v1.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId)).wait();
    await (await f.v1.ConsentRegistry.connect(f.enterprise).narrowConsent(f.narrowedId, L.Scope.TaxCreditRating, f.narrowedUntil - BigInt(DAY))).wait();
    await time.increaseTo(f.narrowedUntil - BigInt(DAY) + 1n);

    expect(await reg.checkAccess(f.consentId, ORG.BANK_A, ORG.TAX, L.Scope.TaxCreditRating)).to.equal(L.AccessStatus.Revoked);
    expect(await reg.checkAccess(f.narrowedId, ORG.BANK_A, ORG.TAX, L.Scope.TaxCreditRating)).to.equal(L.AccessStatus.Expired);
    await expect(f.v2.AccessLog.connect(f.tax).recordAccess(f.consentId, ORG.BANK_A, L.Scope.TaxCreditRating, ethers.id("request-3"), RESPONSE))
      .to.be.revertedWithCustomError(reg, "ConsentRefusedByPredecessor").withArgs(f.consentId, L.AccessStatus.Revoked);

    await expect(reg.connect(f.outsider).syncRevocation(f.consentId)).to.emit(reg, "ConsentRevoked").withArgs(f.consentId, f.enterprise.address, ORG.BANK_A);
    expect((await reg.consent(f.consentId)).revokedAtBlock).to.not.equal(0n);
    await expect(reg.syncRevocation(f.consentId)).to.be.revertedWithCustomError(reg, "ConsentRevokedAt");
  });

  it("a v1 signature is no grant in v2 (its domain names v1), while the enterprise revokes an imported consent in v2 with a v2 signature", async function () {
    const f = await loadFixture(importedFixture);
    const reg = f.v2.ConsentRegistry;
    const replayTerms = await defaultTerms(f, { nonce: 777n });
    const v1Signature = await L.signConsent(f.enterprise, f.v1.ConsentRegistry, replayTerms);
    await expect(reg.connect(f.bankA).grantConsentBySig(replayTerms, v1Signature)).to.be.revertedWithCustomError(reg, "ConsentInvalidSignature");

    const revocation = { consentId: f.consentId, nonce: 9n, deadline: (await time.latest()) + 3600 };
    const signature = await L.signRevocation(f.enterprise, reg, revocation);
    await expect(reg.connect(f.bankA).revokeConsentBySig(f.consentId, revocation.nonce, revocation.deadline, signature))
      .to.emit(reg, "ConsentRevoked");
    expect(await reg.checkAccess(f.consentId, ORG.BANK_A, ORG.TAX, L.Scope.TaxCreditRating)).to.equal(L.AccessStatus.Revoked);
    // v1 still says active: v2 is where the consent lives now.
    expect((await f.v1.ConsentRegistry.consent(f.consentId)).revokedAtBlock).to.equal(0n);
  });

  it("setPredecessor: its deployer only, once, a registry of the same consortium", async function () {
    const f = await loadFixture(consentFixture);
    const fresh = await (await ethers.getContractFactory("ConsentRegistry", f.spare[5])).deploy(f.Consortium);
    await expect(fresh.connect(f.spare[6]).setPredecessor(f.ConsentRegistry)).to.be.revertedWithCustomError(fresh, "ConsentNotDeployer");
    await expect(fresh.connect(f.spare[5]).importBinding(f.cc1)).to.be.revertedWithCustomError(fresh, "MembershipRequired");
    await expect(fresh.connect(f.tax).importBinding(f.cc1)).to.be.revertedWithCustomError(fresh, "ConsentNoPredecessor");
    await expect(fresh.connect(f.spare[5]).setPredecessor(fresh)).to.be.revertedWithCustomError(fresh, "ConsentPredecessorNotUsable");
    await expect(fresh.connect(f.spare[5]).setPredecessor(f.spare[7].address)).to.be.revertedWithCustomError(fresh, "ConsentPredecessorNotUsable");
    const otherConsortium = await (await ethers.getContractFactory("Consortium", f.spare[5])).deploy([f.spare[5].address], 1);
    const foreign = await (await ethers.getContractFactory("ConsentRegistry", f.spare[5])).deploy(otherConsortium);
    await expect(fresh.connect(f.spare[5]).setPredecessor(foreign)).to.be.revertedWithCustomError(fresh, "ConsentPredecessorNotUsable");

    await expect(fresh.connect(f.spare[5]).setPredecessor(f.ConsentRegistry)).to.emit(fresh, "PredecessorSet").withArgs(await f.ConsentRegistry.getAddress());
    expect(await fresh.predecessor()).to.equal(await f.ConsentRegistry.getAddress());
    await expect(fresh.connect(f.spare[5]).setPredecessor(f.ConsentRegistry)).to.be.revertedWithCustomError(fresh, "ConsentPredecessorAlreadySet");
  });
});

