// Writes the typed chain events (src/Ledger.Core/Events/Generated/ChainEvents.cs) from the contracts' ABIs: one
// sealed record per event, whose FromArgs/ToArgs are the only place an event argument's name is spelt. The stored
// form of an event stays ChainEvent.Args (strings by ABI name, as the indexer writes them); the record is derived
// from it, so audit indexes and bundles written by older versions read unchanged. See docs/chain.md, "Typed events".
"use strict";

// bytes32 arguments whose name says which identifier they are (the rest stay Hash32).
const BYTES32_BY_NAME = {
  consentId: "ConsentId",
  loanId: "LoanId",
  enterpriseHash: "EnterpriseHash",
  creditCodeHash: "EnterpriseHash",
  decisionHash: "DecisionHash",
  batchId: "BatchId",
  agreementId: "AgreementId",
  fundId: "FundId",
  productCode: "ProductCode",
  orgId: "OrgId",
  provider: "OrgId",
  consumer: "OrgId",
};
// Solidity enums mirrored in Ledger.Core.Model (value for value).
const ENUMS = ["Role", "BatchKind", "SpendCategory", "LoanPurpose"];
// Solidity structs with a Ledger.Core record of the same fields in the same order.
const STRUCTS = { ConsentTerms: "Ledger.Core.Consent.ConsentTerms" };

const pascal = (name) => name.charAt(0).toUpperCase() + name.slice(1);

// { cs: C# type, read: (argName) => C# expression over reader `r`, write: (expr) => C# string expression }
function typeOf(param) {
  const { type, name } = param;
  const internal = param.internalType || type;
  if (internal.startsWith("enum ")) {
    const e = internal.slice(5).split(".").pop();
    if (!ENUMS.includes(e)) throw new Error(`The Solidity enum ${internal} has no mirror in Ledger.Core.Model; add it there and to ENUMS.`);
    return { cs: e, read: (a) => `(${e})r.U8(${a})`, write: (x) => `ChainEventArgReader.Number((byte)${x})` };
  }
  if (type === "address") return { cs: "EthAddress", read: (a) => `r.Address(${a})`, write: (x) => `${x}.ToString()` };
  if (type === "bool") return { cs: "bool", read: (a) => `r.Bool(${a})`, write: (x) => `ChainEventArgReader.Bool(${x})` };
  if (type === "string") return { cs: "string", read: (a) => `r.Text(${a})`, write: (x) => x };
  if (type === "bytes32") {
    const id = name.endsWith("Org") ? "OrgId" : BYTES32_BY_NAME[name];
    if (id) return { cs: id, read: (a) => `new ${id}(r.Hash(${a}))`, write: (x) => `${x}.Value.ToString()` };
    return { cs: "Hash32", read: (a) => `r.Hash(${a})`, write: (x) => `${x}.ToString()` };
  }
  if (/^bytes\d*$/.test(type)) return { cs: "string", read: (a) => `r.Bytes(${a})`, write: (x) => x };
  const m = /^uint(\d+)$/.exec(type);
  if (m) {
    const bits = Number(m[1]);
    if (name === "scopes" && bits === 64) return { cs: "Scopes", read: (a) => `(Scopes)r.U64(${a})`, write: (x) => `ChainEventArgReader.Number((ulong)${x})` };
    if (bits <= 8) return { cs: "byte", read: (a) => `r.U8(${a})`, write: (x) => `ChainEventArgReader.Number(${x})` };
    if (bits <= 16) return { cs: "ushort", read: (a) => `r.U16(${a})`, write: (x) => `ChainEventArgReader.Number(${x})` };
    if (bits <= 32) return { cs: "uint", read: (a) => `r.U32(${a})`, write: (x) => `ChainEventArgReader.Number(${x})` };
    if (bits <= 64) return { cs: "ulong", read: (a) => `r.U64(${a})`, write: (x) => `ChainEventArgReader.Number(${x})` };
    if (bits <= 128) return { cs: "UInt128", read: (a) => `r.U128(${a})`, write: (x) => `ChainEventArgReader.Number(${x})` };
    return { cs: "BigInteger", read: (a) => `r.U256(${a})`, write: (x) => `ChainEventArgReader.Number(${x})` };
  }
  throw new Error(`No C# type for the event argument ${name} (${type}); extend scripts/lib/event-records.js.`);
}

function canonical(param) {
  if (param.type.startsWith("tuple")) return `(${param.components.map(canonical).join(",")})${param.type.slice(5)}`;
  return param.type;
}

const quote = (s) => JSON.stringify(s);

function renderEvent(contract, event) {
  const name = event.name;
  const ctor = [];
  const reads = [];
  const writes = [];
  const fields = [];
  for (const p of event.inputs) {
    const prop = pascal(p.name);
    if (p.type === "tuple") {
      const struct = (p.internalType || "").replace(/^struct /, "").split(".").pop();
      const cs = STRUCTS[struct];
      if (!cs) throw new Error(`The struct ${p.internalType} of ${name} has no Ledger.Core record; add it to STRUCTS.`);
      ctor.push(`${cs} ${prop}`);
      const parts = p.components.map((c) => {
        const t = typeOf(c);
        writes.push(`        [${quote(`${p.name}.${c.name}`)}] = ${t.write(`${prop}.${pascal(c.name)}`)},`);
        fields.push(`${p.name}.${c.name}`);
        return t.read(quote(`${p.name}.${c.name}`));
      });
      reads.push(`new ${cs}(\n                ${parts.join(",\n                ")})`);
      continue;
    }
    const t = typeOf(p);
    ctor.push(`${t.cs} ${prop}`);
    reads.push(t.read(quote(p.name)));
    writes.push(`        [${quote(p.name)}] = ${t.write(prop)},`);
    fields.push(p.name);
  }
  const signature = `${name}(${event.inputs.map(canonical).join(",")})`;
  const doc = `${contract}.${signature}`.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return [
    `/// <summary>The ${contract} event <c>${doc}</c>.</summary>`,
    `public sealed partial record ${name}(${ctor.join(", ")}) : ITypedChainEvent<${name}>`,
    `{`,
    `    /// <inheritdoc />`,
    `    public static string Contract => ${quote(contract)};`,
    `    /// <inheritdoc />`,
    `    public static string EventName => ${quote(name)};`,
    `    /// <inheritdoc />`,
    `    public static ${name} FromArgs(ChainEvent e)`,
    `    {`,
    `        var r = new ChainEventArgReader(e);`,
    reads.length === 0
      ? `        return new ${name}();`
      : `        return new ${name}(\n            ${reads.join(",\n            ")});`,
    `    }`,
    `    /// <inheritdoc />`,
    `    public IReadOnlyDictionary<string, string> ToArgs() => new Dictionary<string, string>(StringComparer.Ordinal)`,
    `    {`,
    ...writes,
    `    };`,
    `}`,
    ``,
  ].join("\n");
}

function render(abis, header) {
  const out = [header, "#nullable enable", "using System.Numerics;", "using Ledger.Core.Model;", "using Ledger.Core.Ports;", "using Ledger.Core.Primitives;", "", "namespace Ledger.Core.Events;", ""];
  const catalogue = [];
  const seen = new Set();
  for (const [contract, abi] of Object.entries(abis)) {
    const events = abi.filter((x) => x.type === "event").sort((a, b) => a.name.localeCompare(b.name));
    for (const event of events) {
      if (seen.has(event.name)) throw new Error(`Two contracts emit an event called ${event.name}; the typed events need one name per event.`);
      seen.add(event.name);
      out.push(renderEvent(contract, event));
      const fields = [];
      for (const p of event.inputs) {
        if (p.type === "tuple") fields.push(...p.components.map((c) => `${p.name}.${c.name}`));
        else fields.push(p.name);
      }
      catalogue.push(
        `        new(typeof(${event.name}), ${quote(contract)}, ${quote(event.name)}, ${quote(`${event.name}(${event.inputs.map(canonical).join(",")})`)}, [${fields.map(quote).join(", ")}], ${event.name}.FromArgs),`,
      );
    }
  }
  out.push(
    "/// <summary>Every typed event, one entry per event of the seven contracts.</summary>",
    "public static partial class ChainEventCatalogue",
    "{",
    "    /// <summary>The definitions, by contract in deployment order, then by event name.</summary>",
    "    public static IReadOnlyList<ChainEventDefinition> All { get; } =",
    "    [",
    ...catalogue,
    "    ];",
    "}",
    "",
  );
  return out.join("\n");
}

module.exports = { render };
