// The webapp as a process: built once per change of its sources (vite build, adapter-node), then run with
// its configuration in the environment on 127.0.0.1. Used by `npm start` and the browser tests.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
export const WEBAPP_DIR = join(root, "webapp");
const BUILD_DIR = join(WEBAPP_DIR, "build");
const STAMP = join(BUILD_DIR, ".mesi-build-hash");

/** Every input of the build: the webapp's sources and config, the packages it bundles, the lock file. */
function buildInputs(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  for (const dir of ["webapp/src", "webapp/static", "deployments/src", "auth/src", "messaging/src"])
    walk(join(root, dir));
  for (const file of ["webapp/vite.config.ts", "webapp/package.json", "package-lock.json"])
    files.push(join(root, file));
  return files.sort();
}

function buildHash(): string {
  const hash = createHash("sha256");
  for (const file of buildInputs()) hash.update(file).update(readFileSync(file));
  return hash.digest("hex");
}

function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(" ")} failed (exit ${code}):\n${output.slice(-4000)}`)),
    );
  });
}

/** Builds the webapp unless the build on disk was made from the same sources. */
export async function buildWebapp(onProgress: (message: string) => void = () => {}): Promise<void> {
  const hash = buildHash();
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === hash) {
    onProgress("webapp build is current");
    return;
  }
  onProgress("building the webapp (vite build)…");
  const started = Date.now();
  // A build takes one to several minutes: say it is still going, so a watcher can tell slow from stuck.
  const heartbeat = setInterval(
    () => onProgress(`still building the webapp (${Math.round((Date.now() - started) / 1000)} s)…`),
    30_000,
  );
  try {
    await run("npm", ["run", "build", "--silent"], WEBAPP_DIR);
  } finally {
    clearInterval(heartbeat);
  }
  writeFileSync(STAMP, hash);
  onProgress(`built the webapp in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export interface WebappOptions {
  readonly port: number;
  readonly chainId: number;
  readonly rpcUrl: string;
  readonly indexerUrl: string;
  readonly relayerUrl: string;
  /** The deployment's addresses (contract name → { address, blockNumber }). */
  readonly addresses: Readonly<Record<string, { readonly address: string; readonly blockNumber: number | bigint }>>;
  readonly dataDir: string;
  /** Shows the test-card page that pays through the relayer's dev simulator (local stacks only). */
  readonly devPayments: boolean;
  readonly sessionSecret?: string;
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Where the server's output goes; ignored by default. */
  readonly onOutput?: (line: string) => void;
}

export interface RunningWebapp {
  readonly url: string;
  readonly pid: number;
  /** The secret the webapp signs sessions with (other local services verify tokens with it). */
  readonly sessionSecret: string;
  stop(): Promise<void>;
}

async function waitUntilServing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the webapp exited with code ${child.exitCode} while starting`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the webapp did not answer at ${url} within ${timeoutMs} ms`);
}

/** The request body limit the webapp runs with: a report's four 5 MB screenshots and its text (see checkReport.ts). */
export const WEBAPP_BODY_SIZE_LIMIT = "21M";

/** Runs the built webapp (adapter-node) on 127.0.0.1:`port` and resolves once it serves pages. */
export async function startWebapp(options: WebappOptions): Promise<RunningWebapp> {
  const url = `http://127.0.0.1:${options.port}`;
  const sessionSecret = options.sessionSecret ?? randomBytes(32).toString("hex");
  const child = spawn(process.execPath, [join(BUILD_DIR, "index.js")], {
    cwd: WEBAPP_DIR,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(options.port),
      // adapter-node refuses request bodies over 512 kB by default, below what the app accepts: a 5 MB profile
      // picture, a report with four 5 MB screenshots. The largest of those, plus room for the form around it.
      BODY_SIZE_LIMIT: process.env.BODY_SIZE_LIMIT ?? WEBAPP_BODY_SIZE_LIMIT,
      ORIGIN: url,
      PUBLIC_ORIGIN: url,
      PUBLIC_CHAIN_ID: String(options.chainId),
      PUBLIC_CHAIN_NAME: "Mesi local",
      PUBLIC_RPC_URL: options.rpcUrl,
      PUBLIC_INDEXER_URL: options.indexerUrl,
      PUBLIC_RELAYER_URL: options.relayerUrl,
      PUBLIC_IPFS_GATEWAY: url,
      PUBLIC_DEV_PAYMENTS: String(options.devPayments),
      MESI_SESSION_SECRET: sessionSecret,
      MESI_WEBAPP_DATA_DIR: options.dataDir,
      MESI_ADDRESSES_JSON: JSON.stringify(options.addresses, (_key, value: unknown) =>
        typeof value === "bigint" ? Number(value) : value,
      ),
      ...options.extraEnv,
    },
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim() !== "") options.onOutput?.(line);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilServing(url, child, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid ?? -1, sessionSecret, stop };
}
