// Fixtures shared by the contract suites. Each builds on the previous one and is cached by loadFixture,
// so every test starts from the same chain state without redeploying.
"use strict";

const { ethers } = require("hardhat");
const { loadFixture, time } = require("@nomicfoundation/hardhat-network-helpers");
const L = require("../../../scripts/lib/ledger");

const ORG = Object.freeze({
  TAX: L.orgId(ethers, "tax.liuzhou"),
  BANK_A: L.orgId(ethers, "bank.ccb.liuzhou"),
  BANK_B: L.orgId(ethers, "bank.icbc.liuzhou"),
  GUARANTOR: L.orgId(ethers, "guarantor.gx"),
  AUDITOR: L.orgId(ethers, "auditor.nao"),
  REGULATOR: L.orgId(ethers, "regulator.pbc"),
});

const PRODUCT = Object.freeze({
  SHUIYIDAI: ethers.encodeBytes32String("SHUIYIDAI"),
  YINSHUIDAI: ethers.encodeBytes32String("YINSHUIDAI"),
});

/**
 * Ids are scoped by the recording organization (issue 11 §3): the contracts derive them from the recorder's
 * organization and its own reference. These are the same derivations in JS (and in C#, Ledger.Core Ids.cs, where the
 * reference is keccak256 of the organization's own number: LoanId/AgreementId/FundId.FromReference).
 */
const coder = ethers.AbiCoder.defaultAbiCoder();
const AGREEMENT_DOMAIN = ethers.id("ledger/agreement/v1");
const FUND_DOMAIN = ethers.id("ledger/fund/v1");
/** LoanBook.loanIdOf: keccak256(abi.encode(bankOrg, loanRef)). */
const loanIdOf = (bankOrg, loanRef) => ethers.keccak256(coder.encode(["bytes32", "bytes32"], [bankOrg, loanRef]));
/** GuaranteeBook.agreementIdOf: keccak256(abi.encode(keccak256("ledger/agreement/v1"), guarantorOrg, agreementRef)). */
const agreementIdOf = (guarantorOrg, agreementRef) =>
  ethers.keccak256(coder.encode(["bytes32", "bytes32", "bytes32"], [AGREEMENT_DOMAIN, guarantorOrg, agreementRef]));
/** RiskCompensationFund.fundIdOf: keccak256(abi.encode(keccak256("ledger/fund/v1"), regulatorOrg, fundRef)). */
const fundIdOf = (regulatorOrg, fundRef) =>
  ethers.keccak256(coder.encode(["bytes32", "bytes32", "bytes32"], [FUND_DOMAIN, regulatorOrg, fundRef]));

/** A valid compressed secp256k1 public key derived from a label (real key material, unused private key). */
function encryptionKey(label) {
  return ethers.SigningKey.computePublicKey(ethers.id(label), true);
}

const SALT = ethers.id("tax.liuzhou/credit-code-salt");
const USCC_1 = "91450200MA5KXXXX1A";
const USCC_2 = "91450200MA5KYYYY2B";

async function named() {
  const s = await ethers.getSigners();
  return {
    governors: [s[0], s[1], s[2]],
    deployer: s[0],
    tax: s[3],
    bankA: s[4],
    bankB: s[5],
    guarantor: s[6],
    auditor: s[7],
    regulator: s[8],
    outsider: s[9],
    enterprise: s[10],
    enterprise2: s[11],
    spare: s.slice(12),
  };
}

/** Proposes `fn(args)` on the consortium as governors[0] and approves with the next governors until it runs. */
async function govern(consortium, governors, fn, args, approvals = 2) {
  const action = consortium.interface.encodeFunctionData(fn, args);
  const id = await consortium.proposalCount();
  await (await consortium.connect(governors[0]).propose(action)).wait();
  for (let i = 1; i < approvals; i++) await (await consortium.connect(governors[i]).approve(id)).wait();
  return id;
}

/** Suite deployed with three governors and a threshold of two; no members yet. */
async function deployFixture() {
  const who = await named();
  const { contracts, deployBlock } = await L.deployLedger(ethers, {
    governors: who.governors.map((g) => g.address),
    threshold: 2,
    deployer: who.deployer,
  });
  return { ...who, ...contracts, c: contracts, deployBlock };
}

/** Plus the six members admitted by governance and two enterprises bound by the tax bureau. */
async function membersFixture() {
  const f = await loadFixture(deployFixture);
  const { Consortium, ConsentRegistry, governors } = f;
  const admit = (org, role, name, signer) =>
    govern(Consortium, governors, "admitMember", [
      org,
      role,
      name,
      `https://${name.toLowerCase().replace(/\s+/g, "-")}.example:7443`,
      "",
      encryptionKey(name),
      [signer.address],
    ]);
  await admit(ORG.TAX, L.Role.TaxBureau, "Liuzhou Tax Bureau", f.tax);
  await admit(ORG.BANK_A, L.Role.Bank, "CCB Liuzhou", f.bankA);
  await admit(ORG.BANK_B, L.Role.Bank, "ICBC Liuzhou", f.bankB);
  await admit(ORG.GUARANTOR, L.Role.Guarantor, "Guangxi Guarantee", f.guarantor);
  await admit(ORG.AUDITOR, L.Role.Auditor, "Audit Office", f.auditor);
  await admit(ORG.REGULATOR, L.Role.Regulator, "PBC Liuzhou", f.regulator);
  const cc1 = L.creditCodeHash(ethers, USCC_1, SALT);
  const cc2 = L.creditCodeHash(ethers, USCC_2, SALT);
  await (await L.bindEnterprise(ConsentRegistry, f.tax, ORG.TAX, f.enterprise, cc1)).wait();
  await (await L.bindEnterprise(ConsentRegistry, f.tax, ORG.TAX, f.enterprise2, cc2)).wait();
  return { ...f, cc1, cc2 };
}

/** Consent terms for `enterprise` → consumer BANK_A from TAX, with sensible defaults and `overrides`. */
async function defaultTerms(f, overrides = {}) {
  const now = await time.latest();
  return {
    enterprise: f.enterprise.address,
    creditCodeHash: f.cc1,
    consumer: ORG.BANK_A,
    provider: ORG.TAX,
    scopes: L.Scope.TaxCreditRating | L.Scope.TaxPayments,
    purpose: 1,
    validFrom: now,
    validUntil: now + 30 * 86400,
    dataFrom: now - 3 * 365 * 86400,
    dataUntil: now,
    fetchCap: 3,
    fetchPeriod: 0,
    dataLife: 7 * 86400,
    nonce: 1,
    deadline: now + 3600,
    ...overrides,
  };
}

/** Signs `terms` as `signer` and relays them through `relayer`; returns the consent id. */
async function grantBySig(f, terms, signer = f.enterprise, relayer = f.bankA) {
  const sig = await L.signConsent(signer, f.ConsentRegistry, terms);
  const id = await f.ConsentRegistry.consentId(terms);
  await (await f.ConsentRegistry.connect(relayer).grantConsentBySig(terms, sig)).wait();
  return id;
}

/** Plus a consent of enterprise 1 for BANK_A (rating + payments, 3 fetches, 30 days). */
async function consentFixture() {
  const f = await loadFixture(membersFixture);
  const terms = await defaultTerms(f);
  const consentId = await grantBySig(f, terms);
  return { ...f, terms, consentId };
}

/** Plus an approved decision and a disbursed R&D loan of 1,000,000.00 CNY by BANK_A under that consent. */
async function loanFixture() {
  const f = await loadFixture(consentFixture);
  const decisionHash = ethers.id("decision-1");
  const loanRef = ethers.id("loan-1");
  const loanId = loanIdOf(ORG.BANK_A, loanRef);
  await (await f.LoanBook.connect(f.bankA).recordDecision(decisionHash, f.consentId, true)).wait();
  const loanTerms = {
    loanRef,
    decisionHash,
    productCode: PRODUCT.SHUIYIDAI,
    amountFen: 100_000_000n,
    rateBps: 385,
    termMonths: 12,
    purpose: L.LoanPurpose.RnD,
  };
  await (await f.LoanBook.connect(f.bankA).disburse(loanTerms)).wait();
  return { ...f, decisionHash, loanRef, loanId, loanTerms };
}

module.exports = {
  L,
  ORG,
  PRODUCT,
  SALT,
  USCC_1,
  USCC_2,
  encryptionKey,
  loanIdOf,
  agreementIdOf,
  fundIdOf,
  govern,
  named,
  deployFixture,
  membersFixture,
  consentFixture,
  loanFixture,
  defaultTerms,
  grantBySig,
};
