// Lints every Solidity file under contracts/ and test/ with solhint, warnings
// counted as errors. Succeeds with a note when there is nothing to lint
// (solhint itself exits 1 when its globs match no file).
//
// Usage: node --import tsx scripts/lint-sol.ts [extra solhint args]
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const lintedDirs = ["contracts", "test"];

const files = lintedDirs
  .filter((dir) => existsSync(join(root, dir)))
  .flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: "utf8" }).map((f) => join(dir, f)))
  .filter((file) => file.endsWith(".sol"))
  .sort();

if (files.length === 0) {
  console.log(`solhint: no Solidity files under ${lintedDirs.join(", ")}`);
  process.exit(0);
}

const child = spawn("solhint", ["--max-warnings", "0", "--disc", "--noPoster", ...process.argv.slice(2), ...files], {
  cwd: root,
  stdio: "inherit",
});
child.once("error", (error) => {
  console.error(`solhint: could not start: ${error.message}`);
  process.exit(1);
});
child.once("exit", (code) => {
  if (code === 0) console.log(`solhint: ${files.length} files, no problems`);
  process.exit(code ?? 1);
});
