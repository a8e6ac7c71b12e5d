// The 银税互动 scenario at contract level, against a running chain (scripts/demo starts one):
// governance admits the members; the tax bureau binds 50 enterprises; enterprises sign consents that banks
// relay; the tax bureau serves data and leaves access records (strong mode for some, Merkle batches for the
// rest); one enterprise revokes and the next access is refused; banks decide and lend (A-rated pay less); an
// R&D loan drifts to non-R&D spending and raises the deviation event; a loan defaults, the guarantor pays its
// share and the fund compensates the rest at its ratio; an auditor re-verifies every proof against the chain.
//
//   npx hardhat run scripts/scenario.js --network localhost   (LEDGER_RPC_URL selects the node)
"use strict";

const hre = require("hardhat");
const { StandardMerkleTree } = require("@openzeppelin/merkle-tree");
const L = require("./lib/ledger");

const { ethers } = hre;
const fmtCny = (fen) => `${(Number(fen) / 100).toLocaleString("en", { minimumFractionDigits: 2 })} CNY`;
let failures = 0;
function check(ok, what) {
  console.log(`  ${ok ? "✔" : "✘"} ${what}`);
  if (!ok) failures++;
}
async function send(p) {
  return (await p).wait();
}
async function reverts(p, name) {
  try {
    await (await p).wait();
    return false;
  } catch (e) {
    return (e.revert?.name ?? e.errorName ?? String(e.message)).includes(name);
  }
}

async function main() {
  const s = await ethers.getSigners();
  const [g1, g2, g3, tax, bankA, bankB, guarantor, auditor, regulator] = s;
  // Use the deployment scripts/deploy.js wrote for this network (its default governors are the first three
  // accounts, threshold 2); deploy afresh when there is none.
  const file = process.env.LEDGER_DEPLOYMENT ?? require("path").join(__dirname, "..", "deployments", `${hre.network.name}.json`);
  let c;
  let deployBlock;
  if (hre.network.name !== "hardhat" && require("fs").existsSync(file)) {
    const doc = JSON.parse(require("fs").readFileSync(file, "utf8"));
    c = {};
    for (const name of L.CONTRACTS) c[name] = await ethers.getContractAt(name, doc.contracts[name].address);
    deployBlock = doc.deployBlock;
    console.log(`Using the deployment in ${require("path").relative(process.cwd(), file)} (block ${deployBlock}).`);
  } else {
    ({ contracts: c, deployBlock } = await L.deployLedger(ethers, {
      governors: [g1.address, g2.address, g3.address],
      threshold: 2,
      deployer: g1,
    }));
    console.log(`Deployed the suite at block ${deployBlock}.`);
  }
  check(await c.Consortium.isGovernor(g1.address) && await c.Consortium.isGovernor(g2.address), "governors in place");

  console.log("\n1. Consortium: governors admit the members (2-of-3)");
  const ORG = {
    TAX: L.orgId(ethers, "tax.liuzhou"),
    CCB: L.orgId(ethers, "bank.ccb.liuzhou"),
    ICBC: L.orgId(ethers, "bank.icbc.liuzhou"),
    GUAR: L.orgId(ethers, "guarantor.gx"),
    AUD: L.orgId(ethers, "auditor.nao"),
    REG: L.orgId(ethers, "regulator.pbc"),
  };
  const members = [
    [ORG.TAX, L.Role.TaxBureau, "Liuzhou Tax Bureau", tax],
    [ORG.CCB, L.Role.Bank, "CCB Liuzhou Science & Technology Branch", bankA],
    [ORG.ICBC, L.Role.Bank, "ICBC Liuzhou", bankB],
    [ORG.GUAR, L.Role.Guarantor, "Guangxi Financing Guarantee", guarantor],
    [ORG.AUD, L.Role.Auditor, "Liuzhou Audit Office", auditor],
    [ORG.REG, L.Role.Regulator, "PBC Liuzhou", regulator],
  ];
  for (const [org, role, name, op] of members) {
    const action = c.Consortium.interface.encodeFunctionData("admitMember", [
      org, role, name, `https://${ethers.decodeBytes32String(org)}.example:7443`, "",
      ethers.SigningKey.computePublicKey(ethers.id(name), true), [op.address],
    ]);
    const id = await c.Consortium.proposalCount();
    await send(c.Consortium.connect(g1).propose(action));
    check(!(await c.Consortium.isActiveOperator(op.address, role)), `${name}: one approval is not enough`);
    await send(c.Consortium.connect(g2).approve(id));
    check(await c.Consortium.isActiveOperator(op.address, role), `${name}: admitted by the second approval`);
  }

  console.log("\n2. The tax bureau binds 50 enterprises; enterprises sign consents; banks relay them");
  const salt = ethers.id("tax.liuzhou/salt");
  const ratings = Array.from({ length: 50 }, (_, i) => "AAABBBMMCD"[i % 10]);
  const enterprises = Array.from({ length: 50 }, (_, i) => {
    const wallet = ethers.Wallet.createRandom();
    return { wallet, uscc: `91450200MA5K${String(i).padStart(5, "0")}X`, rating: ratings[i] };
  });
  for (const e of enterprises) {
    e.cc = L.creditCodeHash(ethers, e.uscc, salt);
    await send(c.ConsentRegistry.connect(tax).bindEnterprise(e.wallet.address, e.cc));
  }
  const now = (await ethers.provider.getBlock("latest")).timestamp;
  const scopeSets = [
    L.Scope.TaxCreditRating,
    L.Scope.TaxCreditRating | L.Scope.TaxPayments,
    L.Scope.TaxCreditRating | L.Scope.TaxPayments | L.Scope.Invoices,
  ];
  for (const [i, e] of enterprises.entries()) {
    const consumer = i % 2 === 0 ? ORG.CCB : ORG.ICBC;
    e.bank = i % 2 === 0 ? bankA : bankB;
    e.terms = {
      enterprise: e.wallet.address, creditCodeHash: e.cc, consumer, provider: ORG.TAX,
      scopes: scopeSets[i % 3], purpose: 1, validFrom: now, validUntil: now + (30 + (i % 4) * 30) * 86400,
      dataFrom: now - 3 * 365 * 86400, dataUntil: now, fetchCap: 1 + (i % 4), fetchPeriod: 0,
      dataLife: 30 * 86400, nonce: 1, deadline: now + 3600,
    };
    const sig = await L.signConsent(e.wallet, c.ConsentRegistry, e.terms);
    await send(c.ConsentRegistry.connect(e.bank).grantConsentBySig(e.terms, sig));
    e.consentId = await c.ConsentRegistry.consentId(e.terms);
  }
  let live = 0;
  let gasless = 0;
  for (const e of enterprises) {
    if ((await c.ConsentRegistry.consent(e.consentId)).enterprise === e.wallet.address) live++;
    if ((await ethers.provider.getBalance(e.wallet.address)) === 0n) gasless++;
  }
  check(live === 50 && gasless === 50, `${live} consents granted; ${gasless} enterprise wallets hold 0 ETH (relayed: no gas)`);

  console.log("\n3. Data access: strong mode for the first 5, Merkle batches for the rest");
  const records = [];
  for (const [i, e] of enterprises.entries()) {
    const status = await c.ConsentRegistry.checkAccess(e.consentId, e.terms.consumer, ORG.TAX, L.Scope.TaxCreditRating);
    if (Number(status) !== L.AccessStatus.Allowed) { check(false, `consent ${i} should allow access`); continue; }
    const requestHash = ethers.id(`request/${i}`);
    const responseHash = ethers.id(`report/${e.uscc}/${e.rating}`);
    if (i < 5) {
      await send(c.AccessLog.connect(tax).recordAccess(e.consentId, e.terms.consumer, L.Scope.TaxCreditRating, requestHash, responseHash));
    } else {
      const record = ethers.AbiCoder.defaultAbiCoder().encode(
        ["bytes32", "bytes32", "bytes32", "uint64", "bytes32", "bytes32"],
        [e.consentId, ORG.TAX, e.terms.consumer, L.Scope.TaxCreditRating, requestHash, responseHash],
      );
      records.push(ethers.keccak256(record));
    }
  }
  const tree = StandardMerkleTree.of(records.map((r) => [r]), ["bytes32"]);
  const batchId = ethers.id("tax.liuzhou/batch/1");
  await send(c.AccessLog.connect(tax).anchor(batchId, tree.root, records.length, L.BatchKind.AccessRecords, "ledger://tax.liuzhou/batches/1"));
  const strong = await c.AccessLog.queryFilter(c.AccessLog.filters.AccessRecorded(), deployBlock);
  check(strong.length === 5, `${strong.length} strong-mode access records on chain`);
  check((await c.AccessLog.anchoredRoot(ORG.TAX, batchId)) === tree.root, `${records.length} records anchored as one root`);

  console.log("\n4. An enterprise revokes; the bank's next fetch is refused");
  const revoker = enterprises[7];
  const rev = { consentId: revoker.consentId, nonce: 2, deadline: now + 3600 };
  await send(c.ConsentRegistry.connect(revoker.bank).revokeConsentBySig(rev.consentId, rev.nonce, rev.deadline, await L.signRevocation(revoker.wallet, c.ConsentRegistry, rev)));
  check(Number(await c.ConsentRegistry.checkAccess(revoker.consentId, revoker.terms.consumer, ORG.TAX, 1)) === L.AccessStatus.Revoked, "checkAccess answers Revoked");
  check(await reverts(c.AccessLog.connect(tax).recordAccess(revoker.consentId, revoker.terms.consumer, 1, ethers.id("late"), ethers.id("x")), "ConsentRevokedAt"), "a strong-mode access after revocation is refused (ConsentRevokedAt)");
  const receipt = ethers.keccak256(ethers.toUtf8Bytes(`deleted ${revoker.consentId}`));
  await send(c.AccessLog.connect(revoker.bank).anchor(ethers.id("deletion/7"), receipt, 1, L.BatchKind.DeletionReceipts, "ledger://bank/deletions/7"));
  const bankOrg = revoker.terms.consumer;
  check((await c.AccessLog.anchoredRoot(bankOrg, ethers.id("deletion/7"))) === receipt, "the bank anchored its deletion receipt");

  console.log("\n5. Lending: A-rated enterprises get the lower rate");
  const rateFor = { A: 365, B: 420, M: 480 };
  const product = ethers.encodeBytes32String("SHUIYIDAI");
  const loans = [];
  for (const [i, e] of enterprises.entries()) {
    if (i === 7 || !(e.rating in rateFor)) continue;
    const decisionHash = ethers.id(`decision/${i}`);
    await send(c.LoanBook.connect(e.bank).recordDecision(decisionHash, e.consentId, true));
    const loanId = ethers.id(`loan/${i}`);
    const amountFen = BigInt(500_000 + i * 10_000) * 100n;
    const purpose = i === 10 ? L.LoanPurpose.RnD : L.LoanPurpose.WorkingCapital;
    await send(c.LoanBook.connect(e.bank).disburse({ loanId, decisionHash, productCode: product, amountFen, rateBps: rateFor[e.rating], termMonths: 12, purpose }));
    loans.push({ i, e, loanId, amountFen, rate: rateFor[e.rating] });
  }
  const aRates = loans.filter((l) => l.e.rating === "A").map((l) => l.rate);
  const otherRates = loans.filter((l) => l.e.rating !== "A").map((l) => l.rate);
  check(Math.max(...aRates) < Math.min(...otherRates), `${loans.length} loans; A-rated pay ${Math.max(...aRates)} bps, others ≥ ${Math.min(...otherRates)} bps`);

  console.log("\n6. R&D loan: spending drifts to non-R&D; the deviation event fires");
  const rd = loans.find((l) => l.i === 10);
  await send(c.FundFlowTracker.connect(rd.e.bank).openFundFlow(rd.loanId, 3000));
  const spend = async (cat, fen, n) => send(c.FundFlowTracker.connect(tax).recordSpending(rd.loanId, cat, fen, ethers.id(`cp${n}`), ethers.id(`invoice${n}`)));
  await spend(L.SpendCategory.RnDLabour, 10_000_000n, 1);
  const r = await spend(L.SpendCategory.NonRnD, 8_000_000n, 2);
  const deviated = r.logs.map((log) => { try { return c.FundFlowTracker.interface.parseLog(log); } catch { return null; } }).find((ev) => ev?.name === "FundFlowDeviated");
  check(Boolean(deviated), `FundFlowDeviated: non-R&D share ${deviated?.args.nonRdShareBps} bps > 3000 bps`);

  console.log("\n7. Default: the guarantor pays its share, the fund compensates the rest at its ratio");
  const bad = loans.find((l) => l.i === 11);
  await send(c.GuaranteeBook.connect(bad.e.bank).inviteGuarantor(bad.loanId, ORG.GUAR));
  await send(c.GuaranteeBook.connect(guarantor).guaranteeLoan(bad.loanId, 5000, bad.amountFen / 100n));
  await send(c.LoanBook.connect(bad.e.bank).markOverdue(bad.loanId, 95, bad.amountFen / 4n));
  const loss = (bad.amountFen * 8n) / 10n;
  await send(c.LoanBook.connect(bad.e.bank).declareDefault(bad.loanId, loss));
  await send(c.GuaranteeBook.connect(guarantor).recordPayout(bad.loanId, loss / 2n));
  const fundId = ethers.id("fund/liuzhou/2026");
  await send(c.RiskCompensationFund.connect(regulator).createFund(fundId, 4000, 50_000_000_00n, [product]));
  await send(c.RiskCompensationFund.connect(bad.e.bank).fileClaim(fundId, bad.loanId));
  await send(c.RiskCompensationFund.connect(regulator).approveClaim(bad.loanId));
  const claim = await c.RiskCompensationFund.claim(bad.loanId);
  check(claim.payoutFen === ((loss - loss / 2n) * 4000n) / 10000n, `loss ${fmtCny(loss)}: guarantor ${fmtCny(loss / 2n)}, fund ${fmtCny(claim.payoutFen)} (40 % of the rest)`);

  console.log("\n8. Audit: every anchored record re-verified against the chain");
  let verified = 0;
  for (const [i, [leaf]] of tree.entries()) {
    if (await c.AccessLog.verifyRecord(ORG.TAX, batchId, leaf, tree.getProof(i))) verified++;
  }
  check(verified === records.length, `${verified}/${records.length} inclusion proofs verified by the AccessLog contract`);
  const tampered = await c.AccessLog.verifyRecord(ORG.TAX, batchId, ethers.id("forged"), tree.getProof(0));
  check(!tampered, "a forged record fails verification");
  const disbursed = await c.LoanBook.queryFilter(c.LoanBook.filters.LoanDisbursed(), deployBlock);
  const total = disbursed.reduce((sum, ev) => sum + ev.args.amountFen, 0n);
  const served = new Set(disbursed.map((ev) => ev.args.enterpriseHash)).size;
  console.log(`  Program statistics (from chain events): ${served} enterprises served, ${disbursed.length} credits, ${fmtCny(total)} lent`);

  console.log(failures === 0 ? "\nScenario passed." : `\nScenario FAILED: ${failures} check(s) failed.`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((e) => {
  console.error(`Scenario aborted: ${e.shortMessage ?? e.message}`);
  process.exitCode = 2;
});
