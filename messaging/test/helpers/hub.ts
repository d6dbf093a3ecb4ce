// A real hub on a free 127.0.0.1 port over a temp SQLite file, and real clients (HTTP + WebSocket) for test wallets.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { signSessionToken } from "@mesi/auth";
import { pino } from "pino";
import type { Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { HubMessenger } from "../../src/client/hubMessenger.ts";
import { startMessageHub, type StartMessageHubParameters } from "../../src/hub/startMessageHub.ts";
import type { MessengerEvent } from "../../src/messenger.ts";
import { HUB_AUDIENCE } from "../../src/protocol.ts";

export const SECRET = "messaging-test-secret-0123456789abcdef";

/** Deterministic test wallets (no chain needed for hub-only tests). */
export const wallets: readonly Address[] = Array.from(
  { length: 6 },
  (_, i) => privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, "0")}`).address,
);

export function tokenFor(address: Address, ttlSeconds = 300): string {
  return signSessionToken({ address, audience: HUB_AUDIENCE, ttlSeconds, secret: SECRET });
}

export async function startTestHub(overrides: Partial<StartMessageHubParameters> = {}) {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), "mesi-hub-"));
  const hub = await startMessageHub({ secret: SECRET, logger: pino({ level: "silent" }), ...overrides, dataDir });
  const clients: HubMessenger[] = [];
  return {
    ...hub,
    dataDir,
    client(address: Address, getToken: () => Promise<string> = async () => tokenFor(address)): HubMessenger {
      const client = new HubMessenger({ url: hub.url, address, getToken, maxReconnectDelayMs: 200 });
      clients.push(client);
      return client;
    },
    /** Stops the hub; `keepData` keeps its SQLite file and attachments (a restart), and its clients open. */
    async stop(options: { keepData?: boolean } = {}) {
      if (options.keepData !== true) for (const client of clients) await client.close();
      await hub.stop();
      if (options.keepData !== true) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Collects a client's live events; `next` waits for the first one that matches. */
export function recorder(client: HubMessenger) {
  const events: MessengerEvent[] = [];
  const waiters: { match: (e: MessengerEvent) => boolean; resolve: (e: MessengerEvent) => void }[] = [];
  client.subscribe((event) => {
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.match(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  return {
    events,
    next<T extends MessengerEvent>(match: (e: MessengerEvent) => e is T, timeoutMs = 5_000): Promise<T> {
      const found = events.find(match);
      if (found !== undefined) {
        events.splice(events.indexOf(found), 1);
        return Promise.resolve(found as T);
      }
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("timed out waiting for an event")), timeoutMs);
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer);
            events.splice(events.indexOf(e), 1);
            resolve(e as T);
          },
        });
      });
    },
    messages(): string[] {
      return events.flatMap((e) =>
        e.type === "message" && e.message.content.type === "text" ? [e.message.content.text] : [],
      );
    },
  };
}

export const isMessage = (e: MessengerEvent): e is Extract<MessengerEvent, { type: "message" }> => e.type === "message";
export const isText =
  (text: string) =>
  (e: MessengerEvent): e is Extract<MessengerEvent, { type: "message" }> =>
    e.type === "message" && e.message.content.type === "text" && e.message.content.text === text;
