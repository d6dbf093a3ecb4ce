// The suites `npm test` runs, in order. Add a part of the project by adding
// one entry: its command runs from `cwd` (default: the repo root) with Node 22
// and the root's node_modules/.bin first on PATH.
//
// `kind: "tests"` reads the runner's own passed/failed/skipped/todo summary
// (Hardhat, node:test, vitest, any reporter that prints it); such a suite that
// runs no test fails. `kind: "check"` (lint, format, typecheck, coverage
// threshold, gas targets) is listed apart as ok or FAILED and never counted
// as a test.

export interface Suite {
  readonly name: string;
  readonly command: readonly [string, ...string[]];
  readonly kind: "tests" | "check";
  readonly cwd?: string;
}

export const suites: readonly Suite[] = [
  { name: "lint: solhint", command: ["node", "--import", "tsx", "scripts/lint-sol.ts"], kind: "check" },
  { name: "format: prettier", command: ["prettier", "--check", "."], kind: "check" },
  { name: "typecheck: tsc", command: ["sh", "-c", "hardhat build --quiet && tsc -p tsconfig.json"], kind: "check" },
  {
    name: "scripts: node:test",
    command: ["node", "--import", "tsx", "--test", "--test-reporter=spec", "scripts/**/*.test.ts"],
    kind: "tests",
  },
  {
    name: "deployments: generated ABIs match the contracts",
    command: ["node", "--import", "tsx", "scripts/gen-abis.ts", "--check"],
    kind: "check",
  },
  {
    // svelte-check fails on any type error or warning; the production build (vite build) must succeed.
    name: "webapp: svelte-check + vite build + vitest",
    command: ["sh", "-c", "npm run check --silent && node --import tsx ../scripts/build-webapp.ts && vitest run"],
    kind: "tests",
    cwd: "webapp",
  },
  {
    name: "e2e: npm start",
    command: ["node", "--import", "tsx", "--test", "--test-reporter=spec", "test/e2e/**/*.test.ts"],
    kind: "tests",
  },
  {
    // Fails on a missed gas target (scripts/lib/gas/goals.ts) whatever the snapshot holds, and on a ±1 % drift.
    name: "bench: gas targets met + bench/gas-snapshot.json (±1 %)",
    command: ["node", "--import", "tsx", "scripts/bench-gas.ts", "--check"],
    kind: "check",
  },
  {
    name: "contracts: solidity tests + gas snapshot",
    command: ["node", "--import", "tsx", "scripts/test-contracts.ts", "solidity", "--snapshot-check"],
    kind: "tests",
  },
  {
    name: "contracts: node:test (viem)",
    command: ["node", "--import", "tsx", "scripts/test-contracts.ts", "nodejs"],
    kind: "tests",
  },
  {
    name: "contracts: coverage >= 95%",
    command: ["node", "--import", "tsx", "scripts/coverage-check.ts"],
    kind: "check",
  },
  {
    name: "auth: session tokens (node:test)",
    command: ["node", "--import", "tsx", "--test", "--test-reporter=spec", "src/**/*.test.ts"],
    kind: "tests",
    cwd: "auth",
  },
  {
    // vitest against real anvil nodes, SQLite files and a PostgreSQL server it starts itself.
    name: "relayer: typecheck + vitest",
    command: ["sh", "-c", "tsc -p tsconfig.json && vitest run"],
    kind: "tests",
    cwd: "relayer",
  },
  {
    // Headless Chromium (Debian's chromium + playwright-core) against the whole platform that `npm start` runs.
    name: "webapp: browser (end to end)",
    command: ["node", "--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", "e2e/all.test.ts"],
    kind: "tests",
    cwd: "webapp",
  },
  {
    // graph codegen + graph build, then the built mappings under the embedded indexer against real anvil
    // chains: every handler, the query dialect, reorgs, kill -9 restarts, the audit API and CLI.
    name: "subgraph: typecheck + vitest",
    command: ["sh", "-c", "tsc -p tsconfig.json && vitest run"],
    kind: "tests",
    cwd: "subgraph",
  },
  {
    // The access gate's decision table, the gate and its removal events against anvil + the embedded indexer,
    // the Livepeer adapters against the documented wire format, and headless Chromium publishing over WHIP and
    // playing over WebRTC through the local media server (after the subgraph suite, which builds the mappings).
    name: "streaming: typecheck + node:test",
    command: [
      "sh",
      "-c",
      'tsc -p tsconfig.json && node --import tsx --test --test-concurrency=1 --test-reporter=spec "src/**/*.test.ts" "test/**/*.test.ts"',
    ],
    kind: "tests",
    cwd: "streaming",
  },
  {
    // The message hub over real HTTP, WebSockets and SQLite; the incoming-message rule on anvil + the embedded
    // indexer; the XMTP adapter's content layer against XMTP's real codecs; the client bundled for the browser.
    name: "messaging: typecheck + vitest",
    command: ["sh", "-c", "tsc -p tsconfig.json && vitest run"],
    kind: "tests",
    cwd: "messaging",
  },
  {
    // Encryption at rest, the disclosure decision and the Persona webhook adapter (documented wire format) as unit
    // tests; the service over real HTTP and SQLite against anvil with Mesi deployed (attest, consent, revoke).
    name: "kyf: typecheck + vitest",
    command: ["sh", "-c", "tsc -p tsconfig.json && vitest run"],
    kind: "tests",
    cwd: "kyf",
  },
];
