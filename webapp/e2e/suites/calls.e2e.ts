// Voice and video calls in the messenger, in real headless Chromium with its fake camera and microphone
// (`--use-fake-device-for-media-stream`, see support/browser.ts), two browser contexts at once against the whole
// platform (`npm start`: the local hub relays the WebRTC signalling over its WebSocket): a video call connects both
// ways (frames decoded on each side), mute turns the caller's microphone track off and on, hanging up ends the
// call on both sides and leaves the call in both chats; a call rings on a creator's profile page too (not only in
// the messenger) and connects there; camera off sends no frames at all (the peer's decoder stops, their screen
// shows a "camera off" tile) and on again resumes them; a declined call and an unanswered one leave their
// message; a caller the callee blocked is refused by the hub, and the call screen says why; a peer whose page
// goes away ends the call; a group call of three is a full mesh (video decoded on every connection of every page)
// and when one leaves the other two stay connected.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { connectWallet, DESKTOP, PHONE, screenshot, waitFor, withShots as withPageShots } from "../support/fixtures.ts";
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

/**
 * The page's RTCPeerConnections, kept in a list as the page makes them (the real ones, only remembered), so a test
 * can read what each one receives from its stats.
 */
const REMEMBER_PEER_CONNECTIONS = `{
  const Native = window.RTCPeerConnection;
  const made = [];
  window.__peerConnections = made;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      made.push(this);
    }
  };
}`;

/**
 * A wallet (a new one unless `key` is given), signed in (SIWE session cookie made from Node, as the sign-in button
 * would), in its own context.
 */
async function person(viewport: { width: number; height: number }, key: Hex = generatePrivateKey()): Promise<Person> {
  const address = privateKeyToAccount(key).address;
  const { context, page } = await signedInPage(browser, stack, key, viewport);
  await context.addInitScript({ content: REMEMBER_PEER_CONNECTIONS });
  opened.push(page);
  return { key, address, context, page };
}

/** Video frames decoded so far on each of the page's open peer connections (inbound-rtp `framesDecoded`). */
function framesDecoded(page: Page): Promise<number[]> {
  return page.evaluate(`Promise.all(window.__peerConnections
    .filter((pc) => pc.connectionState !== "closed")
    .map(async (pc) => {
      let frames = 0;
      (await pc.getStats()).forEach((report) => {
        if (report.type === "inbound-rtp" && report.kind === "video") frames += report.framesDecoded ?? 0;
      });
      return frames;
    }))`);
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the page has decoded more video frames than `since` (on the sum of its connections). */
async function framesKeepComing(page: Page, what: string): Promise<number> {
  const since = sum(await framesDecoded(page));
  return waitFor(what, async () => {
    const now = sum(await framesDecoded(page));
    return now > since + 5 ? now : undefined;
  });
}

/** Waits until the page has exactly `count` open connections, each decoding video that keeps coming. */
async function videoOnEveryConnection(page: Page, count: number, what: string): Promise<void> {
  const before = await waitFor(`${what}: ${count} connections`, async () => {
    const frames = await framesDecoded(page);
    return frames.length === count ? frames : undefined;
  });
  await waitFor(`${what}: video on every connection`, async () => {
    const now = await framesDecoded(page);
    return now.length === count && now.every((frames, i) => frames > before[i]! + 5) ? true : undefined;
  });
}

/** Goes to `path` and connects the page's wallet there; resolves once the page listens for calls. */
async function listenOn(who: Person, path: string): Promise<void> {
  await who.page.goto(`${stack.urls.webapp}${path}`);
  await connectWallet(who.page);
  await who.page.locator("html[data-calls=listening]").waitFor({ timeout: 20_000 });
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

function groupCallView(page: Page, phase?: string) {
  return page.locator(
    phase === undefined ? '[data-testid="group-call"]' : `[data-testid="group-call"][data-phase="${phase}"]`,
  );
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
    "a call rings on a creator's profile page, not only in the messenger, and connects there both ways",
    withShots("ring-anywhere", async () => {
      const caller = await person(DESKTOP, stack.accounts.creatorBob.privateKey);
      const callee = await person(PHONE);
      await caller.page.goto(`${stack.urls.webapp}/messages?to=${callee.address}`);
      await caller.page.waitForURL(/\/messages\/[^?]+$/, { timeout: 30_000 });
      await caller.page.getByTestId("transport-notice").waitFor({ timeout: 15_000 });
      // The callee never opened the messenger: they are on a creator's profile, wallet connected.
      const profile = `/c/${stack.accounts.creatorAlice.address}`;
      await listenOn(callee, profile);

      await caller.page.getByTestId("call-video").click();
      await callView(callee.page, "incoming").waitFor({ timeout: 15_000 });
      assert.equal(await callee.page.getByTestId("call-status").innerText(), "Incoming video call…");
      // The banner names the caller (a creator: their profile name, fetched for the ring).
      await waitFor("the caller's name on the ring", async () =>
        (await callee.page.getByTestId("call-peer").innerText()) === "Bob Demo" ? true : undefined,
      );
      assert.equal(new URL(callee.page.url()).pathname, profile);
      await screenshot(callee.page, "calls-ring-profile-phone");

      await callee.page.getByTestId("call-accept").click();
      await callView(caller.page, "connected").waitFor({ timeout: 20_000 });
      await callView(callee.page, "connected").waitFor({ timeout: 20_000 });
      const [callerSees, calleeSees] = await Promise.all([framesShown(caller.page), framesShown(callee.page)]);
      assert.ok(callerSees >= 5 && calleeSees >= 5, `frames shown: caller ${callerSees}, callee ${calleeSees}`);
      assert.equal(new URL(callee.page.url()).pathname, profile);
      await screenshot(callee.page, "calls-profile-video-phone");

      await caller.page.getByTestId("call-hangup").click();
      await callView(callee.page).waitFor({ state: "detached", timeout: 15_000 });
      assert.match(await callLog(caller.page, "ended"), /Video call Outgoing · 0:\d\d/);
    }),
  );

  it(
    "camera off sends no frames (the peer shows a camera-off tile), camera on resumes the video",
    withShots("camera", async () => {
      const caller = await person(PHONE);
      const callee = await person(DESKTOP);
      await openChat(caller, callee);
      await caller.page.getByTestId("call-video").click();
      await callView(callee.page, "incoming").waitFor({ timeout: 15_000 });
      await screenshot(callee.page, "calls-ring-chat-desktop");
      await callee.page.getByTestId("call-accept").click();
      await callView(callee.page, "connected").waitFor({ timeout: 20_000 });
      await framesShown(callee.page);
      await framesKeepComing(callee.page, "the caller's video to be decoded");

      await caller.page.getByTestId("call-camera").click();
      assert.equal(await caller.page.getByTestId("call-camera").getAttribute("aria-pressed"), "true");
      await callee.page.getByTestId("remote-camera-off").waitFor({ timeout: 10_000 });
      // Frames already on the way land; after that nothing more arrives (black frames would still be decoded).
      await sleep(1_500);
      const stopped = sum(await framesDecoded(callee.page));
      await sleep(2_500);
      assert.equal(sum(await framesDecoded(callee.page)), stopped, "video frames kept arriving with the camera off");
      await screenshot(callee.page, "calls-peer-camera-off-desktop");
      await screenshot(caller.page, "calls-own-camera-off-phone");

      await caller.page.getByTestId("call-camera").click();
      await callee.page.getByTestId("remote-camera-off").waitFor({ state: "detached", timeout: 10_000 });
      await framesKeepComing(callee.page, "the caller's video to come back");
      await framesShown(callee.page);

      await caller.page.getByTestId("call-hangup").click();
      await callView(callee.page).waitFor({ state: "detached", timeout: 15_000 });
    }),
  );

  it(
    "a group call of three: everyone connects to everyone, and when one leaves the other two stay connected",
    withShots("group", async () => {
      const a = await person(DESKTOP);
      const b = await person(PHONE);
      const c = await person(DESKTOP);
      // Two more members, in Node (signalling only), to fill the call later.
      const [d, e] = await Promise.all(
        [generatePrivateKey(), generatePrivateKey()].map(async (key) => {
          const address = privateKeyToAccount(key).address;
          return { address, hub: await hubClientFor(stack, key, address) };
        }),
      );
      const admin = await hubClientFor(stack, a.key, a.address);
      const group = await admin.createGroup({
        name: "Call crew",
        members: [b.address, c.address, d!.address, e!.address],
      });
      await admin.close();
      for (const who of [a, b, c]) {
        await who.page.goto(`${stack.urls.webapp}/messages/${encodeURIComponent(group.id)}`);
        await who.page.locator("html[data-calls=listening]").waitFor({ timeout: 20_000 });
        await who.page.getByTestId("transport-notice").waitFor({ timeout: 15_000 });
      }

      await a.page.getByTestId("group-call-video").click();
      await groupCallView(a.page, "joined").waitFor({ timeout: 15_000 });
      assert.equal(await a.page.getByTestId("call-status").innerText(), "Waiting for others to join…");
      // The others' phones ring: a banner with Join.
      for (const who of [b, c]) await who.page.getByTestId("group-call-ring").waitFor({ timeout: 15_000 });
      assert.equal(
        await b.page.getByTestId("group-call-ring").getByTestId("call-status").innerText(),
        "Video call in Call crew",
      );
      await screenshot(b.page, "calls-group-ring-phone");
      await b.page.getByTestId("group-call-ring").getByTestId("call-accept").click();
      await c.page.getByTestId("group-call-ring").getByTestId("call-accept").click();

      // A full mesh: every page holds two connections, and video comes in on each (all six directions).
      for (const who of [a, b, c]) {
        await who.page.locator('[data-testid="group-tile"][data-connected="true"]').nth(1).waitFor({ timeout: 30_000 });
      }
      for (const [who, name] of [
        [a, "a"],
        [b, "b"],
        [c, "c"],
      ] as const) {
        await videoOnEveryConnection(who.page, 2, `${name}'s group call`);
      }
      assert.equal(await a.page.getByTestId("call-status").innerText(), "3 of 4 in the call");
      await screenshot(a.page, "calls-group-desktop");
      await screenshot(b.page, "calls-group-phone");

      // c leaves: the other two keep their connection to each other, and c's chat offers to join again.
      await c.page.getByTestId("call-hangup").click();
      await groupCallView(c.page).waitFor({ state: "detached", timeout: 10_000 });
      for (const [who, name] of [
        [a, "a"],
        [b, "b"],
      ] as const) {
        await waitFor(`${name} to show one other tile`, async () =>
          (await who.page.getByTestId("group-tile").count()) === 1 ? true : undefined,
        );
        await videoOnEveryConnection(who.page, 1, `${name} after c left`);
        assert.equal(await groupCallView(who.page).getAttribute("data-phase"), "joined");
      }
      assert.equal(await b.page.getByTestId("call-status").innerText(), "2 of 4 in the call");
      assert.match(await c.page.getByTestId("group-call-join").innerText(), /Join call · 2\/4/);
      await screenshot(b.page, "calls-group-two-phone");
      await screenshot(c.page, "calls-group-join-desktop");

      // Two more join (a and b: four in all): c, the fifth, is refused with the reason.
      try {
        for (const member of [d!, e!]) {
          await member.hub.connect();
          await member.hub.sendSignal(group.id, { kind: "join", callId: "node-join" });
        }
        await waitFor("c's chat to show a full call", async () =>
          /4\/4/.test(await c.page.getByTestId("group-call-join").innerText()) ? true : undefined,
        );
        await c.page.getByTestId("group-call-join").click();
        await groupCallView(c.page, "ended").waitFor({ timeout: 15_000 });
        assert.equal(await c.page.getByTestId("call-status").innerText(), "This call is full: 4 people.");
        await screenshot(c.page, "calls-group-full-desktop");
        await c.page.getByTestId("call-close").click();
        await groupCallView(c.page).waitFor({ state: "detached" });
      } finally {
        await Promise.all([d!.hub.close(), e!.hub.close()]);
      }

      await a.page.getByTestId("call-hangup").click();
      await b.page.getByTestId("call-hangup").click();
      await groupCallView(b.page).waitFor({ state: "detached", timeout: 10_000 });
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
