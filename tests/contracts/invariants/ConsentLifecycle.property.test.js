"use strict";

// Randomized lifecycle of consents against a model of what the enterprise allowed.
//
// Each run starts from membersFixture (loadFixture reverts to its snapshot) and plays a random sequence of
// grants, narrowings, revocations, access attempts, time jumps and suspensions of bank A. Before each step the
// model predicts the outcome; the chain must agree exactly (success, or the custom error and its arguments), and
// after each step every consent's on-chain state and `checkAccess` answer must match the model.
//
// The seed is fixed, so CI replays the same sequences; on a failure fast-check prints the shrunk sequence.

const { expect } = require("chai");
const fc = require("fast-check");
const { ethers } = require("hardhat");
const { loadFixture, time } = require("@nomicfoundation/hardhat-network-helpers");
const { L, ORG, govern, membersFixture } = require("../helpers/fixtures");

const { AccessStatus, Role } = L;
const DAY = 86400;
const HOUR = 3600;
const ALL_SCOPES = (1n << 7n) - 1n; // the seven defined scopes
const GAS = { gasLimit: 2_000_000 }; // explicit: every transaction is mined at the timestamp the model chose
const CONSUMERS = [ORG.BANK_A, ORG.BANK_B];

const SEED = 42;
const RUNS = 15;
// Every one of the RUNS runs is executed: no time limit that could silently run fewer (a passing suite takes well
// under a minute, about 2.5 under coverage). A failure is reported with the sequence fast-check shrank it to, within
// the test's timeout.
const TIMEOUT_MS = 600_000;

// ------------------------------------------------------------------------------------------------ steps

const scopeMask = fc.integer({ min: 1, max: Number(ALL_SCOPES) }).map(BigInt);

const grantStep = fc.record({
  kind: fc.constant("grant"),
  enterprise: fc.integer({ min: 0, max: 1 }),
  consumer: fc.integer({ min: 0, max: 1 }),
  scopes: scopeMask,
  fromOffset: fc.oneof(
    { arbitrary: fc.integer({ min: -DAY, max: 0 }), weight: 3 }, // valid from now or earlier
    { arbitrary: fc.integer({ min: 1, max: 2 * DAY }), weight: 1 }, // valid from later
  ),
  duration: fc.oneof(
    { arbitrary: fc.integer({ min: HOUR, max: DAY }), weight: 1 },
    { arbitrary: fc.integer({ min: DAY, max: 60 * DAY }), weight: 3 },
  ),
  fetchCap: fc.integer({ min: 1, max: 3 }),
  fetchPeriod: fc.oneof(fc.constant(0), fc.constantFrom(DAY, 7 * DAY), fc.integer({ min: HOUR, max: 10 * DAY })),
  relayed: fc.boolean(),
  relayer: fc.integer({ min: 0, max: 2 }),
});

const narrowStep = fc.record({
  kind: fc.constant("narrow"),
  pick: fc.nat(),
  mode: fc.constantFrom("valid", "valid", "valid", "widenScope", "extendValidity", "empty"),
  mask: scopeMask,
  shorten: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 * DAY })),
  extend: fc.integer({ min: 1, max: 10 * DAY }),
  bySig: fc.boolean(),
});

const revokeStep = fc.record({ kind: fc.constant("revoke"), pick: fc.nat(), bySig: fc.boolean() });

const accessStep = fc.record({
  kind: fc.constant("access"),
  pick: fc.nat(),
  unknown: fc.integer({ min: 0, max: 19 }).map((n) => n === 0), // one in twenty asks for an unknown consent
  live: fc.integer({ min: 0, max: 3 }).map((n) => n !== 0), // mostly a consent that is neither revoked nor expired
  scopeMode: fc.constantFrom("granted", "granted", "granted", "granted", "subsetOfOriginal", "any", "zero"),
  mask: scopeMask,
  consumer: fc.constantFrom("named", "named", "named", "bankA", "bankB"), // mostly the consumer the consent names
});

const timeStep = fc.record({
  kind: fc.constant("time"),
  mode: fc.constantFrom("small", "small", "small", "large", "toExpiry", "toPeriodEnd", "toPeriodEnd", "toValidFrom"),
  pick: fc.nat(),
  seconds: fc.integer({ min: 1, max: 3 * DAY }),
  delta: fc.integer({ min: -2, max: 1 }),
});

/** Bank A is suspended by governance and reinstated `steps` steps later (or by the next member step). */
const memberStep = fc.record({ kind: fc.constant("member"), steps: fc.integer({ min: 1, max: 8 }) });

const step = fc.oneof(
  { arbitrary: grantStep, weight: 3 },
  { arbitrary: narrowStep, weight: 2 },
  { arbitrary: revokeStep, weight: 1 },
  { arbitrary: accessStep, weight: 8 },
  { arbitrary: timeStep, weight: 4 },
  { arbitrary: memberStep, weight: 1 },
);

// ------------------------------------------------------------------------------------------------ model

/** The fetch period `t` falls in, as the registry counts it (from validFrom; 0 when there are no periods). */
function periodAt(c, t) {
  if (c.fetchPeriod === 0 || t < c.validFrom) return 0;
  return Math.floor((t - c.validFrom) / c.fetchPeriod);
}

/** What the registry must answer for `consumer` reading `scopes` under consent `c` (null: unknown) at time `t`. */
function expectedStatus(model, c, consumer, scopes, t) {
  if (!c) return AccessStatus.UnknownConsent;
  if (c.revokedAtBlock !== 0) return AccessStatus.Revoked;
  if (t < c.validFrom) return AccessStatus.NotYetValid;
  if (t > c.validUntil) return AccessStatus.Expired;
  if (consumer !== c.consumer) return AccessStatus.WrongConsumer;
  if (scopes === 0n || (scopes & ~c.scopes) !== 0n) return AccessStatus.ScopeNotGranted;
  if (periodAt(c, t) === c.periodIndex && c.fetchesInPeriod >= c.fetchCap) return AccessStatus.FetchCapReached;
  if (!model.active[consumer]) return AccessStatus.ConsumerIneligible;
  return AccessStatus.Allowed;
}

/** The error `recordAccess` must revert with for a refused status: [name, args]. */
function expectedError(status, id, c, consumer, scopes) {
  switch (status) {
    case AccessStatus.UnknownConsent:
      return ["ConsentUnknown", [id]];
    case AccessStatus.Revoked:
      return ["ConsentRevokedAt", [id, c.revokedAtBlock]];
    case AccessStatus.NotYetValid:
      return ["ConsentNotYetValid", [id, c.validFrom]];
    case AccessStatus.Expired:
      return ["ConsentExpired", [id, c.validUntil]];
    case AccessStatus.WrongConsumer:
      return ["ConsentWrongConsumer", [id, consumer]];
    case AccessStatus.ScopeNotGranted:
      return ["ConsentScopeNotGranted", [id, scopes, c.scopes]];
    case AccessStatus.FetchCapReached:
      return ["ConsentFetchCapReached", [id, c.fetchCap]];
    case AccessStatus.ConsumerIneligible:
      return ["ConsentConsumerIneligible", [id, consumer]];
    default:
      throw new Error(`no error expected for status ${status}`);
  }
}

/**
 * The safety rules, stated on their own (not through `expectedStatus`): why an access that just succeeded at
 * time `t` must not have. Empty when it was legitimate. `served` counts the model's successful accesses.
 */
function violations(model, c, consumer, scopes, t) {
  const found = [];
  if (c.revokedAtBlock !== 0) found.push("revoked");
  if (t > c.validUntil) found.push("expired");
  if (t < c.validFrom) found.push("not yet valid");
  if (consumer !== c.consumer) found.push("wrong consumer");
  if (scopes === 0n || (scopes & c.scopes) !== scopes) found.push("scope not (or no longer) granted");
  if ((scopes & c.originalScopes) !== scopes) found.push("scope never granted");
  if (!model.active[consumer]) found.push("consumer suspended");
  const period = periodAt(c, t);
  const servedInPeriod = c.served.filter((s) => s.period === period).length;
  if (servedInPeriod >= c.fetchCap) found.push(`over the cap of ${c.fetchCap} in period ${period}`);
  return found;
}

/** `scopes` with one bit set that `scopes` lacks (a reserved bit when all seven are set). */
function widen(scopes, mask) {
  for (let bit = 0n; bit < 7n; bit++) {
    const b = 1n << ((bit + mask) % 7n);
    if ((scopes & b) === 0n) return scopes | b;
  }
  return scopes | (1n << 7n);
}

// ------------------------------------------------------------------------------------------------ runner

async function runSequence(steps) {
  const f = await loadFixture(membersFixture);
  const registry = f.ConsentRegistry;
  const accessLog = f.AccessLog;
  const domain = await L.consentDomain(registry);
  const enterprises = [
    { signer: f.enterprise, cc: f.cc1, nextNonce: 1000 },
    { signer: f.enterprise2, cc: f.cc2, nextNonce: 1000 },
  ];
  const relayers = [f.bankA, f.bankB, f.guarantor];
  const model = {
    now: await time.latest(),
    active: { [ORG.BANK_A]: true, [ORG.BANK_B]: true },
    consents: [],
  };
  const trail = []; // what happened, for the failure message
  let requests = 0;

  /** Sets the next block's timestamp to one second after the latest and returns it. */
  async function nextTimestamp() {
    const t = model.now + 1;
    await time.setNextBlockTimestamp(t);
    return t;
  }

  const pick = (n) => (model.consents.length === 0 ? null : model.consents[n % model.consents.length]);
  const pickLive = (n) => {
    const live = model.consents.filter((c) => c.revokedAtBlock === 0 && model.now < c.validUntil);
    return live.length === 0 ? pick(n) : live[n % live.length];
  };
  let reinstateAt = -1; // step index at which a suspended bank A is reinstated

  async function grant(s) {
    const ent = enterprises[s.enterprise];
    const t = await nextTimestamp();
    const terms = {
      enterprise: ent.signer.address,
      creditCodeHash: ent.cc,
      consumer: CONSUMERS[s.consumer],
      provider: ORG.TAX,
      scopes: s.scopes,
      purpose: 1,
      validFrom: t + s.fromOffset,
      validUntil: t + s.fromOffset + s.duration,
      dataFrom: t - 365 * DAY,
      dataUntil: t,
      fetchCap: s.fetchCap,
      fetchPeriod: s.fetchPeriod,
      dataLife: 7 * DAY,
      nonce: ent.nextNonce++,
      deadline: t + HOUR,
    };
    const id = ethers.TypedDataEncoder.hash(domain, L.CONSENT_TYPES, terms);
    const relayer = relayers[s.relayer];
    const tx = s.relayed
      ? registry.connect(relayer).grantConsentBySig(terms, await L.signConsent(ent.signer, registry, terms), GAS)
      : registry.connect(ent.signer).grantConsent(terms, GAS);
    const sender = s.relayed ? relayer : ent.signer;

    if (s.relayed && relayer === f.bankA && !model.active[ORG.BANK_A]) {
      await expect(tx)
        .to.be.revertedWithCustomError(registry, "MembershipRequired")
        .withArgs(f.bankA.address, Role.None);
      return "refused: relayer suspended";
    }
    if (terms.validUntil < t) {
      await expect(tx)
        .to.be.revertedWithCustomError(registry, "ConsentValidityEnded")
        .withArgs(terms.validUntil, t);
      return "refused: validUntil in the past";
    }
    if (!model.active[terms.consumer]) {
      await expect(tx)
        .to.be.revertedWithCustomError(registry, "ConsentConsumerIneligible")
        .withArgs(id, terms.consumer);
      return "refused: consumer suspended";
    }
    await expect(tx)
      .to.emit(registry, "ConsentGranted")
      .withArgs(
        id,
        terms.enterprise,
        terms.consumer,
        terms.provider,
        terms.creditCodeHash,
        Object.values(terms),
        sender.address,
      );
    model.consents.push({
      id,
      enterprise: s.enterprise,
      consumer: terms.consumer,
      originalScopes: terms.scopes,
      originalValidUntil: terms.validUntil,
      scopes: terms.scopes,
      validFrom: terms.validFrom,
      validUntil: terms.validUntil,
      fetchCap: terms.fetchCap,
      fetchPeriod: terms.fetchPeriod,
      revokedAtBlock: 0,
      periodIndex: 0,
      fetchesInPeriod: 0,
      served: [],
    });
    return `granted #${model.consents.length - 1}`;
  }

  async function narrow(s) {
    const c = pick(s.pick);
    if (!c) return "skipped: no consent";
    let scopes;
    let validUntil;
    switch (s.mode) {
      case "valid":
        scopes = c.scopes & s.mask || c.scopes;
        validUntil = c.validUntil - s.shorten;
        break;
      case "widenScope":
        scopes = widen(c.scopes, s.mask);
        validUntil = c.validUntil - s.shorten;
        break;
      case "extendValidity":
        scopes = c.scopes & s.mask || c.scopes;
        validUntil = c.validUntil + s.extend;
        break;
      default: // "empty"
        scopes = 0n;
        validUntil = c.validUntil;
    }
    const ent = enterprises[c.enterprise];
    const t = await nextTimestamp();
    let tx;
    if (s.bySig) {
      const narrowing = { consentId: c.id, scopes, validUntil, nonce: ent.nextNonce++, deadline: t + HOUR };
      const sig = await L.signNarrowing(ent.signer, registry, narrowing);
      tx = registry
        .connect(f.outsider)
        .narrowConsentBySig(c.id, scopes, validUntil, narrowing.nonce, narrowing.deadline, sig, GAS);
    } else {
      tx = registry.connect(ent.signer).narrowConsent(c.id, scopes, validUntil, GAS);
    }
    if (c.revokedAtBlock !== 0) {
      await expect(tx).to.be.revertedWithCustomError(registry, "ConsentRevokedAt").withArgs(c.id, c.revokedAtBlock);
      return "refused: revoked";
    }
    if (scopes === 0n || (scopes & ~c.scopes) !== 0n || validUntil > c.validUntil) {
      await expect(tx).to.be.revertedWithCustomError(registry, "ConsentNarrowingWidens").withArgs(c.id);
      return `refused: widens (${s.mode})`;
    }
    await expect(tx)
      .to.emit(registry, "ConsentNarrowed")
      .withArgs(c.id, ent.signer.address, c.consumer, scopes, validUntil);
    c.scopes = scopes;
    c.validUntil = validUntil;
    return `narrowed to ${scopes} until ${validUntil}`;
  }

  async function revoke(s) {
    const c = pick(s.pick);
    if (!c) return "skipped: no consent";
    const ent = enterprises[c.enterprise];
    const t = await nextTimestamp();
    let tx;
    if (s.bySig) {
      const revocation = { consentId: c.id, nonce: ent.nextNonce++, deadline: t + HOUR };
      const sig = await L.signRevocation(ent.signer, registry, revocation);
      tx = registry.connect(f.outsider).revokeConsentBySig(c.id, revocation.nonce, revocation.deadline, sig, GAS);
    } else {
      tx = registry.connect(ent.signer).revokeConsent(c.id, GAS);
    }
    if (c.revokedAtBlock !== 0) {
      await expect(tx).to.be.revertedWithCustomError(registry, "ConsentRevokedAt").withArgs(c.id, c.revokedAtBlock);
      return "refused: already revoked";
    }
    await expect(tx).to.emit(registry, "ConsentRevoked").withArgs(c.id, ent.signer.address, c.consumer);
    c.revokedAtBlock = (await ethers.provider.getBlock("latest")).number;
    return `revoked in block ${c.revokedAtBlock}`;
  }

  async function attempt(s) {
    const c = s.unknown ? null : s.live ? pickLive(s.pick) : pick(s.pick);
    const id = c ? c.id : ethers.id(`unknown consent ${s.pick}`);
    const consumer = s.consumer === "bankA" ? ORG.BANK_A : s.consumer === "bankB" || !c ? ORG.BANK_B : c.consumer;
    let scopes;
    switch (s.scopeMode) {
      case "granted":
        scopes = c ? c.scopes : s.mask;
        break;
      case "subsetOfOriginal":
        scopes = c ? c.originalScopes & s.mask || c.originalScopes : s.mask;
        break;
      case "any":
        scopes = s.mask;
        break;
      default: // "zero"
        scopes = 0n;
    }

    // checkAccess answers for the latest block
    const viewed = Number(await registry.checkAccess(id, consumer, ORG.TAX, scopes));
    expect(viewed, "checkAccess before the attempt").to.equal(expectedStatus(model, c, consumer, scopes, model.now));

    const t = await nextTimestamp();
    const status = expectedStatus(model, c, consumer, scopes, t);
    const request = ethers.id(`request ${++requests}`);
    const response = ethers.id(`response ${requests}`);
    const tx = accessLog.connect(f.tax).recordAccess(id, consumer, scopes, request, response, GAS);
    if (status !== AccessStatus.Allowed) {
      const [name, args] = expectedError(status, id, c, consumer, scopes);
      await expect(tx)
        .to.be.revertedWithCustomError(registry, name)
        .withArgs(...args);
      return `refused: ${name}`;
    }
    await expect(tx).to.emit(accessLog, "AccessRecorded").withArgs(id, ORG.TAX, consumer, scopes, request, response);
    expect(violations(model, c, consumer, scopes, t), "an access succeeded that must not have").to.deep.equal([]);
    const period = periodAt(c, t);
    if (period !== c.periodIndex) {
      c.periodIndex = period;
      c.fetchesInPeriod = 1;
    } else {
      c.fetchesInPeriod += 1;
    }
    c.served.push({ t, period });
    return `served (period ${period}, ${c.fetchesInPeriod}/${c.fetchCap})`;
  }

  async function jump(s) {
    const c = pick(s.pick);
    let target = null;
    if (s.mode === "small") target = model.now + 1 + (s.seconds % HOUR);
    else if (s.mode === "large") target = model.now + HOUR + s.seconds;
    else if (s.mode === "toExpiry" && c) target = c.validUntil + s.delta;
    else if (s.mode === "toValidFrom" && c) target = c.validFrom + s.delta;
    else if (s.mode === "toPeriodEnd" && c && c.fetchPeriod > 0) {
      target = c.validFrom + (periodAt(c, model.now) + 1) * c.fetchPeriod + s.delta;
    }
    if (target === null || target <= model.now) target = model.now + 1 + (s.seconds % HOUR);
    await time.increaseTo(target);
    return `time +${target - model.now}s (${s.mode})`;
  }

  async function toggleBankA(s, index) {
    const active = model.active[ORG.BANK_A];
    await govern(f.Consortium, f.governors, active ? "suspendMember" : "reinstateMember", [ORG.BANK_A]);
    model.active[ORG.BANK_A] = !active;
    reinstateAt = active ? index + s.steps : -1;
    return active ? `bank A suspended for ${s.steps} steps` : "bank A reinstated";
  }

  /** After every step: the chain holds exactly the model's consents, and checkAccess agrees with the model. */
  async function checkInvariants() {
    model.now = await time.latest();
    await Promise.all(
      model.consents.map(async (c, i) => {
        const where = `consent #${i}`;
        const [s, viewed] = await Promise.all([
          registry.consent(c.id),
          registry.checkAccess(c.id, c.consumer, ORG.TAX, c.scopes),
        ]);
        // narrowing never widens
        expect(s.scopes & ~c.originalScopes, `${where}: scopes outside the original grant`).to.equal(0n);
        expect(s.validUntil <= BigInt(c.originalValidUntil), `${where}: validity extended`).to.equal(true);
        // the fetch count never exceeds the cap within a period
        expect(s.fetchesInPeriod <= s.fetchCap, `${where}: over the cap`).to.equal(true);
        for (const { period } of c.served) {
          const n = c.served.filter((x) => x.period === period).length;
          expect(n <= c.fetchCap, `${where}: ${n} accesses in period ${period}`).to.equal(true);
        }
        // the chain agrees with the model
        expect(
          {
            consumer: s.consumer,
            provider: s.provider,
            scopes: s.scopes,
            validFrom: s.validFrom,
            validUntil: s.validUntil,
            revokedAtBlock: s.revokedAtBlock,
            fetchCap: s.fetchCap,
            fetchPeriod: s.fetchPeriod,
            fetchesInPeriod: s.fetchesInPeriod,
            periodIndex: s.periodIndex,
          },
          where,
        ).to.deep.equal({
          consumer: c.consumer,
          provider: ORG.TAX,
          scopes: c.scopes,
          validFrom: BigInt(c.validFrom),
          validUntil: BigInt(c.validUntil),
          revokedAtBlock: BigInt(c.revokedAtBlock),
          fetchCap: BigInt(c.fetchCap),
          fetchPeriod: BigInt(c.fetchPeriod),
          fetchesInPeriod: BigInt(c.fetchesInPeriod),
          periodIndex: BigInt(c.periodIndex),
        });
        expect(Number(viewed), `${where}: checkAccess`).to.equal(
          expectedStatus(model, c, c.consumer, c.scopes, model.now),
        );
      }),
    );
  }

  const handlers = { grant, narrow, revoke, access: attempt, time: jump, member: toggleBankA };
  for (const [i, s] of steps.entries()) {
    try {
      trail.push(`${i}: ${s.kind} → ${await handlers[s.kind](s, i)}`);
      await checkInvariants();
      if (i === reinstateAt && s.kind !== "member") {
        trail.push(`${i}: member → ${await toggleBankA({}, i)}`);
        await checkInvariants();
      }
    } catch (error) {
      error.message += `\n  after steps:\n    ${trail.slice(-12).join("\n    ")}\n  failing step ${i}: ${JSON.stringify(
        s,
        (_, v) => (typeof v === "bigint" ? v.toString() : v),
      )}`;
      throw error;
    }
  }
  return { model, trail };
}

describe("Consent lifecycle (property)", function () {
  it("never serves data the enterprise did not allow, and always serves what it did", async function () {
    this.timeout(TIMEOUT_MS);
    const outcomes = { served: 0, refused: 0, granted: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 40, maxLength: 80 }), async (steps) => {
        const { trail } = await runSequence(steps);
        if (process.env.LIFECYCLE_TRACE) console.log(trail.join("\n")); // LIFECYCLE_TRACE=1 prints every run
        for (const line of trail) {
          if (line.includes("→ served")) outcomes.served++;
          else if (line.includes("access → refused")) outcomes.refused++;
          else if (line.includes("→ granted")) outcomes.granted++;
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // the sequences must actually exercise both sides of the rule, or the property says nothing
    expect(outcomes.granted).to.be.greaterThan(RUNS);
    expect(outcomes.served).to.be.greaterThan(RUNS);
    expect(outcomes.refused).to.be.greaterThan(RUNS);
  });
});
