import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Where the contract tests live (Hardhat's `paths.tests` in hardhat.config.ts). */
export const CONTRACT_TESTS_DIR = "test/contracts";

/**
 * The contract test files, relative to `root`: every `.sol` under
 * test/contracts (Hardhat runs the contracts among them that have test
 * functions) and every `*.test.ts`. Hardhat's node:test runner would
 * otherwise also run helpers such as `fixture.ts` and count each one as a
 * passing test.
 */
export function contractTestFiles(root: string): { solidity: string[]; nodejs: string[] } {
  const dir = join(root, CONTRACT_TESTS_DIR);
  const files = existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: "utf8" })
        .map((file) => join(CONTRACT_TESTS_DIR, file))
        .sort()
    : [];
  return {
    solidity: files.filter((file) => file.endsWith(".sol")),
    nodejs: files.filter((file) => file.endsWith(".test.ts")),
  };
}
