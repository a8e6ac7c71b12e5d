// Deploys the Ledger contract suite to the selected Hardhat network, wires it, and writes
// deployments/<network>.json (chain id, deploy block, addresses, ABIs) — the file the C# nodes read.
//
//   npx hardhat run scripts/deploy.js --network localhost
//
// Environment:
//   LEDGER_GOVERNORS   comma-separated governor addresses (default: the first three accounts of the network)
//   LEDGER_THRESHOLD   approvals a governance proposal needs (default: 2, or 1 with a single governor)
//   LEDGER_DEPLOYMENT  output file (default: deployments/<network>.json)
"use strict";

const hre = require("hardhat");
const path = require("path");
const { deployLedger, deploymentDocument, writeJson } = require("./lib/ledger");

async function main() {
  const signers = await hre.ethers.getSigners();
  if (signers.length === 0) throw new Error("The network has no unlocked account to deploy from; configure one.");
  const governors = process.env.LEDGER_GOVERNORS
    ? process.env.LEDGER_GOVERNORS.split(",").map((a) => hre.ethers.getAddress(a.trim()))
    : signers.slice(0, 3).map((s) => s.address);
  const threshold = Number(process.env.LEDGER_THRESHOLD ?? Math.min(2, governors.length));
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > governors.length) {
    throw new Error(`LEDGER_THRESHOLD must be between 1 and ${governors.length} (the number of governors).`);
  }

  const deployment = await deployLedger(hre.ethers, { governors, threshold, deployer: signers[0] });
  const doc = await deploymentDocument(hre, deployment, {
    deployer: signers[0].address,
    governors,
    threshold,
  });
  const file = process.env.LEDGER_DEPLOYMENT ?? path.join(__dirname, "..", "deployments", `${hre.network.name}.json`);
  writeJson(file, doc);
  console.log(`Deployed Ledger to ${hre.network.name} (chain ${doc.chainId}) at block ${doc.deployBlock}:`);
  for (const [name, c] of Object.entries(doc.contracts)) console.log(`  ${name.padEnd(22)} ${c.address}`);
  console.log(`Governors: ${governors.join(", ")} (threshold ${threshold})`);
  console.log(`Deployment file: ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
  console.error(`Deployment failed: ${error.shortMessage ?? error.message}`);
  process.exitCode = 1;
});
