// Branch inference checked against real executions: the snippet below is
// instrumented by EDR exactly as `hardhat test --coverage` does it, compiled
// with the solc package, run on Hardhat's in-process EDR chain, and the tags
// EDR reports per call (its `onCoverageData` hook) become the counts.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { addStatementCoverageInstrumentation } from "@nomicfoundation/edr";
import { getCoverageLibrary } from "@nomicfoundation/edr/coverage";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import solc from "solc";
import { encodeFunctionData, parseAbi, type Hex } from "viem";

import {
  analyzeFileBranches,
  skipTrivia,
  utf8ToUtf16Offsets,
  type ArmStatus,
  type FileBranchCoverage,
  type InstrumentedStatement,
  type SolcAstNode,
} from "./branch-coverage.ts";
import {
  contractSourceFiles,
  instrumentedStatements,
  isCountedContract,
  parseSolidity,
  readExecutionCounts,
  readHardhatStatementPercents,
} from "./branch-coverage-sources.ts";

// Non-ASCII text before the code moves UTF-8 offsets (solc) away from UTF-16
// ones (EDR): a wrong conversion leaves branches unmatched ("not-measured").
const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// Branch shapes — “every one” → counted 😀
contract Branches {
    error TooBig(uint256 x);

    uint256 public total;

    function guarded(uint256 x) external {
        // Checks → revert when too big
        if (x > 10) revert TooBig(x);
        total += x;
    }

    function classify(uint256 x) external returns (uint256 kind) {
        if (x == 0) {
            kind = 0;
        } else if (x < 10) {
            kind = 1;
        } else {
            kind = 2;
        }
    }

    function sumOdd(uint256 n) external {
        for (uint256 i; i < n; ++i) {
            if (i % 2 == 1) total += i;
        }
    }

    function checked(uint256 x) external {
        require(x != 7, TooBig(x));
        total = x;
    }

    function checkedTwice(uint256 a, uint256 b) external {
        this.checked(a);
        try this.checked(b) {
            total += 1;
        } catch {
            total += 2;
        }
    }

    function lastCheck(uint256 x) external {
        total = x;
        assert(x < 100);
    }

    function pick(bool b) external pure returns (uint256) {
        return b ? 1 : 2;
    }

    function ignore(uint256 x) external {
        // solhint-disable-next-line no-empty-blocks
        try this.checked(x) {} catch {}
    }
}
`;
const SOURCE_NAME = "project/contracts/Branches.sol";
const abi = parseAbi([
  "function guarded(uint256 x)",
  "function classify(uint256 x) returns (uint256)",
  "function sumOdd(uint256 n)",
  "function checked(uint256 x)",
  "function checkedTwice(uint256 a, uint256 b)",
  "function lastCheck(uint256 x)",
  "function pick(bool b) returns (uint256)",
  "function ignore(uint256 x)",
]);
type Call = Parameters<typeof encodeFunctionData<typeof abi>>[0];

let statements: InstrumentedStatement[];
let ast: SolcAstNode;
/** Runs one call as its own transaction and returns the tags EDR reported for it. */
let run: (call: Call) => Promise<Set<string>>;
let cleanup = (): void => {};

before(async () => {
  statements = instrumentedStatements(SOURCE, SOURCE_NAME, "0.8.30");
  const parsed = parseSolidity(new Map([[SOURCE_NAME, SOURCE]])).get(SOURCE_NAME);
  assert.ok(parsed);
  ast = parsed;

  const { source: instrumented } = addStatementCoverageInstrumentation(SOURCE, SOURCE_NAME, "0.8.30");
  const library = getCoverageLibrary();
  const input = {
    language: "Solidity",
    sources: { [SOURCE_NAME]: { content: instrumented }, [library.filename]: { content: library.content } },
    settings: { outputSelection: { "*": { "*": ["evm.bytecode.object"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  assert.deepEqual(
    errors.map((e) => e.formattedMessage),
    [],
  );
  const bytecode = `0x${output.contracts[SOURCE_NAME].Branches.evm.bytecode.object}` as Hex;

  const projectRoot = mkdtempSync(join(tmpdir(), "branch-coverage-"));
  cleanup = () => rmSync(projectRoot, { recursive: true, force: true });
  writeFileSync(join(projectRoot, "package.json"), "{}\n");
  const hre = await createHardhatRuntimeEnvironment({}, {}, projectRoot);
  const reported: string[][] = [];
  // Registering an onCoverageData handler is what turns EDR's coverage on.
  hre.hooks.registerHandlers("network", {
    onCoverageData: async (_context, tags) => {
      reported.push(tags);
    },
  });
  const { provider } = await hre.network.create();
  const [from] = (await provider.request({ method: "eth_accounts" })) as Hex[];
  const hash = await provider.request({ method: "eth_sendTransaction", params: [{ from, data: bytecode }] });
  const receipt = (await provider.request({ method: "eth_getTransactionReceipt", params: [hash] })) as {
    contractAddress: Hex;
  };
  run = async (call) => {
    const start = reported.length;
    const data = encodeFunctionData(call);
    await provider
      .request({ method: "eth_call", params: [{ from, to: receipt.contractAddress, data }, "latest"] })
      .catch(
        () => undefined, // a revert is a branch too
      );
    const batches = reported.slice(start);
    assert.equal(batches.length, 1, "one coverage report per call");
    return new Set(batches[0]);
  };
});

after(() => cleanup());

/** Counts as Hardhat saves them: per tag, the transactions in which it ran. */
function analyze(...transactions: Set<string>[]): FileBranchCoverage {
  const counts = new Map<string, number>();
  for (const tags of transactions) for (const tag of tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return analyzeFileBranches({ source: SOURCE, ast, statements, counts });
}

/** The arms of the branch point whose first line contains `text`, as label → status. */
function arms(report: FileBranchCoverage, text: string): Record<string, ArmStatus> {
  const matches = report.branches.filter((b) => b.snippet.includes(text));
  assert.equal(matches.length, 1, `one branch point at "${text}"`);
  return Object.fromEntries(matches[0].arms.map((arm) => [arm.label, arm.status]));
}

const call = (functionName: Call["functionName"], ...args: readonly unknown[]): Call =>
  ({ abi, functionName, args }) as Call;

describe("utf8ToUtf16Offsets", () => {
  it("maps each UTF-8 byte offset to the UTF-16 offset of its character", () => {
    // a: 1 byte, —: 3 bytes / 1 unit, 😀: 4 bytes / 2 units
    const offsets = utf8ToUtf16Offsets("a—😀b");
    assert.deepEqual([...offsets], [0, 1, 1, 1, 2, 2, 2, 2, 4, 5]);
  });
});

describe("skipTrivia", () => {
  it("skips whitespace, line and block comments", () => {
    const text = "  // a → b\n  /* c\n d */ /// e\n  if (x) {}";
    assert.equal(skipTrivia(text, 0), text.indexOf("if"));
    assert.equal(skipTrivia(text, text.indexOf("if")), text.indexOf("if"));
  });
});

describe("analyzeFileBranches", () => {
  it("matches every if and require to its instrumented statements despite non-ASCII text", async () => {
    const report = analyze(await run(call("guarded", 1n)));
    for (const branch of report.branches.filter((b) => b.kind === "if" || b.kind === "require")) {
      for (const arm of branch.arms) assert.notEqual(arm.status, "not-measured", `${branch.snippet} ${arm.label}`);
    }
    const line = SOURCE.slice(0, SOURCE.indexOf("if (x > 10)")).split("\n").length;
    assert.equal(report.branches.find((b) => b.snippet.startsWith("if (x > 10)"))?.line, line);
  });

  it("if whose body always exits: the false arm is the next statement running", async () => {
    const pass = await run(call("guarded", 1n));
    const revert = await run(call("guarded", 11n));
    assert.deepEqual(arms(analyze(pass), "if (x > 10)"), { true: "missed", false: "hit" });
    assert.deepEqual(arms(analyze(revert), "if (x > 10)"), { true: "hit", false: "missed" });
    assert.deepEqual(arms(analyze(pass, revert), "if (x > 10)"), { true: "hit", false: "hit" });
  });

  it("if / else if / else: each arm is its own body running", async () => {
    const zero = await run(call("classify", 0n));
    const small = await run(call("classify", 5n));
    const big = await run(call("classify", 50n));
    assert.deepEqual(arms(analyze(zero), "if (x == 0)"), { true: "hit", false: "missed" });
    assert.deepEqual(arms(analyze(zero, small), "if (x == 0)"), { true: "hit", false: "hit" });
    assert.deepEqual(arms(analyze(zero, small), "if (x < 10)"), { true: "hit", false: "missed" });
    assert.deepEqual(arms(analyze(big), "if (x < 10)"), { true: "missed", false: "hit" });
  });

  it("if that falls through: a false arm only seen alongside its true arm is not proven", async () => {
    const none = await run(call("sumOdd", 0n)); // the if never runs
    const evenOnly = await run(call("sumOdd", 1n)); // i = 0: false
    const both = await run(call("sumOdd", 3n)); // i = 0, 2: false; i = 1: true, one transaction
    assert.deepEqual(arms(analyze(none), "if (i % 2 == 1)"), { true: "missed", false: "missed" });
    assert.deepEqual(arms(analyze(evenOnly), "if (i % 2 == 1)"), { true: "missed", false: "hit" });
    assert.deepEqual(arms(analyze(both), "if (i % 2 == 1)"), { true: "hit", false: "not-proven" });
    assert.deepEqual(arms(analyze(both, evenOnly), "if (i % 2 == 1)"), { true: "hit", false: "hit" });
  });

  it("require: pass is the next statement running, revert a transaction where it did not", async () => {
    const pass = await run(call("checked", 1n));
    const revert = await run(call("checked", 7n));
    const passThenRevert = await run(call("checkedTwice", 1n, 7n));
    assert.deepEqual(arms(analyze(revert), "require(x != 7"), { pass: "missed", revert: "hit" });
    assert.deepEqual(arms(analyze(pass), "require(x != 7"), { pass: "hit", revert: "not-proven" });
    assert.deepEqual(arms(analyze(pass, revert), "require(x != 7"), { pass: "hit", revert: "hit" });
    assert.deepEqual(arms(analyze(passThenRevert), "require(x != 7"), { pass: "hit", revert: "not-proven" });
  });

  it("try / catch: each clause is its first statement running; empty clauses are not measured", async () => {
    const caught = await run(call("checkedTwice", 1n, 7n));
    const succeeded = await run(call("checkedTwice", 1n, 2n));
    assert.deepEqual(arms(analyze(caught), "try this.checked(b)"), { success: "missed", catch: "hit" });
    assert.deepEqual(arms(analyze(succeeded), "try this.checked(b)"), { success: "hit", catch: "missed" });
    assert.deepEqual(arms(analyze(caught), "try this.checked(x) {}"), {
      success: "not-measured",
      catch: "not-measured",
    });
  });

  it("lists a check without a next statement and a ternary as not measured", async () => {
    const report = analyze(await run(call("lastCheck", 1n)), await run(call("pick", true)));
    assert.deepEqual(arms(report, "assert(x < 100)"), { pass: "not-measured", revert: "not-measured" });
    assert.deepEqual(arms(report, "b ? 1 : 2"), { true: "not-measured", false: "not-measured" });
  });

  it("totals count measured arms only, hit arms as hit", async () => {
    const report = analyze(await run(call("guarded", 1n)));
    const measured = report.branches.flatMap((b) => b.arms).filter((a) => a.status !== "not-measured");
    assert.equal(report.total, measured.length);
    assert.equal(report.hit, measured.filter((a) => a.status === "hit").length);
    // ifs: guarded, classify ×2, sumOdd; require; try with statements: 2 + 2 + 2 + 2 + 2 + 2
    assert.equal(report.total, 12);
    assert.equal(report.hit, 1); // guarded's false arm
    assert.equal(report.statements, statements.length);
    assert.ok(report.statementsHit > 0 && report.statementsHit < report.statements);
  });
});

describe("branch-coverage-sources", () => {
  it("sums the counts of every coverage/data runner file", () => {
    const dir = mkdtempSync(join(tmpdir(), "coverage-data-"));
    try {
      mkdirSync(join(dir, "data", "solidity"), { recursive: true });
      mkdirSync(join(dir, "data", "nodejs"), { recursive: true });
      writeFileSync(join(dir, "data", "solidity", "a.json"), JSON.stringify({ aa: 2, bb: 1 }));
      writeFileSync(join(dir, "data", "nodejs", "b.json"), JSON.stringify({ aa: 3 }));
      assert.deepEqual(
        readExecutionCounts(dir),
        new Map([
          ["aa", 5],
          ["bb", 1],
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads the statement % per file from Hardhat's coverage table", () => {
    const table = [
      "\u001b[1mFile Coverage\u001b[22m",
      "║ \u001b[33mFile Path\u001b[39m │ \u001b[33mLine %\u001b[39m │ \u001b[33mStatement %\u001b[39m │ Uncovered Lines ║",
      "║ contracts/libraries/FeeMath.sol          │ 100.00 │ 85.71       │ 20              ║",
      "║ contracts/MesiToken.sol                  │ 0.00   │ 0.00        │ 16              ║",
      "║ \u001b[33mTotal\u001b[39m                      │ 3.60   │ 2.28        │                 ║",
    ].join("\n");
    assert.deepEqual(
      readHardhatStatementPercents(table),
      new Map([
        ["contracts/libraries/FeeMath.sol", 85.71],
        ["contracts/MesiToken.sol", 0],
      ]),
    );
  });

  it("counts contracts/ except interfaces and bench", () => {
    const root = mkdtempSync(join(tmpdir(), "contracts-"));
    try {
      for (const dir of ["contracts/libraries", "contracts/interfaces", "contracts/bench"]) {
        mkdirSync(join(root, dir), { recursive: true });
      }
      for (const file of [
        "contracts/A.sol",
        "contracts/libraries/L.sol",
        "contracts/interfaces/IA.sol",
        "contracts/bench/B.sol",
      ]) {
        writeFileSync(join(root, file), "");
      }
      const files = contractSourceFiles(root);
      assert.equal(files.length, 4);
      assert.deepEqual(files.filter(isCountedContract), ["contracts/A.sol", "contracts/libraries/L.sol"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
