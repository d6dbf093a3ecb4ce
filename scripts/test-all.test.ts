// scripts/test-all.ts as a process, over suites that run real node:test files: a suite that runs no test fails,
// skips are counted and named with their reasons, checks are listed apart from tests, and the last line keeps
// `N passed, N failed` first.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

const root = join(import.meta.dirname, "..");

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly lastLine: string;
}

async function runHarness(suitesFile: string, filter?: string): Promise<Run> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/test-all.ts", "--suites", suitesFile, ...(filter === undefined ? [] : [filter])],
    // Without node:test's marker of a child test process, or the suites' `node --test` would refuse to run files.
    { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_TEST_CONTEXT: undefined } },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  return { code, output, lastLine: output.trimEnd().split("\n").at(-1) ?? "" };
}

describe("the npm test harness (scripts/test-all.ts as a process)", () => {
  let dir: string;
  let suitesFile: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "mesi-test-all-"));
    await writeFile(
      join(dir, "passing.test.mjs"),
      [
        'import { it } from "node:test";',
        'it("adds", () => {});',
        'it("multiplies", () => {});',
        'it("needs a GPU", { skip: "no GPU on this machine" }, () => {});',
        'it("later", { todo: "not written yet" });',
      ].join("\n"),
    );
    await writeFile(join(dir, "bare-skip.test.mjs"), 'import { it } from "node:test";\nit("quiet", { skip: true });\n');
    await writeFile(join(dir, "empty.test.mjs"), "// no tests here\n");
    const node = (file: string) => ["node", "--test", "--test-reporter=spec", join(dir, file)];
    const suites = [
      { name: "check: passes", command: ["node", "-e", "process.exit(0)"], kind: "check" },
      { name: "check: fails", command: ["node", "-e", "process.exit(3)"], kind: "check" },
      { name: "tests: passing", command: node("passing.test.mjs"), kind: "tests" },
      { name: "tests: empty file", command: node("empty.test.mjs"), kind: "tests" },
      { name: "tests: no summary", command: ["node", "-e", "console.log('hello')"], kind: "tests" },
      { name: "tests: bare skip", command: node("bare-skip.test.mjs"), kind: "tests" },
    ];
    suitesFile = join(dir, "suites.ts");
    await writeFile(suitesFile, `export const suites = ${JSON.stringify(suites)};\n`);
  });

  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("counts tests and skips, keeps checks apart and ends with `N passed, N failed, N skipped`", async () => {
    const run = await runHarness(suitesFile, "passing");
    assert.equal(run.code, 0, run.output);
    // 2 passed; the skip and the todo are skipped, not passed; no check ran.
    assert.equal(run.lastLine, "2 passed, 0 failed, 2 skipped");
    assert.match(run.output, /^ {4}skip needs a GPU — no GPU on this machine$/m);
    assert.match(run.output, /^ {2}tests: passing: 1 skipped, 1 todo$/m);
    assert.match(run.output, /^ {2}ok {5}tests: passing: 2 passed, 0 failed, 1 skipped, 1 todo \(/m);
  });

  it("lists checks apart and counts none of them as tests", async () => {
    const run = await runHarness(suitesFile, "check:");
    assert.equal(run.code, 1, run.output);
    assert.equal(run.lastLine, "0 passed, 1 failed, 0 skipped");
    assert.match(run.output, /^checks: 1 ok, 1 failed$/m);
    const checks = run.output.slice(run.output.indexOf("\nChecks"));
    assert.match(checks, /^ {2}ok {5}check: passes \(/m);
    assert.match(checks, /^ {2}FAILED check: fails \(/m);
  });

  it("fails a test suite that ran no test, with or without a summary", async () => {
    for (const [filter, problem] of [
      ["empty file", "tests: empty file: ran no tests"],
      ["no summary", "tests: no summary: printed no test summary: no test ran"],
    ] as const) {
      const run = await runHarness(suitesFile, filter);
      assert.equal(run.code, 1, run.output);
      assert.equal(run.lastLine, "0 passed, 1 failed, 0 skipped");
      assert.ok(run.output.includes(`  ${problem}\n`), run.output);
    }
    // node:test reports a file without tests as one passing test named by its path: it is not counted as a pass.
    const run = await runHarness(suitesFile, "empty file");
    assert.ok(run.output.includes(`  a test file that declares no test: ${join(dir, "empty.test.mjs")}\n`), run.output);
  });

  it("fails a suite with a skip that gives no reason", async () => {
    const run = await runHarness(suitesFile, "bare skip");
    assert.equal(run.code, 1, run.output);
    assert.equal(run.lastLine, "0 passed, 1 failed, 1 skipped");
    assert.match(run.output, /^ {2}skip without a reason: quiet$/m);
    assert.match(run.output, /^ {4}skip quiet — NO REASON GIVEN$/m);
  });
});
