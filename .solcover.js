// solidity-coverage: the test-only contract wallet is not product code.
module.exports = {
  skipFiles: ["test/"],
  istanbulReporter: ["text-summary", "json-summary", "lcov"],
  mocha: { timeout: 300000 },
};
