// Specification of contracts/consent/ConsentRegistry.sol: enterprise binding, EIP-712 consents (EOA and ERC-1271
// signers, unordered nonces), terms validation, revocation, narrowing, access checks and fetch counting.
"use strict";

const { expect } = require("chai");
const { ethers } = require("hardhat");
const { loadFixture, time } = require("@nomicfoundation/hardhat-network-helpers");
const {
  L,
  ORG,
  SALT,
  encryptionKey,
  govern,
  membersFixture,
  consentFixture,
  defaultTerms,
  grantBySig,
} = require("../helpers/fixtures");

const { AccessStatus, Role, Scope } = L;

/** Order of the secp256k1 group: s and n - s are both valid for the same message and key. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** The value the registry keeps for an account whose binding was removed. */
const RETIRED = ethers.toBeHex(1, 32);
const ORG_TAX2 = L.orgId(ethers, "tax.nanning");
const ORG_UNKNOWN = L.orgId(ethers, "bank.unknown");
const USCC_3 = "91450200MA5KZZZZ3C";
const DAY = 86400;
const REQUEST = ethers.id("request-1");
const RESPONSE = ethers.id("response-1");

/** The `ConsentTerms` struct as the event carries it (fields in declaration order). */
function termsTuple(terms) {
  return L.CONSENT_TYPES.Consent.map(({ name }) => terms[name]);
}

/** The other signature of the same key over the same digest: s' = n - s (high s) and v flipped. */
function malleate(signature) {
  const bytes = ethers.getBytes(signature);
  const s = BigInt(ethers.hexlify(bytes.slice(32, 64)));
  const v = bytes[64] === 27 ? 28 : 27;
  return ethers.concat([bytes.slice(0, 32), ethers.toBeHex(SECP256K1_N - s, 32), new Uint8Array([v])]);
}

async function status(f, id, consumer = ORG.BANK_A, provider = ORG.TAX, scopes = Scope.TaxCreditRating) {
  return f.ConsentRegistry.checkAccess(id, consumer, provider, scopes);
}

async function suspend(f, org) {
  await govern(f.Consortium, f.governors, "suspendMember", [org]);
}

/** Members plus a second tax bureau (operator spare[0]) and an unbound account (spare[2]). */
async function twoBureausFixture() {
  const f = await loadFixture(membersFixture);
  await govern(f.Consortium, f.governors, "admitMember", [
    ORG_TAX2,
    Role.TaxBureau,
    "Nanning Tax Bureau",
    "https://nanning-tax.example:7443",
    "",
    encryptionKey("Nanning Tax Bureau"),
    [f.spare[0].address],
  ]);
  return { ...f, tax2: f.spare[0], unbound: f.spare[2], cc3: L.creditCodeHash(ethers, USCC_3, SALT) };
}

/** Members plus an ERC-1271 contract wallet owned by spare[1], bound to a third credit code. */
async function walletFixture() {
  const f = await loadFixture(membersFixture);
  const owner = f.spare[1];
  const wallet = await (await ethers.getContractFactory("TestContractWallet")).deploy(owner.address);
  await wallet.waitForDeployment();
  const walletAddress = await wallet.getAddress();
  const cc3 = L.creditCodeHash(ethers, USCC_3, SALT);
  // The wallet's owner key signs the wallet's binding; the registry checks it through ERC-1271.
  const binding = { enterprise: walletAddress, creditCodeHash: cc3, taxBureau: ORG.TAX, nonce: 2n ** 200n };
  binding.deadline = BigInt(await time.latest()) + 3600n;
  const sig = await L.signBinding(owner, f.ConsentRegistry, binding);
  await (
    await f.ConsentRegistry.connect(f.tax).bindEnterprise(walletAddress, cc3, binding.nonce, binding.deadline, sig)
  ).wait();
  const terms = await defaultTerms(f, { enterprise: walletAddress, creditCodeHash: cc3 });
  return { ...f, owner, wallet, walletAddress, cc3, walletTerms: terms };
}

describe("ConsentRegistry", function () {
  describe("EIP-712 domain and type hashes", function () {
    it("exposes the Ledger ConsentRegistry domain for this chain and contract", async function () {
      const f = await loadFixture(membersFixture);
      const domain = await f.ConsentRegistry.eip712Domain();
      const { chainId } = await ethers.provider.getNetwork();
      expect(domain.name).to.equal(L.CONSENT_DOMAIN_NAME);
      expect(domain.version).to.equal(L.CONSENT_DOMAIN_VERSION);
      expect(domain.chainId).to.equal(chainId);
      expect(domain.verifyingContract).to.equal(await f.ConsentRegistry.getAddress());
    });

    it("declares the same Consent, Revocation and Narrowing types as the signing library", async function () {
      const f = await loadFixture(membersFixture);
      const typeHash = (types, primary) =>
        ethers.keccak256(ethers.toUtf8Bytes(ethers.TypedDataEncoder.from(types).encodeType(primary)));
      expect(await f.ConsentRegistry.CONSENT_TYPEHASH()).to.equal(typeHash(L.CONSENT_TYPES, "Consent"));
      expect(await f.ConsentRegistry.REVOCATION_TYPEHASH()).to.equal(typeHash(L.REVOCATION_TYPES, "Revocation"));
      expect(await f.ConsentRegistry.NARROWING_TYPEHASH()).to.equal(typeHash(L.NARROWING_TYPES, "Narrowing"));
    });

    it("points at the consortium it was deployed with", async function () {
      const f = await loadFixture(membersFixture);
      expect(await f.ConsentRegistry.consortium()).to.equal(await f.Consortium.getAddress());
    });
  });

  describe("binding enterprises", function () {
    /** The `Binding` the account of `signer` signs to be bound to `cc` by `taxOrg`, with its signature. */
    async function signedBinding(f, signer, cc, { taxOrg = ORG.TAX, nonce = 7n, deadline, domain = {} } = {}) {
      const binding = {
        enterprise: signer.address,
        creditCodeHash: cc,
        taxBureau: taxOrg,
        nonce,
        deadline: deadline ?? BigInt(await time.latest()) + 3600n,
      };
      const signature = await L.signBinding(signer, f.ConsentRegistry, binding, domain);
      return { ...binding, signature };
    }
    const bind = (f, operator, b) =>
      f.ConsentRegistry.connect(operator).bindEnterprise(b.enterprise, b.creditCodeHash, b.nonce, b.deadline, b.signature);
    const rotate = (f, operator, b) =>
      f.ConsentRegistry.connect(operator).rotateEnterprise(
        b.enterprise,
        b.creditCodeHash,
        b.nonce,
        b.deadline,
        b.signature,
      );

    describe("possession: the account signs its own binding", function () {
      it("binds an account on its own EIP-712 signature relayed by a tax-bureau operator", async function () {
        const f = await loadFixture(twoBureausFixture);
        expect(await f.ConsentRegistry.creditCodeOf(f.unbound.address)).to.equal(ethers.ZeroHash);
        const b = await signedBinding(f, f.unbound, f.cc3);
        await expect(bind(f, f.tax, b))
          .to.emit(f.ConsentRegistry, "EnterpriseBound")
          .withArgs(f.unbound.address, f.cc3, ORG.TAX);
        expect(await f.ConsentRegistry.creditCodeOf(f.unbound.address)).to.equal(f.cc3);
        expect(await f.ConsentRegistry.accountOf(f.cc3)).to.deep.equal([f.unbound.address, ORG.TAX]);
        expect(await f.ConsentRegistry.nonceUsed(f.unbound.address, b.nonce)).to.equal(true);
      });

      it("refuses a tax-bureau operator binding an address it controls to someone else's credit code", async function () {
        // The operator signs for its own address, but the binding names its account as the enterprise: without
        // the enterprise account's signature nothing is bound.
        const f = await loadFixture(twoBureausFixture);
        const forged = await signedBinding(f, f.tax, f.cc3);
        await expect(bind(f, f.tax, { ...forged, enterprise: f.unbound.address }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
          .withArgs(f.unbound.address);
        // Binding its own operator address does need that address's signature — which it has — but the credit code
        // already bound to another account is refused (at most one active account per credit code).
        const own = await signedBinding(f, f.tax, f.cc1);
        await expect(bind(f, f.tax, own))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentCreditCodeTaken")
          .withArgs(f.cc1, f.enterprise.address);
      });

      it("computes the binding digest as EIP-712 typed data over account, credit code, bureau, nonce and deadline", async function () {
        const f = await loadFixture(twoBureausFixture);
        const b = await signedBinding(f, f.unbound, f.cc3);
        const domain = await L.consentDomain(f.ConsentRegistry);
        const { signature, ...fields } = b;
        const expected = ethers.TypedDataEncoder.hash(domain, L.BINDING_TYPES, fields);
        expect(
          await f.ConsentRegistry.bindingDigest(b.enterprise, b.creditCodeHash, b.taxBureau, b.nonce, b.deadline),
        ).to.equal(expected);
        expect(ethers.recoverAddress(expected, signature)).to.equal(f.unbound.address);
        const typeHash = ethers.keccak256(
          ethers.toUtf8Bytes(ethers.TypedDataEncoder.from(L.BINDING_TYPES).encodeType("Binding")),
        );
        expect(await f.ConsentRegistry.BINDING_TYPEHASH()).to.equal(typeHash);
      });

      it("refuses a binding signed for another tax bureau", async function () {
        const f = await loadFixture(twoBureausFixture);
        const b = await signedBinding(f, f.unbound, f.cc3, { taxOrg: ORG_TAX2 });
        await expect(bind(f, f.tax, b))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
          .withArgs(f.unbound.address);
        await expect(bind(f, f.tax2, b)).to.emit(f.ConsentRegistry, "EnterpriseBound").withArgs(
          f.unbound.address,
          f.cc3,
          ORG_TAX2,
        );
      });

      it("refuses a binding signed for another chain or another registry", async function () {
        const f = await loadFixture(twoBureausFixture);
        for (const domain of [{ chainId: 1n }, { verifyingContract: f.outsider.address }, { version: "2" }]) {
          const b = await signedBinding(f, f.unbound, f.cc3, { domain });
          await expect(bind(f, f.tax, b))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
            .withArgs(f.unbound.address);
        }
      });

      it("refuses a binding whose credit code was changed by the relayer", async function () {
        const f = await loadFixture(twoBureausFixture);
        const b = await signedBinding(f, f.unbound, f.cc3);
        const other = L.creditCodeHash(ethers, "91450200MA5KWWWW4D", SALT);
        await expect(bind(f, f.tax, { ...b, creditCodeHash: other }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
          .withArgs(f.unbound.address);
      });

      it("refuses a binding after its deadline and accepts one in the deadline's second", async function () {
        const f = await loadFixture(twoBureausFixture);
        const now = BigInt(await time.latest());
        const late = await signedBinding(f, f.unbound, f.cc3, { deadline: now });
        await expect(bind(f, f.tax, late))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentSignatureExpired")
          .withArgs(now);
        const onTime = await signedBinding(f, f.unbound, f.cc3, { deadline: now + 10n, nonce: 8n });
        await time.setNextBlockTimestamp(now + 10n);
        await expect(bind(f, f.tax, onTime)).to.emit(f.ConsentRegistry, "EnterpriseBound");
      });

      it("uses the account's consent nonces: a binding nonce is used once, and an invalidated one is dead", async function () {
        const f = await loadFixture(twoBureausFixture);
        await (await f.ConsentRegistry.connect(f.unbound).invalidateNonce(7)).wait();
        const b = await signedBinding(f, f.unbound, f.cc3, { nonce: 7n });
        await expect(bind(f, f.tax, b))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNonceUsed")
          .withArgs(f.unbound.address, 7n);
      });

      it("refuses replaying a binding signature after the account was retired", async function () {
        const f = await loadFixture(twoBureausFixture);
        const b = await signedBinding(f, f.unbound, f.cc3);
        await (await bind(f, f.tax, b)).wait();
        await (await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.unbound.address)).wait();
        await expect(bind(f, f.tax, b))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseRetired")
          .withArgs(f.unbound.address);
      });

      it("accepts an ERC-1271 contract wallet's binding signed by its owner", async function () {
        const f = await loadFixture(walletFixture);
        expect(await f.ConsentRegistry.accountOf(f.cc3)).to.deep.equal([f.walletAddress, ORG.TAX]);
      });

      it("refuses binding by members of other roles, outsiders and suspended bureaus", async function () {
        const f = await loadFixture(twoBureausFixture);
        const b = await signedBinding(f, f.unbound, f.cc3);
        for (const who of [f.bankA, f.guarantor, f.auditor, f.regulator, f.outsider, f.unbound]) {
          await expect(bind(f, who, b))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipRequired")
            .withArgs(who.address, Role.TaxBureau);
        }
        await suspend(f, ORG.TAX);
        await expect(bind(f, f.tax, b))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipRequired")
          .withArgs(f.tax.address, Role.TaxBureau);
      });

      it("refuses the zero address as the enterprise account", async function () {
        const f = await loadFixture(twoBureausFixture);
        const b = await signedBinding(f, f.unbound, f.cc3);
        await expect(bind(f, f.tax, { ...b, enterprise: ethers.ZeroAddress })).to.be.revertedWithCustomError(
          f.ConsentRegistry,
          "ConsentEnterpriseZeroAddress",
        );
      });

      it("refuses the zero hash and the reserved hash 0x…01 that marks retired accounts", async function () {
        const f = await loadFixture(twoBureausFixture);
        for (const hash of [ethers.ZeroHash, RETIRED]) {
          const b = await signedBinding(f, f.unbound, hash);
          await expect(bind(f, f.tax, b))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentCreditCodeHashInvalid")
            .withArgs(hash);
        }
      });

      it("refuses to bind an account that is already bound, to any hash", async function () {
        const f = await loadFixture(twoBureausFixture);
        for (const hash of [f.cc1, f.cc3]) {
          const b = await signedBinding(f, f.enterprise, hash, { nonce: 99n });
          await expect(bind(f, f.tax, b))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseAlreadyBound")
            .withArgs(f.enterprise.address, f.cc1);
        }
      });
    });

    describe("one active account per credit code", function () {
      it("refuses a second account for a credit code that has an active one, whichever bureau relays", async function () {
        const f = await loadFixture(twoBureausFixture);
        for (const [operator, taxOrg] of [
          [f.tax, ORG.TAX],
          [f.tax2, ORG_TAX2],
        ]) {
          const b = await signedBinding(f, f.unbound, f.cc1, { taxOrg });
          await expect(bind(f, operator, b))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentCreditCodeTaken")
            .withArgs(f.cc1, f.enterprise.address);
        }
      });

      it("frees the credit code for a new account once the old one is retired", async function () {
        const f = await loadFixture(twoBureausFixture);
        await (await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address)).wait();
        expect(await f.ConsentRegistry.accountOf(f.cc1)).to.deep.equal([ethers.ZeroAddress, ethers.ZeroHash]);
        const b = await signedBinding(f, f.unbound, f.cc1, { taxOrg: ORG_TAX2 });
        await expect(bind(f, f.tax2, b)).to.emit(f.ConsentRegistry, "EnterpriseBound").withArgs(
          f.unbound.address,
          f.cc1,
          ORG_TAX2,
        );
        expect(await f.ConsentRegistry.accountOf(f.cc1)).to.deep.equal([f.unbound.address, ORG_TAX2]);
      });
    });

    describe("key rotation (recovery of a lost or compromised key)", function () {
      it("retires the old account and binds the new one in one transaction, on the new key's signature", async function () {
        const f = await loadFixture(twoBureausFixture);
        const b = await signedBinding(f, f.unbound, f.cc1);
        const tx = rotate(f, f.tax, b);
        await expect(tx)
          .to.emit(f.ConsentRegistry, "EnterpriseUnbound")
          .withArgs(f.enterprise.address, f.cc1, ORG.TAX)
          .and.to.emit(f.ConsentRegistry, "EnterpriseBound")
          .withArgs(f.unbound.address, f.cc1, ORG.TAX);
        expect(await f.ConsentRegistry.creditCodeOf(f.enterprise.address)).to.equal(ethers.ZeroHash);
        expect(await f.ConsentRegistry.creditCodeOf(f.unbound.address)).to.equal(f.cc1);
        expect(await f.ConsentRegistry.accountOf(f.cc1)).to.deep.equal([f.unbound.address, ORG.TAX]);
      });

      it("stops every consent the old account signed, and lets the new account consent", async function () {
        const f = await loadFixture(consentFixture);
        const other = await grantBySig(f, await defaultTerms(f, { nonce: 2, consumer: ORG.BANK_B }));
        const newKey = f.spare[2];
        await (await rotate(f, f.tax, await signedBinding(f, newKey, f.cc1))).wait();
        for (const [id, consumer] of [
          [f.consentId, ORG.BANK_A],
          [other, ORG.BANK_B],
        ]) {
          expect(await status(f, id, consumer)).to.equal(AccessStatus.EnterpriseUnbound);
        }
        await expect(
          f.AccessLog.connect(f.tax).recordAccess(f.consentId, ORG.BANK_A, Scope.TaxCreditRating, REQUEST, RESPONSE),
        )
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseNotBound")
          .withArgs(f.enterprise.address, ethers.ZeroHash);
        // The old key can sign nothing new for the enterprise…
        const stale = await defaultTerms(f, { nonce: 3 });
        await expect(
          f.ConsentRegistry.connect(f.bankA).grantConsentBySig(stale, await L.signConsent(f.enterprise, f.ConsentRegistry, stale)),
        )
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseNotBound")
          .withArgs(f.enterprise.address, f.cc1);
        // …while the new key consents under the same credit code.
        const fresh = await defaultTerms(f, { enterprise: newKey.address, nonce: 1 });
        const id = await grantBySig(f, fresh, newKey);
        expect(await status(f, id)).to.equal(AccessStatus.Allowed);
      });

      it("still lets the retired old account revoke the consents it signed", async function () {
        const f = await loadFixture(consentFixture);
        await (await rotate(f, f.tax, await signedBinding(f, f.spare[2], f.cc1))).wait();
        await expect(f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId))
          .to.emit(f.ConsentRegistry, "ConsentRevoked")
          .withArgs(f.consentId, f.enterprise.address, ORG.BANK_A);
      });

      it("lets only the bureau that made the binding rotate it", async function () {
        const f = await loadFixture(twoBureausFixture);
        const b = await signedBinding(f, f.unbound, f.cc1, { taxOrg: ORG_TAX2 });
        await expect(rotate(f, f.tax2, b))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipWrongOrganization")
          .withArgs(f.tax2.address, ORG.TAX, ORG_TAX2);
        for (const who of [f.bankA, f.outsider, f.enterprise]) {
          await expect(rotate(f, who, b))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipRequired")
            .withArgs(who.address, Role.TaxBureau);
        }
      });

      it("refuses a rotation the new key did not sign", async function () {
        const f = await loadFixture(twoBureausFixture);
        const forged = await signedBinding(f, f.tax, f.cc1);
        await expect(rotate(f, f.tax, { ...forged, enterprise: f.unbound.address }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
          .withArgs(f.unbound.address);
        expect(await f.ConsentRegistry.creditCodeOf(f.enterprise.address)).to.equal(f.cc1);
      });

      it("refuses to rotate a credit code that has no active account", async function () {
        const f = await loadFixture(twoBureausFixture);
        const b = await signedBinding(f, f.unbound, f.cc3);
        await expect(rotate(f, f.tax, b))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentCreditCodeNotBound")
          .withArgs(f.cc3);
      });

      it("refuses to rotate to an account that is bound or retired", async function () {
        const f = await loadFixture(twoBureausFixture);
        await expect(rotate(f, f.tax, await signedBinding(f, f.enterprise2, f.cc1)))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseAlreadyBound")
          .withArgs(f.enterprise2.address, f.cc2);
        await (await rotate(f, f.tax, await signedBinding(f, f.unbound, f.cc1))).wait();
        await expect(rotate(f, f.tax, await signedBinding(f, f.enterprise, f.cc1, { nonce: 8n })))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseRetired")
          .withArgs(f.enterprise.address);
      });
    });

    describe("retiring a binding", function () {
      it("lets the bureau that made the binding unbind an account", async function () {
        const f = await loadFixture(twoBureausFixture);
        await expect(f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address))
          .to.emit(f.ConsentRegistry, "EnterpriseUnbound")
          .withArgs(f.enterprise.address, f.cc1, ORG.TAX);
        expect(await f.ConsentRegistry.creditCodeOf(f.enterprise.address)).to.equal(ethers.ZeroHash);
        expect(await f.ConsentRegistry.creditCodeOf(f.enterprise2.address)).to.equal(f.cc2);
      });

      it("refuses unbinding by another tax bureau", async function () {
        const f = await loadFixture(twoBureausFixture);
        await expect(f.ConsentRegistry.connect(f.tax2).unbindEnterprise(f.enterprise.address))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipWrongOrganization")
          .withArgs(f.tax2.address, ORG.TAX, ORG_TAX2);
        expect(await f.ConsentRegistry.creditCodeOf(f.enterprise.address)).to.equal(f.cc1);
      });

      it("lets governance retire a binding through an approved proposal, even when its bureau is gone", async function () {
        const f = await loadFixture(twoBureausFixture);
        await govern(f.Consortium, f.governors, "removeMember", [ORG.TAX]);
        const registry = await f.ConsentRegistry.getAddress();
        const action = f.Consortium.interface.encodeFunctionData("retireEnterprise", [registry, f.enterprise.address]);
        const id = await f.Consortium.proposalCount();
        await (await f.Consortium.connect(f.governors[0]).propose(action)).wait();
        await expect(f.Consortium.connect(f.governors[1]).approve(id))
          .to.emit(f.ConsentRegistry, "EnterpriseUnbound")
          .withArgs(f.enterprise.address, f.cc1, ORG.TAX);
        expect(await f.ConsentRegistry.creditCodeOf(f.enterprise.address)).to.equal(ethers.ZeroHash);
      });

      it("refuses retireEnterprise called directly rather than by proposal", async function () {
        const f = await loadFixture(twoBureausFixture);
        await expect(
          f.Consortium.connect(f.governors[0]).retireEnterprise(await f.ConsentRegistry.getAddress(), f.enterprise.address),
        )
          .to.be.revertedWithCustomError(f.Consortium, "GovernanceOnlyByProposal")
          .withArgs(f.governors[0].address);
      });

      it("refuses unbinding by members of other roles and by outsiders", async function () {
        const f = await loadFixture(membersFixture);
        for (const who of [f.bankA, f.auditor, f.outsider, f.enterprise]) {
          await expect(f.ConsentRegistry.connect(who).unbindEnterprise(f.enterprise.address))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipRequired")
            .withArgs(who.address, Role.TaxBureau);
        }
      });

      it("refuses to unbind an account that was never bound", async function () {
        const f = await loadFixture(twoBureausFixture);
        await expect(f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.unbound.address))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseNotBound")
          .withArgs(f.unbound.address, ethers.ZeroHash);
      });

      it("refuses to unbind an account twice", async function () {
        const f = await loadFixture(membersFixture);
        await (await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address)).wait();
        await expect(f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseNotBound")
          .withArgs(f.enterprise.address, ethers.ZeroHash);
      });

      it("retires an unbound account for good, whatever hash a later binding names", async function () {
        const f = await loadFixture(twoBureausFixture);
        await (await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address)).wait();
        for (const hash of [f.cc1, f.cc3]) {
          const b = await signedBinding(f, f.enterprise, hash, { nonce: 99n });
          await expect(bind(f, f.tax, b))
            .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseRetired")
            .withArgs(f.enterprise.address);
        }
      });

    it("stops the consents of an unbound account from working", async function () {
      const f = await loadFixture(consentFixture);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.Allowed);
      await (await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address)).wait();
      expect(await status(f, f.consentId)).to.equal(AccessStatus.EnterpriseUnbound);
    });

    it("refuses new consents from an unbound account", async function () {
      const f = await loadFixture(consentFixture);
      await (await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address)).wait();
      const terms = await defaultTerms(f, { nonce: 2 });
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseNotBound")
        .withArgs(f.enterprise.address, f.cc1);
    });

    it("refuses a consent of a retired account that names the reserved hash 0x…01", async function () {
      const f = await loadFixture(membersFixture);
      await (await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address)).wait();
      const terms = await defaultTerms(f, { creditCodeHash: RETIRED });
      await expect(f.ConsentRegistry.connect(f.enterprise).grantConsent(terms))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseNotBound")
        .withArgs(f.enterprise.address, RETIRED);
    });

    it("still lets an unbound account revoke its consents", async function () {
      const f = await loadFixture(consentFixture);
      await (await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address)).wait();
      await expect(f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId))
        .to.emit(f.ConsentRegistry, "ConsentRevoked")
        .withArgs(f.consentId, f.enterprise.address, ORG.BANK_A);
    });
    });
  });

  describe("granting", function () {
    it("lets the enterprise grant a consent directly, with the EIP-712 digest as its id", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const domain = await L.consentDomain(f.ConsentRegistry);
      const expected = ethers.TypedDataEncoder.hash(domain, L.CONSENT_TYPES, terms);
      expect(await f.ConsentRegistry.consentId(terms)).to.equal(expected);
      expect(await f.ConsentRegistry.connect(f.enterprise).grantConsent.staticCall(terms)).to.equal(expected);
      await expect(f.ConsentRegistry.connect(f.enterprise).grantConsent(terms))
        .to.emit(f.ConsentRegistry, "ConsentGranted")
        .withArgs(expected, f.enterprise.address, ORG.BANK_A, ORG.TAX, f.cc1, termsTuple(terms), f.enterprise.address);
      expect(await f.ConsentRegistry.nonceUsed(f.enterprise.address, terms.nonce)).to.equal(true);
      expect(await status(f, expected)).to.equal(AccessStatus.Allowed);
    });

    it("refuses a direct grant from an account other than the enterprise", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const id = await f.ConsentRegistry.consentId(terms);
      // No signature was involved, so the refusal says who may grant, not that a signature is invalid.
      for (const who of [f.bankA, f.tax, f.enterprise2, f.outsider]) {
        await expect(f.ConsentRegistry.connect(who).grantConsent(terms))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNotEnterprise")
          .withArgs(id, who.address);
      }
    });

    it("accepts a signed consent relayed by a member, with the EIP-712 digest as its id", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      const domain = await L.consentDomain(f.ConsentRegistry);
      const expected = ethers.TypedDataEncoder.hash(domain, L.CONSENT_TYPES, terms);
      expect(await f.ConsentRegistry.consentId(terms)).to.equal(expected);
      expect(await f.ConsentRegistry.connect(f.bankA).grantConsentBySig.staticCall(terms, sig)).to.equal(expected);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
        .to.emit(f.ConsentRegistry, "ConsentGranted")
        .withArgs(expected, f.enterprise.address, ORG.BANK_A, ORG.TAX, f.cc1, termsTuple(terms), f.bankA.address);
    });

    it("accepts a signed consent relayed by an active member of any role", async function () {
      const f = await loadFixture(membersFixture);
      const relayers = [f.tax, f.bankA, f.bankB, f.guarantor, f.auditor, f.regulator];
      for (const [i, relayer] of relayers.entries()) {
        const terms = await defaultTerms(f, { nonce: 100 + i });
        const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
        const id = await f.ConsentRegistry.consentId(terms);
        await expect(f.ConsentRegistry.connect(relayer).grantConsentBySig(terms, sig))
          .to.emit(f.ConsentRegistry, "ConsentGranted")
          .withArgs(id, f.enterprise.address, ORG.BANK_A, ORG.TAX, f.cc1, termsTuple(terms), relayer.address);
      }
    });

    it("refuses a relayer that is not a member", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      for (const relayer of [f.outsider, f.enterprise]) {
        await expect(f.ConsentRegistry.connect(relayer).grantConsentBySig(terms, sig))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipRequired")
          .withArgs(relayer.address, Role.None);
      }
    });

    it("refuses a relayer whose member is suspended", async function () {
      const f = await loadFixture(membersFixture);
      await suspend(f, ORG.BANK_B);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      await expect(f.ConsentRegistry.connect(f.bankB).grantConsentBySig(terms, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipRequired")
        .withArgs(f.bankB.address, Role.None);
    });

    it("stores the enforcement state of the consent", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f, { fetchPeriod: 7 * DAY, fetchCap: 2, scopes: Scope.Invoices });
      const id = await grantBySig(f, terms);
      const s = await f.ConsentRegistry.consent(id);
      expect(s.enterprise).to.equal(f.enterprise.address);
      expect(s.consumer).to.equal(ORG.BANK_A);
      expect(s.provider).to.equal(ORG.TAX);
      expect(s.scopes).to.equal(Scope.Invoices);
      expect(s.validFrom).to.equal(terms.validFrom);
      expect(s.validUntil).to.equal(terms.validUntil);
      expect(s.revokedAtBlock).to.equal(0);
      expect(s.fetchCap).to.equal(2);
      expect(s.fetchPeriod).to.equal(7 * DAY);
      expect(s.fetchesInPeriod).to.equal(0);
      expect(s.periodIndex).to.equal(0);
    });

    it("returns an empty state for an unknown consent", async function () {
      const f = await loadFixture(membersFixture);
      const s = await f.ConsentRegistry.consent(ethers.id("no such consent"));
      expect(s.enterprise).to.equal(ethers.ZeroAddress);
      expect(s.consumer).to.equal(ethers.ZeroHash);
      expect(s.provider).to.equal(ethers.ZeroHash);
      expect(s.scopes).to.equal(0);
      expect(s.validUntil).to.equal(0);
    });

    it("accepts a guarantor as consumer", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f, { consumer: ORG.GUARANTOR });
      const id = await grantBySig(f, terms);
      expect((await f.ConsentRegistry.consent(id)).consumer).to.equal(ORG.GUARANTOR);
      expect(await status(f, id, ORG.GUARANTOR)).to.equal(AccessStatus.Allowed);
    });

    it("gives different ids to consents that differ only in their nonce", async function () {
      const f = await loadFixture(membersFixture);
      const a = await defaultTerms(f, { nonce: 1 });
      const b = { ...a, nonce: 2 };
      const idA = await grantBySig(f, a);
      const idB = await grantBySig(f, b);
      expect(idA).to.not.equal(idB);
      expect((await f.ConsentRegistry.consent(idB)).enterprise).to.equal(f.enterprise.address);
    });
  });

  describe("EIP-712 signature checks", function () {
    it("rejects a consent signed for another chain", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms, { chainId: 1n });
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
    });

    it("rejects a consent signed for another registry contract", async function () {
      const f = await loadFixture(membersFixture);
      const other = await (await ethers.getContractFactory("ConsentRegistry", f.deployer)).deploy(f.Consortium);
      await other.waitForDeployment();
      await (await L.bindEnterprise(other, f.tax, ORG.TAX, f.enterprise, f.cc1)).wait();
      const terms = await defaultTerms(f);
      const sigForOther = await L.signConsent(f.enterprise, other, terms);
      expect(await other.consentId(terms)).to.not.equal(await f.ConsentRegistry.consentId(terms));
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sigForOther))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
      // The same signature is good where it was meant to be used.
      await expect(other.connect(f.bankA).grantConsentBySig(terms, sigForOther)).to.emit(other, "ConsentGranted");
    });

    it("rejects a consent signed for another verifying contract address", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms, {
        verifyingContract: await f.AccessLog.getAddress(),
      });
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
    });

    it("rejects a consent signed under another domain name or version", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      for (const override of [{ name: "Other Registry" }, { version: "2" }]) {
        const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms, override);
        await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
          .withArgs(f.enterprise.address);
      }
    });

    it("rejects terms changed after signing", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      const widened = { ...terms, scopes: terms.scopes | Scope.Invoices };
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(widened, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
    });

    it("rejects a consent whose nonce was already used by another consent", async function () {
      const f = await loadFixture(consentFixture);
      const terms = await defaultTerms(f, { scopes: Scope.Invoices, nonce: f.terms.nonce });
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNonceUsed")
        .withArgs(f.enterprise.address, f.terms.nonce);
    });

    it("rejects replaying the same signed consent", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      await (await f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig)).wait();
      await expect(f.ConsentRegistry.connect(f.bankB).grantConsentBySig(terms, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNonceUsed")
        .withArgs(f.enterprise.address, terms.nonce);
    });

    it("rejects a consent submitted after its deadline", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      await time.increaseTo(terms.deadline + 1);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentSignatureExpired")
        .withArgs(terms.deadline);
    });

    it("accepts a consent submitted in the deadline's second", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      await time.setNextBlockTimestamp(terms.deadline);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig)).to.emit(
        f.ConsentRegistry,
        "ConsentGranted",
      );
    });

    it("refuses a direct grant after its deadline too", async function () {
      const f = await loadFixture(membersFixture);
      const now = await time.latest();
      const terms = await defaultTerms(f, { deadline: now });
      await expect(f.ConsentRegistry.connect(f.enterprise).grantConsent(terms))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentSignatureExpired")
        .withArgs(now);
    });

    it("rejects the high-s twin of a valid signature", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, malleate(sig)))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
      // The refusal burned nothing: the canonical signature still works.
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig)).to.emit(
        f.ConsentRegistry,
        "ConsentGranted",
      );
    });

    it("rejects a compact (EIP-2098, 64-byte) signature", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      const compact = ethers.Signature.from(sig).compactSerialized;
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, compact))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
    });

    it("rejects an empty signature", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, "0x"))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
    });

    it("rejects a consent signed by a key other than the enterprise's", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f);
      for (const signer of [f.enterprise2, f.bankA, f.tax]) {
        const sig = await L.signConsent(signer, f.ConsentRegistry, terms);
        await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
          .withArgs(f.enterprise.address);
      }
    });

    it("rejects a consent signed by an account that is not bound", async function () {
      const f = await loadFixture(twoBureausFixture);
      const terms = await defaultTerms(f, { enterprise: f.unbound.address });
      const sig = await L.signConsent(f.unbound, f.ConsentRegistry, terms);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseNotBound")
        .withArgs(f.unbound.address, f.cc1);
    });

    it("rejects a consent of an unbound account that names the zero hash", async function () {
      const f = await loadFixture(twoBureausFixture);
      const terms = await defaultTerms(f, { enterprise: f.unbound.address, creditCodeHash: ethers.ZeroHash });
      await expect(f.ConsentRegistry.connect(f.unbound).grantConsent(terms))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseNotBound")
        .withArgs(f.unbound.address, ethers.ZeroHash);
    });

    it("rejects a consent naming a credit code the account is not bound to", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f, { creditCodeHash: f.cc2 });
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseNotBound")
        .withArgs(f.enterprise.address, f.cc2);
    });
  });

  describe("nonces", function () {
    it("lets an enterprise invalidate a nonce, killing a signed but unsubmitted consent", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f, { nonce: 5 });
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      expect(await f.ConsentRegistry.nonceUsed(f.enterprise.address, 5)).to.equal(false);
      await expect(f.ConsentRegistry.connect(f.enterprise).invalidateNonce(5))
        .to.emit(f.ConsentRegistry, "NonceInvalidated")
        .withArgs(f.enterprise.address, 5);
      expect(await f.ConsentRegistry.nonceUsed(f.enterprise.address, 5)).to.equal(true);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNonceUsed")
        .withArgs(f.enterprise.address, 5);
    });

    it("refuses to invalidate a nonce that is already used", async function () {
      const f = await loadFixture(consentFixture);
      await expect(f.ConsentRegistry.connect(f.enterprise).invalidateNonce(f.terms.nonce))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNonceUsed")
        .withArgs(f.enterprise.address, f.terms.nonce);
    });

    it("keeps nonces per account", async function () {
      const f = await loadFixture(membersFixture);
      await (await f.ConsentRegistry.connect(f.outsider).invalidateNonce(5)).wait();
      expect(await f.ConsentRegistry.nonceUsed(f.outsider.address, 5)).to.equal(true);
      expect(await f.ConsentRegistry.nonceUsed(f.enterprise.address, 5)).to.equal(false);
      await grantBySig(f, await defaultTerms(f, { nonce: 5 }));
      expect(await f.ConsentRegistry.nonceUsed(f.enterprise.address, 5)).to.equal(true);
    });

    it("tracks nonces in different bitmap words independently", async function () {
      const f = await loadFixture(membersFixture);
      const big = 2n ** 200n;
      const used = [0n, 255n, 256n, big];
      const neighbours = [1n, 254n, 257n, 511n, 512n, big - 1n, big + 1n, big + 256n];
      const isUsed = (n) => f.ConsentRegistry.nonceUsed(f.enterprise.address, n);
      for (const n of [...used, ...neighbours]) expect(await isUsed(n)).to.equal(false);
      for (const [i, n] of used.entries()) {
        await (await f.ConsentRegistry.connect(f.enterprise).invalidateNonce(n)).wait();
        for (const [j, m] of used.entries()) expect(await isUsed(m)).to.equal(j <= i);
      }
      for (const n of neighbours) expect(await isUsed(n)).to.equal(false);
    });

    it("accepts any unused nonce, in any order, including very large ones", async function () {
      const f = await loadFixture(membersFixture);
      for (const nonce of [2n ** 200n, 7n, 0n, ethers.MaxUint256]) {
        await grantBySig(f, await defaultTerms(f, { nonce }));
        expect(await f.ConsentRegistry.nonceUsed(f.enterprise.address, nonce)).to.equal(true);
      }
      expect(await f.ConsentRegistry.nonceUsed(f.enterprise.address, 1)).to.equal(false);
    });

    it("shares one nonce space between consents, revocations and narrowings", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 3600;
      const sig = await L.signRevocation(f.enterprise, f.ConsentRegistry, {
        consentId: f.consentId,
        nonce: f.terms.nonce,
        deadline,
      });
      await expect(f.ConsentRegistry.revokeConsentBySig(f.consentId, f.terms.nonce, deadline, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNonceUsed")
        .withArgs(f.enterprise.address, f.terms.nonce);
    });
  });

  describe("ERC-1271 contract wallets", function () {
    it("accepts a consent signed by the wallet's owner and relayed by a member", async function () {
      const f = await loadFixture(walletFixture);
      const terms = f.walletTerms;
      const sig = await L.signConsent(f.owner, f.ConsentRegistry, terms);
      const id = await f.ConsentRegistry.consentId(terms);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
        .to.emit(f.ConsentRegistry, "ConsentGranted")
        .withArgs(id, f.walletAddress, ORG.BANK_A, ORG.TAX, f.cc3, termsTuple(terms), f.bankA.address);
      expect((await f.ConsentRegistry.consent(id)).enterprise).to.equal(f.walletAddress);
      expect(await status(f, id)).to.equal(AccessStatus.Allowed);
    });

    it("rejects a wallet consent signed by a key the wallet does not accept", async function () {
      const f = await loadFixture(walletFixture);
      const terms = f.walletTerms;
      for (const signer of [f.enterprise, f.bankA]) {
        const sig = await L.signConsent(signer, f.ConsentRegistry, terms);
        await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
          .withArgs(f.walletAddress);
      }
    });

    it("lets the wallet grant and revoke directly through execute()", async function () {
      const f = await loadFixture(walletFixture);
      const registryAddress = await f.ConsentRegistry.getAddress();
      const terms = f.walletTerms;
      const id = await f.ConsentRegistry.consentId(terms);
      const grant = f.ConsentRegistry.interface.encodeFunctionData("grantConsent", [terms]);
      await expect(f.wallet.connect(f.owner).execute(registryAddress, grant))
        .to.emit(f.ConsentRegistry, "ConsentGranted")
        .withArgs(id, f.walletAddress, ORG.BANK_A, ORG.TAX, f.cc3, termsTuple(terms), f.walletAddress);

      const revoke = f.ConsentRegistry.interface.encodeFunctionData("revokeConsent", [id]);
      const tx = f.wallet.connect(f.owner).execute(registryAddress, revoke);
      await expect(tx).to.emit(f.ConsentRegistry, "ConsentRevoked").withArgs(id, f.walletAddress, ORG.BANK_A);
      const block = (await (await tx).wait()).blockNumber;
      expect((await f.ConsentRegistry.consent(id)).revokedAtBlock).to.equal(block);
    });

    it("refuses the wallet's owner granting from its own account instead of the wallet", async function () {
      const f = await loadFixture(walletFixture);
      const id = await f.ConsentRegistry.consentId(f.walletTerms);
      await expect(f.ConsentRegistry.connect(f.owner).grantConsent(f.walletTerms))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNotEnterprise")
        .withArgs(id, f.owner.address);
    });

    it("accepts a wallet revocation and narrowing signed by the owner and refuses one by another key", async function () {
      const f = await loadFixture(walletFixture);
      const id = await grantBySig(f, f.walletTerms, f.owner);
      const deadline = (await time.latest()) + 3600;
      const narrowing = {
        consentId: id,
        scopes: Scope.TaxCreditRating,
        validUntil: f.walletTerms.validUntil,
        nonce: 2,
        deadline,
      };
      const badNarrowing = await L.signNarrowing(f.enterprise, f.ConsentRegistry, narrowing);
      await expect(
        f.ConsentRegistry.narrowConsentBySig(id, narrowing.scopes, narrowing.validUntil, 2, deadline, badNarrowing),
      )
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.walletAddress);
      const goodNarrowing = await L.signNarrowing(f.owner, f.ConsentRegistry, narrowing);
      await expect(
        f.ConsentRegistry.narrowConsentBySig(id, narrowing.scopes, narrowing.validUntil, 2, deadline, goodNarrowing),
      )
        .to.emit(f.ConsentRegistry, "ConsentNarrowed")
        .withArgs(id, f.walletAddress, ORG.BANK_A, narrowing.scopes, narrowing.validUntil);

      const revocation = { consentId: id, nonce: 3, deadline };
      const bad = await L.signRevocation(f.enterprise, f.ConsentRegistry, revocation);
      await expect(f.ConsentRegistry.connect(f.outsider).revokeConsentBySig(id, 3, deadline, bad))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.walletAddress);
      const good = await L.signRevocation(f.owner, f.ConsentRegistry, revocation);
      await expect(f.ConsentRegistry.connect(f.outsider).revokeConsentBySig(id, 3, deadline, good))
        .to.emit(f.ConsentRegistry, "ConsentRevoked")
        .withArgs(id, f.walletAddress, ORG.BANK_A);
    });
  });

  describe("terms validation", function () {
    /** One typed error per condition, with the offending values as arguments (`args` omitted: no arguments). */
    async function expectInvalid(f, overrides, error, args = []) {
      const terms = await defaultTerms(f, overrides);
      await expect(f.ConsentRegistry.connect(f.enterprise).grantConsent(terms))
        .to.be.revertedWithCustomError(f.ConsentRegistry, error)
        .withArgs(...args);
    }

    it("rejects empty scopes", async function () {
      const f = await loadFixture(membersFixture);
      await expectInvalid(f, { scopes: 0 }, "ConsentScopesEmpty");
    });

    it("rejects a validity that does not end after it starts", async function () {
      const f = await loadFixture(membersFixture);
      const now = await time.latest();
      await expectInvalid(f, { validFrom: now + DAY, validUntil: now + DAY }, "ConsentValidityInverted", [
        now + DAY,
        now + DAY,
      ]);
      await expectInvalid(f, { validFrom: now + 2 * DAY, validUntil: now + DAY }, "ConsentValidityInverted", [
        now + 2 * DAY,
        now + DAY,
      ]);
    });

    it("rejects a validity that has already ended", async function () {
      const f = await loadFixture(membersFixture);
      const now = await time.latest();
      await time.setNextBlockTimestamp(now + 1);
      await expectInvalid(f, { validFrom: now - 10 * DAY, validUntil: now - DAY }, "ConsentValidityEnded", [
        now - DAY,
        now + 1,
      ]);
    });

    it("rejects a validity beyond 2**40 - 1 and accepts one ending exactly there", async function () {
      const f = await loadFixture(membersFixture);
      const max = 2n ** 40n - 1n;
      await expectInvalid(f, { validUntil: max + 1n }, "ConsentValidityTooLong", [max + 1n, max]);
      const terms = await defaultTerms(f, { validUntil: max });
      const id = await f.ConsentRegistry.consentId(terms);
      await (await f.ConsentRegistry.connect(f.enterprise).grantConsent(terms)).wait();
      expect((await f.ConsentRegistry.consent(id)).validUntil).to.equal(max);
    });

    it("rejects a data period that ends before it starts", async function () {
      const f = await loadFixture(membersFixture);
      const now = await time.latest();
      await expectInvalid(f, { dataFrom: now, dataUntil: now - 1 }, "ConsentDataPeriodInverted", [now, now - 1]);
    });

    it("rejects a fetch cap of zero", async function () {
      const f = await loadFixture(membersFixture);
      await expectInvalid(f, { fetchCap: 0 }, "ConsentFetchCapZero");
    });

    it("rejects a fetch cap above 65535 and accepts 65535", async function () {
      const f = await loadFixture(membersFixture);
      await expectInvalid(f, { fetchCap: 65536 }, "ConsentFetchCapTooHigh", [65536, 65535]);
      const terms = await defaultTerms(f, { fetchCap: 65535 });
      const id = await f.ConsentRegistry.consentId(terms);
      await (await f.ConsentRegistry.connect(f.enterprise).grantConsent(terms)).wait();
      expect((await f.ConsentRegistry.consent(id)).fetchCap).to.equal(65535);
    });

    it("rejects a fetch period too short for the validity window and accepts the longest window that fits", async function () {
      const f = await loadFixture(membersFixture);
      const now = await time.latest();
      const error = "ConsentFetchPeriodTooShort";
      // At most 2**24 - 2 whole periods fit in the window (the period index is 24 bits).
      await expectInvalid(f, { validFrom: now, validUntil: now + 2 ** 24 - 1, fetchPeriod: 1 }, error, [
        1,
        now,
        now + 2 ** 24 - 1,
      ]);
      await expectInvalid(f, { validFrom: now, validUntil: now + 2 ** 25, fetchPeriod: 2 }, error, [
        2,
        now,
        now + 2 ** 25,
      ]);
      const terms = await defaultTerms(f, { validFrom: now, validUntil: now + 2 ** 24 - 2, fetchPeriod: 1 });
      const id = await f.ConsentRegistry.consentId(terms);
      await (await f.ConsentRegistry.connect(f.enterprise).grantConsent(terms)).wait();
      expect((await f.ConsentRegistry.consent(id)).fetchPeriod).to.equal(1);
    });

    it("rejects a consumer that is also the provider", async function () {
      const f = await loadFixture(membersFixture);
      await expectInvalid(f, { consumer: ORG.TAX, provider: ORG.TAX }, "ConsentConsumerIsProvider", [ORG.TAX]);
      await expectInvalid(f, { consumer: ORG.BANK_A, provider: ORG.BANK_A }, "ConsentConsumerIsProvider", [
        ORG.BANK_A,
      ]);
    });

    it("does not burn the nonce of refused terms", async function () {
      const f = await loadFixture(membersFixture);
      await expectInvalid(f, { scopes: 0, nonce: 9 }, "ConsentScopesEmpty");
      expect(await f.ConsentRegistry.nonceUsed(f.enterprise.address, 9)).to.equal(false);
    });

    async function expectConsumerIneligible(f, consumer) {
      const terms = await defaultTerms(f, { consumer });
      const id = await f.ConsentRegistry.consentId(terms);
      await expect(f.ConsentRegistry.connect(f.enterprise).grantConsent(terms))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentConsumerIneligible")
        .withArgs(id, consumer);
    }

    it("rejects a tax bureau as consumer", async function () {
      const f = await loadFixture(twoBureausFixture);
      await expectConsumerIneligible(f, ORG_TAX2);
    });

    it("rejects an auditor or a regulator as consumer", async function () {
      const f = await loadFixture(membersFixture);
      await expectConsumerIneligible(f, ORG.AUDITOR);
      await expectConsumerIneligible(f, ORG.REGULATOR);
    });

    it("rejects a suspended bank as consumer", async function () {
      const f = await loadFixture(membersFixture);
      await suspend(f, ORG.BANK_B);
      await expectConsumerIneligible(f, ORG.BANK_B);
    });

    it("rejects an unknown organization as consumer", async function () {
      const f = await loadFixture(membersFixture);
      await expectConsumerIneligible(f, ORG_UNKNOWN);
    });

    it("rejects a bank as provider", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f, { provider: ORG.BANK_B });
      const id = await f.ConsentRegistry.consentId(terms);
      await expect(f.ConsentRegistry.connect(f.enterprise).grantConsent(terms))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentProviderIneligible")
        .withArgs(id, ORG.BANK_B);
    });

    it("rejects a suspended tax bureau as provider", async function () {
      const f = await loadFixture(membersFixture);
      await suspend(f, ORG.TAX);
      const terms = await defaultTerms(f);
      const sig = await L.signConsent(f.enterprise, f.ConsentRegistry, terms);
      const id = await f.ConsentRegistry.consentId(terms);
      await expect(f.ConsentRegistry.connect(f.bankA).grantConsentBySig(terms, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentProviderIneligible")
        .withArgs(id, ORG.TAX);
    });

    it("rejects an unknown organization as provider", async function () {
      const f = await loadFixture(membersFixture);
      const terms = await defaultTerms(f, { provider: ORG_UNKNOWN });
      const id = await f.ConsentRegistry.consentId(terms);
      await expect(f.ConsentRegistry.connect(f.enterprise).grantConsent(terms))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentProviderIneligible")
        .withArgs(id, ORG_UNKNOWN);
    });
  });

  describe("revocation", function () {
    it("lets the enterprise revoke, effective in the block that includes it", async function () {
      const f = await loadFixture(consentFixture);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.Allowed);
      const tx = f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId);
      await expect(tx)
        .to.emit(f.ConsentRegistry, "ConsentRevoked")
        .withArgs(f.consentId, f.enterprise.address, ORG.BANK_A);
      const block = (await (await tx).wait()).blockNumber;
      expect((await f.ConsentRegistry.consent(f.consentId)).revokedAtBlock).to.equal(block);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.Revoked);
    });

    it("refuses a direct revocation by anyone but the enterprise", async function () {
      const f = await loadFixture(consentFixture);
      for (const who of [f.bankA, f.tax, f.enterprise2, f.outsider]) {
        await expect(f.ConsentRegistry.connect(who).revokeConsent(f.consentId))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNotEnterprise")
          .withArgs(f.consentId, who.address);
      }
    });

    it("refuses to revoke an unknown consent", async function () {
      const f = await loadFixture(consentFixture);
      const unknown = ethers.id("unknown consent");
      await expect(f.ConsentRegistry.connect(f.enterprise).revokeConsent(unknown))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentUnknown")
        .withArgs(unknown);
      const deadline = (await time.latest()) + 3600;
      const sig = await L.signRevocation(f.enterprise, f.ConsentRegistry, { consentId: unknown, nonce: 2, deadline });
      await expect(f.ConsentRegistry.revokeConsentBySig(unknown, 2, deadline, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentUnknown")
        .withArgs(unknown);
    });

    it("refuses to revoke a consent twice, naming the block of the first revocation", async function () {
      const f = await loadFixture(consentFixture);
      const rc = await (await f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId)).wait();
      await expect(f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentRevokedAt")
        .withArgs(f.consentId, rc.blockNumber);
      const deadline = (await time.latest()) + 3600;
      const sig = await L.signRevocation(f.enterprise, f.ConsentRegistry, {
        consentId: f.consentId,
        nonce: 2,
        deadline,
      });
      await expect(f.ConsentRegistry.connect(f.outsider).revokeConsentBySig(f.consentId, 2, deadline, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentRevokedAt")
        .withArgs(f.consentId, rc.blockNumber);
    });

    it("accepts a signed revocation relayed by anyone, even an outsider", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 3600;
      const sig = await L.signRevocation(f.enterprise, f.ConsentRegistry, {
        consentId: f.consentId,
        nonce: 2,
        deadline,
      });
      const tx = f.ConsentRegistry.connect(f.outsider).revokeConsentBySig(f.consentId, 2, deadline, sig);
      await expect(tx)
        .to.emit(f.ConsentRegistry, "ConsentRevoked")
        .withArgs(f.consentId, f.enterprise.address, ORG.BANK_A);
      const block = (await (await tx).wait()).blockNumber;
      expect((await f.ConsentRegistry.consent(f.consentId)).revokedAtBlock).to.equal(block);
      expect(await f.ConsentRegistry.nonceUsed(f.enterprise.address, 2)).to.equal(true);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.Revoked);
    });

    it("computes the revocation digest as EIP-712 typed data", async function () {
      const f = await loadFixture(consentFixture);
      const revocation = { consentId: f.consentId, nonce: 42, deadline: 1_900_000_000 };
      const domain = await L.consentDomain(f.ConsentRegistry);
      expect(await f.ConsentRegistry.revocationDigest(f.consentId, 42, 1_900_000_000)).to.equal(
        ethers.TypedDataEncoder.hash(domain, L.REVOCATION_TYPES, revocation),
      );
    });

    it("rejects a revocation signed by a key other than the enterprise's", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 3600;
      for (const signer of [f.enterprise2, f.bankA]) {
        const sig = await L.signRevocation(signer, f.ConsentRegistry, { consentId: f.consentId, nonce: 2, deadline });
        await expect(f.ConsentRegistry.revokeConsentBySig(f.consentId, 2, deadline, sig))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
          .withArgs(f.enterprise.address);
      }
    });

    it("rejects a revocation signed for another chain", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 3600;
      const sig = await L.signRevocation(
        f.enterprise,
        f.ConsentRegistry,
        { consentId: f.consentId, nonce: 2, deadline },
        { chainId: 1n },
      );
      await expect(f.ConsentRegistry.revokeConsentBySig(f.consentId, 2, deadline, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
    });

    it("rejects a revocation signed for another consent", async function () {
      const f = await loadFixture(consentFixture);
      const otherId = await grantBySig(f, await defaultTerms(f, { nonce: 2 }));
      const deadline = (await time.latest()) + 3600;
      const sig = await L.signRevocation(f.enterprise, f.ConsentRegistry, { consentId: otherId, nonce: 3, deadline });
      await expect(f.ConsentRegistry.revokeConsentBySig(f.consentId, 3, deadline, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
    });

    it("rejects a signed revocation after its deadline", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 60;
      const sig = await L.signRevocation(f.enterprise, f.ConsentRegistry, {
        consentId: f.consentId,
        nonce: 2,
        deadline,
      });
      await time.increaseTo(deadline + 1);
      await expect(f.ConsentRegistry.revokeConsentBySig(f.consentId, 2, deadline, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentSignatureExpired")
        .withArgs(deadline);
    });

    it("rejects a signed revocation whose nonce was already used", async function () {
      const f = await loadFixture(consentFixture);
      await (await f.ConsentRegistry.connect(f.enterprise).invalidateNonce(2)).wait();
      const deadline = (await time.latest()) + 3600;
      const sig = await L.signRevocation(f.enterprise, f.ConsentRegistry, {
        consentId: f.consentId,
        nonce: 2,
        deadline,
      });
      await expect(f.ConsentRegistry.revokeConsentBySig(f.consentId, 2, deadline, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNonceUsed")
        .withArgs(f.enterprise.address, 2);
    });

    it("rejects the high-s twin of a signed revocation", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 3600;
      const sig = await L.signRevocation(f.enterprise, f.ConsentRegistry, {
        consentId: f.consentId,
        nonce: 2,
        deadline,
      });
      await expect(f.ConsentRegistry.revokeConsentBySig(f.consentId, 2, deadline, malleate(sig)))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
    });

    it("leaves other consents of the enterprise untouched", async function () {
      const f = await loadFixture(consentFixture);
      const otherId = await grantBySig(f, await defaultTerms(f, { nonce: 2 }));
      await (await f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId)).wait();
      expect(await status(f, otherId)).to.equal(AccessStatus.Allowed);
    });
  });

  describe("narrowing", function () {
    it("lets the enterprise shrink scopes and shorten validity", async function () {
      const f = await loadFixture(consentFixture);
      const validUntil = f.terms.validUntil - 10 * DAY;
      await expect(
        f.ConsentRegistry.connect(f.enterprise).narrowConsent(f.consentId, Scope.TaxCreditRating, validUntil),
      )
        .to.emit(f.ConsentRegistry, "ConsentNarrowed")
        .withArgs(f.consentId, f.enterprise.address, ORG.BANK_A, Scope.TaxCreditRating, validUntil);
      const s = await f.ConsentRegistry.consent(f.consentId);
      expect(s.scopes).to.equal(Scope.TaxCreditRating);
      expect(s.validUntil).to.equal(validUntil);
      expect(await status(f, f.consentId, ORG.BANK_A, ORG.TAX, Scope.TaxCreditRating)).to.equal(AccessStatus.Allowed);
      expect(await status(f, f.consentId, ORG.BANK_A, ORG.TAX, Scope.TaxPayments)).to.equal(
        AccessStatus.ScopeNotGranted,
      );
      await time.increaseTo(validUntil + 1);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.Expired);
    });

    it("accepts a narrowing that keeps the current terms", async function () {
      const f = await loadFixture(consentFixture);
      await expect(
        f.ConsentRegistry.connect(f.enterprise).narrowConsent(f.consentId, f.terms.scopes, f.terms.validUntil),
      )
        .to.emit(f.ConsentRegistry, "ConsentNarrowed")
        .withArgs(f.consentId, f.enterprise.address, ORG.BANK_A, f.terms.scopes, f.terms.validUntil);
    });

    it("refuses a narrowing that adds a scope", async function () {
      const f = await loadFixture(consentFixture);
      for (const scopes of [f.terms.scopes | Scope.Invoices, Scope.Invoices]) {
        await expect(f.ConsentRegistry.connect(f.enterprise).narrowConsent(f.consentId, scopes, f.terms.validUntil))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNarrowingWidens")
          .withArgs(f.consentId);
      }
    });

    it("refuses a narrowing to no scopes at all", async function () {
      const f = await loadFixture(consentFixture);
      await expect(f.ConsentRegistry.connect(f.enterprise).narrowConsent(f.consentId, 0, f.terms.validUntil))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNarrowingWidens")
        .withArgs(f.consentId);
    });

    it("refuses a narrowing that extends validity", async function () {
      const f = await loadFixture(consentFixture);
      await expect(
        f.ConsentRegistry.connect(f.enterprise).narrowConsent(
          f.consentId,
          Scope.TaxCreditRating,
          f.terms.validUntil + 1,
        ),
      )
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNarrowingWidens")
        .withArgs(f.consentId);
    });

    it("refuses a second narrowing that widens back what the first removed", async function () {
      const f = await loadFixture(consentFixture);
      const shorter = f.terms.validUntil - DAY;
      await (
        await f.ConsentRegistry.connect(f.enterprise).narrowConsent(f.consentId, Scope.TaxCreditRating, shorter)
      ).wait();
      await expect(f.ConsentRegistry.connect(f.enterprise).narrowConsent(f.consentId, f.terms.scopes, shorter))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNarrowingWidens")
        .withArgs(f.consentId);
      await expect(
        f.ConsentRegistry.connect(f.enterprise).narrowConsent(f.consentId, Scope.TaxCreditRating, f.terms.validUntil),
      )
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNarrowingWidens")
        .withArgs(f.consentId);
    });

    it("refuses a direct narrowing by anyone but the enterprise", async function () {
      const f = await loadFixture(consentFixture);
      for (const who of [f.bankA, f.outsider]) {
        await expect(
          f.ConsentRegistry.connect(who).narrowConsent(f.consentId, Scope.TaxCreditRating, f.terms.validUntil),
        )
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNotEnterprise")
          .withArgs(f.consentId, who.address);
      }
    });

    it("refuses to narrow an unknown consent", async function () {
      const f = await loadFixture(consentFixture);
      const unknown = ethers.id("unknown consent");
      await expect(f.ConsentRegistry.connect(f.enterprise).narrowConsent(unknown, Scope.TaxCreditRating, 1))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentUnknown")
        .withArgs(unknown);
      await expect(f.ConsentRegistry.narrowConsentBySig(unknown, Scope.TaxCreditRating, 1, 2, 0, "0x"))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentUnknown")
        .withArgs(unknown);
    });

    it("refuses to narrow a revoked consent, naming the revocation block", async function () {
      const f = await loadFixture(consentFixture);
      const rc = await (await f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId)).wait();
      await expect(
        f.ConsentRegistry.connect(f.enterprise).narrowConsent(f.consentId, Scope.TaxCreditRating, f.terms.validUntil),
      )
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentRevokedAt")
        .withArgs(f.consentId, rc.blockNumber);
      const deadline = (await time.latest()) + 3600;
      const narrowing = {
        consentId: f.consentId,
        scopes: Scope.TaxCreditRating,
        validUntil: f.terms.validUntil,
        nonce: 2,
        deadline,
      };
      const sig = await L.signNarrowing(f.enterprise, f.ConsentRegistry, narrowing);
      await expect(
        f.ConsentRegistry.narrowConsentBySig(f.consentId, narrowing.scopes, narrowing.validUntil, 2, deadline, sig),
      )
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentRevokedAt")
        .withArgs(f.consentId, rc.blockNumber);
    });

    it("accepts a signed narrowing relayed by anyone", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 3600;
      const validUntil = f.terms.validUntil - DAY;
      const narrowing = { consentId: f.consentId, scopes: Scope.TaxPayments, validUntil, nonce: 2, deadline };
      const sig = await L.signNarrowing(f.enterprise, f.ConsentRegistry, narrowing);
      await expect(
        f.ConsentRegistry.connect(f.outsider).narrowConsentBySig(
          f.consentId,
          Scope.TaxPayments,
          validUntil,
          2,
          deadline,
          sig,
        ),
      )
        .to.emit(f.ConsentRegistry, "ConsentNarrowed")
        .withArgs(f.consentId, f.enterprise.address, ORG.BANK_A, Scope.TaxPayments, validUntil);
      expect(await f.ConsentRegistry.nonceUsed(f.enterprise.address, 2)).to.equal(true);
      expect(await status(f, f.consentId, ORG.BANK_A, ORG.TAX, Scope.TaxCreditRating)).to.equal(
        AccessStatus.ScopeNotGranted,
      );
      expect(await status(f, f.consentId, ORG.BANK_A, ORG.TAX, Scope.TaxPayments)).to.equal(AccessStatus.Allowed);
    });

    it("computes the narrowing digest as EIP-712 typed data", async function () {
      const f = await loadFixture(consentFixture);
      const narrowing = {
        consentId: f.consentId,
        scopes: Scope.TaxCreditRating,
        validUntil: f.terms.validUntil,
        nonce: 42,
        deadline: 1_900_000_000,
      };
      const domain = await L.consentDomain(f.ConsentRegistry);
      expect(
        await f.ConsentRegistry.narrowingDigest(f.consentId, narrowing.scopes, narrowing.validUntil, 42, 1_900_000_000),
      ).to.equal(ethers.TypedDataEncoder.hash(domain, L.NARROWING_TYPES, narrowing));
    });

    it("refuses a signed narrowing that widens", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 3600;
      const scopes = f.terms.scopes | Scope.Judicial;
      const narrowing = { consentId: f.consentId, scopes, validUntil: f.terms.validUntil, nonce: 2, deadline };
      const sig = await L.signNarrowing(f.enterprise, f.ConsentRegistry, narrowing);
      await expect(f.ConsentRegistry.narrowConsentBySig(f.consentId, scopes, f.terms.validUntil, 2, deadline, sig))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNarrowingWidens")
        .withArgs(f.consentId);
    });

    it("rejects a signed narrowing whose values were changed by the relayer", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 3600;
      const narrowing = {
        consentId: f.consentId,
        scopes: Scope.TaxCreditRating,
        validUntil: f.terms.validUntil - DAY,
        nonce: 2,
        deadline,
      };
      const sig = await L.signNarrowing(f.enterprise, f.ConsentRegistry, narrowing);
      await expect(
        f.ConsentRegistry.narrowConsentBySig(f.consentId, f.terms.scopes, narrowing.validUntil, 2, deadline, sig),
      )
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
      await expect(
        f.ConsentRegistry.narrowConsentBySig(f.consentId, narrowing.scopes, f.terms.validUntil, 2, deadline, sig),
      )
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
    });

    it("rejects a narrowing signed by a key other than the enterprise's", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 3600;
      const narrowing = {
        consentId: f.consentId,
        scopes: Scope.TaxCreditRating,
        validUntil: f.terms.validUntil,
        nonce: 2,
        deadline,
      };
      const sig = await L.signNarrowing(f.bankA, f.ConsentRegistry, narrowing);
      await expect(
        f.ConsentRegistry.narrowConsentBySig(f.consentId, narrowing.scopes, narrowing.validUntil, 2, deadline, sig),
      )
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentInvalidSignature")
        .withArgs(f.enterprise.address);
    });

    it("rejects a signed narrowing after its deadline", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 60;
      const narrowing = {
        consentId: f.consentId,
        scopes: Scope.TaxCreditRating,
        validUntil: f.terms.validUntil,
        nonce: 2,
        deadline,
      };
      const sig = await L.signNarrowing(f.enterprise, f.ConsentRegistry, narrowing);
      await time.increaseTo(deadline + 1);
      await expect(
        f.ConsentRegistry.narrowConsentBySig(f.consentId, narrowing.scopes, narrowing.validUntil, 2, deadline, sig),
      )
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentSignatureExpired")
        .withArgs(deadline);
    });

    it("rejects replaying a signed narrowing", async function () {
      const f = await loadFixture(consentFixture);
      const deadline = (await time.latest()) + 3600;
      const narrowing = {
        consentId: f.consentId,
        scopes: Scope.TaxCreditRating,
        validUntil: f.terms.validUntil,
        nonce: 2,
        deadline,
      };
      const sig = await L.signNarrowing(f.enterprise, f.ConsentRegistry, narrowing);
      const args = [f.consentId, narrowing.scopes, narrowing.validUntil, 2, deadline, sig];
      await (await f.ConsentRegistry.narrowConsentBySig(...args)).wait();
      await expect(f.ConsentRegistry.narrowConsentBySig(...args))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNonceUsed")
        .withArgs(f.enterprise.address, 2);
    });
  });

  describe("checkAccess", function () {
    it("answers Allowed for the consumer, provider and granted scopes", async function () {
      const f = await loadFixture(consentFixture);
      for (const scopes of [Scope.TaxCreditRating, Scope.TaxPayments, f.terms.scopes]) {
        expect(await status(f, f.consentId, ORG.BANK_A, ORG.TAX, scopes)).to.equal(AccessStatus.Allowed);
      }
    });

    it("answers UnknownConsent for an id never granted", async function () {
      const f = await loadFixture(consentFixture);
      expect(await status(f, ethers.id("unknown consent"))).to.equal(AccessStatus.UnknownConsent);
      const unsubmitted = await f.ConsentRegistry.consentId(await defaultTerms(f, { nonce: 2 }));
      expect(await status(f, unsubmitted)).to.equal(AccessStatus.UnknownConsent);
    });

    it("answers NotYetValid before validFrom, then Allowed", async function () {
      const f = await loadFixture(membersFixture);
      const now = await time.latest();
      const id = await grantBySig(f, await defaultTerms(f, { validFrom: now + DAY, validUntil: now + 10 * DAY }));
      expect(await status(f, id)).to.equal(AccessStatus.NotYetValid);
      await time.increaseTo(now + DAY);
      expect(await status(f, id)).to.equal(AccessStatus.Allowed);
    });

    it("answers NotYetValid before validFrom for a consent counted per fetch period", async function () {
      const f = await loadFixture(membersFixture);
      const now = await time.latest();
      const terms = await defaultTerms(f, { validFrom: now + DAY, validUntil: now + 10 * DAY, fetchPeriod: DAY });
      const id = await grantBySig(f, terms);
      expect(await status(f, id)).to.equal(AccessStatus.NotYetValid);
      await expect(f.AccessLog.connect(f.tax).recordAccess(id, ORG.BANK_A, Scope.TaxCreditRating, REQUEST, RESPONSE))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNotYetValid")
        .withArgs(id, now + DAY);
    });

    it("answers Expired after validUntil", async function () {
      const f = await loadFixture(consentFixture);
      await time.increaseTo(f.terms.validUntil + 1);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.Expired);
    });

    it("answers Revoked after a revocation, even outside the validity window", async function () {
      const f = await loadFixture(consentFixture);
      await (await f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId)).wait();
      expect(await status(f, f.consentId)).to.equal(AccessStatus.Revoked);
      await time.increaseTo(f.terms.validUntil + 1);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.Revoked);
    });

    it("answers WrongConsumer for another consumer", async function () {
      const f = await loadFixture(consentFixture);
      for (const consumer of [ORG.BANK_B, ORG.GUARANTOR, ORG_UNKNOWN, ethers.ZeroHash]) {
        expect(await status(f, f.consentId, consumer)).to.equal(AccessStatus.WrongConsumer);
      }
    });

    it("answers WrongProvider for another provider", async function () {
      const f = await loadFixture(twoBureausFixture);
      const id = await grantBySig(f, await defaultTerms(f));
      for (const provider of [ORG_TAX2, ORG.BANK_B, ORG_UNKNOWN]) {
        expect(await status(f, id, ORG.BANK_A, provider)).to.equal(AccessStatus.WrongProvider);
      }
    });

    it("answers ScopeNotGranted for scopes outside the grant and for no scopes", async function () {
      const f = await loadFixture(consentFixture);
      for (const scopes of [Scope.Invoices, Scope.TaxCreditRating | Scope.Customs, 1n << 63n, 0n]) {
        expect(await status(f, f.consentId, ORG.BANK_A, ORG.TAX, scopes)).to.equal(AccessStatus.ScopeNotGranted);
      }
    });

    it("answers ConsumerIneligible once the consumer bank is suspended", async function () {
      const f = await loadFixture(consentFixture);
      await suspend(f, ORG.BANK_A);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.ConsumerIneligible);
      await govern(f.Consortium, f.governors, "reinstateMember", [ORG.BANK_A]);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.Allowed);
    });

    it("answers ConsumerIneligible once the consumer is re-roled to a non-consuming role", async function () {
      const f = await loadFixture(consentFixture);
      await govern(f.Consortium, f.governors, "changeRole", [ORG.BANK_A, Role.Auditor]);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.ConsumerIneligible);
    });

    it("answers ProviderIneligible once the tax bureau is suspended", async function () {
      const f = await loadFixture(consentFixture);
      await suspend(f, ORG.TAX);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.ProviderIneligible);
    });

    it("answers EnterpriseUnbound once the enterprise account is unbound", async function () {
      const f = await loadFixture(consentFixture);
      await (await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address)).wait();
      expect(await status(f, f.consentId)).to.equal(AccessStatus.EnterpriseUnbound);
    });

    it("answers FetchCapReached once the fetch cap is used up", async function () {
      const f = await loadFixture(consentFixture);
      for (let i = 0; i < f.terms.fetchCap; i++) {
        expect(await status(f, f.consentId)).to.equal(AccessStatus.Allowed);
        await (
          await f.AccessLog.connect(f.tax).recordAccess(
            f.consentId,
            ORG.BANK_A,
            Scope.TaxCreditRating,
            ethers.id(`request-${i}`),
            RESPONSE,
          )
        ).wait();
      }
      expect((await f.ConsentRegistry.consent(f.consentId)).fetchesInPeriod).to.equal(f.terms.fetchCap);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.FetchCapReached);
    });
  });

  describe("fetch counting (consumeFetch through AccessLog.recordAccess)", function () {
    let requests = 0;
    /** Records an access; each call is a new request (a new request hash) unless `request` is given. */
    async function record(f, id, { consumer = ORG.BANK_A, scopes = Scope.TaxCreditRating, by = f.tax, request } = {}) {
      const requestHash = request ?? ethers.id(`fetch-counting-request-${++requests}`);
      return f.AccessLog.connect(by).recordAccess(id, consumer, scopes, requestHash, RESPONSE);
    }

    it("counts an access and returns the provider to the access log", async function () {
      const f = await loadFixture(consentFixture);
      await expect(record(f, f.consentId, { request: REQUEST }))
        .to.emit(f.AccessLog, "AccessRecorded")
        .withArgs(f.consentId, ORG.TAX, ORG.BANK_A, Scope.TaxCreditRating, REQUEST, RESPONSE);
      expect((await f.ConsentRegistry.consent(f.consentId)).fetchesInPeriod).to.equal(1);
    });

    it("refuses the same request hash twice under one consent, so a replay cannot use up the fetch cap", async function () {
      const f = await loadFixture(consentFixture);
      await (await record(f, f.consentId, { request: REQUEST })).wait();
      expect(await f.AccessLog.requestRecorded(f.consentId, REQUEST)).to.equal(true);
      await expect(record(f, f.consentId, { request: REQUEST }))
        .to.be.revertedWithCustomError(f.AccessLog, "AccessRequestAlreadyRecorded")
        .withArgs(f.consentId, REQUEST);
      const s = await f.ConsentRegistry.consent(f.consentId);
      expect(s.fetchesInPeriod).to.equal(1);
      expect(await status(f, f.consentId)).to.equal(AccessStatus.Allowed);
      // The same request hash under another consent is another request.
      const other = await grantBySig(f, await defaultTerms(f, { nonce: 2 }));
      expect(await f.AccessLog.requestRecorded(other, REQUEST)).to.equal(false);
      await expect(record(f, other, { request: REQUEST })).to.emit(f.AccessLog, "AccessRecorded");
    });

    it("keeps a refused access's request hash usable: only a recorded access marks it", async function () {
      const f = await loadFixture(membersFixture);
      const id = await grantBySig(f, await defaultTerms(f, { validFrom: (await time.latest()) + DAY }));
      await expect(record(f, id, { request: REQUEST })).to.be.revertedWithCustomError(
        f.ConsentRegistry,
        "ConsentNotYetValid",
      );
      expect(await f.AccessLog.requestRecorded(id, REQUEST)).to.equal(false);
      await time.increase(DAY);
      await expect(record(f, id, { request: REQUEST })).to.emit(f.AccessLog, "AccessRecorded");
    });

    it("refuses an access beyond the fetch cap", async function () {
      const f = await loadFixture(membersFixture);
      const id = await grantBySig(f, await defaultTerms(f, { fetchCap: 1 }));
      await (await record(f, id)).wait();
      await expect(record(f, id))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentFetchCapReached")
        .withArgs(id, 1);
    });

    it("starts a new count in each fetch period", async function () {
      const f = await loadFixture(membersFixture);
      const id = await grantBySig(f, await defaultTerms(f, { fetchCap: 1, fetchPeriod: DAY }));
      const { validFrom } = await f.ConsentRegistry.consent(id);
      await (await record(f, id)).wait();
      expect(await status(f, id)).to.equal(AccessStatus.FetchCapReached);
      await time.increaseTo(validFrom + BigInt(DAY));
      expect(await status(f, id)).to.equal(AccessStatus.Allowed);
      await (await record(f, id)).wait();
      let s = await f.ConsentRegistry.consent(id);
      expect(s.periodIndex).to.equal(1);
      expect(s.fetchesInPeriod).to.equal(1);
      await expect(record(f, id))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentFetchCapReached")
        .withArgs(id, 1);
      await time.increaseTo(validFrom + BigInt(3 * DAY));
      await (await record(f, id)).wait();
      s = await f.ConsentRegistry.consent(id);
      expect(s.periodIndex).to.equal(3);
      expect(s.fetchesInPeriod).to.equal(1);
    });

    it("refuses an access by an account that is not a tax-bureau operator", async function () {
      const f = await loadFixture(consentFixture);
      for (const who of [f.bankA, f.outsider]) {
        await expect(record(f, f.consentId, { by: who }))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipRequired")
          .withArgs(who.address, Role.TaxBureau);
      }
    });

    it("refuses an access by a suspended tax bureau", async function () {
      const f = await loadFixture(consentFixture);
      await suspend(f, ORG.TAX);
      await expect(record(f, f.consentId))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "MembershipRequired")
        .withArgs(f.tax.address, Role.TaxBureau);
    });

    it("refuses an access under an unknown consent", async function () {
      const f = await loadFixture(consentFixture);
      const unknown = ethers.id("unknown consent");
      await expect(record(f, unknown))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentUnknown")
        .withArgs(unknown);
    });

    it("refuses an access under a revoked consent", async function () {
      const f = await loadFixture(consentFixture);
      const rc = await (await f.ConsentRegistry.connect(f.enterprise).revokeConsent(f.consentId)).wait();
      await expect(record(f, f.consentId))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentRevokedAt")
        .withArgs(f.consentId, rc.blockNumber);
    });

    it("refuses an access before validFrom", async function () {
      const f = await loadFixture(membersFixture);
      const now = await time.latest();
      const id = await grantBySig(f, await defaultTerms(f, { validFrom: now + DAY, validUntil: now + 10 * DAY }));
      await expect(record(f, id))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNotYetValid")
        .withArgs(id, now + DAY);
    });

    it("refuses an access after validUntil", async function () {
      const f = await loadFixture(consentFixture);
      await time.increaseTo(f.terms.validUntil + 1);
      await expect(record(f, f.consentId))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentExpired")
        .withArgs(f.consentId, f.terms.validUntil);
    });

    it("refuses an access for another consumer", async function () {
      const f = await loadFixture(consentFixture);
      await expect(record(f, f.consentId, { consumer: ORG.BANK_B }))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentWrongConsumer")
        .withArgs(f.consentId, ORG.BANK_B);
    });

    it("refuses an access recorded by another tax bureau", async function () {
      const f = await loadFixture(twoBureausFixture);
      const id = await grantBySig(f, await defaultTerms(f));
      await expect(record(f, id, { by: f.tax2 }))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentWrongProvider")
        .withArgs(id, ORG_TAX2);
    });

    it("refuses an access to scopes outside the grant", async function () {
      const f = await loadFixture(consentFixture);
      await expect(record(f, f.consentId, { scopes: Scope.Invoices }))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentScopeNotGranted")
        .withArgs(f.consentId, Scope.Invoices, f.terms.scopes);
    });

    it("refuses an access once the enterprise is unbound", async function () {
      const f = await loadFixture(consentFixture);
      await (await f.ConsentRegistry.connect(f.tax).unbindEnterprise(f.enterprise.address)).wait();
      await expect(record(f, f.consentId))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentEnterpriseNotBound")
        .withArgs(f.enterprise.address, ethers.ZeroHash);
    });

    it("refuses an access once the consumer is suspended", async function () {
      const f = await loadFixture(consentFixture);
      await suspend(f, ORG.BANK_A);
      await expect(record(f, f.consentId))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentConsumerIneligible")
        .withArgs(f.consentId, ORG.BANK_A);
    });

    it("refuses consumeFetch from anyone but the access log", async function () {
      const f = await loadFixture(consentFixture);
      for (const who of [f.tax, f.deployer, f.outsider]) {
        await expect(
          f.ConsentRegistry.connect(who).consumeFetch(f.consentId, ORG.BANK_A, Scope.TaxCreditRating, f.tax.address),
        )
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentOnlyAccessLog")
          .withArgs(who.address);
      }
    });
  });

  describe("access-log wiring", function () {
    it("reports the access log wired by the deployment", async function () {
      const f = await loadFixture(membersFixture);
      expect(await f.ConsentRegistry.accessLog()).to.equal(await f.AccessLog.getAddress());
    });

    it("refuses to rewire the access log once set", async function () {
      const f = await loadFixture(membersFixture);
      await expect(f.ConsentRegistry.connect(f.deployer).setAccessLog(f.outsider.address))
        .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentAccessLogAlreadySet")
        .withArgs(await f.AccessLog.getAddress());
    });

    it("refuses setAccessLog from anyone but the deployer", async function () {
      const f = await loadFixture(membersFixture);
      for (const who of [f.governors[1], f.tax, f.outsider]) {
        await expect(f.ConsentRegistry.connect(who).setAccessLog(who.address))
          .to.be.revertedWithCustomError(f.ConsentRegistry, "ConsentNotDeployer")
          .withArgs(who.address);
      }
    });

    it("lets the deployer of a fresh registry wire a non-zero access log once", async function () {
      const f = await loadFixture(membersFixture);
      const deployer = f.spare[4];
      const fresh = await (await ethers.getContractFactory("ConsentRegistry", deployer)).deploy(f.Consortium);
      await fresh.waitForDeployment();
      expect(await fresh.accessLog()).to.equal(ethers.ZeroAddress);
      await expect(fresh.connect(f.deployer).setAccessLog(f.outsider.address))
        .to.be.revertedWithCustomError(fresh, "ConsentNotDeployer")
        .withArgs(f.deployer.address);
      await expect(fresh.connect(deployer).setAccessLog(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(fresh, "ConsentAccessLogNotWired")
        .withArgs(ethers.ZeroAddress);
      // The access log must point back at this registry: a log built for it, not the suite's.
      const logAddress = await f.AccessLog.getAddress();
      await expect(fresh.connect(deployer).setAccessLog(logAddress))
        .to.be.revertedWithCustomError(fresh, "ConsentAccessLogNotWired")
        .withArgs(logAddress);
      const ownLog = await (await ethers.getContractFactory("AccessLog", deployer)).deploy(f.Consortium, fresh);
      await ownLog.waitForDeployment();
      const ownLogAddress = await ownLog.getAddress();
      await expect(fresh.connect(deployer).setAccessLog(ownLogAddress))
        .to.emit(fresh, "AccessLogSet")
        .withArgs(ownLogAddress);
      expect(await fresh.accessLog()).to.equal(ownLogAddress);
      await expect(fresh.connect(deployer).setAccessLog(f.outsider.address))
        .to.be.revertedWithCustomError(fresh, "ConsentAccessLogAlreadySet")
        .withArgs(ownLogAddress);
    });

    it("refuses an access log that is not a contract, or a contract that is no access log", async function () {
      const f = await loadFixture(membersFixture);
      const deployer = f.spare[4];
      const fresh = await (await ethers.getContractFactory("ConsentRegistry", deployer)).deploy(f.Consortium);
      await fresh.waitForDeployment();
      // An account without code, a contract without registry() (the consortium), and one that reverts on it.
      for (const target of [f.outsider.address, await f.Consortium.getAddress(), await f.LoanBook.getAddress()]) {
        await expect(fresh.connect(deployer).setAccessLog(target))
          .to.be.revertedWithCustomError(fresh, "ConsentAccessLogNotWired")
          .withArgs(target);
      }
      expect(await fresh.accessLog()).to.equal(ethers.ZeroAddress);
    });
  });
});
