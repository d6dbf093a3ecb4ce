// Voice and video calls in the messenger, in real headless Chromium with its fake camera and microphone
// (`--use-fake-device-for-media-stream`, see support/browser.ts), two browser contexts at once against the whole
// platform (`npm start`: the local hub relays the WebRTC signalling over its WebSocket): a video call connects both
// ways (frames decoded on each side), mute turns the caller's microphone track off and on, hanging up ends the
// call on both sides and leaves the call in both chats; a declined call and an unanswered one leave their
// message; a caller the callee blocked is refused by the hub, and the call screen says why; a peer whose page
// goes away ends the call.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { DESKTOP, PHONE, screenshot, waitFor, withShots as withPageShots } from "../support/fixtures.ts";
import { hubClientFor } from "../support/hub.ts";
import { signedInPage } from "../support/people.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;

interface Person {
  readonly key: Hex;
  readonly address: Address;
  readonly context: BrowserContext;
  readonly page: Page;
}

const opened: Page[] = [];

/** A new wallet, signed in (SIWE session cookie made from Node, as the sign-in button would), in its own context. */
async function person(viewport: { width: number; height: number }): Promise<Person> {
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;
  const { context, page } = await signedInPage(browser, stack, key, viewport);
  opened.push(page);
  return { key, address, context, page };
}

/** Opens the direct chat of `caller` with `callee` on both pages; returns its id. */
async function openChat(caller: Person, callee: Person): Promise<string> {
  await caller.page.goto(`${stack.urls.webapp}/messages?to=${callee.address}`);
  await caller.page.waitForURL(/\/messages\/[^?]+$/, { timeout: 30_000 });
  const id = decodeURIComponent(/\/messages\/([^/?#]+)/.exec(caller.page.url())![1]!);
  await callee.page.goto(`${stack.urls.webapp}/messages/${encodeURIComponent(id)}`);
  for (const { page } of [caller, callee]) {
    await page.locator("html[data-hydrated=true]").waitFor({ timeout: 15_000 });
    await page.getByTestId("transport-notice").waitFor({ timeout: 15_000 });
  }
  return id;
}

function callView(page: Page, phase?: string) {
  return page.locator(phase === undefined ? '[data-testid="call"]' : `[data-testid="call"][data-phase="${phase}"]`);
}

/**
 * Frames of the peer's video decoded and painted on this page (the remote <video>'s frame callbacks). The check runs
 * as page source: tsx would wrap a named inner function in a helper the page doesn't have.
 */
async function framesShown(page: Page): Promise<number> {
  await page.getByTestId("remote-video").waitFor({ state: "attached" });
  return page.evaluate(`new Promise((resolve, reject) => {
    const video = document.querySelector('[data-testid="remote-video"]');
    let frames = 0;
    const timer = setTimeout(() => reject(new Error("only " + frames + " frames in 10 s")), 10000);
    const next = () =>
      video.requestVideoFrameCallback((_, meta) => {
        frames = meta.presentedFrames;
        if (frames >= 5 && video.videoWidth > 0) {
          clearTimeout(timer);
          resolve(frames);
        } else next();
      });
    next();
  })`);
}

/** Whether the microphone track this page sends is enabled. */
function micEnabled(page: Page): Promise<boolean> {
  return page
    .getByTestId("local-video")
    .evaluate((video: HTMLVideoElement) => (video.srcObject as MediaStream).getAudioTracks()[0]!.enabled);
}

async function callLog(page: Page, outcome: string): Promise<string> {
  const log = page.locator(`[data-testid="call-log"][data-outcome="${outcome}"]`).last();
  await log.waitFor({ timeout: 15_000 });
  return (await log.innerText()).replace(/\s+/g, " ").trim();
}

const withShots = (name: string, body: () => Promise<void>) =>
  withPageShots(`calls-${name}`, opened, body, { closeAfter: true });

describe("messenger calls", () => {
  before(async () => {
    ({ stack, browser } = await shared());
  });

  it(
    "a video call connects both ways; mute turns the caller's microphone off and on; hanging up ends both sides",
    withShots("video", async () => {
      const caller = await person(DESKTOP);
      const callee = await person(PHONE);
      await openChat(caller, callee);

      await caller.page.getByTestId("call-video").click();
      await callView(caller.page, "outgoing").waitFor({ timeout: 15_000 });
      await callView(callee.page, "incoming").waitFor({ timeout: 15_000 });
      assert.equal(await callee.page.getByTestId("call-status").innerText(), "Incoming video call…");
      await screenshot(caller.page, "calls-outgoing-desktop");
      await screenshot(callee.page, "calls-incoming-phone");

      await callee.page.getByTestId("call-accept").click();
      await callView(caller.page, "connected").waitFor({ timeout: 20_000 });
      await callView(callee.page, "connected").waitFor({ timeout: 20_000 });
      // Video both ways: each side paints frames of the other's fake camera.
      const [callerSees, calleeSees] = await Promise.all([framesShown(caller.page), framesShown(callee.page)]);
      assert.ok(callerSees >= 5 && calleeSees >= 5, `frames shown: caller ${callerSees}, callee ${calleeSees}`);
      await waitFor("the call's clock to run", async () =>
        /^00:0[1-9]$/.test(await caller.page.getByTestId("call-status").innerText()) ? true : undefined,
      );
      await screenshot(caller.page, "calls-video-desktop");
      await screenshot(callee.page, "calls-video-phone");

      // Mute switches the caller's microphone track off (what the peer receives is silence), and back on.
      assert.equal(await micEnabled(caller.page), true);
      await caller.page.getByTestId("call-mute").click();
      assert.equal(await micEnabled(caller.page), false);
      assert.equal(await caller.page.getByTestId("call-mute").getAttribute("aria-pressed"), "true");
      await caller.page.getByTestId("call-camera").click();
      await screenshot(caller.page, "calls-muted-camera-off-desktop");
      await caller.page.getByTestId("call-mute").click();
      assert.equal(await micEnabled(caller.page), true);

      // The callee hangs up: the call ends on both sides, and both chats keep it.
      await callee.page.getByTestId("call-hangup").click();
      await callView(caller.page).waitFor({ state: "detached", timeout: 15_000 });
      await callView(callee.page).waitFor({ state: "detached", timeout: 15_000 });
      assert.match(await callLog(caller.page, "ended"), /Video call Outgoing · 0:\d\d/);
      assert.match(await callLog(callee.page, "ended"), /Video call Incoming · 0:\d\d/);
    }),
  );

  it(
    "a declined call and an unanswered one leave their message in the chat",
    withShots("declined", async () => {
      const caller = await person(PHONE);
      const callee = await person(DESKTOP);
      await openChat(caller, callee);

      await caller.page.getByTestId("call-voice").click();
      await callView(callee.page, "incoming").waitFor({ timeout: 15_000 });
      assert.equal(await callee.page.getByTestId("call-status").innerText(), "Incoming voice call…");
      await screenshot(callee.page, "calls-incoming-desktop");
      await screenshot(caller.page, "calls-outgoing-phone");
      await callee.page.getByTestId("call-decline").click();
      await callView(caller.page, "ended").waitFor({ timeout: 15_000 });
      assert.equal(await caller.page.getByTestId("call-status").innerText(), "Declined");
      assert.equal(await callLog(caller.page, "declined"), "Declined voice call Outgoing");
      assert.equal(await callLog(callee.page, "declined"), "Declined voice call Incoming");

      // The caller gives up before anyone answers: a missed call on both sides, the callee's ring stops.
      await callView(caller.page).waitFor({ state: "detached", timeout: 10_000 });
      await caller.page.getByTestId("call-video").click();
      await callView(callee.page, "incoming").waitFor({ timeout: 15_000 });
      await caller.page.getByTestId("call-hangup").click();
      await callView(callee.page).waitFor({ state: "detached", timeout: 15_000 });
      assert.equal(await callLog(callee.page, "missed"), "Missed video call Incoming");
      assert.equal(await callLog(caller.page, "missed"), "Missed video call Outgoing");
      await screenshot(callee.page, "calls-missed-chat-desktop");
    }),
  );

  it(
    "a caller the callee blocked is refused by the hub, and the call screen says why",
    withShots("blocked", async () => {
      const caller = await person(PHONE);
      const callee = await person(DESKTOP);
      const conversationId = await openChat(caller, callee);
      const calleeHub = await hubClientFor(stack, callee.key, callee.address);
      await calleeHub.setConsent(caller.address, "denied");
      try {
        await caller.page.getByTestId("call-video").click();
        await callView(caller.page, "ended").waitFor({ timeout: 15_000 });
        const status = await caller.page.getByTestId("call-status").innerText();
        assert.match(status, /has blocked you, so you can't call them/);
        const report = await caller.page.getByTestId("call-report").getAttribute("href");
        assert.equal(report, `/c/${callee.address}/report?conversation=${encodeURIComponent(conversationId)}`);
        await screenshot(caller.page, "calls-blocked-phone");
        // The callee's phone never rang, and no call was written into the chat.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        assert.equal(await callView(callee.page).count(), 0);
        await caller.page.getByTestId("call-close").click();
        await callView(caller.page).waitFor({ state: "detached" });
        assert.equal(await caller.page.getByTestId("call-log").count(), 0);
      } finally {
        await calleeHub.setConsent(caller.address, "unknown");
        await calleeHub.close();
      }
    }),
  );

  it(
    "a call ends when the peer's page goes away",
    withShots("dropped", async () => {
      const caller = await person(DESKTOP);
      const callee = await person(DESKTOP);
      await openChat(caller, callee);
      await caller.page.getByTestId("call-voice").click();
      await callView(callee.page, "incoming").waitFor({ timeout: 15_000 });
      await callee.page.getByTestId("call-accept").click();
      await callView(caller.page, "connected").waitFor({ timeout: 20_000 });
      await screenshot(caller.page, "calls-voice-desktop");
      await callee.context.close();
      await callView(caller.page, "ended").waitFor({ timeout: 20_000 });
      assert.match(await callLog(caller.page, "ended"), /Voice call Outgoing/);
    }),
  );
});
