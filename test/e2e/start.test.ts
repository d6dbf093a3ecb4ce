// `npm start` end to end: runs scripts/start.ts on a free port, waits for the
// printed URLs, reads the seeded demo data back from the chain, sends SIGINT
// and checks that every process it started has exited.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { connect } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { createPublicClient, getAddress, http, parseUnits, type Address, type Hex } from "viem";

import { abis } from "../../deployments/src/generated/abis.ts";
import { readSessionState, sessionIdOf, SessionStatus } from "../../deployments/src/one-to-one-session.ts";
import { parseAddressesModule } from "../../scripts/lib/deployments-module.ts";
import { freePort } from "../../scripts/lib/free-port.ts";
import { localAccounts } from "../../scripts/lib/local-accounts.ts";

const root = join(import.meta.dirname, "..", "..");
const MESI = (amount: string): bigint => parseUnits(amount, 18);

/** Every live process under `pid` (from /proc), so the test can tell that none outlives `npm start`. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // the process exited while we looked
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "?";
  }
}

/** The processes of `pids` still alive after a short grace period (exiting processes take a moment). */
async function survivors(pids: readonly number[]): Promise<string[]> {
  const deadline = Date.now() + 3_000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return pids.filter(isAlive).map((pid) => `${pid} ${commandOf(pid)}`);
}

/** The parent and process group of `pid`, or undefined once it has exited. */
function statOf(pid: number): { ppid: number; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

function livePids(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** Whether `pid` carries `name=value` in its environment (inherited by every descendant, detached or not). */
function hasEnv(pid: number, name: string, value: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`${name}=${value}`);
  } catch {
    return false;
  }
}

/** TCP ports `pids` listen on: their socket inodes matched against /proc/net/tcp{,6} rows in state LISTEN (0A). */
function listeningPorts(pids: readonly number[]): number[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match?.[1] !== undefined) inodes.add(match[1]);
      } catch {
        // closed meanwhile
      }
    }
  }
  const ports = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let rows: string[] = [];
    try {
      rows = readFileSync(table, "utf8").split("\n").slice(1);
    } catch {
      continue;
    }
    for (const row of rows) {
      const fields = row.trim().split(/\s+/);
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (state === "0A" && inode !== undefined && inodes.has(inode) && local !== undefined) {
        ports.add(Number.parseInt(local.split(":")[1] ?? "0", 16));
      }
    }
  }
  return [...ports];
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Watches a run's processes while it lives: every process in its process group or carrying its environment marker
 * (so also detached children such as anvil, which gets a group of its own), and every TCP port they listen on.
 */
function watchRun(pgid: number, marker: string) {
  const seen = new Map<number, string>();
  const ports = new Set<number>();
  const members = (): number[] =>
    livePids().filter((pid) => statOf(pid)?.pgrp === pgid || hasEnv(pid, RUN_MARKER, marker));
  const sample = (): void => {
    const pids = members();
    for (const pid of pids) if (!seen.has(pid)) seen.set(pid, commandOf(pid));
    for (const port of listeningPorts(pids)) ports.add(port);
  };
  sample();
  const timer = setInterval(sample, 10);
  return {
    members,
    stop(): { seen: Map<number, string>; ports: number[] } {
      clearInterval(timer);
      sample();
      return { seen, ports: [...ports] };
    },
  };
}

const RUN_MARKER = "MESI_E2E_RUN";

interface StartedPlatform {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

function runStart(args: readonly string[], options: { marker?: string } = {}): StartedPlatform {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    // A marked run gets its own process group, so that what it leaves behind can be found by group and by marker.
    ...(options.marker === undefined ? {} : { detached: true, env: { ...process.env, [RUN_MARKER]: options.marker } }),
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output so far:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("npm start (scripts/start.ts)", () => {
  const accounts = localAccounts();
  let dir: string;
  let addressesFile: string;
  let chainPort: number;
  let platform: StartedPlatform;
  let chainUrl: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "mesi-start-"));
    addressesFile = join(dir, "addresses.ts");
    chainPort = await freePort();
    platform = runStart([
      "--chain-port",
      String(chainPort),
      "--addresses-file",
      addressesFile,
      "--data-dir",
      join(dir, "data"),
    ]);
    let exitedEarly = false;
    void platform.exited.then(() => (exitedEarly = true));
    await waitFor(
      () => exitedEarly || platform.output().includes("Mesi is running"),
      240_000,
      "the ready banner",
      platform.output,
    );
    assert.equal(exitedEarly, false, `start exited early:\n${platform.output()}`);
    const match = /^\s+chain\s+(http:\/\/127\.0\.0\.1:\d+)\s/m.exec(platform.output());
    assert.ok(match?.[1], `no chain URL in:\n${platform.output()}`);
    chainUrl = match[1];
  });

  after(async () => {
    if (platform !== undefined && platform.child.exitCode === null) platform.child.kill("SIGKILL");
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("prints the chain URL on the requested port, the chain id, keys and addresses", () => {
    const output = platform.output();
    assert.equal(chainUrl, `http://127.0.0.1:${chainPort}`);
    assert.match(output, /chain id 31337/);
    for (const role of ["admin", "relayer", "creatorAlice", "creatorBob", "fan1", "fan2", "fan3"] as const) {
      assert.ok(output.includes(`${accounts[role].address}  private key ${accounts[role].privateKey}`), role);
    }
    assert.match(output, /MesiVault\s+0x[0-9a-fA-F]{40}/);
    assert.match(output, /\[contracts\] deploying with Hardhat Ignition/);
  });

  it("serves a chain with the deployed, seeded system", async () => {
    const stored = parseAddressesModule(await readFile(addressesFile, "utf8"))["31337"];
    assert.ok(stored, "the addresses module has chain 31337");
    const vault = { address: stored.MesiVault?.address as Address, abi: abis.MesiVault } as const;
    const client = createPublicClient({ transport: http(chainUrl) });
    assert.equal(await client.getChainId(), 31337);

    const feeBps = await client.readContract({ ...vault, functionName: "feeBps" });
    const net = (gross: bigint): bigint => gross - (gross * feeBps) / 10_000n;
    // Alice: tips of 100 and 25 MESI and one 50 MESI ticket. Bob: a 10 MESI tip and 5 USDC (= 500 MESI).
    const [aliceCleared, alicePending] = await client.readContract({
      ...vault,
      functionName: "earningsOf",
      args: [accounts.creatorAlice.address],
    });
    assert.equal(aliceCleared, net(MESI("100")) + net(MESI("25")) + net(MESI("50")));
    assert.equal(alicePending, 0n);
    const [bobCleared] = await client.readContract({
      ...vault,
      functionName: "earningsOf",
      args: [accounts.creatorBob.address],
    });
    assert.equal(bobCleared, net(MESI("10")) + net(MESI("500")));
    assert.equal(await client.readContract({ ...vault, functionName: "escrowed" }), MESI("250"));
    assert.equal(await client.readContract({ ...vault, functionName: "floatBalance" }), MESI("1000000") - MESI("500"));

    const escrow = { address: stored.OneToOneEscrow?.address as Address, abi: abis.OneToOneEscrow } as const;
    const [sessionId, status] = await client.readContract({
      ...escrow,
      functionName: "latestSessionOf",
      args: [accounts.fan3.address, accounts.creatorAlice.address],
    });
    assert.equal(status, SessionStatus.Requested, "the one-to-one request is pending");
    assert.equal(sessionId, sessionIdOf(accounts.fan3.address, accounts.creatorAlice.address, 1n));
    // The record rebuilt from the events is the one the escrow committed to (what accept/decline take).
    const { record } = await readSessionState(client, escrow, sessionId);
    assert.equal(record.fan, getAddress(accounts.fan3.address));
    assert.equal(record.amount, MESI("250"));
    assert.equal(await client.readContract({ ...escrow, functionName: "isCurrent", args: [record] }), true);
    const registry = { address: stored.CreatorRegistry?.address as Address, abi: abis.CreatorRegistry } as const;
    for (const creator of [accounts.creatorAlice, accounts.creatorBob]) {
      assert.equal(
        await client.readContract({ ...registry, functionName: "isRegistered", args: [creator.address] }),
        true,
      );
    }
    for (const fan of [accounts.fan1, accounts.fan2, accounts.fan3]) {
      const usdc = await client.readContract({
        address: stored.TestUSDC?.address as Address,
        abi: abis.TestUSDC,
        functionName: "balanceOf",
        args: [fan.address],
      });
      assert.ok(usdc > 0n, `${fan.role} holds TestUSDC`);
    }
  });

  it("runs the relayer: a card tip paid through the local simulator is credited on-chain, held", async () => {
    const match = /^\s+relayer\s+(http:\/\/127\.0\.0\.1:\d+)\s/m.exec(platform.output());
    assert.ok(match?.[1], `no relayer URL in:\n${platform.output()}`);
    const relayerUrl = match[1];
    assert.equal((await fetch(`${relayerUrl}/healthz`)).status, 200);

    const quoteResponse = await fetch(`${relayerUrl}/quotes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        fan: accounts.fan2.address,
        creator: accounts.creatorBob.address,
        purpose: "tip",
        mesiAmount: MESI("400").toString(),
      }),
    });
    assert.equal(quoteResponse.status, 201, await quoteResponse.clone().text());
    const quote = (await quoteResponse.json()) as { quoteId: string; paymentRef: Hex };
    const paid = await fetch(`${relayerUrl}/dev/simulate-payment`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ quoteId: quote.quoteId }),
    });
    assert.equal(paid.status, 200, await paid.clone().text());

    const stored = parseAddressesModule(await readFile(addressesFile, "utf8"))["31337"];
    const client = createPublicClient({ transport: http(chainUrl) });
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (status === 0 && Date.now() < deadline) {
      const [creditStatus] = await client.readContract({
        address: stored?.MesiVault?.address as Address,
        abi: abis.MesiVault,
        functionName: "creditOf",
        args: [quote.paymentRef],
      });
      status = creditStatus;
      if (status === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(status, 1, "the fiat credit is on-chain and Held");
  });

  it("runs the indexer: the seeded tips and the card tip are served in The Graph's query dialect", async () => {
    const match = /^\s+indexer\s+(http:\/\/127\.0\.0\.1:\d+\S*)\s/m.exec(platform.output());
    assert.ok(match?.[1], `no indexer URL in:\n${platform.output()}`);
    const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(match[1] as string, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      assert.equal(response.status, 200);
      return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    };
    const alice = accounts.creatorAlice.address.toLowerCase();
    const aliceTips = await graphql(
      `
        query ($creator: String!) {
          tips(where: { creator: $creator }, orderBy: amount) {
            amount
            source
          }
        }
      `,
      { creator: alice },
    );
    assert.equal(aliceTips.errors, undefined, JSON.stringify(aliceTips.errors));
    assert.deepEqual(aliceTips.data?.tips, [
      { amount: MESI("25").toString(), source: "MESI" },
      { amount: MESI("100").toString(), source: "MESI" },
    ]);
    // The fiat credit of the test before reaches the index within a few blocks.
    const deadline = Date.now() + 30_000;
    let fiat: unknown[] = [];
    while (fiat.length === 0 && Date.now() < deadline) {
      const result = await graphql(`
        {
          tips(where: { source: FIAT }) {
            amount
            fan {
              id
            }
          }
        }
      `);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      fiat = result.data?.tips as unknown[];
      if (fiat.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(fiat, [{ amount: MESI("400").toString(), fan: { id: accounts.fan2.address.toLowerCase() } }]);
    const tooMany = await graphql(`
      {
        tips(first: 1001) {
          id
        }
      }
    `);
    assert.ok(tooMany.errors !== undefined && tooMany.errors.length > 0, "first beyond 1000 is an error");
  });

  it("runs the KYF verifier: its URL in the banner, the embedded form, attesting as the verifier account", async () => {
    const match = /^\s+kyf\s+(http:\/\/127\.0\.0\.1:\d+)\s/m.exec(platform.output());
    assert.ok(match?.[1], `no kyf URL in:\n${platform.output()}`);
    const response = await fetch(`${match[1]}/health`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true, provider: "embedded", verifier: accounts.verifier.address });
    // Registration needs a session token minted by the webapp: without one, nothing is taken.
    const anonymous = await fetch(`${match[1]}/v1/registration`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ legalName: "Ada Lovelace", dateOfBirth: "1990-01-31", country: "GB" }),
    });
    assert.equal(anonymous.status, 401);
  });

  it("refuses a second start on the same port and leaves nothing behind", async () => {
    const marker = randomUUID();
    const second = runStart(
      ["--chain-port", String(chainPort), "--addresses-file", join(dir, "unused.ts"), "--data-dir", join(dir, "data2")],
      { marker },
    );
    const pgid = second.child.pid;
    assert.ok(pgid !== undefined);
    const watch = watchRun(pgid, marker);
    const code = await second.exited;
    assert.equal(code, 1, second.output());
    assert.match(second.output(), /chain failed to start: anvil exited/);

    // Whatever it started, in its group or detached, has exited once a short grace period is over.
    const deadline = Date.now() + 3_000;
    while (watch.members().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const { seen, ports } = watch.stop();
    assert.ok(seen.has(pgid), "the watcher saw the second start itself");
    const problems: string[] = [];
    for (const pid of watch.members()) problems.push(`still alive: ${pid} ${commandOf(pid)}`);
    // Every port it listened on is closed again (it must never have held the first platform's chain port).
    if (ports.includes(chainPort)) problems.push(`listened on the taken port ${chainPort}`);
    for (const port of ports) if (await portAnswers(port)) problems.push(`port ${port} it opened still answers`);
    const ran = [...seen].map(([pid, cmd]) => `${pid} ${cmd}`).join("; ");
    assert.deepEqual(problems, [], `the refused start left things behind; it ran: ${ran}`);
    // The first platform is untouched: its chain still answers.
    assert.equal(await portAnswers(chainPort), true, "the running platform's chain still answers");
  });

  it("stops everything it started on SIGINT", async () => {
    const pid = platform.child.pid;
    assert.ok(pid !== undefined);
    const started = descendants(pid);
    assert.ok(started.length >= 1, "the chain runs as a child process");
    platform.child.kill("SIGINT");
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      platform.exited,
      new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), 20_000))),
    ]);
    clearTimeout(timer);
    assert.equal(code, 0, `exit code; output:\n${platform.output()}`);
    assert.match(platform.output(), /received SIGINT: stopping…\nstopped\./);
    assert.deepEqual(await survivors(started), [], "no process outlives npm start");
    await assert.rejects(fetch(chainUrl, { method: "POST", body: "{}" }), "the chain no longer answers");
  });
});
