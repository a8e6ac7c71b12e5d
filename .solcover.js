// solidity-coverage: the test-only contract wallet is not product code.
module.exports = {
  skipFiles: ["test/"],
  // Instrumentation adds locals; the Yul optimizer keeps ConsentRegistry within the stack limit.
  configureYulOptimizer: true,
  istanbulReporter: ["text-summary", "json-summary", "lcov"],
  mocha: { timeout: 300000 },
};
