// A real PostgreSQL server for tests: Debian's package (installed with apt-get
// when missing and we are root), a fresh cluster in a temp dir, bound to
// 127.0.0.1 on a free port, run as the `postgres` user, torn down afterwards.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { freePort } from "../../../scripts/lib/free-port.ts";

export interface PostgresServer {
  readonly url: string;
  stop(): Promise<void>;
}

function binDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function ensureInstalled(): string {
  let bin = binDir();
  if (bin !== undefined) return bin;
  if (!isRoot())
    throw new Error("PostgreSQL is not installed and this is not root: run `apt-get install -y postgresql`");
  // dpkg's maintainer scripts need the sbin folders, which a non-login PATH may lack.
  const env = {
    ...process.env,
    DEBIAN_FRONTEND: "noninteractive",
    PATH: `${process.env.PATH ?? ""}:/usr/local/sbin:/usr/sbin:/sbin`,
  };
  execFileSync("apt-get", ["update"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"], { stdio: "inherit", env });
  bin = binDir();
  if (bin === undefined) throw new Error("apt-get installed postgresql but no initdb was found");
  return bin;
}

/** util-linux's runuser lives in /usr/sbin, which a non-login PATH (CI, cron) may lack. */
function runuser(): string {
  return ["/usr/sbin/runuser", "/sbin/runuser"].find((path) => existsSync(path)) ?? "runuser";
}

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb refuses root). */
function runAsPostgres(command: string, args: string[]): void {
  const [cmd, cmdArgs] = isRoot() ? [runuser(), ["-u", "postgres", "--", command, ...args]] : [command, args];
  const result = spawnSync(cmd, cmdArgs, { encoding: "utf8" });
  if (result.status !== 0) {
    const why = result.error?.message ?? (result.signal === null ? `exit ${result.status}` : `signal ${result.signal}`);
    throw new Error(`${command} failed (${why}): ${result.stderr || result.stdout || "no output"}`);
  }
}

/**
 * A fresh server. Tests trade durability for speed (fsync and synchronous_commit off); `durable` keeps
 * PostgreSQL's defaults, as production runs it (the benchmark).
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<PostgresServer> {
  const bin = ensureInstalled();
  const dir = mkdtempSync(join(tmpdir(), "mesi-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  runAsPostgres(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  runAsPostgres(join(bin, "pg_ctl"), [
    "-D",
    data,
    "-l",
    join(dir, "server.log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${options.durable ? "" : " -c fsync=off -c synchronous_commit=off"} -c max_connections=100`,
    "start",
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        runAsPostgres(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
