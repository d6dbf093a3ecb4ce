// The local message hub from Node, as the browser suites drive it beside the pages: its URL from `npm start`'s
// banner, and a client for any key with tokens the webapp mints from a real SIWE session.
import assert from "node:assert/strict";

import { HubMessenger } from "@mesi/messaging";
import type { Address, Hex } from "viem";

import { siweCookie } from "./people.ts";
import type { Stack } from "./stack.ts";

/** The hub's URL, from `npm start`'s banner. */
export function hubUrl(stack: Stack): string {
  const match = /^\s+messaging\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(stack.output());
  assert.ok(match, "npm start printed the message hub's URL");
  return match[1]!;
}

/** A hub client in Node for `key`, with tokens minted by the webapp from a real SIWE session. */
export async function hubClientFor(stack: Stack, key: Hex, address: Address): Promise<HubMessenger> {
  const cookie = await siweCookie(stack, key);
  return new HubMessenger({
    url: hubUrl(stack),
    address,
    getToken: async () => {
      const response = await fetch(new URL("/api/session/token", stack.urls.webapp), {
        method: "POST",
        headers: { "content-type": "application/json", cookie, origin: new URL(stack.urls.webapp).origin },
        body: JSON.stringify({ audience: "message-hub" }),
      });
      assert.equal(response.status, 200);
      return ((await response.json()) as { token: string }).token;
    },
  });
}
