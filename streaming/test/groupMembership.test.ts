// The gate's group membership (group → live) against a real message hub (SQLite, HTTP), reached through a TCP proxy
// the test can cut: every change of a linked group reaches the gate pushed over the one feed it opened (the proxy sees
// a single request: nothing is polled); a dropped feed reconnects and its first snapshot resyncs what changed while
// it was cut off; a hub that drops or goes silent makes membership unknown after the stale limit, never admitting
// on old data; a wrong secret is refused.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { signSessionToken } from "@mesi/auth";
import { startMessageHub, type RunningMessageHub } from "@mesi/messaging/hub";
import pino from "pino";
import type { Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { GroupMembership } from "../src/groups/groupMembership.ts";
import { waitFor } from "./helpers/waitFor.ts";

const SECRET = "group-membership-test-secret-0123456789";
const STALE_MS = 1500;
const logger = pino({ level: process.env.STREAMING_TEST_LOG ?? "silent" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TCP proxy in front of the hub: counts the HTTP requests that pass, and can cut every connection, refuse new
 * ones, or go silent.
 */
async function startProxy(target: URL) {
  const sockets = new Set<Socket>();
  let refusing = false;
  let silent = false;
  let requests = 0;
  const server = createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (bytes: Buffer) => {
      requests += (bytes.toString("latin1").match(/^(GET|POST|HEAD) \//gm) ?? []).length;
      upstream.write(bytes);
    });
    // Silent: the hub's bytes are swallowed while the connection stays open (a hung hub).
    upstream.on("data", (bytes) => silent || client.write(bytes));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    /** Drops every connection; `refuse` keeps new ones out until `resume`. */
    cut(refuse: boolean) {
      refusing = refuse;
      for (const socket of sockets) socket.destroy();
    },
    silence(on: boolean) {
      silent = on;
    },
    resume() {
      refusing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("group membership pushed by the message hub", { timeout: 60_000 }, () => {
  const [creator, fanA, fanB, fanC] = Array.from(
    { length: 4 },
    () => privateKeyToAccount(generatePrivateKey()).address,
  );
  let dir: string;
  let hub: RunningMessageHub;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let groups: GroupMembership;
  let groupId: string;

  const hubCall = async (who: Address, path: string, body: unknown) => {
    const token = signSessionToken({ address: who, audience: "message-hub", secret: SECRET, ttlSeconds: 300 });
    const response = await fetch(`${hub.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { id: string };
  };
  /** The next snapshot that changed something (the gate's onChange), or a failure after `timeoutMs`. */
  const nextChange = (timeoutMs = 5000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no membership change within ${timeoutMs} ms`)), timeoutMs);
      groups.onChange = () => {
        clearTimeout(timer);
        groups.onChange = undefined;
        resolve();
      };
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mesi-group-membership-"));
    hub = await startMessageHub({ dataDir: dir, secret: SECRET, logger });
    proxy = await startProxy(new URL(hub.url));
  });
  after(async () => {
    groups?.stop();
    await proxy?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts from the hub's snapshot and hears each change pushed over the one feed it opened", async () => {
    groupId = (await hubCall(creator!, "/v1/conversations/group", { name: "crew", members: [fanA, fanB] })).id;
    await hubCall(creator!, `/v1/conversations/${groupId}/live`, { streamId: "7" });
    groups = new GroupMembership({ hubUrl: proxy.url, secret: SECRET, logger, staleAfterMs: STALE_MS });
    await groups.start();
    assert.deepEqual(groups.linkOf(7n, creator!), { conversationId: groupId, membershipKnown: true });
    assert.equal(groups.linkOf(7n, fanA!), null, "a link honoured only for the admin who made it");
    assert.deepEqual(
      [fanA, fanB, fanC].map((fan) => groups.isMember(7n, fan!)),
      [true, true, false],
    );

    let changed = nextChange();
    await hubCall(creator!, `/v1/conversations/${groupId}/members`, { remove: [fanB] });
    await changed;
    assert.equal(groups.isMember(7n, fanB!), false);
    changed = nextChange();
    await hubCall(creator!, `/v1/conversations/${groupId}/members`, { add: [fanC] });
    await changed;
    assert.equal(groups.isMember(7n, fanC!), true);

    // Several stale periods later the heartbeats still keep the snapshot fresh, over the same single request.
    await sleep(3 * STALE_MS);
    assert.equal(groups.fresh, true);
    assert.equal(proxy.requests, 1, "one request to the hub: nothing polled");
    assert.equal(groups.feedsOpened, 1);
  });

  it("reconnects after a drop and resyncs what changed while it was cut off", async () => {
    proxy.cut(true);
    await hubCall(creator!, `/v1/conversations/${groupId}/members`, { add: [fanB], remove: [fanA] });
    await sleep(300);
    assert.equal(groups.isMember(7n, fanA!), true, "cut off, the gate has not heard of the change");
    const changed = nextChange();
    proxy.resume();
    await changed;
    assert.deepEqual(
      [fanA, fanB, fanC].map((fan) => groups.isMember(7n, fan!)),
      [false, true, true],
    );
    assert.ok(groups.feedsOpened >= 2, `feeds opened: ${groups.feedsOpened}`);
    assert.equal(groups.fresh, true);
  });

  it("marks membership unknown when the hub is unreachable or silent for the stale limit, known again once it answers", async () => {
    proxy.cut(true);
    await waitFor(
      "membership unknown (unreachable)",
      async () => groups.fresh,
      (fresh) => !fresh,
      3 * STALE_MS,
    );
    assert.equal(groups.linkOf(7n, creator!)?.membershipKnown, false);
    proxy.resume();
    await waitFor(
      "membership known again",
      async () => groups.fresh,
      (fresh) => fresh,
      5000,
    );

    // A hung hub: the connection stays open but nothing comes; the gate gives up on it and opens another.
    const opened = groups.feedsOpened;
    proxy.silence(true);
    await waitFor(
      "membership unknown (silent)",
      async () => groups.fresh,
      (fresh) => !fresh,
      3 * STALE_MS,
    );
    await waitFor(
      "a new feed",
      async () => groups.feedsOpened,
      (n) => n > opened,
      3 * STALE_MS,
    );
    proxy.silence(false);
    await waitFor(
      "membership known again",
      async () => groups.fresh,
      (fresh) => fresh,
      3 * STALE_MS,
    );
  });

  it("is refused by the hub with the wrong secret and then knows no link", async () => {
    const outsider = new GroupMembership({
      hubUrl: hub.url,
      secret: "another-secret-0123456789abcdef-xyz",
      logger,
      staleAfterMs: 300,
    });
    try {
      await outsider.start();
      assert.equal(outsider.fresh, false);
      assert.equal(outsider.linkOf(7n, creator!), null);
    } finally {
      outsider.stop();
    }
  });
});
