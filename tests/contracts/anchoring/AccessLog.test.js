"use strict";

const fs = require("fs");
const { expect } = require("chai");
const { ethers, network } = require("hardhat");
const { loadFixture, time } = require("@nomicfoundation/hardhat-network-helpers");
const { StandardMerkleTree } = require("@openzeppelin/merkle-tree");
const {
  L,
  ORG,
  encryptionKey,
  govern,
  membersFixture,
  consentFixture,
  defaultTerms,
  grantBySig,
} = require("../helpers/fixtures");
const merkleFixtures = require("../../../scripts/fixtures/merkle-fixtures");

const { Role, Scope, BatchKind, AccessStatus } = L;
const RATING = Scope.TaxCreditRating;
const PAYMENTS = Scope.TaxPayments;
const INVOICES = Scope.Invoices;
const GRANTED = RATING | PAYMENTS; // the scopes of consentFixture's consent
const DAY = 86400;

const REQUEST = ethers.id("request-1");
const RESPONSE = ethers.id("response-1");
const ORG_TAX2 = L.orgId(ethers, "tax.nanning");

/** A record hash as a node would compute it for an off-chain record. */
const recordHash = (label, i) => ethers.id(`${label}-${i}`);

/** A standard OpenZeppelin tree over record hashes, as the C# anchoring code builds it. */
function treeOf(values) {
  return StandardMerkleTree.of(
    values.map((v) => [v]),
    ["bytes32"],
  );
}

/** `hex` (a bytes32) with its last byte flipped. */
function tamper(hex) {
  const bytes = ethers.getBytes(hex);
  bytes[bytes.length - 1] ^= 0x01;
  return ethers.hexlify(bytes);
}

let requestCount = 0;

/**
 * The provider's tax operator records an access under `id` (consentFixture's consent by default). Each call is a
 * new request (a fresh request hash) unless `request` is given: a request hash is recorded once per consent.
 */
function access(
  f,
  {
    id = f.consentId,
    consumer = ORG.BANK_A,
    scopes = GRANTED,
    signer = f.tax,
    request = ethers.id(`access-request-${++requestCount}`),
    response = RESPONSE,
    overrides = {},
  } = {},
) {
  return f.AccessLog.connect(signer).recordAccess(id, consumer, scopes, request, response, overrides);
}

/** The custom error a mined, failed transaction reverted with, read back from the node's trace. */
async function revertOf(hash, iface) {
  const trace = await network.provider.send("debug_traceTransaction", [
    hash,
    { disableMemory: true, disableStack: true, disableStorage: true },
  ]);
  expect(trace.failed, "the transaction should have failed").to.equal(true);
  const data = trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`;
  return iface.parseError(data);
}

// ------------------------------------------------------------------------------------------------ fixtures

/** consentFixture plus a second tax bureau (Nanning) operated by spare[0]. */
async function twoTaxBureausFixture() {
  const f = await loadFixture(consentFixture);
  await govern(f.Consortium, f.governors, "admitMember", [
    ORG_TAX2,
    Role.TaxBureau,
    "Nanning Tax Bureau",
    "https://nanning-tax.example:7443",
    "",
    encryptionKey("Nanning Tax Bureau"),
    [f.spare[0].address],
  ]);
  return { ...f, tax2: f.spare[0] };
}

/** membersFixture plus Merkle trees of several sizes anchored by BANK_A, one batch per size. */
const MERKLE_SIZES = [1, 2, 3, 7, 64, 257];
async function anchoredTreesFixture() {
  const f = await loadFixture(membersFixture);
  const batches = [];
  for (const size of MERKLE_SIZES) {
    const values = Array.from({ length: size }, (_, i) => recordHash(`access-record/${size}`, i));
    const tree = treeOf(values);
    const batchId = ethers.id(`batch/${size}`);
    await (await f.AccessLog.connect(f.bankA).anchor(batchId, tree.root, size, BatchKind.AccessRecords, "")).wait();
    batches.push({ size, values, tree, batchId });
  }
  return { ...f, batches, batch: (size) => batches.find((b) => b.size === size) };
}

describe("AccessLog", function () {
  it("is wired to the consortium and to the consent registry that counts its fetches", async function () {
    const f = await loadFixture(membersFixture);
    expect(await f.AccessLog.consortium()).to.equal(await f.Consortium.getAddress());
    expect(await f.AccessLog.registry()).to.equal(await f.ConsentRegistry.getAddress());
    expect(await f.ConsentRegistry.accessLog()).to.equal(await f.AccessLog.getAddress());
  });

  // ============================================================================================ strong mode
  describe("recordAccess", function () {
    describe("when the consent allows the access", function () {
      it("records the access with the provider taken from the caller's organization", async function () {
        const f = await loadFixture(consentFixture);
        await expect(access(f, { request: REQUEST }))
          .to.emit(f.AccessLog, "AccessRecorded")
          .withArgs(f.consentId, ORG.TAX, ORG.BANK_A, GRANTED, REQUEST, RESPONSE);
      });

      it("accepts a request for a subset of the granted scopes", async function () {
        const f = await loadFixture(consentFixture);
        await expect(access(f, { scopes: PAYMENTS, request: REQUEST }))
          .to.emit(f.AccessLog, "AccessRecorded")
          .withArgs(f.consentId, ORG.TAX, ORG.BANK_A, PAYMENTS, REQUEST, RESPONSE);
      });

      it("counts every access against the consent's fetch cap", async function () {
        const f = await loadFixture(consentFixture);
        expect((await f.ConsentRegistry.consent(f.consentId)).fetchesInPeriod).to.equal(0n);
        await access(f);
        expect((await f.ConsentRegistry.consent(f.consentId)).fetchesInPeriod).to.equal(1n);
        await access(f, { scopes: RATING, request: ethers.id("request-2") });
        expect((await f.ConsentRegistry.consent(f.consentId)).fetchesInPeriod).to.equal(2n);
      });

      it("lets the consent be used in its last second", async function () {
        const f = await loadFixture(consentFixture);
        await time.setNextBlockTimestamp(f.terms.validUntil);
        await expect(access(f)).to.emit(f.AccessLog, "AccessRecorded");
      });

      it("lets the consent be used from its first second", async function () {
        const f = await loadFixture(consentFixture);
        const now = await time.latest();
        const terms = await defaultTerms(f, { validFrom: now + DAY, validUntil: now + 10 * DAY, nonce: 2 });
        const id = await grantBySig(f, terms);
        await time.setNextBlockTimestamp(terms.validFrom);
        await expect(access(f, { id })).to.emit(f.AccessLog, "AccessRecorded");
      });

      it("lets a bank reinstated after a suspension read again", async function () {
        const f = await loadFixture(consentFixture);
        await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
        await expect(access(f))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentConsumerIneligible")
          .withArgs(f.consentId, ORG.BANK_A);
        await govern(f.Consortium, f.governors, "reinstateMember", [ORG.BANK_A]);
        await expect(access(f)).to.emit(f.AccessLog, "AccessRecorded");
      });
    });

    describe("fetch cap", function () {
      it("refuses the access after the cap is reached", async function () {
        const f = await loadFixture(consentFixture);
        for (let i = 0; i < f.terms.fetchCap; i++) await access(f);
        await expect(access(f))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentFetchCapReached")
          .withArgs(f.consentId, f.terms.fetchCap);
        expect((await f.ConsentRegistry.consent(f.consentId)).fetchesInPeriod).to.equal(BigInt(f.terms.fetchCap));
      });

      it("serves a one-time consent exactly once", async function () {
        const f = await loadFixture(consentFixture);
        const id = await grantBySig(f, await defaultTerms(f, { fetchCap: 1, fetchPeriod: 0, nonce: 2 }));
        await expect(access(f, { id })).to.emit(f.AccessLog, "AccessRecorded");
        await expect(access(f, { id }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentFetchCapReached")
          .withArgs(id, 1);
        await time.increase(20 * DAY); // a one-time consent has no next period
        await expect(access(f, { id }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentFetchCapReached")
          .withArgs(id, 1);
      });

      it("does not count a refused access", async function () {
        const f = await loadFixture(consentFixture);
        await expect(access(f, { consumer: ORG.BANK_B })).to.be.revertedWithCustomError(
          f.ConsentRegistry,
          "ConsentWrongConsumer",
        );
        await expect(access(f, { scopes: INVOICES })).to.be.revertedWithCustomError(
          f.ConsentRegistry,
          "ConsentScopeNotGranted",
        );
        expect((await f.ConsentRegistry.consent(f.consentId)).fetchesInPeriod).to.equal(0n);
      });

      describe("with a fetch period", function () {
        async function periodicFixture() {
          const f = await loadFixture(consentFixture);
          const now = await time.latest();
          const terms = await defaultTerms(f, {
            validFrom: now,
            validUntil: now + 120 * DAY,
            fetchCap: 2,
            fetchPeriod: 30 * DAY,
            nonce: 2,
          });
          const id = await grantBySig(f, terms);
          return { ...f, periodic: { id, terms } };
        }

        it("refuses a third access within the same period", async function () {
          const f = await loadFixture(periodicFixture);
          const { id, terms } = f.periodic;
          await access(f, { id });
          await access(f, { id });
          await time.setNextBlockTimestamp(terms.validFrom + 30 * DAY - 1); // last second of period 0
          await expect(access(f, { id }))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentFetchCapReached")
            .withArgs(id, 2);
        });

        it("resets the count in the next period", async function () {
          const f = await loadFixture(periodicFixture);
          const { id, terms } = f.periodic;
          await access(f, { id });
          await access(f, { id });
          await time.setNextBlockTimestamp(terms.validFrom + 30 * DAY); // first second of period 1
          await expect(access(f, { id })).to.emit(f.AccessLog, "AccessRecorded");
          let state = await f.ConsentRegistry.consent(id);
          expect(state.periodIndex).to.equal(1n);
          expect(state.fetchesInPeriod).to.equal(1n);
          await access(f, { id });
          await expect(access(f, { id }))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentFetchCapReached")
            .withArgs(id, 2);
          state = await f.ConsentRegistry.consent(id);
          expect(state.fetchesInPeriod).to.equal(2n);
        });

        it("starts a fresh count after skipping periods, without carrying unused fetches over", async function () {
          const f = await loadFixture(periodicFixture);
          const { id, terms } = f.periodic;
          await time.setNextBlockTimestamp(terms.validFrom + 95 * DAY); // period 3; periods 0–2 unused
          await access(f, { id });
          await access(f, { id });
          await expect(access(f, { id }))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentFetchCapReached")
            .withArgs(id, 2);
          const state = await f.ConsentRegistry.consent(id);
          expect(state.periodIndex).to.equal(3n);
          expect(state.fetchesInPeriod).to.equal(2n);
        });
      });
    });

    describe("when the consent does not allow the access", function () {
      it("refuses an expired consent", async function () {
        const f = await loadFixture(consentFixture);
        await time.setNextBlockTimestamp(f.terms.validUntil + 1);
        await expect(access(f))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentExpired")
          .withArgs(f.consentId, f.terms.validUntil);
      });

      it("refuses a consent that is not valid yet", async function () {
        const f = await loadFixture(consentFixture);
        const now = await time.latest();
        const terms = await defaultTerms(f, { validFrom: now + DAY, validUntil: now + 10 * DAY, nonce: 2 });
        const id = await grantBySig(f, terms);
        await time.setNextBlockTimestamp(terms.validFrom - 1);
        await expect(access(f, { id }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNotYetValid")
          .withArgs(id, terms.validFrom);
      });

      it("refuses a consumer the consent does not name", async function () {
        const f = await loadFixture(consentFixture);
        await expect(access(f, { consumer: ORG.BANK_B }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentWrongConsumer")
          .withArgs(f.consentId, ORG.BANK_B);
      });

      it("refuses a scope the consent does not grant", async function () {
        const f = await loadFixture(consentFixture);
        await expect(access(f, { scopes: RATING | INVOICES }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentScopeNotGranted")
          .withArgs(f.consentId, RATING | INVOICES, GRANTED);
      });

      it("refuses a request for no scope at all", async function () {
        const f = await loadFixture(consentFixture);
        await expect(access(f, { scopes: 0n }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentScopeNotGranted")
          .withArgs(f.consentId, 0n, GRANTED);
      });

      it("refuses a scope the enterprise narrowed away", async function () {
        const f = await loadFixture(consentFixture);
        await f.ConsentRegistry.connect(f.enterprise).narrowConsent(f.consentId, RATING, f.terms.validUntil);
        await expect(access(f, { scopes: PAYMENTS }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentScopeNotGranted")
          .withArgs(f.consentId, PAYMENTS, RATING);
        await expect(access(f, { scopes: RATING })).to.emit(f.AccessLog, "AccessRecorded");
      });

      it("refuses a consent whose validity the enterprise shortened", async function () {
        const f = await loadFixture(consentFixture);
        const shortened = (await time.latest()) + DAY;
        await f.ConsentRegistry.connect(f.enterprise).narrowConsent(f.consentId, GRANTED, shortened);
        await time.setNextBlockTimestamp(shortened + 1);
        await expect(access(f))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentExpired")
          .withArgs(f.consentId, shortened);
      });

      it("refuses a revoked consent, naming the block of the revocation", async function () {
        const f = await loadFixture(consentFixture);
        const receipt = await (await f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId)).wait();
        await expect(access(f))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentRevokedAt")
          .withArgs(f.consentId, receipt.blockNumber);
      });

      it("reports a revocation before an expiry", async function () {
        const f = await loadFixture(consentFixture);
        const receipt = await (await f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId)).wait();
        await time.increaseTo(f.terms.validUntil + DAY);
        await expect(access(f))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentRevokedAt")
          .withArgs(f.consentId, receipt.blockNumber);
      });

      it("refuses an unknown consent", async function () {
        const f = await loadFixture(consentFixture);
        const unknown = ethers.id("no such consent");
        await expect(access(f, { id: unknown }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentUnknown")
          .withArgs(unknown);
      });

      it("refuses a suspended consumer bank", async function () {
        const f = await loadFixture(consentFixture);
        await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
        await expect(access(f))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentConsumerIneligible")
          .withArgs(f.consentId, ORG.BANK_A);
      });

      it("refuses a consumer bank removed from the consortium", async function () {
        const f = await loadFixture(consentFixture);
        await govern(f.Consortium, f.governors, "removeMember", [ORG.BANK_A]);
        await expect(access(f))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentConsumerIneligible")
          .withArgs(f.consentId, ORG.BANK_A);
      });

      it("refuses a consumer whose role was changed to one that may not read data", async function () {
        const f = await loadFixture(consentFixture);
        await govern(f.Consortium, f.governors, "changeRole", [ORG.BANK_A, Role.Auditor]);
        await expect(access(f))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentConsumerIneligible")
          .withArgs(f.consentId, ORG.BANK_A);
      });

      it("refuses an enterprise whose account was unbound", async function () {
        const f = await loadFixture(consentFixture);
        await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address);
        await expect(access(f))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseNotBound")
          .withArgs(f.enterprise.address, ethers.ZeroHash);
      });

      it("refuses a zero request hash", async function () {
        const f = await loadFixture(consentFixture);
        await expect(access(f, { request: ethers.ZeroHash }))
          .to.be.revertedWithCustomError(f.AccessLog, "AccessInvalidRequest")
          .withArgs(ethers.ZeroHash);
      });

      it("refuses a zero response hash: a served access must name what was sent", async function () {
        const f = await loadFixture(consentFixture);
        await expect(access(f, { response: ethers.ZeroHash }))
          .to.be.revertedWithCustomError(f.AccessLog, "AccessInvalidResponse")
          .withArgs(ethers.ZeroHash);
        expect((await f.ConsentRegistry.consent(f.consentId)).fetchesInPeriod).to.equal(0n);
      });
    });

    describe("when the caller may not record the access", function () {
      for (const who of ["bankA", "guarantor", "auditor", "regulator", "outsider", "enterprise"]) {
        it(`refuses the ${who}, who is not a tax bureau operator`, async function () {
          const f = await loadFixture(consentFixture);
          await expect(access(f, { signer: f[who] }))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipRequired")
            .withArgs(f[who].address, Role.TaxBureau);
        });
      }

      it("refuses the operator of a suspended tax bureau", async function () {
        const f = await loadFixture(consentFixture);
        await govern(f.Consortium, f.governors, "suspendMember", [ORG.TAX]);
        await expect(access(f))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipRequired")
          .withArgs(f.tax.address, Role.TaxBureau);
      });

      it("refuses a tax bureau that is not the consent's provider", async function () {
        const f = await loadFixture(twoTaxBureausFixture);
        await expect(access(f, { signer: f.tax2 }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentWrongProvider")
          .withArgs(f.consentId, ORG_TAX2);
        expect((await f.ConsentRegistry.consent(f.consentId)).fetchesInPeriod).to.equal(0n);
      });

      it("lets the second tax bureau serve a consent that names it", async function () {
        const f = await loadFixture(twoTaxBureausFixture);
        const id = await grantBySig(f, await defaultTerms(f, { provider: ORG_TAX2, nonce: 2 }));
        await expect(access(f, { id, signer: f.tax2, request: REQUEST }))
          .to.emit(f.AccessLog, "AccessRecorded")
          .withArgs(id, ORG_TAX2, ORG.BANK_A, GRANTED, REQUEST, RESPONSE);
        await expect(access(f, { id }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentWrongProvider")
          .withArgs(id, ORG.TAX);
      });

      it("cannot be bypassed by calling the registry's fetch counter directly", async function () {
        const f = await loadFixture(consentFixture);
        await expect(f.ConsentRegistry.connect(f.tax).consumeFetch(f.consentId, ORG.BANK_A, GRANTED, f.tax.address))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentOnlyAccessLog")
          .withArgs(f.tax.address);
      });
    });

    describe("ordering of revocation and access", function () {
      const GAS = 1_000_000; // explicit, so nothing is estimated against the pending block

      it("refuses an access mined in the block after the revocation and keeps the one mined before it", async function () {
        const f = await loadFixture(consentFixture);
        await network.provider.send("evm_setAutomine", [false]);
        try {
          // block N-1: an access
          const before = await access(f, { request: ethers.id("before"), overrides: { gasLimit: GAS } });
          await network.provider.send("evm_mine");
          // block N: the revocation
          const revocation = await f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId, {
            gasLimit: GAS,
          });
          await network.provider.send("evm_mine");
          // block N+1: an access the provider's node sent before it saw the revocation
          const after = await access(f, { request: ethers.id("after"), overrides: { gasLimit: GAS } });
          await network.provider.send("evm_mine");

          const beforeReceipt = await ethers.provider.getTransactionReceipt(before.hash);
          const revocationReceipt = await ethers.provider.getTransactionReceipt(revocation.hash);
          const afterReceipt = await ethers.provider.getTransactionReceipt(after.hash);
          const n = revocationReceipt.blockNumber;
          expect(beforeReceipt.blockNumber).to.equal(n - 1);
          expect(afterReceipt.blockNumber).to.equal(n + 1);

          expect(beforeReceipt.status).to.equal(1);
          const recorded = beforeReceipt.logs.map((log) => f.AccessLog.interface.parseLog(log)).filter(Boolean);
          expect(recorded.map((e) => e.name)).to.deep.equal(["AccessRecorded"]);
          expect(recorded[0].args.consentId).to.equal(f.consentId);
          expect(recorded[0].args.requestHash).to.equal(ethers.id("before"));

          expect(revocationReceipt.status).to.equal(1);
          expect(afterReceipt.status).to.equal(0);
          const error = await revertOf(after.hash, f.ConsentRegistry.interface);
          expect(error.name).to.equal("ConsentRevokedAt");
          expect(error.args.consentId).to.equal(f.consentId);
          expect(error.args.revokedAtBlock).to.equal(BigInt(n));

          const state = await f.ConsentRegistry.consent(f.consentId);
          expect(state.revokedAtBlock).to.equal(BigInt(n));
          expect(state.fetchesInPeriod).to.equal(1n);
          // what an auditor sees: the consent allowed the access as of block N-1, and nothing from block N on
          const check = (blockTag) =>
            f.ConsentRegistry.checkAccess(f.consentId, ORG.BANK_A, ORG.TAX, GRANTED, { blockTag });
          expect(await check(n - 1)).to.equal(BigInt(AccessStatus.Allowed));
          expect(await check(n)).to.equal(BigInt(AccessStatus.Revoked));
        } finally {
          await network.provider.send("evm_setAutomine", [true]);
        }
      });

      it("refuses an access ordered after the revocation in the same block", async function () {
        const f = await loadFixture(consentFixture);
        await network.provider.send("evm_setAutomine", [false]);
        try {
          const fee = await ethers.provider.getFeeData();
          const revocation = await f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId, {
            gasLimit: GAS,
            maxFeePerGas: fee.maxFeePerGas * 2n,
            maxPriorityFeePerGas: fee.maxPriorityFeePerGas * 2n,
          });
          const after = await access(f, {
            overrides: {
              gasLimit: GAS,
              maxFeePerGas: fee.maxFeePerGas,
              maxPriorityFeePerGas: fee.maxPriorityFeePerGas,
            },
          });
          await network.provider.send("evm_mine");
          const revocationReceipt = await ethers.provider.getTransactionReceipt(revocation.hash);
          const afterReceipt = await ethers.provider.getTransactionReceipt(after.hash);
          expect(afterReceipt.blockNumber).to.equal(revocationReceipt.blockNumber);
          expect(afterReceipt.index).to.be.greaterThan(revocationReceipt.index);
          expect(afterReceipt.status).to.equal(0);
          const error = await revertOf(after.hash, f.ConsentRegistry.interface);
          expect(error.name).to.equal("ConsentRevokedAt");
          expect(error.args.revokedAtBlock).to.equal(BigInt(revocationReceipt.blockNumber));
        } finally {
          await network.provider.send("evm_setAutomine", [true]);
        }
      });
    });
  });

  // ============================================================================================ refusals
  describe("recordRefusal", function () {
    it("records a refusal with the provider taken from the caller's organization", async function () {
      const f = await loadFixture(consentFixture);
      await expect(
        f.AccessLog.connect(f.tax).recordRefusal(f.consentId, ORG.BANK_B, GRANTED, REQUEST, AccessStatus.WrongConsumer),
      )
        .to.emit(f.AccessLog, "AccessRefused")
        .withArgs(f.consentId, ORG.TAX, ORG.BANK_B, GRANTED, REQUEST, AccessStatus.WrongConsumer, true);
    });

    it("records a refusal for an unknown consent as such (consentKnown false), from any tax bureau", async function () {
      const f = await loadFixture(twoTaxBureausFixture);
      const unknown = ethers.id("no such consent");
      expect(await f.ConsentRegistry.providerOf(unknown)).to.equal(ethers.ZeroHash);
      for (const [signer, org] of [
        [f.tax, ORG.TAX],
        [f.tax2, ORG_TAX2],
      ]) {
        await expect(f.AccessLog.connect(signer).recordRefusal(unknown, ORG.BANK_A, INVOICES, REQUEST, 64))
          .to.emit(f.AccessLog, "AccessRefused")
          .withArgs(unknown, org, ORG.BANK_A, INVOICES, REQUEST, 64, false);
      }
    });

    it("refuses a refusal against an existing consent from a tax bureau that is not its provider", async function () {
      const f = await loadFixture(twoTaxBureausFixture);
      expect(await f.ConsentRegistry.providerOf(f.consentId)).to.equal(ORG.TAX);
      await expect(
        f.AccessLog.connect(f.tax2).recordRefusal(f.consentId, ORG.BANK_A, GRANTED, REQUEST, AccessStatus.WrongProvider),
      )
        .to.be.revertedWithCustomError(f.AccessLog, "MembershipWrongOrganization")
        .withArgs(f.tax2.address, ORG.TAX, ORG_TAX2);
    });

    it("does not count a refusal against the fetch cap", async function () {
      const f = await loadFixture(consentFixture);
      for (let i = 0; i < 5; i++) {
        await f.AccessLog.connect(f.tax).recordRefusal(f.consentId, ORG.BANK_A, GRANTED, REQUEST, 255);
      }
      expect((await f.ConsentRegistry.consent(f.consentId)).fetchesInPeriod).to.equal(0n);
    });

    for (const who of ["bankA", "bankB", "guarantor", "auditor", "regulator", "outsider", "enterprise"]) {
      it(`refuses the ${who}, who is not a tax bureau operator`, async function () {
        const f = await loadFixture(consentFixture);
        await expect(f.AccessLog.connect(f[who]).recordRefusal(f.consentId, ORG.BANK_A, GRANTED, REQUEST, 1))
          .to.be.revertedWithCustomError(f.AccessLog, "MembershipRequired")
          .withArgs(f[who].address, Role.TaxBureau);
      });
    }

    it("refuses the operator of a suspended tax bureau", async function () {
      const f = await loadFixture(consentFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.TAX]);
      await expect(f.AccessLog.connect(f.tax).recordRefusal(f.consentId, ORG.BANK_A, GRANTED, REQUEST, 1))
        .to.be.revertedWithCustomError(f.AccessLog, "MembershipRequired")
        .withArgs(f.tax.address, Role.TaxBureau);
    });

    it("refuses a zero request hash", async function () {
      const f = await loadFixture(consentFixture);
      await expect(f.AccessLog.connect(f.tax).recordRefusal(f.consentId, ORG.BANK_A, GRANTED, ethers.ZeroHash, 1))
        .to.be.revertedWithCustomError(f.AccessLog, "AccessInvalidRequest")
        .withArgs(ethers.ZeroHash);
    });
  });

  // ============================================================================================ anchors
  describe("anchor", function () {
    const BATCH = ethers.id("batch-1");
    const ROOT = ethers.id("root-1");
    const URI = "ledger://bank.ccb.liuzhou/batches/1";

    const members = [
      ["tax", ORG.TAX, "a tax bureau"],
      ["bankA", ORG.BANK_A, "a bank"],
      ["guarantor", ORG.GUARANTOR, "a guarantor"],
      ["auditor", ORG.AUDITOR, "an auditor"],
      ["regulator", ORG.REGULATOR, "a regulator"],
    ];
    for (const [who, org, label] of members) {
      it(`lets ${label} anchor a batch under its own organization`, async function () {
        const f = await loadFixture(membersFixture);
        await expect(f.AccessLog.connect(f[who]).anchor(BATCH, ROOT, 1024, BatchKind.Mixed, URI))
          .to.emit(f.AccessLog, "BatchAnchored")
          .withArgs(org, BATCH, ROOT, 1024, BatchKind.Mixed, URI);
        expect(await f.AccessLog.anchoredRoot(org, BATCH)).to.equal(ROOT);
      });
    }

    it("accepts every kind of batch", async function () {
      const f = await loadFixture(membersFixture);
      for (const [name, kind] of Object.entries(BatchKind)) {
        const batch = ethers.id(`batch/${name}`);
        const root = ethers.id(`root/${name}`);
        await expect(f.AccessLog.connect(f.bankA).anchor(batch, root, 7, kind, `uri/${name}`))
          .to.emit(f.AccessLog, "BatchAnchored")
          .withArgs(ORG.BANK_A, batch, root, 7, kind, `uri/${name}`);
        expect(await f.AccessLog.anchoredRoot(ORG.BANK_A, batch)).to.equal(root);
      }
    });

    it("accepts a batch without a reference", async function () {
      const f = await loadFixture(membersFixture);
      await expect(f.AccessLog.connect(f.bankA).anchor(BATCH, ROOT, 1, BatchKind.Refusals, ""))
        .to.emit(f.AccessLog, "BatchAnchored")
        .withArgs(ORG.BANK_A, BATCH, ROOT, 1, BatchKind.Refusals, "");
    });

    it("answers zero for a batch that was never anchored", async function () {
      const f = await loadFixture(membersFixture);
      expect(await f.AccessLog.anchoredRoot(ORG.BANK_A, BATCH)).to.equal(ethers.ZeroHash);
    });

    it("accepts a batch id once per organization", async function () {
      const f = await loadFixture(membersFixture);
      await f.AccessLog.connect(f.bankA).anchor(BATCH, ROOT, 3, BatchKind.AccessRecords, URI);
      await expect(f.AccessLog.connect(f.bankA).anchor(BATCH, ethers.id("root-2"), 3, BatchKind.AccessRecords, URI))
        .to.be.revertedWithCustomError(f.AccessLog, "AnchorBatchExists")
        .withArgs(ORG.BANK_A, BATCH, ROOT);
      await expect(f.AccessLog.connect(f.bankA).anchor(BATCH, ROOT, 3, BatchKind.AccessRecords, URI))
        .to.be.revertedWithCustomError(f.AccessLog, "AnchorBatchExists")
        .withArgs(ORG.BANK_A, BATCH, ROOT);
      expect(await f.AccessLog.anchoredRoot(ORG.BANK_A, BATCH)).to.equal(ROOT);
    });

    it("refuses the batch id from another operator of the same organization", async function () {
      const f = await loadFixture(membersFixture);
      const second = f.spare[1];
      await govern(f.Consortium, f.governors, "addOperator", [ORG.BANK_A, second.address]);
      await f.AccessLog.connect(f.bankA).anchor(BATCH, ROOT, 3, BatchKind.AccessRecords, URI);
      await expect(f.AccessLog.connect(second).anchor(BATCH, ethers.id("root-2"), 3, BatchKind.AccessRecords, URI))
        .to.be.revertedWithCustomError(f.AccessLog, "AnchorBatchExists")
        .withArgs(ORG.BANK_A, BATCH, ROOT);
    });

    it("lets another organization use the same batch id for its own root", async function () {
      const f = await loadFixture(membersFixture);
      const rootB = ethers.id("root-b");
      await f.AccessLog.connect(f.bankA).anchor(BATCH, ROOT, 3, BatchKind.AccessRecords, URI);
      await expect(f.AccessLog.connect(f.bankB).anchor(BATCH, rootB, 5, BatchKind.CreditDecisions, ""))
        .to.emit(f.AccessLog, "BatchAnchored")
        .withArgs(ORG.BANK_B, BATCH, rootB, 5, BatchKind.CreditDecisions, "");
      expect(await f.AccessLog.anchoredRoot(ORG.BANK_A, BATCH)).to.equal(ROOT);
      expect(await f.AccessLog.anchoredRoot(ORG.BANK_B, BATCH)).to.equal(rootB);
    });

    it("refuses a zero batch id", async function () {
      const f = await loadFixture(membersFixture);
      await expect(f.AccessLog.connect(f.bankA).anchor(ethers.ZeroHash, ROOT, 3, BatchKind.Mixed, URI))
        .to.be.revertedWithCustomError(f.AccessLog, "AnchorInvalidBatch")
        .withArgs(ethers.ZeroHash, ROOT, 3);
    });

    it("refuses a zero root", async function () {
      const f = await loadFixture(membersFixture);
      await expect(f.AccessLog.connect(f.bankA).anchor(BATCH, ethers.ZeroHash, 3, BatchKind.Mixed, URI))
        .to.be.revertedWithCustomError(f.AccessLog, "AnchorInvalidBatch")
        .withArgs(BATCH, ethers.ZeroHash, 3);
    });

    it("refuses an empty batch", async function () {
      const f = await loadFixture(membersFixture);
      await expect(f.AccessLog.connect(f.bankA).anchor(BATCH, ROOT, 0, BatchKind.Mixed, URI))
        .to.be.revertedWithCustomError(f.AccessLog, "AnchorInvalidBatch")
        .withArgs(BATCH, ROOT, 0);
    });

    for (const who of ["outsider", "enterprise"]) {
      it(`refuses the ${who}, who operates no member`, async function () {
        const f = await loadFixture(membersFixture);
        await expect(f.AccessLog.connect(f[who]).anchor(BATCH, ROOT, 3, BatchKind.Mixed, URI))
          .to.be.revertedWithCustomError(f.AccessLog, "MembershipRequired")
          .withArgs(f[who].address, Role.None);
      });
    }

    it("refuses a governor that operates no member", async function () {
      const f = await loadFixture(membersFixture);
      await expect(f.AccessLog.connect(f.governors[0]).anchor(BATCH, ROOT, 3, BatchKind.Mixed, URI))
        .to.be.revertedWithCustomError(f.AccessLog, "MembershipRequired")
        .withArgs(f.governors[0].address, Role.None);
    });

    it("refuses a suspended member", async function () {
      const f = await loadFixture(membersFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
      await expect(f.AccessLog.connect(f.bankA).anchor(BATCH, ROOT, 3, BatchKind.Mixed, URI))
        .to.be.revertedWithCustomError(f.AccessLog, "MembershipRequired")
        .withArgs(f.bankA.address, Role.None);
    });

    it("refuses a removed member", async function () {
      const f = await loadFixture(membersFixture);
      await govern(f.Consortium, f.governors, "removeMember", [ORG.GUARANTOR]);
      await expect(f.AccessLog.connect(f.guarantor).anchor(BATCH, ROOT, 3, BatchKind.Mixed, URI))
        .to.be.revertedWithCustomError(f.AccessLog, "MembershipRequired")
        .withArgs(f.guarantor.address, Role.None);
    });

    it("checks membership before the batch", async function () {
      const f = await loadFixture(membersFixture);
      await expect(f.AccessLog.connect(f.outsider).anchor(ethers.ZeroHash, ethers.ZeroHash, 0, BatchKind.Mixed, ""))
        .to.be.revertedWithCustomError(f.AccessLog, "MembershipRequired")
        .withArgs(f.outsider.address, Role.None);
    });
  });

  // ============================================================================================ Merkle proofs
  describe("Merkle proofs", function () {
    it("computes the leaf of a record hash as OpenZeppelin's standard tree does", async function () {
      const f = await loadFixture(membersFixture);
      const tree = treeOf([ethers.ZeroHash]);
      for (const value of [ethers.ZeroHash, ethers.MaxUint256, ethers.id("record"), recordHash("leaf", 42)]) {
        const hex = ethers.toBeHex(value, 32);
        expect(await f.AccessLog.leafOf(hex)).to.equal(tree.leafHash([hex]));
      }
    });

    for (const size of MERKLE_SIZES) {
      it(`verifies every record of a batch of ${size} with the library's proofs`, async function () {
        const f = await loadFixture(anchoredTreesFixture);
        const { tree, values, batchId } = f.batch(size);
        expect(await f.AccessLog.anchoredRoot(ORG.BANK_A, batchId)).to.equal(tree.root);
        for (let i = 0; i < values.length; i++) {
          const proof = tree.getProof(i);
          expect(await f.AccessLog.verifyRecord(ORG.BANK_A, batchId, values[i], proof), `record ${i}`).to.equal(true);
          expect(await f.AccessLog.leafOf(values[i]), `leaf ${i}`).to.equal(tree.leafHash([values[i]]));
        }
      });
    }

    it("rejects a tampered record", async function () {
      const f = await loadFixture(anchoredTreesFixture);
      for (const size of [1, 7, 64]) {
        const { tree, values, batchId } = f.batch(size);
        for (const i of [0, size - 1]) {
          const proof = tree.getProof(i);
          const forged = tamper(values[i]);
          expect(await f.AccessLog.verifyRecord(ORG.BANK_A, batchId, forged, proof)).to.equal(false);
        }
      }
    });

    it("rejects a proof with any element tampered", async function () {
      const f = await loadFixture(anchoredTreesFixture);
      const { tree, values, batchId } = f.batch(7);
      for (let i = 0; i < values.length; i++) {
        const proof = tree.getProof(i);
        for (let k = 0; k < proof.length; k++) {
          const forged = proof.map((p, j) => (j === k ? tamper(p) : p));
          expect(
            await f.AccessLog.verifyRecord(ORG.BANK_A, batchId, values[i], forged),
            `record ${i}, element ${k}`,
          ).to.equal(false);
        }
      }
    });

    it("rejects the proof of another record", async function () {
      const f = await loadFixture(anchoredTreesFixture);
      const { tree, values, batchId } = f.batch(7);
      for (let i = 0; i < values.length; i++) {
        for (let j = 0; j < values.length; j++) {
          if (i === j) continue;
          expect(
            await f.AccessLog.verifyRecord(ORG.BANK_A, batchId, values[i], tree.getProof(j)),
            `record ${i} with the proof of ${j}`,
          ).to.equal(false);
        }
      }
    });

    it("rejects a truncated or extended proof", async function () {
      const f = await loadFixture(anchoredTreesFixture);
      for (const size of [2, 7, 257]) {
        const { tree, values, batchId } = f.batch(size);
        for (const i of [0, Math.floor(size / 2), size - 1]) {
          const proof = tree.getProof(i);
          expect(await f.AccessLog.verifyRecord(ORG.BANK_A, batchId, values[i], proof.slice(0, -1))).to.equal(false);
          expect(await f.AccessLog.verifyRecord(ORG.BANK_A, batchId, values[i], proof.slice(1))).to.equal(false);
          expect(await f.AccessLog.verifyRecord(ORG.BANK_A, batchId, values[i], [...proof, proof[0]])).to.equal(false);
        }
      }
      const single = f.batch(1);
      expect(await f.AccessLog.verifyRecord(ORG.BANK_A, single.batchId, single.values[0], [ethers.ZeroHash])).to.equal(
        false,
      );
    });

    it("does not accept an inner node of the tree as a record", async function () {
      const f = await loadFixture(anchoredTreesFixture);
      const { tree, values, batchId } = f.batch(64);
      // The parent of the first leaf's pair, with the rest of that leaf's proof, reaches the root; as a record it
      // is hashed twice more and must not verify (this is what the double-hashed leaf is for).
      const proof = tree.getProof(0);
      const leaf = tree.leafHash([values[0]]);
      const [a, b] = [leaf, proof[0]].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
      const parent = ethers.keccak256(ethers.concat([a, b]));
      expect(await f.AccessLog.verifyRecord(ORG.BANK_A, batchId, parent, proof.slice(1))).to.equal(false);
    });

    // An inner node (or the root itself) is not a record of the batch, so it must not verify. The contract offers
    // no function taking a raw leaf: every check derives the leaf from a record hash, as the library does.
    it("does not accept an inner node of the tree, or its root, as a record", async function () {
      const f = await loadFixture(anchoredTreesFixture);
      const { tree, values, batchId } = f.batch(64);
      const proof = tree.getProof(0);
      const leaf = tree.leafHash([values[0]]);
      const [a, b] = [leaf, proof[0]].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
      const parent = ethers.keccak256(ethers.concat([a, b]));
      expect(tree.dump().tree).to.include(parent); // it is a node of the tree, not a leaf
      expect(await f.AccessLog.verifyRecord(ORG.BANK_A, batchId, parent, proof.slice(1)), "inner node").to.equal(false);
      expect(await f.AccessLog.verifyRecord(ORG.BANK_A, batchId, tree.root, []), "root").to.equal(false);
      expect(f.AccessLog.interface.getFunction("verifyLeaf"), "no raw-leaf entry point").to.equal(null);
    });

    it("rejects a proof against another batch's root", async function () {
      const f = await loadFixture(anchoredTreesFixture);
      const mine = f.batch(7);
      const other = f.batch(3);
      for (let i = 0; i < mine.values.length; i++) {
        const proof = mine.tree.getProof(i);
        expect(await f.AccessLog.verifyRecord(ORG.BANK_A, other.batchId, mine.values[i], proof)).to.equal(false);
      }
    });

    it("rejects a proof against the same batch id of another organization", async function () {
      const f = await loadFixture(anchoredTreesFixture);
      const mine = f.batch(7);
      const foreign = treeOf(Array.from({ length: 7 }, (_, i) => recordHash("foreign", i)));
      await f.AccessLog.connect(f.bankB).anchor(mine.batchId, foreign.root, 7, BatchKind.AccessRecords, "");
      for (let i = 0; i < mine.values.length; i++) {
        expect(
          await f.AccessLog.verifyRecord(ORG.BANK_B, mine.batchId, mine.values[i], mine.tree.getProof(i)),
        ).to.equal(false);
        expect(
          await f.AccessLog.verifyRecord(ORG.BANK_B, mine.batchId, foreign.at(i)[0], foreign.getProof(i)),
        ).to.equal(true);
      }
    });

    it("keeps verifying a batch after its organization was suspended", async function () {
      const f = await loadFixture(anchoredTreesFixture);
      const { tree, values, batchId } = f.batch(3);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
      for (let i = 0; i < values.length; i++) {
        expect(await f.AccessLog.verifyRecord(ORG.BANK_A, batchId, values[i], tree.getProof(i))).to.equal(true);
      }
    });

    it("refuses to verify against a batch that was never anchored", async function () {
      const f = await loadFixture(anchoredTreesFixture);
      const { tree, values, batchId } = f.batch(3);
      const unknown = ethers.id("batch/unknown");
      const proof = tree.getProof(0);
      await expect(f.AccessLog.verifyRecord(ORG.BANK_A, unknown, values[0], proof))
        .to.be.revertedWithCustomError(f.AccessLog, "AnchorUnknownBatch")
        .withArgs(ORG.BANK_A, unknown);
      // the batch id exists, but under BANK_A, not under BANK_B
      await expect(f.AccessLog.verifyRecord(ORG.BANK_B, batchId, values[0], proof))
        .to.be.revertedWithCustomError(f.AccessLog, "AnchorUnknownBatch")
        .withArgs(ORG.BANK_B, batchId);
    });

    describe("the fixture shared with the C# tests", function () {
      it("is what scripts/fixtures/merkle-fixtures.js generates", function () {
        const onDisk = fs.readFileSync(merkleFixtures.OUTPUT, "utf8");
        expect(
          onDisk === merkleFixtures.render(merkleFixtures.buildFixtures()),
          "run node scripts/fixtures/merkle-fixtures.js",
        ).to.equal(true);
      });

      it("holds proofs that all verify on chain", async function () {
        const f = await loadFixture(membersFixture);
        const doc = JSON.parse(fs.readFileSync(merkleFixtures.OUTPUT, "utf8"));
        expect(doc.trees.map((t) => t.size)).to.deep.equal([1, 2, 3, 4, 5, 7, 8, 64, 100, 257]);
        for (const t of doc.trees) {
          const batchId = ethers.id(`fixture/${t.size}`);
          await f.AccessLog.connect(f.auditor).anchor(batchId, t.root, t.size, BatchKind.Mixed, "");
          expect(t.values).to.have.lengthOf(t.size);
          expect(t.proofs).to.have.lengthOf(t.size);
          for (let i = 0; i < t.size; i++) {
            expect(t.values[i]).to.equal(ethers.id(`record-${i}`));
            expect(await f.AccessLog.leafOf(t.values[i])).to.equal(t.leafHashes[i]);
            expect(
              await f.AccessLog.verifyRecord(ORG.AUDITOR, batchId, t.values[i], t.proofs[i]),
              `size ${t.size}, ${i}`,
            ).to.equal(true);
          }
          for (const mp of t.multiproofs) {
            const leaves = mp.leaves.map((v) => [v]);
            expect(
              StandardMerkleTree.verifyMultiProof(t.root, ["bytes32"], {
                leaves,
                proof: mp.proof,
                proofFlags: mp.proofFlags,
              }),
              `size ${t.size}, multiproof of ${mp.indices}`,
            ).to.equal(true);
          }
        }
      });
    });
  });
});
