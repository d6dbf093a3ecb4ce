#!/usr/bin/env node
// Runs a command under Node 22 with the project's dependencies installed.
// The machine may only have an older Node and npm: this script (plain ESM, no
// dependencies) brings Node 22 from the npm registry into .toolchain/, runs
// `npm ci` under it when package-lock.json changed, then execs the command
// with Node 22 first on PATH, forwarding termination signals to it.
//
// Usage: node scripts/toolchain.mjs <command> [args...]
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const NODE_VERSION = "22.23.3";
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const toolDir = join(root, ".toolchain");
const nodeBinDir = join(toolDir, "node_modules", "node", "bin");
const nodeBin = join(nodeBinDir, "node");

function log(message) {
  process.stderr.write(`[toolchain] ${message}\n`);
}

function run(cmd, args, env) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function nodeVersionOk() {
  if (!existsSync(nodeBin)) return false;
  const out = spawnSync(nodeBin, ["--version"], { encoding: "utf8" });
  return out.stdout.trim() === `v${NODE_VERSION}`;
}

function ensureNode22() {
  if (nodeVersionOk()) return;
  log(`installing Node ${NODE_VERSION} from the npm registry into .toolchain/`);
  mkdirSync(toolDir, { recursive: true });
  writeFileSync(join(toolDir, "package.json"), JSON.stringify({ private: true, name: "mesi-toolchain" }, null, 2));
  const status = run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefix", toolDir, `node@${NODE_VERSION}`],
    process.env,
  );
  if (status !== 0 || !nodeVersionOk()) {
    log(`could not install Node ${NODE_VERSION} (npm exited ${status})`);
    process.exit(1);
  }
}

// Native addons (better-sqlite3) compile against the headers of the Node that
// runs them. The machine's npm config may point node-gyp at the system Node's
// headers (nodedir=/usr); the node@22 package ships its own, so use those.
function node22HeadersDir() {
  const name = `node-${process.platform}-${process.arch}`;
  const candidates = [join(toolDir, "node_modules", "node", "node_modules", name), join(toolDir, "node_modules", name)];
  return candidates.find((dir) => existsSync(join(dir, "include", "node", "node_version.h")));
}

function toolchainEnv() {
  const headers = node22HeadersDir();
  return {
    ...process.env,
    ...(headers === undefined ? {} : { npm_config_nodedir: headers }),
    PATH: `${nodeBinDir}:${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
  };
}

function ensureDependencies(env) {
  const lock = join(root, "package-lock.json");
  const stamp = join(root, "node_modules", ".mesi-install-stamp");
  // Every workspace's manifest counts: a dependency added to any of them reinstalls.
  const workspaces = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces ?? [];
  const manifests = ["package.json", "package-lock.json", ...workspaces.map((w) => `${w}/package.json`)]
    .map((f) => join(root, f))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f))
    .concat([Buffer.from(NODE_VERSION)]);
  const hash = createHash("sha256").update(Buffer.concat(manifests)).digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash) return;
  const useCi = existsSync(lock);
  log(`installing dependencies with Node ${NODE_VERSION} (npm ${useCi ? "ci" : "install"})`);
  // --prefer-offline: tarballs already in the npm cache (checked by the lock's integrity) are not fetched again.
  const status = run("npm", [useCi ? "ci" : "install", "--no-audit", "--no-fund", "--prefer-offline"], env);
  if (status !== 0) {
    log(`dependency install failed (npm exited ${status})`);
    process.exit(status);
  }
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, hash);
}

// Runs the command as a child and waits for it. SIGINT/SIGTERM/SIGHUP are
// forwarded so that Ctrl-C on `npm start` lets the child shut down cleanly;
// the child may see a signal twice (once from the terminal's process group,
// once from here), so its handlers must be idempotent.
function runForwardingSignals(command, commandArgs, env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: "inherit", env });
  const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of forwarded) process.on(signal, forward);
  child.once("error", (error) => {
    log(`could not run ${command}: ${error.message}`);
    process.exit(1);
  });
  child.once("exit", (code, signal) => {
    for (const s of forwarded) process.off(s, forward);
    process.exit(code ?? 128 + (constants.signals[signal] ?? 1));
  });
}

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  log("usage: node scripts/toolchain.mjs <command> [args...]");
  process.exit(2);
}
ensureNode22();
const env = toolchainEnv();
ensureDependencies(env);
runForwardingSignals(cmd, args, env);
