// Moves a running consortium to the contracts in this checkout without any enterprise signing again
// (docs/upgrade.md). Keeps the consortium (members, operators, governors) of the current deployment file; deploys the
// new ConsentRegistry (naming the old one its predecessor), AccessLog and lending contracts; takes over every binding
// the old registry holds and every consent still live there; writes the new deployment file.
//
//   LEDGER_FROM=deployments/localhost.json npx hardhat run scripts/upgrade.js --network localhost
//
// Environment:
//   LEDGER_FROM        the current deployment file (required)
//   LEDGER_DEPLOYMENT  output file (default: the LEDGER_FROM file with ".v2" before ".json")
// The account that runs it deploys, and must operate an active member to take bindings and consents over.
// Safe to run the import again (LEDGER_IMPORT_ONLY=1 with LEDGER_DEPLOYMENT naming the new file): what is already
// taken over is skipped.
"use strict";

const hre = require("hardhat");
const fs = require("fs");
const path = require("path");
const { deployLedger, deploymentDocument, importFromPredecessor, writeJson } = require("./lib/ledger");

async function main() {
  const from = process.env.LEDGER_FROM;
  if (!from) throw new Error("Set LEDGER_FROM to the current deployment file (deployments/<network>.json).");
  const current = JSON.parse(fs.readFileSync(from, "utf8"));
  const { chainId } = await hre.ethers.provider.getNetwork();
  if (Number(chainId) !== current.chainId) throw new Error(`${from} is for chain ${current.chainId}, the network is chain ${chainId}.`);
  const [signer] = await hre.ethers.getSigners();
  const file = process.env.LEDGER_DEPLOYMENT ?? from.replace(/\.json$/, "") + ".v2.json";

  let registry;
  if (process.env.LEDGER_IMPORT_ONLY === "1") {
    const next = JSON.parse(fs.readFileSync(file, "utf8"));
    registry = await hre.ethers.getContractAt("ConsentRegistry", next.contracts.ConsentRegistry.address, signer);
  } else {
    const consortium = await hre.ethers.getContractAt("Consortium", current.contracts.Consortium.address, signer);
    const deployment = await deployLedger(hre.ethers, {
      deployer: signer,
      consortium,
      predecessor: current.contracts.ConsentRegistry.address,
      deployBlock: current.deployBlock,
    });
    const doc = await deploymentDocument(hre, deployment, {
      deployer: signer.address,
      governors: current.governors,
      threshold: current.threshold,
      predecessor: { deployment: path.basename(from), ConsentRegistry: current.contracts.ConsentRegistry.address },
    });
    writeJson(file, doc);
    registry = deployment.contracts.ConsentRegistry;
    console.log(`Deployed the new contracts on consortium ${current.contracts.Consortium.address}; deployment file ${path.relative(process.cwd(), file)}.`);
  }
  const taken = await importFromPredecessor(hre.ethers, { registry, fromBlock: current.deployBlock, signer });
  console.log(`Taken over: ${taken.bindings} binding(s), ${taken.consents} live consent(s); ${taken.skipped} left behind (revoked, expired, rotated, or already here).`);
  console.log("Next: point every node at the new deployment file and restart it (docs/upgrade.md).");
}

main().catch((error) => {
  console.error(`Upgrade failed: ${error.shortMessage ?? error.message}`);
  process.exitCode = 1;
});
