/** One PostgreSQL per run (test/setup/global-setup.ts); each test file gets its own database. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  globalSetup: "<rootDir>/test/setup/global-setup.ts",
  globalTeardown: "<rootDir>/test/setup/global-teardown.ts",
  setupFiles: ["reflect-metadata"],
  // A guard against hangs, not a speed check: sized for a 2-core machine with both cores busy.
  testTimeout: 180000,
  maxWorkers: 2,
};
