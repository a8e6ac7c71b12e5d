// Measures the exact gas of every Ledger operation on Hardhat's in-process network and writes docs/gas.md.
//
//   npx hardhat run scripts/gas-report.js        (or: npm run gas)
//
// Gas is deterministic for the same compiler settings and inputs; the figures are receipts' gasUsed.
"use strict";

const hre = require("hardhat");
const fs = require("fs");
const path = require("path");
const { StandardMerkleTree } = require("@openzeppelin/merkle-tree");
const L = require("./lib/ledger");

const { ethers } = hre;
const EAS_ATTEST_GAS = 274_000; // EAS `attest` of a record with the same fields, as quoted in the issue
// Strong mode was < 60,000 until v2 (issue 11) made it refuse a replayed request hash: that needs one new storage
// slot per access (a zero-to-non-zero write, 22,100 gas), which no packing avoids, so the target moved to 80,000.
const TARGETS = { anchorPerRecordAt1024: 60, strongAccess: 80_000, relayedGrant: 150_000 };

async function gasOf(txPromise) {
  const receipt = await (await txPromise).wait();
  return Number(receipt.gasUsed);
}

async function main() {
  const s = await ethers.getSigners();
  const [g1, g2, g3, tax, bankA, bankB, guarantor, auditor, regulator] = s;
  const enterprises = s.slice(10, 16);
  const rows = [];
  const add = (group, op, gas, note = "") => rows.push({ group, op, gas, note });

  const { contracts: c } = await L.deployLedger(ethers, {
    governors: [g1.address, g2.address, g3.address],
    threshold: 2,
    deployer: g1,
  });
  for (const name of L.CONTRACTS) {
    add("Deployment", name, await gasOf(Promise.resolve(c[name].deploymentTransaction())));
  }

  // ---- governance
  const ORG = {
    TAX: L.orgId(ethers, "tax.liuzhou"),
    BANK_A: L.orgId(ethers, "bank.ccb.liuzhou"),
    BANK_B: L.orgId(ethers, "bank.icbc.liuzhou"),
    GUAR: L.orgId(ethers, "guarantor.gx"),
    AUD: L.orgId(ethers, "auditor.nao"),
    REG: L.orgId(ethers, "regulator.pbc"),
  };
  const key = (label) => ethers.SigningKey.computePublicKey(ethers.id(label), true);
  let first = true;
  const admit = async (org, role, name, op) => {
    const action = c.Consortium.interface.encodeFunctionData("admitMember", [
      org, role, name, `https://${org}.example:7443`, "", key(name), [op.address],
    ]);
    const id = await c.Consortium.proposalCount();
    const gp = await gasOf(c.Consortium.connect(g1).propose(action));
    const ga = await gasOf(c.Consortium.connect(g2).approve(id));
    if (first) {
      add("Governance (2-of-3)", "propose (admit member)", gp, "proposer's approval included");
      add("Governance (2-of-3)", "approve reaching threshold (admits the member)", ga, "runs the action");
      first = false;
    }
  };
  await admit(ORG.TAX, L.Role.TaxBureau, "Liuzhou Tax Bureau", tax);
  await admit(ORG.BANK_A, L.Role.Bank, "CCB Liuzhou", bankA);
  await admit(ORG.BANK_B, L.Role.Bank, "ICBC Liuzhou", bankB);
  await admit(ORG.GUAR, L.Role.Guarantor, "Guangxi Guarantee", guarantor);
  await admit(ORG.AUD, L.Role.Auditor, "Audit Office", auditor);
  await admit(ORG.REG, L.Role.Regulator, "PBC Liuzhou", regulator);
  {
    // A TLS pin registration (and each step of a rotation) is one proposal: a SHA-256 of a certificate's public key.
    const action = c.Consortium.interface.encodeFunctionData("changeTlsPins", [ORG.BANK_A, [ethers.id("tls current"), ethers.id("tls next")]]);
    const id = await c.Consortium.proposalCount();
    await (await c.Consortium.connect(g1).propose(action)).wait();
    add("Governance (2-of-3)", "approve reaching threshold (changeTlsPins: current and next pin)", await gasOf(c.Consortium.connect(g2).approve(id)), "runs the action");
  }

  // ---- consent
  const salt = ethers.id("salt");
  const cc = enterprises.map((e, i) => L.creditCodeHash(ethers, `9145020000000000${i}X`, salt));
  // The enterprise account signs its binding (EIP-712 Binding); the tax bureau relays it.
  add("Consent", "bindEnterprise (relayed by the bureau; the account's EIP-712 signature checked)",
    await gasOf(L.bindEnterprise(c.ConsentRegistry, tax, ORG.TAX, enterprises[0], cc[0])));
  for (let i = 1; i < enterprises.length; i++) await (await L.bindEnterprise(c.ConsentRegistry, tax, ORG.TAX, enterprises[i], cc[i])).wait();
  const now = (await ethers.provider.getBlock("latest")).timestamp;
  const terms = (i, nonce, extra = {}) => ({
    enterprise: enterprises[i].address, creditCodeHash: cc[i], consumer: ORG.BANK_A, provider: ORG.TAX,
    scopes: L.Scope.TaxCreditRating | L.Scope.TaxPayments | L.Scope.Invoices, purpose: 1,
    validFrom: now, validUntil: now + 365 * 86400, dataFrom: now - 3 * 365 * 86400, dataUntil: now,
    fetchCap: 1000, fetchPeriod: 0, dataLife: 30 * 86400, nonce, deadline: now + 86400, ...extra,
  });
  const t0 = terms(0, 1);
  add("Consent", "grantConsentBySig (relayed, first nonce of the enterprise)",
    await gasOf(c.ConsentRegistry.connect(bankA).grantConsentBySig(t0, await L.signConsent(enterprises[0], c.ConsentRegistry, t0))),
    `target < ${TARGETS.relayedGrant.toLocaleString("en")}`);
  const t0b = terms(0, 2);
  add("Consent", "grantConsentBySig (relayed, later nonce in the same bitmap word)",
    await gasOf(c.ConsentRegistry.connect(bankA).grantConsentBySig(t0b, await L.signConsent(enterprises[0], c.ConsentRegistry, t0b))));
  const t1 = terms(1, 1);
  add("Consent", "grantConsent (direct, enterprise pays)", await gasOf(c.ConsentRegistry.connect(enterprises[1]).grantConsent(t1)));
  const id0 = await c.ConsentRegistry.consentId(t0);
  const id0b = await c.ConsentRegistry.consentId(t0b);
  const id1 = await c.ConsentRegistry.consentId(t1);
  add("Consent", "narrowConsent (direct)", await gasOf(c.ConsentRegistry.connect(enterprises[1]).narrowConsent(id1, L.Scope.TaxCreditRating, now + 100 * 86400)));
  const rev = { consentId: id0b, nonce: 99, deadline: now + 86400 };
  add("Consent", "revokeConsentBySig (relayed)",
    await gasOf(c.ConsentRegistry.connect(bankB).revokeConsentBySig(rev.consentId, rev.nonce, rev.deadline, await L.signRevocation(enterprises[0], c.ConsentRegistry, rev))));
  add("Consent", "revokeConsent (direct)", await gasOf(c.ConsentRegistry.connect(enterprises[1]).revokeConsent(id1)));
  // Key recovery: the last enterprise's new key signs, the bureau that bound it relays, the old account is retired.
  const newKey = s[17];
  const rot = { enterprise: newKey.address, creditCodeHash: cc[5], taxBureau: ORG.TAX, nonce: 1, deadline: now + 86400 };
  add("Consent", "rotateEnterprise (key rotation: new key's signature checked, old account retired)",
    await gasOf(c.ConsentRegistry.connect(tax).rotateEnterprise(rot.enterprise, rot.creditCodeHash, rot.nonce, rot.deadline,
      await L.signBinding(newKey, c.ConsentRegistry, rot))));
  add("Consent", "unbindEnterprise (by the bureau that made the binding)",
    await gasOf(c.ConsentRegistry.connect(tax).unbindEnterprise(newKey.address)));

  // ---- access log
  const strong = [];
  for (let i = 0; i < 5; i++) {
    strong.push(await gasOf(c.AccessLog.connect(tax).recordAccess(id0, ORG.BANK_A, L.Scope.TaxCreditRating, ethers.id(`req${i}`), ethers.id(`resp${i}`))));
  }
  add("Access log", "recordAccess (strong mode: consent checked and counted on chain)", strong[strong.length - 1],
    `target < ${TARGETS.strongAccess.toLocaleString("en")}; first access of a consent: ${strong[0].toLocaleString("en")}`);
  add("Access log", "recordRefusal (strong mode)", await gasOf(c.AccessLog.connect(tax).recordRefusal(id1, ORG.BANK_A, 1, ethers.id("req-r"), L.AccessStatus.Revoked)));

  // ---- upgrade: v2 contracts on the same consortium take over bindings and live consents (docs/contracts.md)
  const { contracts: v2 } = await L.deployLedger(ethers, { deployer: g1, consortium: c.Consortium, predecessor: c.ConsentRegistry });
  add("Upgrade", "importBinding (a binding taken over)", await gasOf(v2.ConsentRegistry.connect(tax).importBinding(cc[0])));
  add("Upgrade", "importConsent (a live consent taken over, same id)", await gasOf(v2.ConsentRegistry.connect(tax).importConsent(t0)));
  const imported = [];
  for (let i = 0; i < 2; i++) {
    imported.push(await gasOf(v2.AccessLog.connect(tax).recordAccess(id0, ORG.BANK_A, L.Scope.TaxCreditRating, ethers.id(`req-v2-${i}`), ethers.id(`resp-v2-${i}`))));
  }
  add("Upgrade", "recordAccess on an imported consent (strong mode; the predecessor is asked too)", imported[imported.length - 1]);

  const batches = [];
  for (const n of [1, 64, 256, 1024, 4096]) {
    const values = Array.from({ length: n }, (_, i) => [ethers.id(`record-${n}-${i}`)]);
    const tree = StandardMerkleTree.of(values, ["bytes32"]);
    const gas = await gasOf(c.AccessLog.connect(tax).anchor(ethers.id(`batch-${n}`), tree.root, n, L.BatchKind.AccessRecords, `ledger://tax.liuzhou/batches/${n}`));
    const proof = tree.getProof(0);
    const verifyGas = Number(await c.AccessLog.verifyRecord.estimateGas(ORG.TAX, ethers.id(`batch-${n}`), values[0][0], proof));
    batches.push({ n, gas, perRecord: gas / n, proofLength: proof.length, verifyGas });
  }

  // ---- lending
  const decision = ethers.id("decision-1");
  add("Lending", "recordDecision", await gasOf(c.LoanBook.connect(bankA).recordDecision(decision, id0, true)));
  // Ids are derived on chain from the recording organization and its own reference (issue 11 §3).
  const loanRef = ethers.id("loan-1");
  const loanId = await c.LoanBook.loanIdOf(ORG.BANK_A, loanRef);
  const product = ethers.encodeBytes32String("SHUIYIDAI");
  add("Lending", "disburse", await gasOf(c.LoanBook.connect(bankA).disburse({ loanRef, decisionHash: decision, productCode: product, amountFen: 100_000_000n, rateBps: 385, termMonths: 12, purpose: L.LoanPurpose.RnD })));
  add("Lending", "recordRepayment (partial)", await gasOf(c.LoanBook.connect(bankA).recordRepayment(loanId, 1_000_000n, 32_000n)));
  add("Guarantee", "inviteGuarantor (bank offers the loan to one guarantor)", await gasOf(c.GuaranteeBook.connect(bankA).inviteGuarantor(loanId, ORG.GUAR, 5000, 2_000_000n)));
  add("Guarantee", "guaranteeLoan (single, invited)", await gasOf(c.GuaranteeBook.connect(guarantor).guaranteeLoan(loanId, 5000, 1_000_000n)));
  add("R&D fund flow", "openFundFlow", await gasOf(c.FundFlowTracker.connect(bankA).openFundFlow(loanId, 3000)));
  const flow = [];
  for (let i = 0; i < 3; i++) flow.push(await gasOf(c.FundFlowTracker.connect(tax).recordSpending(loanId, i % 4, 1_000_000n, ethers.id(`cp${i}`), ethers.id(`ev${i}`))));
  add("R&D fund flow", "recordSpending (entry)", flow[flow.length - 1], `first entry of a loan: ${flow[0].toLocaleString("en")}`);
  const entry = (i) => ({ category: i % 4, amountFen: 1_000_000n, counterpartyHash: ethers.id(`cp${i}`), evidenceHash: ethers.id(`ev${i}`) });
  add("R&D fund flow", "correctSpending (reverse + new entry)", await gasOf(c.FundFlowTracker.connect(tax).correctSpending(loanId, 1, entry(1), { ...entry(1), category: 4, evidenceHash: ethers.id("ev1-fixed") })));
  add("R&D fund flow", "reverseSpending", await gasOf(c.FundFlowTracker.connect(tax).reverseSpending(loanId, 2, entry(2), ethers.id("refund-2"))));
  add("Lending", "markOverdue", await gasOf(c.LoanBook.connect(bankA).markOverdue(loanId, 30, 5_000_000n)));
  add("Lending", "declareDefault", await gasOf(c.LoanBook.connect(bankA).declareDefault(loanId, 80_000_000n)));
  add("Guarantee", "recordPayout (代偿, first instalment)", await gasOf(c.GuaranteeBook.connect(guarantor).recordPayout(loanId, 15_000_000n)));
  add("Guarantee", "recordPayout (代偿, last instalment)", await gasOf(c.GuaranteeBook.connect(guarantor).recordPayout(loanId, 25_000_000n)));
  const fundRef = ethers.id("fund-liuzhou");
  const fundId = await c.RiskCompensationFund.fundIdOf(ORG.REG, fundRef);
  add("Risk compensation", "createFund (1 eligible product)", await gasOf(c.RiskCompensationFund.connect(regulator).createFund(fundRef, 4000, 10_000_000_000n, [product])));
  add("Risk compensation", "fileClaim", await gasOf(c.RiskCompensationFund.connect(bankA).fileClaim(fundId, loanId)));
  add("Risk compensation", "approveClaim (payout computed on chain)", await gasOf(c.RiskCompensationFund.connect(regulator).approveClaim(fundId, loanId)));

  // batch agreement
  const dec2 = ethers.id("decision-2");
  const loan2 = await c.LoanBook.loanIdOf(ORG.BANK_A, ethers.id("loan-2"));
  await c.LoanBook.connect(bankA).recordDecision(dec2, id0, true);
  await c.LoanBook.connect(bankA).disburse({ loanRef: ethers.id("loan-2"), decisionHash: dec2, productCode: product, amountFen: 50_000_000n, rateBps: 420, termMonths: 12, purpose: 0 });
  const agreementRef = ethers.id("agreement-1");
  const agreementId = await c.GuaranteeBook.agreementIdOf(ORG.GUAR, agreementRef);
  add("Guarantee", "proposeAgreement (银担总对总)", await gasOf(c.GuaranteeBook.connect(guarantor).proposeAgreement(agreementRef, ORG.BANK_A, 8000, 100, 300_000_000n, 10_000_000_000n, now + 365 * 86400)));
  add("Guarantee", "acceptAgreement", await gasOf(c.GuaranteeBook.connect(bankA).acceptAgreement(agreementId)));
  add("Guarantee", "enrollLoan (under agreement)", await gasOf(c.GuaranteeBook.connect(bankA).enrollLoan(agreementId, loan2)));

  // ---- report
  const at1024 = batches.find((b) => b.n === 1024);
  const strongGas = strong[strong.length - 1];
  const relayed = rows.find((r) => r.op.startsWith("grantConsentBySig (relayed, first")).gas;
  const fmt = (n) => Math.round(n).toLocaleString("en");
  const solc = require("solc/package.json").version;
  const lines = [];
  lines.push("# Gas");
  lines.push("");
  lines.push("Exact `gasUsed` of each Ledger operation, from transaction receipts on Hardhat's in-process EVM");
  lines.push(`(Hardhat ${require("hardhat/package.json").version}, solc ${solc}, optimizer 10,000 runs, evm cancun).`);
  lines.push("Regenerate with `npx hardhat run scripts/gas-report.js` (or `npm run gas`); it rewrites this file.");
  lines.push("");
  lines.push("## Targets");
  lines.push("");
  lines.push("| target | measured | status |");
  lines.push("|---|---:|---|");
  const ok = (b) => (b ? "met" : "**missed**");
  lines.push(`| anchoring ≤ ${TARGETS.anchorPerRecordAt1024} gas per record at 1,024 | ${at1024.perRecord.toFixed(1)} | ${ok(at1024.perRecord <= TARGETS.anchorPerRecordAt1024)} |`);
  lines.push(`| strong-mode access record < ${fmt(TARGETS.strongAccess)} | ${fmt(strongGas)} | ${ok(strongGas < TARGETS.strongAccess)} |`);
  lines.push(`| relayed consent grant (signature checked) < ${fmt(TARGETS.relayedGrant)} | ${fmt(relayed)} | ${ok(relayed < TARGETS.relayedGrant)} |`);
  lines.push("");
  lines.push("The strong-mode target was 60,000 until contracts v2: refusing a replayed request hash (so a provider cannot");
  lines.push("use up a consumer's fetch cap) costs one new storage slot per access, 22,100 gas, that no packing avoids.");
  lines.push("Batch mode, the default, is unaffected.");
  lines.push("");
  lines.push("## Anchoring cost per record");
  lines.push("");
  lines.push(`One \`anchor\` transaction stores one root whatever the batch size, so the cost per record falls as 1/n.`);
  lines.push(`For scale: an attestation of a comparable record on the Ethereum Attestation Service costs about ${fmt(EAS_ATTEST_GAS)} gas.`);
  lines.push("");
  lines.push("| records in batch | anchor tx gas | gas per record | EAS attest ÷ Ledger per record | proof length | on-chain proof check (eth_estimateGas) |");
  lines.push("|---:|---:|---:|---:|---:|---:|");
  for (const b of batches) {
    lines.push(`| ${fmt(b.n)} | ${fmt(b.gas)} | ${b.perRecord.toFixed(1)} | ${fmt(EAS_ATTEST_GAS / b.perRecord)}× | ${b.proofLength} | ${fmt(b.verifyGas)} |`);
  }
  lines.push(`| strong mode (1 tx per access) | ${fmt(strongGas)} | ${fmt(strongGas)} | ${(EAS_ATTEST_GAS / strongGas).toFixed(1)}× | – | – |`);
  lines.push("");
  lines.push("## Every operation");
  lines.push("");
  lines.push("| area | operation | gas | note |");
  lines.push("|---|---|---:|---|");
  for (const r of rows) lines.push(`| ${r.group} | ${r.op} | ${fmt(r.gas)} | ${r.note} |`);
  lines.push("");
  lines.push("Notes: first writes to a storage slot cost 22,100 gas and later writes 2,900–5,000, which is why first and");
  lines.push("later operations differ. Consent nonces are a bitmap (256 per storage word), so an enterprise's later");
  lines.push("consents are cheaper than its first. A consent taken over in a contract upgrade costs more per strong-mode");
  lines.push("access than the target while it lives, because the old registry is asked too (its enterprise may still revoke");
  lines.push("there); consents granted after the upgrade cost what the target row says. Recording R&D spending costs more for");
  lines.push("the tax bureau than for the lending bank: the contract reads which bureau provided the loan's consent.");
  lines.push("");
  const out = path.join(__dirname, "..", "docs", "gas.md");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, lines.join("\n"));
  console.log(lines.join("\n"));
  const missed = at1024.perRecord > TARGETS.anchorPerRecordAt1024 || strongGas >= TARGETS.strongAccess || relayed >= TARGETS.relayedGrant;
  if (missed) console.error("\nSome gas targets are missed (see the table above).");
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
