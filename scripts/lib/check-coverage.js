// Fails (exit 1) when the istanbul json-summary totals are below the given line and branch percentages.
"use strict";
const [file, minLines, minBranches] = process.argv.slice(2);
const total = require(require("path").resolve(file)).total;
const lines = total.lines.pct;
const branches = total.branches.pct;
console.log(`coverage: lines ${lines} % (min ${minLines} %), branches ${branches} % (min ${minBranches} %)`);
if (lines < Number(minLines) || branches < Number(minBranches)) {
  console.error("coverage below the project's thresholds: add tests for the uncovered lines/branches");
  process.exit(1);
}
