// Shared by the deploy script, the gas report and the contract tests: one way to deploy and wire the suite,
// one definition of the EIP-712 types, one encoding of ids.
"use strict";

const fs = require("fs");
const path = require("path");

/** Roles as in contracts/common/LedgerTypes.sol. */
const Role = Object.freeze({ None: 0, TaxBureau: 1, Bank: 2, Guarantor: 3, Auditor: 4, Regulator: 5 });
const MemberStatus = Object.freeze({ None: 0, Active: 1, Suspended: 2, Removed: 3 });

/** Data scopes (bit positions of the consent's `scopes`). Bits 7..63 are reserved for new scopes. */
const Scope = Object.freeze({
  TaxCreditRating: 1n << 0n,
  TaxPayments: 1n << 1n,
  Invoices: 1n << 2n,
  SocialInsurance: 1n << 3n,
  Customs: 1n << 4n,
  Judicial: 1n << 5n,
  IntellectualProperty: 1n << 6n,
});

const LoanPurpose = Object.freeze({ WorkingCapital: 0, RnD: 1, Equipment: 2, Trade: 3, Other: 4 });
const LoanStatus = Object.freeze({ None: 0, Active: 1, Overdue: 2, Repaid: 3, Defaulted: 4 });
const SpendCategory = Object.freeze({ RnDLabour: 0, RnDEquipment: 1, RnDMaterials: 2, OutsourcedRnD: 3, NonRnD: 4 });
const BatchKind = Object.freeze({
  Mixed: 0,
  AccessRecords: 1,
  Refusals: 2,
  DeletionReceipts: 3,
  FundFlowEvidence: 4,
  CreditDecisions: 5,
});
const AccessStatus = Object.freeze({
  Allowed: 0,
  UnknownConsent: 1,
  NotYetValid: 2,
  Expired: 3,
  Revoked: 4,
  WrongConsumer: 5,
  WrongProvider: 6,
  ScopeNotGranted: 7,
  FetchCapReached: 8,
  ConsumerIneligible: 9,
  ProviderIneligible: 10,
  EnterpriseUnbound: 11,
});

/**
 * EIP-712 types and domains from their one definition, contracts/eip712/types.json (the C# core embeds the same
 * file; tests hold ConsentRegistry's typehash constants to it).
 */
const EIP712 = require("../../contracts/eip712/types.json");

/** EIP-712 domain name and version of the consent registry. */
const CONSENT_DOMAIN_NAME = EIP712.domains.ConsentRegistry.name;
const CONSENT_DOMAIN_VERSION = EIP712.domains.ConsentRegistry.version;

/** ethers' form of one primary type: { Name: [fields] }. */
const eip712Type = (name) => ({ [name]: EIP712.types[name].map((f) => ({ name: f.name, type: f.type })) });

const CONSENT_TYPES = eip712Type("Consent");
const REVOCATION_TYPES = eip712Type("Revocation");
const NARROWING_TYPES = eip712Type("Narrowing");
const BINDING_TYPES = eip712Type("Binding");

/** The contracts of a deployment, in deployment order. */
const CONTRACTS = [
  "Consortium",
  "ConsentRegistry",
  "AccessLog",
  "LoanBook",
  "GuaranteeBook",
  "RiskCompensationFund",
  "FundFlowTracker",
];

/** Readable 32-byte id from a short ASCII code (≤ 31 characters), e.g. orgId("bank.ccb.liuzhou"). */
function orgId(ethers, code) {
  return ethers.encodeBytes32String(code);
}

/** Salted credit-code hash: keccak256(abi.encode(salt, uscc)); the tax bureau keeps the salt. */
function creditCodeHash(ethers, uscc, salt) {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "string"], [salt, uscc]));
}

async function consentDomain(registry) {
  const { chainId } = await registry.runner.provider.getNetwork();
  return {
    name: CONSENT_DOMAIN_NAME,
    version: CONSENT_DOMAIN_VERSION,
    chainId,
    verifyingContract: await registry.getAddress(),
  };
}

/** The enterprise signs consent terms (EIP-712) for `registry`. */
async function signConsent(signer, registry, terms, domainOverride = {}) {
  const domain = { ...(await consentDomain(registry)), ...domainOverride };
  return signer.signTypedData(domain, CONSENT_TYPES, terms);
}

async function signRevocation(signer, registry, revocation, domainOverride = {}) {
  const domain = { ...(await consentDomain(registry)), ...domainOverride };
  return signer.signTypedData(domain, REVOCATION_TYPES, revocation);
}

async function signNarrowing(signer, registry, narrowing, domainOverride = {}) {
  const domain = { ...(await consentDomain(registry)), ...domainOverride };
  return signer.signTypedData(domain, NARROWING_TYPES, narrowing);
}

/** The enterprise account signs its binding (EIP-712 `Binding`) to be relayed by tax bureau `taxBureau`. */
async function signBinding(signer, registry, binding, domainOverride = {}) {
  const domain = { ...(await consentDomain(registry)), ...domainOverride };
  return signer.signTypedData(domain, BINDING_TYPES, binding);
}

/**
 * Binds `enterprise` (a signer) to `creditCodeHash` through tax-bureau operator `taxOperator` of `taxOrg`:
 * the enterprise signs, the bureau relays. Returns the transaction (not yet mined).
 */
async function bindEnterprise(registry, taxOperator, taxOrg, enterprise, creditCodeHash, opts = {}) {
  const block = await registry.runner.provider.getBlock("latest");
  const binding = {
    enterprise: enterprise.address,
    creditCodeHash,
    taxBureau: taxOrg,
    nonce: opts.nonce ?? BigInt(ethersId(enterprise.address, creditCodeHash)),
    deadline: opts.deadline ?? BigInt(block.timestamp) + 3600n,
  };
  const signature = await signBinding(enterprise, registry, binding);
  return registry
    .connect(taxOperator)
    .bindEnterprise(binding.enterprise, creditCodeHash, binding.nonce, binding.deadline, signature);
}

/** A nonce for a binding that no consent nonce of a test or a script is likely to pick (high bits set). */
function ethersId(address, creditCodeHash) {
  const { keccak256, solidityPacked } = require("ethers");
  return keccak256(solidityPacked(["string", "address", "bytes32"], ["ledger/binding", address, creditCodeHash]));
}

/**
 * Deploys and wires the whole suite. `governors` (addresses) and `threshold` set up governance.
 * Returns the contracts by name and the block the first contract was deployed in.
 */
async function deployLedger(ethers, { governors, threshold, deployer, consortium: existing, predecessor, deployBlock: sinceBlock } = {}) {
  const signer = deployer ?? (await ethers.getSigners())[0];
  if (!existing && (!governors || governors.length === 0)) throw new Error("deployLedger: at least one governor is required");
  const deploy = async (name, ...args) => {
    const factory = await ethers.getContractFactory(name, signer);
    const contract = await factory.deploy(...args);
    await contract.waitForDeployment();
    return contract;
  };
  // An upgrade keeps the consortium (members, operators, governance) and deploys the rest anew.
  const consortium = existing ?? (await deploy("Consortium", governors, threshold ?? 1));
  const registry = await deploy("ConsentRegistry", consortium);
  // An upgrade's deployment file keeps the consortium's deploy block: members were admitted from there on.
  const deployBlock = existing ? (sinceBlock ?? 0) : (await consortium.deploymentTransaction().wait()).blockNumber;
  const accessLog = await deploy("AccessLog", consortium, registry);
  await (await registry.setAccessLog(accessLog)).wait();
  if (predecessor) await (await registry.setPredecessor(predecessor)).wait();
  const loanBook = await deploy("LoanBook", consortium, registry);
  const guaranteeBook = await deploy("GuaranteeBook", consortium, loanBook);
  const fund = await deploy("RiskCompensationFund", consortium, loanBook, guaranteeBook);
  const fundFlow = await deploy("FundFlowTracker", consortium, loanBook);
  return {
    deployBlock,
    contracts: {
      Consortium: consortium,
      ConsentRegistry: registry,
      AccessLog: accessLog,
      LoanBook: loanBook,
      GuaranteeBook: guaranteeBook,
      RiskCompensationFund: fund,
      FundFlowTracker: fundFlow,
    },
  };
}

/**
 * Upgrade, second step: takes over into `registry` (a new ConsentRegistry whose predecessor is set) every binding the
 * predecessor still holds and every consent still live there, from the predecessor's own events since `fromBlock`.
 * Nobody signs anything again: the ids stay the ids the enterprises signed. Safe to run again (what is already here
 * is skipped). Returns what it took over.
 */
async function importFromPredecessor(ethers, { registry, fromBlock = 0, signer }) {
  const runner = signer ? registry.connect(signer) : registry;
  const predecessorAddress = await registry.predecessor();
  if (predecessorAddress === ethers.ZeroAddress) throw new Error("importFromPredecessor: the registry has no predecessor (setPredecessor first)");
  const predecessor = await ethers.getContractAt("ConsentRegistry", predecessorAddress);
  const now = BigInt((await ethers.provider.getBlock("latest")).timestamp);
  const result = { bindings: 0, consents: 0, skipped: 0 };

  const codes = new Set((await predecessor.queryFilter(predecessor.filters.EnterpriseBound(), fromBlock)).map((e) => e.args.creditCodeHash));
  for (const code of codes) {
    const [account] = await predecessor.accountOf(code);
    const [here] = await registry.accountOf(code);
    if (account === ethers.ZeroAddress || here !== ethers.ZeroAddress) { result.skipped++; continue; }
    await (await runner.importBinding(code)).wait();
    result.bindings++;
  }
  for (const e of await predecessor.queryFilter(predecessor.filters.ConsentGranted(), fromBlock)) {
    const id = e.args.consentId;
    const there = await predecessor.consent(id);
    const here = await registry.consent(id);
    if (here.enterprise !== ethers.ZeroAddress || there.revokedAtBlock !== 0n || there.validUntil < now) { result.skipped++; continue; }
    const [bound] = await registry.accountOf(e.args.terms.creditCodeHash);
    if (bound !== e.args.terms.enterprise) { result.skipped++; continue; } // the account was rotated or retired: its consents ended
    await (await runner.importConsent(e.args.terms.toObject())).wait();
    result.consents++;
  }
  return result;
}

/** The deployment file the C# nodes read: chain id, deploy block, addresses and ABIs. */
async function deploymentDocument(hre, deployment, extra = {}) {
  const { chainId } = await hre.ethers.provider.getNetwork();
  const contracts = {};
  for (const name of CONTRACTS) {
    const artifact = await hre.artifacts.readArtifact(name);
    contracts[name] = { address: await deployment.contracts[name].getAddress(), abi: artifact.abi };
  }
  return {
    format: "ledger-deployment/1",
    network: hre.network.name,
    chainId: Number(chainId),
    deployBlock: deployment.deployBlock,
    consentDomain: { name: CONSENT_DOMAIN_NAME, version: CONSENT_DOMAIN_VERSION },
    ...extra,
    contracts,
  };
}

function writeJson(file, doc) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
}

module.exports = {
  importFromPredecessor,
  Role,
  MemberStatus,
  Scope,
  LoanPurpose,
  LoanStatus,
  SpendCategory,
  BatchKind,
  AccessStatus,
  CONSENT_DOMAIN_NAME,
  CONSENT_DOMAIN_VERSION,
  CONSENT_TYPES,
  REVOCATION_TYPES,
  NARROWING_TYPES,
  BINDING_TYPES,
  CONTRACTS,
  orgId,
  creditCodeHash,
  consentDomain,
  signConsent,
  signRevocation,
  signNarrowing,
  signBinding,
  bindEnterprise,
  deployLedger,
  deploymentDocument,
  writeJson,
};
