"use strict";

const { expect } = require("chai");
const { ethers } = require("hardhat");
const { loadFixture, time } = require("@nomicfoundation/hardhat-network-helpers");
const { L, ORG, encryptionKey, govern, deployFixture, membersFixture } = require("../helpers/fixtures");

const { Role, MemberStatus } = L;

const PROPOSAL_LIFETIME = 7n * 24n * 3600n;
const MAX_GOVERNORS = 32n;
const MAX_OPERATORS = 16n;
const ZERO_ID = ethers.ZeroHash;
const NEW_ORG = L.orgId(ethers, "bank.abc.liuzhou");

/** A deterministic address nobody holds a key for (for governors or operators that never sign). */
function placeholder(i) {
  return ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(0x1000 + i), 20));
}

/** A stand-in TLS pin (the SHA-256 of a certificate's SubjectPublicKeyInfo, in production). */
function tlsPin(label) {
  return ethers.sha256(ethers.toUtf8Bytes(`tls ${label}`));
}

function encode(consortium, fn, args) {
  return consortium.interface.encodeFunctionData(fn, args);
}

/**
 * Proposes `fn(args)` as governors[0] and returns the (pending) transaction of governors[1]'s approval, the one
 * that reaches the threshold of two and runs the action — so a test can expect its events or its revert.
 */
async function pass(f, fn, args) {
  const { Consortium, governors } = f;
  const id = await Consortium.proposalCount();
  await (await Consortium.connect(governors[0]).propose(encode(Consortium, fn, args))).wait();
  return Consortium.connect(governors[1]).approve(id);
}

/** admitMember arguments for NEW_ORG, a bank, with `overrides` by name. */
function admission(f, overrides = {}) {
  const a = {
    orgId: NEW_ORG,
    role: Role.Bank,
    name: "ABC Liuzhou",
    endpoint: "https://abc-liuzhou.example:7443",
    enode: "enode://abc@10.0.0.9:30303",
    encryptionKey: encryptionKey("ABC Liuzhou"),
    operators: [f.spare[0].address],
    ...overrides,
  };
  return [a.orgId, a.role, a.name, a.endpoint, a.enode, a.encryptionKey, a.operators];
}

/** deployFixture with the threshold raised to three of three governors. */
async function thresholdThreeFixture() {
  const f = await loadFixture(deployFixture);
  await govern(f.Consortium, f.governors, "setThreshold", [3]);
  return f;
}

/** A lone Consortium with the three governors and a threshold of one. */
async function thresholdOneFixture() {
  const f = await loadFixture(deployFixture);
  const Consortium = await ethers.deployContract("Consortium", [f.governors.map((g) => g.address), 1]);
  return { ...f, Consortium };
}

/** A lone Consortium with MAX_GOVERNORS governors (governors[0] and placeholders) and a threshold of one. */
async function fullGovernorsFixture() {
  const f = await loadFixture(deployFixture);
  const list = [f.governors[0].address];
  for (let i = 1; i < Number(MAX_GOVERNORS); i++) list.push(placeholder(i));
  const Consortium = await ethers.deployContract("Consortium", [list, 1]);
  return { ...f, Consortium, list };
}

describe("Consortium", function () {
  // ================================================================ construction

  describe("construction", function () {
    it("seats the initial governors and sets the threshold", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      expect([...(await Consortium.governors())]).to.deep.equal(governors.map((g) => g.address));
      for (const g of governors) expect(await Consortium.isGovernor(g.address)).to.equal(true);
      expect(await Consortium.isGovernor(ethers.ZeroAddress)).to.equal(false);
      expect(await Consortium.threshold()).to.equal(2n);
      expect(await Consortium.proposalCount()).to.equal(0n);
      expect(await Consortium.memberCount()).to.equal(0n);
    });

    it("publishes its bounds", async function () {
      const { Consortium } = await loadFixture(deployFixture);
      expect(await Consortium.MAX_GOVERNORS()).to.equal(MAX_GOVERNORS);
      expect(await Consortium.MAX_OPERATORS()).to.equal(MAX_OPERATORS);
      expect(await Consortium.MAX_MEMBERS()).to.equal(1024n);
      expect(await Consortium.PROPOSAL_LIFETIME()).to.equal(PROPOSAL_LIFETIME);
    });

    it("emits GovernorAdded for each governor and ThresholdChanged from zero", async function () {
      const { governors } = await loadFixture(deployFixture);
      const consortium = await ethers.deployContract("Consortium", [governors.map((g) => g.address), 2]);
      const tx = consortium.deploymentTransaction();
      for (const g of governors) await expect(tx).to.emit(consortium, "GovernorAdded").withArgs(g.address);
      await expect(tx).to.emit(consortium, "ThresholdChanged").withArgs(0, 2);
    });

    it("accepts exactly MAX_GOVERNORS governors", async function () {
      const { Consortium, list } = await loadFixture(fullGovernorsFixture);
      expect([...(await Consortium.governors())]).to.deep.equal(list);
    });

    it("rejects the zero address as a governor", async function () {
      const { governors } = await loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("Consortium");
      await expect(factory.deploy([governors[0].address, ethers.ZeroAddress], 1)).to.be.revertedWithCustomError(
        factory,
        "GovernanceZeroAddress",
      );
    });

    it("rejects its own address as a governor", async function () {
      const { deployer, governors } = await loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("Consortium", deployer);
      const own = ethers.getCreateAddress({ from: deployer.address, nonce: await deployer.getNonce() });
      await expect(factory.deploy([governors[1].address, own], 1))
        .to.be.revertedWithCustomError(factory, "GovernanceInvalidAccount")
        .withArgs(own);
    });

    it("rejects a governor listed twice", async function () {
      const { governors } = await loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("Consortium");
      await expect(factory.deploy([governors[0].address, governors[1].address, governors[0].address], 2))
        .to.be.revertedWithCustomError(factory, "GovernanceGovernorExists")
        .withArgs(governors[0].address);
    });

    it("rejects a threshold of zero", async function () {
      const { governors } = await loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("Consortium");
      await expect(factory.deploy(governors.map((g) => g.address), 0))
        .to.be.revertedWithCustomError(factory, "GovernanceInvalidThreshold")
        .withArgs(0, 3);
    });

    it("rejects a threshold above the number of governors", async function () {
      const { governors } = await loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("Consortium");
      await expect(factory.deploy(governors.map((g) => g.address), 4))
        .to.be.revertedWithCustomError(factory, "GovernanceInvalidThreshold")
        .withArgs(4, 3);
    });

    it("rejects an empty governor list", async function () {
      const factory = await ethers.getContractFactory("Consortium");
      await expect(factory.deploy([], 1)).to.be.revertedWithCustomError(factory, "GovernanceInvalidThreshold").withArgs(1, 0);
    });

    it("rejects more than MAX_GOVERNORS governors", async function () {
      const factory = await ethers.getContractFactory("Consortium");
      const list = Array.from({ length: Number(MAX_GOVERNORS) + 1 }, (_, i) => placeholder(i));
      await expect(factory.deploy(list, 1))
        .to.be.revertedWithCustomError(factory, "GovernanceTooManyGovernors")
        .withArgs(MAX_GOVERNORS);
    });
  });

  // ================================================================ proposals

  describe("propose", function () {
    it("records the proposal and counts the proposer's approval at once", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      const action = encode(Consortium, "setThreshold", [3]);
      const at = (await time.latest()) + 60;
      await time.setNextBlockTimestamp(at);
      const tx = Consortium.connect(governors[0]).propose(action);
      await expect(tx)
        .to.emit(Consortium, "ProposalCreated")
        .withArgs(0, governors[0].address, action.slice(0, 10), action, BigInt(at) + PROPOSAL_LIFETIME);
      await expect(tx).to.emit(Consortium, "ProposalApproved").withArgs(0, governors[0].address, 1, 2);
      await expect(tx).not.to.emit(Consortium, "ProposalExecuted");

      const p = await Consortium.proposal(0);
      expect(p.proposer).to.equal(governors[0].address);
      expect(p.createdAt).to.equal(BigInt(at));
      expect(p.expiresAt).to.equal(BigInt(at) + PROPOSAL_LIFETIME);
      expect(p.executed).to.equal(false);
      expect(p.cancelled).to.equal(false);
      expect(p.approvalMask).to.equal(1n);
      expect(p.action).to.equal(action);
      expect(await Consortium.proposalCount()).to.equal(1n);
      expect(await Consortium.approvalCount(0)).to.equal(1n);
      expect(await Consortium.hasApproved(0, governors[0].address)).to.equal(true);
      expect(await Consortium.hasApproved(0, governors[1].address)).to.equal(false);
    });

    it("does not run the action while approvals are below the threshold", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      expect(await Consortium.threshold()).to.equal(2n);
    });

    it("returns increasing proposal ids", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      const action = encode(Consortium, "setThreshold", [3]);
      expect(await Consortium.connect(governors[0]).propose.staticCall(action)).to.equal(0n);
      await Consortium.connect(governors[0]).propose(action);
      expect(await Consortium.connect(governors[1]).propose.staticCall(action)).to.equal(1n);
    });

    it("runs the action at once when the threshold is one", async function () {
      const { Consortium, governors, spare } = await loadFixture(thresholdOneFixture);
      const tx = Consortium.connect(governors[1]).propose(encode(Consortium, "addGovernor", [spare[0].address]));
      await expect(tx).to.emit(Consortium, "ProposalApproved").withArgs(0, governors[1].address, 1, 1);
      await expect(tx).to.emit(Consortium, "GovernorAdded").withArgs(spare[0].address);
      await expect(tx).to.emit(Consortium, "ProposalExecuted").withArgs(0, governors[1].address);
      expect(await Consortium.isGovernor(spare[0].address)).to.equal(true);
      expect((await Consortium.proposal(0)).executed).to.equal(true);
    });

    it("rejects a proposal from a non-governor", async function () {
      const { Consortium, outsider } = await loadFixture(deployFixture);
      await expect(Consortium.connect(outsider).propose(encode(Consortium, "setThreshold", [1])))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotGovernor")
        .withArgs(outsider.address);
    });

    it("rejects an action that is not a governance function", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      for (const action of [
        encode(Consortium, "propose", ["0x"]),
        encode(Consortium, "cancel", [0]),
        encode(Consortium, "threshold", []),
        "0xdeadbeef",
      ]) {
        await expect(Consortium.connect(governors[0]).propose(action))
          .to.be.revertedWithCustomError(Consortium, "GovernanceUnknownAction")
          .withArgs(action.slice(0, 10));
      }
    });

    it("rejects an action shorter than a selector", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      for (const action of ["0x", "0x01", "0x010203"]) {
        await expect(Consortium.connect(governors[0]).propose(action))
          .to.be.revertedWithCustomError(Consortium, "GovernanceUnknownAction")
          .withArgs("0x00000000");
      }
      expect(await Consortium.proposalCount()).to.equal(0n);
    });
  });

  describe("approve", function () {
    it("runs the action with the approval that reaches the threshold", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      const tx = Consortium.connect(governors[2]).approve(0);
      await expect(tx).to.emit(Consortium, "ProposalApproved").withArgs(0, governors[2].address, 2, 2);
      await expect(tx).to.emit(Consortium, "ThresholdChanged").withArgs(2, 3);
      await expect(tx).to.emit(Consortium, "ProposalExecuted").withArgs(0, governors[2].address);
      expect(await Consortium.threshold()).to.equal(3n);
      expect((await Consortium.proposal(0)).executed).to.equal(true);
      expect(await Consortium.approvalCount(0)).to.equal(2n);
    });

    it("only records an approval below the threshold", async function () {
      const { Consortium, governors } = await loadFixture(thresholdThreeFixture);
      const id = await Consortium.proposalCount();
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [1]));
      const tx = Consortium.connect(governors[1]).approve(id);
      await expect(tx).to.emit(Consortium, "ProposalApproved").withArgs(id, governors[1].address, 2, 3);
      await expect(tx).not.to.emit(Consortium, "ProposalExecuted");
      await expect(tx).not.to.emit(Consortium, "ThresholdChanged");
      expect(await Consortium.threshold()).to.equal(3n);
      expect(await Consortium.approvalCount(id)).to.equal(2n);
      expect(await Consortium.hasApproved(id, governors[1].address)).to.equal(true);
      expect((await Consortium.proposal(id)).approvalMask).to.equal(0b11n);
    });

    it("rejects an approval from a non-governor", async function () {
      const { Consortium, governors, outsider } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await expect(Consortium.connect(outsider).approve(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotGovernor")
        .withArgs(outsider.address);
    });

    it("rejects a second approval by the same governor", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await expect(Consortium.connect(governors[0]).approve(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceAlreadyApproved")
        .withArgs(0, governors[0].address);
    });

    it("rejects an unknown proposal", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await expect(Consortium.connect(governors[0]).approve(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalNotFound")
        .withArgs(0);
    });

    it("rejects an approval after the proposal ran", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      const id = await govern(Consortium, governors, "setThreshold", [1]);
      await expect(Consortium.connect(governors[2]).approve(id))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalClosed")
        .withArgs(id);
    });

    it("bubbles the action's own error and leaves the proposal pending with its approvals", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      // The member does not exist yet: the action fails when the threshold is reached.
      await Consortium.connect(governors[0]).propose(encode(Consortium, "suspendMember", [NEW_ORG]));
      await expect(Consortium.connect(governors[1]).approve(0))
        .to.be.revertedWithCustomError(Consortium, "ConsortiumMemberUnknown")
        .withArgs(NEW_ORG);
      const p = await Consortium.proposal(0);
      expect(p.executed).to.equal(false);
      expect(await Consortium.approvalCount(0)).to.equal(1n);
      expect(await Consortium.hasApproved(0, governors[0].address)).to.equal(true);
      expect(await Consortium.hasApproved(0, governors[1].address)).to.equal(false);
    });

    it("runs a once-failing action when a later approval finds it valid", async function () {
      const f = await loadFixture(deployFixture);
      const { Consortium, governors } = f;
      await Consortium.connect(governors[0]).propose(encode(Consortium, "suspendMember", [NEW_ORG]));
      await expect(Consortium.connect(governors[1]).approve(0)).to.be.revertedWithCustomError(
        Consortium,
        "ConsortiumMemberUnknown",
      );
      await govern(Consortium, governors, "admitMember", admission(f));
      await expect(Consortium.connect(governors[1]).approve(0))
        .to.emit(Consortium, "MemberSuspended")
        .withArgs(NEW_ORG);
      expect((await Consortium.memberSummary(NEW_ORG)).status).to.equal(MemberStatus.Suspended);
    });

    it("reverts without a reason when the action's arguments do not decode", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      const selectorOnly = encode(Consortium, "setThreshold", [1]).slice(0, 10);
      await Consortium.connect(governors[0]).propose(selectorOnly);
      await expect(Consortium.connect(governors[1]).approve(0)).to.be.revertedWithoutReason();
      expect((await Consortium.proposal(0)).executed).to.equal(false);
    });
  });

  describe("revokeApproval", function () {
    it("withdraws an approval", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await expect(Consortium.connect(governors[0]).revokeApproval(0))
        .to.emit(Consortium, "ProposalApprovalRevoked")
        .withArgs(0, governors[0].address, 0);
      expect(await Consortium.approvalCount(0)).to.equal(0n);
      expect(await Consortium.hasApproved(0, governors[0].address)).to.equal(false);
      expect((await Consortium.proposal(0)).approvalMask).to.equal(0n);
    });

    it("lets the governor approve again after withdrawing", async function () {
      const { Consortium, governors } = await loadFixture(thresholdThreeFixture);
      const id = await Consortium.proposalCount();
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [2]));
      await Consortium.connect(governors[1]).approve(id);
      await expect(Consortium.connect(governors[1]).revokeApproval(id))
        .to.emit(Consortium, "ProposalApprovalRevoked")
        .withArgs(id, governors[1].address, 1);
      await expect(Consortium.connect(governors[1]).approve(id))
        .to.emit(Consortium, "ProposalApproved")
        .withArgs(id, governors[1].address, 2, 3);
    });

    it("means a withdrawn approval no longer helps reach the threshold", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await Consortium.connect(governors[0]).revokeApproval(0);
      await expect(Consortium.connect(governors[1]).approve(0))
        .to.emit(Consortium, "ProposalApproved")
        .withArgs(0, governors[1].address, 1, 2);
      expect(await Consortium.threshold()).to.equal(2n);
    });

    it("rejects a governor that has not approved", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await expect(Consortium.connect(governors[1]).revokeApproval(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotApproved")
        .withArgs(0, governors[1].address);
    });

    it("rejects a second withdrawal", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await Consortium.connect(governors[0]).revokeApproval(0);
      await expect(Consortium.connect(governors[0]).revokeApproval(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotApproved")
        .withArgs(0, governors[0].address);
    });

    it("rejects a non-governor", async function () {
      const { Consortium, governors, outsider } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await expect(Consortium.connect(outsider).revokeApproval(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotGovernor")
        .withArgs(outsider.address);
    });

    it("rejects an unknown proposal", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await expect(Consortium.connect(governors[0]).revokeApproval(5))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalNotFound")
        .withArgs(5);
    });

    it("rejects a withdrawal after the proposal ran", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      const id = await govern(Consortium, governors, "setThreshold", [1]);
      await expect(Consortium.connect(governors[0]).revokeApproval(id))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalClosed")
        .withArgs(id);
    });
  });

  describe("execute", function () {
    it("rejects a proposal below the threshold", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await expect(Consortium.connect(governors[1]).execute(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceBelowThreshold")
        .withArgs(0, 1, 2);
    });

    it("runs a proposal whose approvals suffice after another proposal lowered the threshold", async function () {
      const f = await loadFixture(thresholdThreeFixture);
      const { Consortium, governors } = f;
      const id = await Consortium.proposalCount();
      await Consortium.connect(governors[0]).propose(encode(Consortium, "admitMember", admission(f)));
      await Consortium.connect(governors[1]).approve(id);
      await expect(Consortium.connect(governors[2]).execute(id))
        .to.be.revertedWithCustomError(Consortium, "GovernanceBelowThreshold")
        .withArgs(id, 2, 3);

      await govern(Consortium, governors, "setThreshold", [2], 3);
      expect(await Consortium.threshold()).to.equal(2n);
      expect((await Consortium.memberSummary(NEW_ORG)).status).to.equal(MemberStatus.None);

      const tx = Consortium.connect(governors[2]).execute(id);
      await expect(tx).to.emit(Consortium, "ProposalExecuted").withArgs(id, governors[2].address);
      await expect(tx).to.emit(Consortium, "MemberAdmitted");
      expect((await Consortium.memberSummary(NEW_ORG)).status).to.equal(MemberStatus.Active);
      expect((await Consortium.proposal(id)).executed).to.equal(true);
      await expect(Consortium.connect(governors[2]).execute(id))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalClosed")
        .withArgs(id);
    });

    it("bubbles the action's own error and leaves the proposal pending", async function () {
      const { Consortium, governors } = await loadFixture(thresholdThreeFixture);
      const id = await Consortium.proposalCount();
      await Consortium.connect(governors[0]).propose(encode(Consortium, "reinstateMember", [NEW_ORG]));
      await Consortium.connect(governors[1]).approve(id);
      await govern(Consortium, governors, "setThreshold", [2], 3);
      await expect(Consortium.connect(governors[2]).execute(id))
        .to.be.revertedWithCustomError(Consortium, "ConsortiumMemberUnknown")
        .withArgs(NEW_ORG);
      expect((await Consortium.proposal(id)).executed).to.equal(false);
      expect(await Consortium.approvalCount(id)).to.equal(2n);
    });

    it("rejects a non-governor", async function () {
      const { Consortium, governors, outsider } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await expect(Consortium.connect(outsider).execute(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotGovernor")
        .withArgs(outsider.address);
    });

    it("rejects an unknown proposal", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await expect(Consortium.connect(governors[0]).execute(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalNotFound")
        .withArgs(0);
    });
  });

  describe("cancel", function () {
    it("lets the proposer withdraw a pending proposal", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await expect(Consortium.connect(governors[0]).cancel(0))
        .to.emit(Consortium, "ProposalCancelled")
        .withArgs(0, governors[0].address);
      const p = await Consortium.proposal(0);
      expect(p.cancelled).to.equal(true);
      expect(p.executed).to.equal(false);
    });

    it("closes the proposal to approvals, withdrawals, execution and a second cancel", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await Consortium.connect(governors[0]).cancel(0);
      await expect(Consortium.connect(governors[1]).approve(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalClosed")
        .withArgs(0);
      await expect(Consortium.connect(governors[0]).revokeApproval(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalClosed")
        .withArgs(0);
      await expect(Consortium.connect(governors[0]).execute(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalClosed")
        .withArgs(0);
      await expect(Consortium.connect(governors[0]).cancel(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalClosed")
        .withArgs(0);
      expect(await Consortium.threshold()).to.equal(2n);
    });

    it("rejects a cancel by another governor", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await expect(Consortium.connect(governors[1]).cancel(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotProposer")
        .withArgs(0, governors[1].address);
    });

    it("rejects a cancel by a non-governor", async function () {
      const { Consortium, governors, outsider } = await loadFixture(deployFixture);
      await Consortium.connect(governors[0]).propose(encode(Consortium, "setThreshold", [3]));
      await expect(Consortium.connect(outsider).cancel(0))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotGovernor")
        .withArgs(outsider.address);
    });

    it("rejects a cancel after the proposal ran", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      const id = await govern(Consortium, governors, "setThreshold", [3]);
      await expect(Consortium.connect(governors[0]).cancel(id))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalClosed")
        .withArgs(id);
    });

    it("rejects an unknown proposal", async function () {
      const { Consortium, governors } = await loadFixture(deployFixture);
      await expect(Consortium.connect(governors[0]).cancel(3))
        .to.be.revertedWithCustomError(Consortium, "GovernanceProposalNotFound")
        .withArgs(3);
    });
  });

  describe("expiry", function () {
    async function pendingProposal() {
      const f = await loadFixture(deployFixture);
      await f.Consortium.connect(f.governors[0]).propose(encode(f.Consortium, "setThreshold", [3]));
      const expiresAt = (await f.Consortium.proposal(0)).expiresAt;
      return { ...f, expiresAt };
    }

    it("still accepts an approval at the last second of the lifetime", async function () {
      const { Consortium, governors, expiresAt } = await loadFixture(pendingProposal);
      await time.setNextBlockTimestamp(expiresAt);
      await expect(Consortium.connect(governors[1]).approve(0)).to.emit(Consortium, "ProposalExecuted").withArgs(0, governors[1].address);
    });

    it("rejects approvals, withdrawals, execution and cancel after PROPOSAL_LIFETIME", async function () {
      const { Consortium, governors, expiresAt } = await loadFixture(pendingProposal);
      await time.increase(PROPOSAL_LIFETIME);
      for (const call of [
        () => Consortium.connect(governors[1]).approve(0),
        () => Consortium.connect(governors[0]).revokeApproval(0),
        () => Consortium.connect(governors[0]).execute(0),
        () => Consortium.connect(governors[0]).cancel(0),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(Consortium, "GovernanceProposalExpired").withArgs(0, expiresAt);
      }
      expect(await Consortium.threshold()).to.equal(2n);
    });
  });

  describe("governor changes and approvals", function () {
    /** governors[2] proposes a pending admission, then governors[0..1] remove governors[2]. */
    async function removedApproverFixture() {
      const f = await loadFixture(deployFixture);
      const { Consortium, governors } = f;
      await Consortium.connect(governors[2]).propose(encode(Consortium, "admitMember", admission(f)));
      await govern(Consortium, governors, "removeGovernor", [governors[2].address]);
      return { ...f, pending: 0n };
    }

    it("stops counting the approval of a removed governor", async function () {
      const { Consortium, governors, pending } = await loadFixture(removedApproverFixture);
      expect(await Consortium.isGovernor(governors[2].address)).to.equal(false);
      expect(await Consortium.approvalCount(pending)).to.equal(0n);
      expect(await Consortium.hasApproved(pending, governors[2].address)).to.equal(false);
      await expect(Consortium.connect(governors[0]).approve(pending))
        .to.emit(Consortium, "ProposalApproved")
        .withArgs(pending, governors[0].address, 1, 2);
      expect((await Consortium.memberSummary(NEW_ORG)).status).to.equal(MemberStatus.None);
    });

    it("rejects approvals and withdrawals by a removed governor", async function () {
      const { Consortium, governors, pending } = await loadFixture(removedApproverFixture);
      await expect(Consortium.connect(governors[2]).approve(pending))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotGovernor")
        .withArgs(governors[2].address);
      await expect(Consortium.connect(governors[2]).revokeApproval(pending))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotGovernor")
        .withArgs(governors[2].address);
    });

    it("does not hand the removed governor's approval to the next governor in its slot", async function () {
      const { Consortium, governors, spare, pending } = await loadFixture(removedApproverFixture);
      await govern(Consortium, governors, "addGovernor", [spare[1].address]);
      // The freed slot (the third) is reused: the list keeps slot order.
      expect([...(await Consortium.governors())]).to.deep.equal([governors[0].address, governors[1].address, spare[1].address]);
      expect(await Consortium.approvalCount(pending)).to.equal(0n);
      expect(await Consortium.hasApproved(pending, spare[1].address)).to.equal(false);
      await expect(Consortium.connect(spare[1]).revokeApproval(pending))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotApproved")
        .withArgs(pending, spare[1].address);
      await expect(Consortium.connect(spare[1]).approve(pending))
        .to.emit(Consortium, "ProposalApproved")
        .withArgs(pending, spare[1].address, 1, 2);
      await expect(Consortium.connect(governors[1]).approve(pending))
        .to.emit(Consortium, "ProposalExecuted")
        .withArgs(pending, governors[1].address);
    });

    it("does not restore the approval when the removed governor is seated again", async function () {
      const { Consortium, governors, pending } = await loadFixture(removedApproverFixture);
      await govern(Consortium, governors, "addGovernor", [governors[2].address]);
      expect(await Consortium.approvalCount(pending)).to.equal(0n);
      expect(await Consortium.hasApproved(pending, governors[2].address)).to.equal(false);
      await expect(Consortium.connect(governors[2]).approve(pending))
        .to.emit(Consortium, "ProposalApproved")
        .withArgs(pending, governors[2].address, 1, 2);
    });

    it("no longer lets a removed governor cancel its own proposal", async function () {
      const { Consortium, governors, pending } = await loadFixture(removedApproverFixture);
      await expect(Consortium.connect(governors[2]).cancel(pending))
        .to.be.revertedWithCustomError(Consortium, "GovernanceNotGovernor")
        .withArgs(governors[2].address);
      expect((await Consortium.proposal(pending)).cancelled).to.equal(false);
    });
  });

  // ================================================================ actions

  describe("governance actions", function () {
    it("rejects a direct call of every action, even by a governor", async function () {
      const f = await loadFixture(membersFixture);
      const { Consortium, governors, outsider, spare } = f;
      const calls = [
        ["admitMember", admission(f)],
        ["suspendMember", [ORG.BANK_A]],
        ["reinstateMember", [ORG.BANK_A]],
        ["removeMember", [ORG.BANK_A]],
        ["changeRole", [ORG.BANK_A, Role.Guarantor]],
        ["changeEncryptionKey", [ORG.BANK_A, encryptionKey("new")]],
        ["changeEndpoint", [ORG.BANK_A, "https://x.example", ""]],
        ["changeTlsPins", [ORG.BANK_A, [tlsPin("x")]]],
        ["addOperator", [ORG.BANK_A, spare[0].address]],
        ["removeOperator", [ORG.BANK_A, f.bankA.address]],
        ["addGovernor", [spare[0].address]],
        ["removeGovernor", [governors[2].address]],
        ["setThreshold", [1]],
      ];
      expect(calls.length).to.equal(13);
      for (const [fn, args] of calls) {
        for (const caller of [governors[0], outsider, f.bankA]) {
          await expect(Consortium.connect(caller)[fn](...args))
            .to.be.revertedWithCustomError(Consortium, "GovernanceOnlyByProposal")
            .withArgs(caller.address);
        }
      }
    });

    describe("admitMember", function () {
      it("admits an active member with its details and operators", async function () {
        const f = await loadFixture(membersFixture);
        const { Consortium, spare } = f;
        const args = admission(f, { operators: [spare[0].address, spare[1].address] });
        const tx = await pass(f, "admitMember", args);
        await expect(tx)
          .to.emit(Consortium, "MemberAdmitted")
          .withArgs(NEW_ORG, Role.Bank, args[2], args[3], args[4], args[5]);
        await expect(tx).to.emit(Consortium, "OperatorAdded").withArgs(NEW_ORG, spare[0].address);
        await expect(tx).to.emit(Consortium, "OperatorAdded").withArgs(NEW_ORG, spare[1].address);
        const block = BigInt((await tx.wait()).blockNumber);

        const m = await Consortium.member(NEW_ORG);
        expect(m.role).to.equal(Role.Bank);
        expect(m.status).to.equal(MemberStatus.Active);
        expect(m.index).to.equal(7n);
        expect(m.admittedAtBlock).to.equal(block);
        expect(m.updatedAtBlock).to.equal(block);
        expect(m.name).to.equal(args[2]);
        expect(m.endpoint).to.equal(args[3]);
        expect(m.enode).to.equal(args[4]);
        expect(m.encryptionKey).to.equal(args[5]);
        expect([...(await Consortium.operatorsOf(NEW_ORG))]).to.deep.equal([spare[0].address, spare[1].address]);
        expect(await Consortium.memberCount()).to.equal(7n);
        expect((await Consortium.memberIds())[6]).to.equal(NEW_ORG);
        expect(await Consortium.isActiveOperator(spare[1].address, Role.Bank)).to.equal(true);
      });

      it("accepts a key with either compressed prefix, a 128-byte name and MAX_OPERATORS operators", async function () {
        const f = await loadFixture(deployFixture);
        const operators = Array.from({ length: Number(MAX_OPERATORS) }, (_, i) => placeholder(100 + i));
        const key02 = "0x02" + "11".repeat(32);
        await expect(pass(f, "admitMember", admission(f, { name: "n".repeat(128), encryptionKey: key02, operators })))
          .to.emit(f.Consortium, "MemberAdmitted");
        expect((await f.Consortium.operatorsOf(NEW_ORG)).length).to.equal(16);
        const key03 = "0x03" + "22".repeat(32);
        const other = L.orgId(ethers, "guarantor.other");
        await expect(
          pass(f, "admitMember", admission(f, { orgId: other, encryptionKey: key03, operators: [f.spare[1].address] })),
        ).to.emit(f.Consortium, "MemberAdmitted");
      });

      it("rejects the zero org id", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "admitMember", admission(f, { orgId: ZERO_ID }))).to.be.revertedWithCustomError(
          f.Consortium,
          "ConsortiumInvalidOrgId",
        );
      });

      it("rejects an org id already admitted", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "admitMember", admission(f, { orgId: ORG.BANK_A })))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumMemberExists")
          .withArgs(ORG.BANK_A);
      });

      it("rejects the role None", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "admitMember", admission(f, { role: Role.None })))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidRole")
          .withArgs(Role.None);
      });

      it("rejects an empty name", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "admitMember", admission(f, { name: "" }))).to.be.revertedWithCustomError(
          f.Consortium,
          "ConsortiumInvalidName",
        );
      });

      it("rejects a name longer than 128 bytes", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "admitMember", admission(f, { name: "n".repeat(129) }))).to.be.revertedWithCustomError(
          f.Consortium,
          "ConsortiumInvalidName",
        );
        // 43 CJK characters are 129 bytes of UTF-8.
        await expect(pass(f, "admitMember", admission(f, { name: "税".repeat(43) }))).to.be.revertedWithCustomError(
          f.Consortium,
          "ConsortiumInvalidName",
        );
      });

      it("rejects a member without operators", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "admitMember", admission(f, { operators: [] })))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumNoOperators")
          .withArgs(NEW_ORG);
      });

      it("rejects an encryption key of the wrong length", async function () {
        const f = await loadFixture(deployFixture);
        const uncompressed = ethers.SigningKey.computePublicKey(ethers.id("k"), false); // 65 bytes
        for (const key of ["0x", "0x02" + "11".repeat(31), "0x02" + "11".repeat(33), uncompressed]) {
          await expect(pass(f, "admitMember", admission(f, { encryptionKey: key })))
            .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidEncryptionKey")
            .withArgs(key);
        }
      });

      it("rejects a 33-byte encryption key with the wrong prefix", async function () {
        const f = await loadFixture(deployFixture);
        for (const key of ["0x04" + "11".repeat(32), "0x00" + "11".repeat(32)]) {
          await expect(pass(f, "admitMember", admission(f, { encryptionKey: key })))
            .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidEncryptionKey")
            .withArgs(key);
        }
      });

      it("rejects an operator that acts for another member", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "admitMember", admission(f, { operators: [f.spare[0].address, f.bankB.address] })))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumOperatorTaken")
          .withArgs(f.bankB.address, ORG.BANK_B);
        expect((await f.Consortium.memberSummary(NEW_ORG)).status).to.equal(MemberStatus.None);
      });

      it("rejects an operator listed twice", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "admitMember", admission(f, { operators: [f.spare[0].address, f.spare[0].address] })))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumOperatorTaken")
          .withArgs(f.spare[0].address, NEW_ORG);
      });

      it("rejects more than MAX_OPERATORS operators", async function () {
        const f = await loadFixture(deployFixture);
        const operators = Array.from({ length: Number(MAX_OPERATORS) + 1 }, (_, i) => placeholder(100 + i));
        await expect(pass(f, "admitMember", admission(f, { operators })))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumTooManyOperators")
          .withArgs(NEW_ORG, MAX_OPERATORS);
      });

      it("rejects the consortium's own address as an operator", async function () {
        const f = await loadFixture(deployFixture);
        const own = await f.Consortium.getAddress();
        await expect(pass(f, "admitMember", admission(f, { operators: [f.spare[0].address, own] })))
          .to.be.revertedWithCustomError(f.Consortium, "GovernanceInvalidAccount")
          .withArgs(own);
        expect((await f.Consortium.memberSummary(NEW_ORG)).status).to.equal(MemberStatus.None);
        expect([...(await f.Consortium.operatorOrg(own))]).to.deep.equal([ZERO_ID, 0n, 0n, 0n]);
      });

      it("rejects the zero address as an operator", async function () {
        const f = await loadFixture(deployFixture);
        await expect(
          pass(f, "admitMember", admission(f, { operators: [f.spare[0].address, ethers.ZeroAddress] })),
        ).to.be.revertedWithCustomError(f.Consortium, "GovernanceZeroAddress");
      });
    });

    describe("suspendMember and reinstateMember", function () {
      it("suspends an active member and stops its operators acting", async function () {
        const f = await loadFixture(membersFixture);
        const tx = await pass(f, "suspendMember", [ORG.BANK_A]);
        await expect(tx).to.emit(f.Consortium, "MemberSuspended").withArgs(ORG.BANK_A);
        const m = await f.Consortium.member(ORG.BANK_A);
        expect(m.status).to.equal(MemberStatus.Suspended);
        expect(m.updatedAtBlock).to.equal(BigInt((await tx.wait()).blockNumber));
        expect(m.admittedAtBlock).to.be.lessThan(m.updatedAtBlock);
        expect(await f.Consortium.isActiveOperator(f.bankA.address, Role.Bank)).to.equal(false);
        expect(await f.Consortium.isActiveOperator(f.bankA.address, Role.None)).to.equal(false);
        expect([...(await f.Consortium.operatorsOf(ORG.BANK_A))]).to.deep.equal([f.bankA.address]);
      });

      it("reinstates a suspended member", async function () {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
        const tx = await pass(f, "reinstateMember", [ORG.BANK_A]);
        await expect(tx).to.emit(f.Consortium, "MemberReinstated").withArgs(ORG.BANK_A);
        const m = await f.Consortium.member(ORG.BANK_A);
        expect(m.status).to.equal(MemberStatus.Active);
        expect(m.updatedAtBlock).to.equal(BigInt((await tx.wait()).blockNumber));
        expect(await f.Consortium.isActiveOperator(f.bankA.address, Role.Bank)).to.equal(true);
      });

      it("rejects suspending a member that is not active", async function () {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
        await expect(pass(f, "suspendMember", [ORG.BANK_A]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidStatus")
          .withArgs(ORG.BANK_A, MemberStatus.Suspended);
        await govern(f.Consortium, f.governors, "removeMember", [ORG.BANK_B]);
        await expect(pass(f, "suspendMember", [ORG.BANK_B]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidStatus")
          .withArgs(ORG.BANK_B, MemberStatus.Removed);
      });

      it("rejects reinstating a member that is not suspended", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "reinstateMember", [ORG.BANK_A]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidStatus")
          .withArgs(ORG.BANK_A, MemberStatus.Active);
        await govern(f.Consortium, f.governors, "removeMember", [ORG.BANK_B]);
        await expect(pass(f, "reinstateMember", [ORG.BANK_B]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidStatus")
          .withArgs(ORG.BANK_B, MemberStatus.Removed);
      });

      it("rejects an unknown member", async function () {
        const f = await loadFixture(membersFixture);
        for (const fn of ["suspendMember", "reinstateMember"]) {
          await expect(pass(f, fn, [NEW_ORG]))
            .to.be.revertedWithCustomError(f.Consortium, "ConsortiumMemberUnknown")
            .withArgs(NEW_ORG);
        }
      });
    });

    describe("removeMember", function () {
      it("removes an active member and frees its operators", async function () {
        const f = await loadFixture(membersFixture);
        const { Consortium, bankA, spare } = f;
        await govern(Consortium, f.governors, "addOperator", [ORG.BANK_A, spare[0].address]);
        const tx = await pass(f, "removeMember", [ORG.BANK_A]);
        await expect(tx).to.emit(Consortium, "OperatorRemoved").withArgs(ORG.BANK_A, spare[0].address);
        await expect(tx).to.emit(Consortium, "OperatorRemoved").withArgs(ORG.BANK_A, bankA.address);
        await expect(tx).to.emit(Consortium, "MemberRemoved").withArgs(ORG.BANK_A);

        const m = await Consortium.member(ORG.BANK_A);
        expect(m.status).to.equal(MemberStatus.Removed);
        expect(m.updatedAtBlock).to.equal(BigInt((await tx.wait()).blockNumber));
        expect(m.index).to.equal(2n);
        expect(await Consortium.operatorsOf(ORG.BANK_A)).to.have.length(0);
        for (const op of [bankA.address, spare[0].address]) {
          expect([...(await Consortium.operatorOrg(op))]).to.deep.equal([ZERO_ID, 0n, 0n, 0n]);
          expect(await Consortium.isActiveOperator(op, Role.None)).to.equal(false);
        }
        // The member stays listed (removal is a status, not a deletion).
        expect(await Consortium.memberCount()).to.equal(6n);
        expect([...(await Consortium.memberAt(2))]).to.deep.equal([ORG.BANK_A, BigInt(Role.Bank), BigInt(MemberStatus.Removed)]);
      });

      it("removes a suspended member", async function () {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "suspendMember", [ORG.GUARANTOR]);
        await expect(pass(f, "removeMember", [ORG.GUARANTOR])).to.emit(f.Consortium, "MemberRemoved").withArgs(ORG.GUARANTOR);
        expect((await f.Consortium.memberSummary(ORG.GUARANTOR)).status).to.equal(MemberStatus.Removed);
      });

      it("lets a freed operator act for another member", async function () {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "removeMember", [ORG.BANK_A]);
        await expect(pass(f, "addOperator", [ORG.BANK_B, f.bankA.address]))
          .to.emit(f.Consortium, "OperatorAdded")
          .withArgs(ORG.BANK_B, f.bankA.address);
        expect((await f.Consortium.operatorOrg(f.bankA.address)).orgId).to.equal(ORG.BANK_B);
      });

      it("rejects removing a member twice", async function () {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "removeMember", [ORG.BANK_A]);
        await expect(pass(f, "removeMember", [ORG.BANK_A]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidStatus")
          .withArgs(ORG.BANK_A, MemberStatus.Removed);
      });

      it("rejects an unknown member", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "removeMember", [NEW_ORG]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumMemberUnknown")
          .withArgs(NEW_ORG);
      });

      it("never re-admits a removed org id", async function () {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "removeMember", [ORG.BANK_A]);
        await expect(pass(f, "admitMember", admission(f, { orgId: ORG.BANK_A })))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumMemberExists")
          .withArgs(ORG.BANK_A);
      });

      it("rejects further changes to a removed member", async function () {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "removeMember", [ORG.BANK_A]);
        for (const [fn, args] of [
          ["changeRole", [ORG.BANK_A, Role.Guarantor]],
          ["changeEncryptionKey", [ORG.BANK_A, encryptionKey("new")]],
          ["changeEndpoint", [ORG.BANK_A, "https://x.example", ""]],
          ["changeTlsPins", [ORG.BANK_A, [tlsPin("x")]]],
          ["addOperator", [ORG.BANK_A, f.spare[0].address]],
          ["removeOperator", [ORG.BANK_A, f.bankA.address]],
        ]) {
          await expect(pass(f, fn, args))
            .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidStatus")
            .withArgs(ORG.BANK_A, MemberStatus.Removed);
        }
      });
    });

    describe("changeRole", function () {
      it("changes the role of a member", async function () {
        const f = await loadFixture(membersFixture);
        const tx = await pass(f, "changeRole", [ORG.BANK_A, Role.Guarantor]);
        await expect(tx).to.emit(f.Consortium, "MemberRoleChanged").withArgs(ORG.BANK_A, Role.Bank, Role.Guarantor);
        const m = await f.Consortium.member(ORG.BANK_A);
        expect(m.role).to.equal(Role.Guarantor);
        expect(m.updatedAtBlock).to.equal(BigInt((await tx.wait()).blockNumber));
        expect(await f.Consortium.isActiveOperator(f.bankA.address, Role.Bank)).to.equal(false);
        expect(await f.Consortium.isActiveOperator(f.bankA.address, Role.Guarantor)).to.equal(true);
      });

      it("changes the role of a suspended member", async function () {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "suspendMember", [ORG.AUDITOR]);
        await expect(pass(f, "changeRole", [ORG.AUDITOR, Role.Regulator]))
          .to.emit(f.Consortium, "MemberRoleChanged")
          .withArgs(ORG.AUDITOR, Role.Auditor, Role.Regulator);
        const summary = await f.Consortium.memberSummary(ORG.AUDITOR);
        expect(summary.role).to.equal(Role.Regulator);
        expect(summary.status).to.equal(MemberStatus.Suspended);
      });

      it("rejects the member's current role", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "changeRole", [ORG.BANK_A, Role.Bank]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidRole")
          .withArgs(Role.Bank);
      });

      it("rejects the role None", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "changeRole", [ORG.BANK_A, Role.None]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidRole")
          .withArgs(Role.None);
      });

      it("rejects an unknown member", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "changeRole", [NEW_ORG, Role.Bank]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumMemberUnknown")
          .withArgs(NEW_ORG);
      });
    });

    describe("changeEncryptionKey", function () {
      it("replaces the member's encryption key", async function () {
        const f = await loadFixture(membersFixture);
        const key = encryptionKey("CCB Liuzhou / 2026");
        const tx = await pass(f, "changeEncryptionKey", [ORG.BANK_A, key]);
        await expect(tx).to.emit(f.Consortium, "MemberEncryptionKeyChanged").withArgs(ORG.BANK_A, key);
        const m = await f.Consortium.member(ORG.BANK_A);
        expect(m.encryptionKey).to.equal(key);
        expect(m.updatedAtBlock).to.equal(BigInt((await tx.wait()).blockNumber));
      });

      it("rejects an invalid key", async function () {
        const f = await loadFixture(membersFixture);
        for (const key of ["0x02" + "11".repeat(31), "0x04" + "11".repeat(32)]) {
          await expect(pass(f, "changeEncryptionKey", [ORG.BANK_A, key]))
            .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidEncryptionKey")
            .withArgs(key);
        }
        expect((await f.Consortium.member(ORG.BANK_A)).encryptionKey).to.equal(encryptionKey("CCB Liuzhou"));
      });

      it("rejects an unknown member", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "changeEncryptionKey", [NEW_ORG, encryptionKey("x")]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumMemberUnknown")
          .withArgs(NEW_ORG);
      });
    });

    describe("changeEndpoint", function () {
      it("replaces the member's endpoint and enode", async function () {
        const f = await loadFixture(membersFixture);
        const endpoint = "https://ccb-liuzhou.example:8443";
        const enode = "enode://ccb@10.0.0.4:30303";
        const tx = await pass(f, "changeEndpoint", [ORG.BANK_A, endpoint, enode]);
        await expect(tx).to.emit(f.Consortium, "MemberEndpointChanged").withArgs(ORG.BANK_A, endpoint, enode);
        const m = await f.Consortium.member(ORG.BANK_A);
        expect(m.endpoint).to.equal(endpoint);
        expect(m.enode).to.equal(enode);
        expect(m.updatedAtBlock).to.equal(BigInt((await tx.wait()).blockNumber));
      });

      it("rejects an unknown member", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "changeEndpoint", [NEW_ORG, "https://x.example", ""]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumMemberUnknown")
          .withArgs(NEW_ORG);
      });
    });

    describe("changeTlsPins", function () {
      it("registers the pins of a member's node, readable with the member and on their own", async function () {
        const f = await loadFixture(membersFixture);
        expect([...(await f.Consortium.tlsPinsOf(ORG.BANK_A))]).to.deep.equal([]);
        const pins = [tlsPin("ccb current")];
        const tx = await pass(f, "changeTlsPins", [ORG.BANK_A, pins]);
        await expect(tx).to.emit(f.Consortium, "MemberTlsPinsChanged").withArgs(ORG.BANK_A, pins[0], ZERO_ID);
        const m = await f.Consortium.member(ORG.BANK_A);
        expect([...m.tlsPins]).to.deep.equal(pins);
        expect(m.updatedAtBlock).to.equal(BigInt((await tx.wait()).blockNumber));
        expect([...(await f.Consortium.tlsPinsOf(ORG.BANK_A))]).to.deep.equal(pins);
      });

      it("rotates without a gap: current and next, then next alone", async function () {
        const f = await loadFixture(membersFixture);
        const [current, next] = [tlsPin("current"), tlsPin("next")];
        await govern(f.Consortium, f.governors, "changeTlsPins", [ORG.BANK_A, [current]]);
        await govern(f.Consortium, f.governors, "changeTlsPins", [ORG.BANK_A, [current, next]]);
        expect([...(await f.Consortium.tlsPinsOf(ORG.BANK_A))]).to.deep.equal([current, next]);
        await govern(f.Consortium, f.governors, "changeTlsPins", [ORG.BANK_A, [next]]);
        expect([...(await f.Consortium.tlsPinsOf(ORG.BANK_A))]).to.deep.equal([next]);
        await govern(f.Consortium, f.governors, "changeTlsPins", [ORG.BANK_A, []]);
        expect([...(await f.Consortium.tlsPinsOf(ORG.BANK_A))]).to.deep.equal([]);
      });

      it("rejects more than two pins", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "changeTlsPins", [ORG.BANK_A, [tlsPin("a"), tlsPin("b"), tlsPin("c")]]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumTooManyTlsPins")
          .withArgs(ORG.BANK_A, 2);
      });

      it("rejects a zero pin and a pin given twice", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "changeTlsPins", [ORG.BANK_A, [ZERO_ID]]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidTlsPin")
          .withArgs(ZERO_ID);
        const pin = tlsPin("twice");
        await expect(pass(f, "changeTlsPins", [ORG.BANK_A, [pin, pin]]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumInvalidTlsPin")
          .withArgs(pin);
      });

      it("changes the pins of a suspended member", async function () {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
        await expect(pass(f, "changeTlsPins", [ORG.BANK_A, [tlsPin("s")]])).to.emit(f.Consortium, "MemberTlsPinsChanged");
      });

      it("rejects an unknown member", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "changeTlsPins", [NEW_ORG, [tlsPin("x")]]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumMemberUnknown")
          .withArgs(NEW_ORG);
      });

      it("forgets the pins of a removed member", async function () {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "changeTlsPins", [ORG.BANK_A, [tlsPin("gone")]]);
        await govern(f.Consortium, f.governors, "removeMember", [ORG.BANK_A]);
        expect([...(await f.Consortium.tlsPinsOf(ORG.BANK_A))]).to.deep.equal([]);
      });
    });

    describe("addOperator", function () {
      it("adds an operator account to a member", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "addOperator", [ORG.BANK_A, f.spare[0].address]))
          .to.emit(f.Consortium, "OperatorAdded")
          .withArgs(ORG.BANK_A, f.spare[0].address);
        expect([...(await f.Consortium.operatorsOf(ORG.BANK_A))]).to.deep.equal([f.bankA.address, f.spare[0].address]);
        expect(await f.Consortium.isActiveOperator(f.spare[0].address, Role.Bank)).to.equal(true);
      });

      it("adds an operator to a suspended member", async function () {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
        await expect(pass(f, "addOperator", [ORG.BANK_A, f.spare[0].address]))
          .to.emit(f.Consortium, "OperatorAdded")
          .withArgs(ORG.BANK_A, f.spare[0].address);
        expect(await f.Consortium.isActiveOperator(f.spare[0].address, Role.None)).to.equal(false);
      });

      it("rejects an operator that already acts for a member", async function () {
        const f = await loadFixture(membersFixture);
        for (const [operator, owner] of [
          [f.bankB.address, ORG.BANK_B],
          [f.bankA.address, ORG.BANK_A],
        ]) {
          await expect(pass(f, "addOperator", [ORG.BANK_A, operator]))
            .to.be.revertedWithCustomError(f.Consortium, "ConsortiumOperatorTaken")
            .withArgs(operator, owner);
        }
      });

      it("rejects the zero address", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "addOperator", [ORG.BANK_A, ethers.ZeroAddress])).to.be.revertedWithCustomError(
          f.Consortium,
          "GovernanceZeroAddress",
        );
      });

      it("rejects the consortium's own address", async function () {
        const f = await loadFixture(membersFixture);
        const own = await f.Consortium.getAddress();
        await expect(pass(f, "addOperator", [ORG.BANK_A, own]))
          .to.be.revertedWithCustomError(f.Consortium, "GovernanceInvalidAccount")
          .withArgs(own);
        expect([...(await f.Consortium.operatorsOf(ORG.BANK_A))]).to.deep.equal([f.bankA.address]);
        expect(await f.Consortium.isActiveOperator(own, Role.None)).to.equal(false);
      });

      it("rejects an operator beyond MAX_OPERATORS", async function () {
        const f = await loadFixture(deployFixture);
        const operators = Array.from({ length: Number(MAX_OPERATORS) }, (_, i) => placeholder(100 + i));
        await govern(f.Consortium, f.governors, "admitMember", admission(f, { operators }));
        await expect(pass(f, "addOperator", [NEW_ORG, f.spare[0].address]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumTooManyOperators")
          .withArgs(NEW_ORG, MAX_OPERATORS);
      });

      it("rejects an unknown member", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "addOperator", [NEW_ORG, f.spare[0].address]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumMemberUnknown")
          .withArgs(NEW_ORG);
      });
    });

    describe("removeOperator", function () {
      /** BANK_A operated by bankA, spare[0] and spare[1], in that order. */
      async function threeOperatorsFixture() {
        const f = await loadFixture(membersFixture);
        await govern(f.Consortium, f.governors, "addOperator", [ORG.BANK_A, f.spare[0].address]);
        await govern(f.Consortium, f.governors, "addOperator", [ORG.BANK_A, f.spare[1].address]);
        return f;
      }

      it("removes the first operator, moving the last into its place", async function () {
        const f = await loadFixture(threeOperatorsFixture);
        await expect(pass(f, "removeOperator", [ORG.BANK_A, f.bankA.address]))
          .to.emit(f.Consortium, "OperatorRemoved")
          .withArgs(ORG.BANK_A, f.bankA.address);
        expect([...(await f.Consortium.operatorsOf(ORG.BANK_A))]).to.deep.equal([f.spare[1].address, f.spare[0].address]);
        expect([...(await f.Consortium.operatorOrg(f.bankA.address))]).to.deep.equal([ZERO_ID, 0n, 0n, 0n]);
        expect(await f.Consortium.isActiveOperator(f.bankA.address, Role.None)).to.equal(false);
        expect(await f.Consortium.isActiveOperator(f.spare[1].address, Role.Bank)).to.equal(true);
      });

      it("removes the last operator in the list", async function () {
        const f = await loadFixture(threeOperatorsFixture);
        await expect(pass(f, "removeOperator", [ORG.BANK_A, f.spare[1].address]))
          .to.emit(f.Consortium, "OperatorRemoved")
          .withArgs(ORG.BANK_A, f.spare[1].address);
        expect([...(await f.Consortium.operatorsOf(ORG.BANK_A))]).to.deep.equal([f.bankA.address, f.spare[0].address]);
      });

      it("removes an operator of a suspended member", async function () {
        const f = await loadFixture(threeOperatorsFixture);
        await govern(f.Consortium, f.governors, "suspendMember", [ORG.BANK_A]);
        await expect(pass(f, "removeOperator", [ORG.BANK_A, f.spare[0].address]))
          .to.emit(f.Consortium, "OperatorRemoved")
          .withArgs(ORG.BANK_A, f.spare[0].address);
      });

      it("rejects removing the last operator", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "removeOperator", [ORG.BANK_A, f.bankA.address]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumNoOperators")
          .withArgs(ORG.BANK_A);
        expect(await f.Consortium.isActiveOperator(f.bankA.address, Role.Bank)).to.equal(true);
      });

      it("rejects an account that does not operate the member", async function () {
        const f = await loadFixture(threeOperatorsFixture);
        for (const account of [f.bankB.address, f.outsider.address]) {
          await expect(pass(f, "removeOperator", [ORG.BANK_A, account]))
            .to.be.revertedWithCustomError(f.Consortium, "ConsortiumOperatorUnknown")
            .withArgs(account, ORG.BANK_A);
        }
      });

      it("rejects an unknown member", async function () {
        const f = await loadFixture(membersFixture);
        await expect(pass(f, "removeOperator", [NEW_ORG, f.bankA.address]))
          .to.be.revertedWithCustomError(f.Consortium, "ConsortiumMemberUnknown")
          .withArgs(NEW_ORG);
      });
    });

    describe("addGovernor", function () {
      it("seats a new governor", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "addGovernor", [f.spare[0].address]))
          .to.emit(f.Consortium, "GovernorAdded")
          .withArgs(f.spare[0].address);
        expect(await f.Consortium.isGovernor(f.spare[0].address)).to.equal(true);
        expect([...(await f.Consortium.governors())]).to.deep.equal([...f.governors.map((g) => g.address), f.spare[0].address]);
        expect(await f.Consortium.threshold()).to.equal(2n);
        // The new governor can propose at once.
        await expect(f.Consortium.connect(f.spare[0]).propose(encode(f.Consortium, "setThreshold", [3])))
          .to.emit(f.Consortium, "ProposalApproved")
          .withArgs(1, f.spare[0].address, 1, 2);
      });

      it("rejects a sitting governor", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "addGovernor", [f.governors[2].address]))
          .to.be.revertedWithCustomError(f.Consortium, "GovernanceGovernorExists")
          .withArgs(f.governors[2].address);
      });

      it("rejects the zero address", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "addGovernor", [ethers.ZeroAddress])).to.be.revertedWithCustomError(
          f.Consortium,
          "GovernanceZeroAddress",
        );
      });

      it("rejects the consortium's own address, which could never approve", async function () {
        const f = await loadFixture(deployFixture);
        const own = await f.Consortium.getAddress();
        const id = await f.Consortium.proposalCount();
        await expect(pass(f, "addGovernor", [own]))
          .to.be.revertedWithCustomError(f.Consortium, "GovernanceInvalidAccount")
          .withArgs(own);
        expect(await f.Consortium.isGovernor(own)).to.equal(false);
        expect([...(await f.Consortium.governors())]).to.deep.equal(f.governors.map((g) => g.address));
        expect((await f.Consortium.proposal(id)).executed).to.equal(false);
      });

      it("rejects a governor beyond MAX_GOVERNORS", async function () {
        const { Consortium, governors, spare } = await loadFixture(fullGovernorsFixture);
        await expect(Consortium.connect(governors[0]).propose(encode(Consortium, "addGovernor", [spare[0].address])))
          .to.be.revertedWithCustomError(Consortium, "GovernanceTooManyGovernors")
          .withArgs(MAX_GOVERNORS);
        expect(await Consortium.proposalCount()).to.equal(0n);
      });
    });

    describe("removeGovernor", function () {
      it("unseats a governor", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "removeGovernor", [f.governors[0].address]))
          .to.emit(f.Consortium, "GovernorRemoved")
          .withArgs(f.governors[0].address);
        expect(await f.Consortium.isGovernor(f.governors[0].address)).to.equal(false);
        expect([...(await f.Consortium.governors())]).to.deep.equal([f.governors[1].address, f.governors[2].address]);
        await expect(f.Consortium.connect(f.governors[0]).propose(encode(f.Consortium, "setThreshold", [1])))
          .to.be.revertedWithCustomError(f.Consortium, "GovernanceNotGovernor")
          .withArgs(f.governors[0].address);
      });

      it("rejects an account that is not a governor", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "removeGovernor", [f.outsider.address]))
          .to.be.revertedWithCustomError(f.Consortium, "GovernanceGovernorUnknown")
          .withArgs(f.outsider.address);
      });

      it("rejects a removal that would leave fewer governors than the threshold", async function () {
        const f = await loadFixture(deployFixture);
        await govern(f.Consortium, f.governors, "removeGovernor", [f.governors[2].address]);
        await expect(pass(f, "removeGovernor", [f.governors[1].address]))
          .to.be.revertedWithCustomError(f.Consortium, "GovernanceInvalidThreshold")
          .withArgs(2, 1);
        expect(await f.Consortium.isGovernor(f.governors[1].address)).to.equal(true);
      });

      it("rejects removing the only governor", async function () {
        const f = await loadFixture(deployFixture);
        const Consortium = await ethers.deployContract("Consortium", [[f.governors[0].address], 1]);
        await expect(Consortium.connect(f.governors[0]).propose(encode(Consortium, "removeGovernor", [f.governors[0].address])))
          .to.be.revertedWithCustomError(Consortium, "GovernanceInvalidThreshold")
          .withArgs(1, 0);
      });
    });

    describe("setThreshold", function () {
      it("changes the threshold", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "setThreshold", [3])).to.emit(f.Consortium, "ThresholdChanged").withArgs(2, 3);
        expect(await f.Consortium.threshold()).to.equal(3n);
        await govern(f.Consortium, f.governors, "setThreshold", [1], 3);
        expect(await f.Consortium.threshold()).to.equal(1n);
      });

      it("rejects zero", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "setThreshold", [0]))
          .to.be.revertedWithCustomError(f.Consortium, "GovernanceInvalidThreshold")
          .withArgs(0, 3);
      });

      it("rejects more than the number of governors", async function () {
        const f = await loadFixture(deployFixture);
        await expect(pass(f, "setThreshold", [4]))
          .to.be.revertedWithCustomError(f.Consortium, "GovernanceInvalidThreshold")
          .withArgs(4, 3);
      });
    });
  });

  // ================================================================ views

  describe("views", function () {
    it("operatorOrg returns the org, role, status and index of an operator, zeros otherwise", async function () {
      const f = await loadFixture(membersFixture);
      expect([...(await f.Consortium.operatorOrg(f.bankA.address))]).to.deep.equal([
        ORG.BANK_A,
        BigInt(Role.Bank),
        BigInt(MemberStatus.Active),
        2n,
      ]);
      const named = await f.Consortium.operatorOrg(f.regulator.address);
      expect(named.orgId).to.equal(ORG.REGULATOR);
      expect(named.role).to.equal(Role.Regulator);
      expect(named.status).to.equal(MemberStatus.Active);
      expect(named.index).to.equal(6n);
      for (const account of [f.outsider.address, f.governors[0].address, ethers.ZeroAddress]) {
        expect([...(await f.Consortium.operatorOrg(account))]).to.deep.equal([ZERO_ID, 0n, 0n, 0n]);
      }
    });

    it("operatorOrg reports a suspended member's status", async function () {
      const f = await loadFixture(membersFixture);
      await govern(f.Consortium, f.governors, "suspendMember", [ORG.TAX]);
      expect([...(await f.Consortium.operatorOrg(f.tax.address))]).to.deep.equal([
        ORG.TAX,
        BigInt(Role.TaxBureau),
        BigInt(MemberStatus.Suspended),
        1n,
      ]);
    });

    it("isActiveOperator matches the role, or any role for None", async function () {
      const f = await loadFixture(membersFixture);
      expect(await f.Consortium.isActiveOperator(f.bankA.address, Role.Bank)).to.equal(true);
      expect(await f.Consortium.isActiveOperator(f.bankA.address, Role.None)).to.equal(true);
      expect(await f.Consortium.isActiveOperator(f.bankA.address, Role.TaxBureau)).to.equal(false);
      expect(await f.Consortium.isActiveOperator(f.tax.address, Role.TaxBureau)).to.equal(true);
      expect(await f.Consortium.isActiveOperator(f.outsider.address, Role.None)).to.equal(false);
      expect(await f.Consortium.isActiveOperator(f.outsider.address, Role.Bank)).to.equal(false);
    });

    it("memberSummary returns role, status and index, zeros for an unknown member", async function () {
      const f = await loadFixture(membersFixture);
      expect([...(await f.Consortium.memberSummary(ORG.TAX))]).to.deep.equal([
        BigInt(Role.TaxBureau),
        BigInt(MemberStatus.Active),
        1n,
      ]);
      expect([...(await f.Consortium.memberSummary(ORG.GUARANTOR))]).to.deep.equal([
        BigInt(Role.Guarantor),
        BigInt(MemberStatus.Active),
        4n,
      ]);
      expect([...(await f.Consortium.memberSummary(NEW_ORG))]).to.deep.equal([0n, 0n, 0n]);
    });

    it("memberAt returns members by 1-based admission index, zeros at 0 and past the end", async function () {
      const f = await loadFixture(membersFixture);
      expect([...(await f.Consortium.memberAt(1))]).to.deep.equal([ORG.TAX, BigInt(Role.TaxBureau), BigInt(MemberStatus.Active)]);
      expect([...(await f.Consortium.memberAt(6))]).to.deep.equal([
        ORG.REGULATOR,
        BigInt(Role.Regulator),
        BigInt(MemberStatus.Active),
      ]);
      for (const index of [0, 7, 2 ** 32 - 1]) {
        expect([...(await f.Consortium.memberAt(index))]).to.deep.equal([ZERO_ID, 0n, 0n]);
      }
    });

    it("member returns the stored member, an empty record for an unknown one", async function () {
      const f = await loadFixture(membersFixture);
      const m = await f.Consortium.member(ORG.TAX);
      expect(m.role).to.equal(Role.TaxBureau);
      expect(m.status).to.equal(MemberStatus.Active);
      expect(m.index).to.equal(1n);
      expect(m.admittedAtBlock).to.be.greaterThan(0n);
      expect(m.updatedAtBlock).to.equal(m.admittedAtBlock);
      expect(m.name).to.equal("Liuzhou Tax Bureau");
      expect(m.endpoint).to.equal("https://liuzhou-tax-bureau.example:7443");
      expect(m.enode).to.equal("");
      expect(m.encryptionKey).to.equal(encryptionKey("Liuzhou Tax Bureau"));
      expect((await f.Consortium.member(ORG.BANK_A)).admittedAtBlock).to.be.greaterThan(m.admittedAtBlock);

      const none = await f.Consortium.member(NEW_ORG);
      expect(none.status).to.equal(MemberStatus.None);
      expect(none.index).to.equal(0n);
      expect(none.name).to.equal("");
      expect(none.encryptionKey).to.equal("0x");
    });

    it("operatorsOf lists a member's operators, nothing for an unknown member", async function () {
      const f = await loadFixture(membersFixture);
      expect([...(await f.Consortium.operatorsOf(ORG.GUARANTOR))]).to.deep.equal([f.guarantor.address]);
      expect(await f.Consortium.operatorsOf(NEW_ORG)).to.have.length(0);
    });

    it("memberIds and memberCount list the members in admission order", async function () {
      const f = await loadFixture(membersFixture);
      expect([...(await f.Consortium.memberIds())]).to.deep.equal([
        ORG.TAX,
        ORG.BANK_A,
        ORG.BANK_B,
        ORG.GUARANTOR,
        ORG.AUDITOR,
        ORG.REGULATOR,
      ]);
      expect(await f.Consortium.memberCount()).to.equal(6n);
      const empty = await loadFixture(deployFixture);
      expect(await empty.Consortium.memberIds()).to.have.length(0);
    });

    it("proposal, proposalCount and approvalCount describe recorded proposals and reject unknown ids", async function () {
      const f = await loadFixture(membersFixture);
      expect(await f.Consortium.proposalCount()).to.equal(6n);
      const p = await f.Consortium.proposal(5);
      expect(p.executed).to.equal(true);
      expect(p.proposer).to.equal(f.governors[0].address);
      expect(p.action.slice(0, 10)).to.equal(f.Consortium.interface.getFunction("admitMember").selector);
      expect(await f.Consortium.approvalCount(5)).to.equal(2n);
      await expect(f.Consortium.proposal(6))
        .to.be.revertedWithCustomError(f.Consortium, "GovernanceProposalNotFound")
        .withArgs(6);
      await expect(f.Consortium.approvalCount(6))
        .to.be.revertedWithCustomError(f.Consortium, "GovernanceProposalNotFound")
        .withArgs(6);
    });

    it("hasApproved is false for unknown proposals and non-governors", async function () {
      const f = await loadFixture(membersFixture);
      expect(await f.Consortium.hasApproved(5, f.governors[0].address)).to.equal(true);
      expect(await f.Consortium.hasApproved(5, f.governors[1].address)).to.equal(true);
      expect(await f.Consortium.hasApproved(5, f.governors[2].address)).to.equal(false);
      expect(await f.Consortium.hasApproved(5, f.outsider.address)).to.equal(false);
      expect(await f.Consortium.hasApproved(6, f.governors[0].address)).to.equal(false);
    });
  });
});
