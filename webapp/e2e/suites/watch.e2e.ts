// Watching live streams in a real headless Chromium (fake camera and microphone) against the whole platform
// (`npm start`): Alice broadcasts over WHIP to the local Livepeer-compatible media server, viewers open the stream
// page (the @livepeer/react Player island with short-lived access keys from the SIWE session) and decode frames; the
// gate refuses with the reason; ticket-only switched on (a contract call) removes a watching non-holder within 5 s;
// a follower-only private stream admits a follower (over WebRTC, and over HLS when WebRTC fails) and refuses a
// stranger; tips on the stream show as on-screen alerts; the Live now directory lists it all. Screenshots at phone
// and desktop widths.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { readSessionState, sessionIdOf, type Deployment } from "@mesi/deployments";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { maxUint256, pad, parseEther, toHex, zeroAddress, zeroHash, type Address, type Hex } from "viem";

import { chainClients, DESKTOP, moveChainClock, PHONE, screenshot, waitFor } from "../support/fixtures.ts";
import { freshFan, siweCookie } from "../support/people.ts";
import { framesOf, untilFrames } from "../support/player.ts";
import { publishFromPage } from "../support/publish.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let mesi: Deployment;
let mediaUrl: string;
let gateUrl: string;
const contexts: BrowserContext[] = [];
const measured: Record<string, unknown> = {};

const rulesOf = (over: Partial<{ isPrivate: boolean; followers: boolean }> = {}) =>
  ({
    isPrivate: false,
    followers: false,
    minTierRank: 0,
    minTipped: 0n,
    inviteSigner: zeroAddress,
    kyfLevel: 0,
    ...over,
  }) as const;

async function send(
  key: Hex,
  call: Parameters<NonNullable<ReturnType<typeof chainClients>["walletClient"]>["writeContract"]>[0],
) {
  const { publicClient, walletClient } = chainClients(stack, key);
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await walletClient!.writeContract(call) });
  assert.equal(receipt.status, "success");
}

/** Alice creates a stream (optionally with a ticket sale), marks it live and waits until the gate lists it. */
async function aliceLive(title: string, rules = rulesOf(), ticketPrice?: bigint): Promise<string> {
  const alice = stack.accounts.creatorAlice.privateKey;
  const metadata = `data:application/json,${encodeURIComponent(JSON.stringify({ title }))}`;
  await send(alice, { ...mesi.CreatorRegistry, chain: null, functionName: "createStream", args: [rules, metadata] });
  const { publicClient } = chainClients(stack);
  const streamId = await publicClient.readContract({ ...mesi.CreatorRegistry, functionName: "streamCount" });
  if (ticketPrice !== undefined) {
    await send(alice, {
      ...mesi.MesiTickets,
      chain: null,
      functionName: "configureSale",
      args: [streamId, ticketPrice, 100, false, 0],
    });
  }
  await send(alice, { ...mesi.CreatorRegistry, chain: null, functionName: "setLive", args: [streamId, true] });
  await waitFor(`stream ${streamId} in the gate's directory`, async () => {
    const d = (await (await fetch(`${gateUrl}/directory`)).json()) as { streams: { streamId: string }[] };
    return d.streams.some((s) => s.streamId === streamId.toString()) ? true : undefined;
  });
  return streamId.toString();
}

/** A browser context signed in (SIWE session cookie) as `key`. */
async function signedInContext(
  key: Hex,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const [name, value] = (await siweCookie(stack, key)).split(/=(.*)/s) as [string, string];
  await context.addCookies([{ name, value, url: stack.urls.webapp }]);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.log(`[page error] ${error.message}`));
  return { context, page };
}

/** Alice publishes her fake camera to `streamId` from a page (the key from her SIWE session, the stream key from the media server). */
async function broadcast(streamId: string): Promise<void> {
  const { page } = await signedInContext(stack.accounts.creatorAlice.privateKey);
  await page.goto(`${stack.urls.webapp}/`);
  // The page's own same-origin request, as the stream page makes it.
  const { status, accessKey } = await page.evaluate(async (id) => {
    const response = await fetch(`/live/${id}/key`, { method: "POST" });
    return { status: response.status, accessKey: ((await response.json()) as { accessKey: string }).accessKey };
  }, streamId);
  assert.equal(status, 200);
  const ingest = await fetch(`${mediaUrl}/ingest/${streamId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ accessKey }),
  });
  assert.equal(ingest.status, 200, await ingest.clone().text());
  const { whipUrl } = (await ingest.json()) as { whipUrl: string };
  assert.equal(await page.evaluate(publishFromPage, whipUrl), 201);
  await waitFor(`stream ${streamId} broadcasting`, async () => {
    const stats = (await (await fetch(`${mediaUrl}/stats`)).json()) as {
      streams: { streamId: string; videoCodec: string | null }[];
    };
    return stats.streams.some((s) => s.streamId === streamId && s.videoCodec !== null) ? true : undefined;
  });
}

/** Opens the stream page and waits until its player decodes frames; returns ms from navigation to the first frame. */
async function watchUntilFrames(page: Page, streamId: string): Promise<number> {
  const started = Date.now();
  await page.goto(`${stack.urls.webapp}/live/${streamId}`);
  await untilFrames(page);
  return Date.now() - started;
}

async function buyTicket(fan: { key: Hex; address: Address }, streamId: string): Promise<void> {
  await send(fan.key, {
    ...mesi.MesiToken,
    chain: null,
    functionName: "approve",
    args: [mesi.MesiVault.address, maxUint256],
  });
  await send(fan.key, {
    ...mesi.MesiTickets,
    chain: null,
    functionName: "buy",
    args: [BigInt(streamId), 1, maxUint256],
  });
}

describe("fans' dApp: watching live streams", { timeout: 300_000 }, () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
    const banner = stack.output();
    mediaUrl = /^\s+streaming\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(banner)![1]!;
    gateUrl = /access gate (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1]!;
    // Suites before this one may leave Alice in an accepted one-to-one (the fans' one-to-one suite does), and the
    // gate rightly shuts her streams while it runs: move the chain's clock just past that call, as it would pass.
    const { publicClient } = chainClients(stack);
    const busyUntil = await publicClient.readContract({
      ...mesi.OneToOneEscrow,
      functionName: "busyUntil",
      args: [stack.accounts.creatorAlice.address],
    });
    const head = await publicClient.getBlock();
    if (BigInt(busyUntil) >= head.timestamp)
      await moveChainClock(stack, Number(BigInt(busyUntil) - head.timestamp) + 1);
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    console.log(`# watch measurements: ${JSON.stringify(measured)}`);
  });

  it("a ticket holder watches; ticket-only removes a watching non-holder within 5 s; a newcomer is refused with the reason; tips show on stream", async () => {
    const streamId = await aliceLive("Friday night synth jam", rulesOf(), parseEther("2"));
    await broadcast(streamId);
    const holder = await freshFan(stack, mesi, parseEther("50"));
    const other = await freshFan(stack, mesi, parseEther("50"));
    await buyTicket(holder, streamId);

    const holderPage = (await signedInContext(holder.key)).page;
    const otherPage = (await signedInContext(other.key, PHONE)).page;
    const firstFrameMs = [await watchUntilFrames(holderPage, streamId)];
    await holderPage.getByTestId("watch-viewers").filter({ hasText: "1 watching" }).waitFor({ timeout: 10_000 });
    firstFrameMs.push(await watchUntilFrames(otherPage, streamId));
    measured.firstFrameMs = firstFrameMs;
    // The player sends a fresh key on every negotiation; the gate admitted both by key (the viewer count says 2,
    // pushed by the media server as the second viewer joins).
    const joined = Date.now();
    await holderPage.getByTestId("watch-viewers").filter({ hasText: "2 watching" }).waitFor({ timeout: 10_000 });
    measured.viewerCountUpdateMs = Date.now() - joined;

    // The controls are a bar along the bottom of the picture (Twitch's), shown on hover.
    for (const [page, shot] of [
      [holderPage, "watch-controls-desktop"],
      [otherPage, "watch-controls-phone"],
    ] as const) {
      await page.getByTestId("player-video").hover();
      const bar = page.getByTestId("player-controls");
      await bar.waitFor({ timeout: 5_000 });
      const video = (await page.getByTestId("player").boundingBox())!;
      const box = (await bar.boundingBox())!;
      assert.ok(Math.abs(box.y + box.height - (video.y + video.height)) <= 2, `bar ends at the picture's bottom edge`);
      assert.ok(box.height < video.height / 3, `bar is a strip (${box.height} of ${video.height} px)`);
      await screenshot(page, shot);
    }

    // A tip on the stream (channel STREAM, the stream id as reference) shows on screen within a second or two.
    const tipSent = Date.now();
    await send(holder.key, {
      ...mesi.MesiVault,
      chain: null,
      functionName: "tip",
      args: [
        stack.accounts.creatorAlice.address,
        parseEther("3"),
        2,
        pad(toHex(BigInt(streamId)), { size: 32 }),
        zeroHash,
      ],
    });
    await holderPage.getByTestId("tip-alert").filter({ hasText: "tipped 3 MESI" }).waitFor({ timeout: 5_000 });
    measured.tipAlertMs = Date.now() - tipSent;
    await screenshot(holderPage, "watch-stream-desktop");
    await screenshot(otherPage, "watch-stream-phone");

    // Ticket-only on: the non-holder loses the video within 5 s, with the reason; the holder keeps watching.
    const switched = Date.now();
    await send(stack.accounts.creatorAlice.privateKey, {
      ...mesi.MesiTickets,
      chain: null,
      functionName: "setTicketOnly",
      args: [BigInt(streamId), true],
    });
    await otherPage.getByTestId("watch-removed").waitFor({ timeout: 5_000 });
    measured.removalMs = Date.now() - switched;
    assert.ok((measured.removalMs as number) <= 5_000, `removed after ${measured.removalMs} ms`);
    assert.match(
      (await otherPage.getByTestId("watch-reason").textContent())!,
      /removed because the stream went ticket-only/,
    );
    assert.equal(await otherPage.locator('[data-testid="player-video"]').count(), 0, "the player is unmounted");
    await otherPage.getByTestId("watch-buy-ticket").waitFor();
    await screenshot(otherPage, "watch-removed-phone");
    const before = await framesOf(holderPage);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.ok((await framesOf(holderPage)) > before, "the ticket holder still decodes frames");

    // A newcomer without a ticket is refused with the reason and offered the ticket.
    const newcomer = await freshFan(stack, mesi, parseEther("5"));
    const newcomerPage = (await signedInContext(newcomer.key)).page;
    await newcomerPage.goto(`${stack.urls.webapp}/live/${streamId}`);
    await newcomerPage.getByTestId("watch-refused").waitFor({ timeout: 15_000 });
    assert.match((await newcomerPage.getByTestId("watch-reason").textContent())!, /Ticket-only — buy a ticket/);
    assert.equal(await newcomerPage.locator('[data-testid="player-video"]').count(), 0);
    await screenshot(newcomerPage, "watch-refused-desktop");

    // The media server itself refuses the newcomer's key too (not just the page).
    const key = await newcomerPage.evaluate(async (id) => {
      const r = await fetch(`/live/${id}/key`, { method: "POST" });
      return ((await r.json()) as { accessKey: string }).accessKey;
    }, streamId);
    const refused = await fetch(`${mediaUrl}/webrtc/${streamId}`, {
      method: "POST",
      headers: { "content-type": "application/sdp", "livepeer-access-key": key },
      body: "v=0\r\n",
    });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /not allowed to view this stream/);

    // Live now lists it: title, creator, viewers, ticket-only.
    await newcomerPage.goto(`${stack.urls.webapp}/live`);
    const card = newcomerPage.locator(`[data-testid="live-card"][data-stream="${streamId}"]`);
    await card.getByTestId("live-title").filter({ hasText: "Friday night synth jam" }).waitFor();
    await card.getByTestId("tag-ticket").waitFor();
    await card.getByTestId("live-viewers").filter({ hasText: "1 watching" }).waitFor({ timeout: 10_000 });
    await screenshot(newcomerPage, "live-now-desktop");
    await otherPage.goto(`${stack.urls.webapp}/live`);
    await otherPage.locator(`[data-testid="live-card"][data-stream="${streamId}"]`).waitFor();
    await screenshot(otherPage, "live-now-phone");
  });

  it("a follower-only private stream admits a follower and refuses a stranger with the reason", async () => {
    const streamId = await aliceLive("Followers' Q&A", rulesOf({ isPrivate: true, followers: true }));
    await broadcast(streamId);
    const follower = await freshFan(stack, mesi, parseEther("1"));
    const stranger = await freshFan(stack, mesi, parseEther("1"));
    await send(follower.key, {
      ...mesi.CreatorRegistry,
      chain: null,
      functionName: "follow",
      args: [stack.accounts.creatorAlice.address],
    });
    const followerPage = (await signedInContext(follower.key)).page;
    await waitFor("the follow reaches the gate", async () => {
      await followerPage.goto(`${stack.urls.webapp}/live`);
      const tag = followerPage.locator(
        `[data-testid="live-card"][data-stream="${streamId}"] [data-testid="tag-can-join"]`,
      );
      return (await tag.count()) > 0 ? true : undefined;
    });
    await watchUntilFrames(followerPage, streamId);

    // Where WebRTC playback fails (the media server answers 406, as Livepeer's does for "try the next source"),
    // the Player falls back to the HLS playlist listed beside it, which the gate admits with the same key.
    const fallback = (await signedInContext(follower.key)).page;
    const hlsRequests: string[] = [];
    await fallback.route(`${mediaUrl}/webrtc/**`, (route) =>
      route.request().method() === "POST" ? route.fulfill({ status: 406, body: "" }) : route.continue(),
    );
    fallback.on("request", (request) => {
      if (request.url().startsWith(`${mediaUrl}/hls/${streamId}/`)) hlsRequests.push(new URL(request.url()).pathname);
    });
    measured.hlsFallbackFirstFrameMs = await watchUntilFrames(fallback, streamId);
    assert.ok(
      hlsRequests.some((path) => path.endsWith("/index.m3u8")),
      "the player loaded the HLS playlist",
    );
    assert.ok(
      hlsRequests.some((path) => /\/seg-\d+\.ts$/.test(path)),
      "and its segments",
    );
    await fallback.context().close();

    const strangerPage = (await signedInContext(stranger.key, PHONE)).page;
    await strangerPage.goto(`${stack.urls.webapp}/live/${streamId}`);
    await strangerPage.getByTestId("watch-refused").waitFor({ timeout: 15_000 });
    assert.match(
      (await strangerPage.getByTestId("watch-reason").textContent())!,
      /This stream is for followers — follow to join/,
    );
    assert.equal(await strangerPage.locator('[data-testid="player-video"]').count(), 0);
    await screenshot(strangerPage, "watch-private-refused-phone");
    // Without a wallet session the private stream asks to sign in instead.
    const anonymous = await browser.newContext({ viewport: DESKTOP });
    contexts.push(anonymous);
    const anonymousPage = await anonymous.newPage();
    await anonymousPage.goto(`${stack.urls.webapp}/live/${streamId}`);
    await anonymousPage.getByTestId("watch-sign-in").waitFor({ timeout: 15_000 });
  });
  it("a creator in a one-to-one stays listed with 'in a one-to-one, ends about HH:MM'; others are told so", async () => {
    // Runs last: the accepted call keeps Alice busy for its 5 minutes.
    const streamId = await aliceLive("Late-night chat");
    const fan = await freshFan(stack, mesi, parseEther("300"));
    const alice = stack.accounts.creatorAlice;
    await send(fan.key, {
      ...mesi.MesiToken,
      chain: null,
      functionName: "approve",
      args: [mesi.MesiVault.address, maxUint256], // the escrow is funded through the vault
    });
    await send(fan.key, {
      ...mesi.OneToOneEscrow,
      chain: null,
      functionName: "request",
      args: [alice.address, parseEther("200"), 5],
    });
    // A viewer has Live now open: the call's badge arrives with the next indexed block, without a reload.
    const { page } = await signedInContext((await freshFan(stack, mesi, 1n)).key, PHONE);
    await page.goto(`${stack.urls.webapp}/live`);
    await page.locator(`[data-testid="live-card"][data-stream="${streamId}"]`).waitFor();
    const { publicClient } = chainClients(stack);
    const { record } = await readSessionState(
      publicClient,
      { address: mesi.OneToOneEscrow.address },
      sessionIdOf(fan.address, alice.address, 1n),
    );
    await send(alice.privateKey, { ...mesi.OneToOneEscrow, chain: null, functionName: "accept", args: [record] });
    const busyUntil = await publicClient.readContract({
      ...mesi.OneToOneEscrow,
      functionName: "busyUntil",
      args: [alice.address],
    });
    const endsAt = await page.evaluate(
      (at) =>
        new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hour12: false }).format(
          new Date(at * 1000),
        ),
      Number(busyUntil),
    );
    const badge = page.locator(`[data-testid="live-card"][data-stream="${streamId}"] [data-testid="live-in-call"]`);
    const accepted = Date.now();
    await badge.waitFor({ timeout: 10_000 });
    measured.directoryUpdateMs = Date.now() - accepted;
    assert.equal((await badge.textContent())!.trim(), `In a one-to-one, ends about ${endsAt}`);
    await screenshot(page, "live-now-one-to-one-phone");
    await page.goto(`${stack.urls.webapp}/live/${streamId}`);
    await page.getByTestId("watch-refused").waitFor({ timeout: 15_000 });
    assert.match(
      (await page.getByTestId("watch-reason").textContent())!,
      new RegExp(`one-to-one call, ends about ${endsAt}`),
    );
  });
});
