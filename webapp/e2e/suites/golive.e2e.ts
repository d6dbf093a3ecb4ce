// The creator side of live streaming in a real headless Chromium (fake camera and microphone) against the whole
// platform: streams and ticket sales with their rules (checked on chain), invite links that admit until revoked
// (the gate's decision over HTTP), broadcasting from the page to the local media server, and a one-to-one call
// that connects creator and fan both ways and ends at its limit.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import type { Deployment } from "@mesi/deployments";
import type { Browser, Page } from "playwright-core";
import { parseEther, type Address, type Hex } from "viem";

import {
  chainClients,
  connectWallet,
  DESKTOP,
  moveChainClock,
  openWithWallet,
  PHONE,
  requestCall,
  screenshot,
  sendAs,
  sentTransactions,
  waitFor,
} from "../support/fixtures.ts";
import { freshCreator as freshCreatorOf, freshFan, siweCookie } from "../support/people.ts";
import { publishFromPage } from "../support/publish.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let mesi: Deployment;
let gateUrl: string;
let mediaUrl: string;

/** A new registered creator taking one-to-one calls (5–30 minutes, from 10 MESI). */
async function freshCreator(): Promise<{ key: Hex; address: Address }> {
  const creator = await freshCreatorOf(stack, mesi, { name: "Golive creator" }, parseEther("10"));
  await sendAs(stack, creator.key, (wallet) =>
    wallet.writeContract({
      ...mesi.OneToOneEscrow,
      chain: null,
      account: wallet.account!,
      functionName: "setSettings",
      args: [{ enabled: true, minAmount: parseEther("10"), minMinutes: 5, maxMinutes: 30 }],
    }),
  );
  return creator;
}

async function accessKeyFor(cookie: string, streamId: bigint): Promise<string> {
  const response = await fetch(`${stack.urls.webapp}/studio/live/access-key`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: stack.urls.webapp },
    body: JSON.stringify({ streamId: streamId.toString() }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { accessKey: string }).accessKey;
}

async function createStreamInPage(page: Page, title: string, options: { invites?: boolean } = {}): Promise<bigint> {
  const form = page.getByTestId("stream-form-new");
  await form.getByLabel("Title").fill(title);
  if (options.invites) {
    await form.getByText("Private", { exact: true }).click();
    await form.getByTestId("rules-invites").check();
  }
  await form.getByTestId("stream-form-submit").click();
  const card = page.getByTestId("studio-stream").filter({ hasText: title });
  await card.waitFor({ timeout: 30_000 });
  return BigInt((await card.getAttribute("data-stream-id"))!);
}

describe("creator studio: streams, sales and going live", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
    gateUrl = /access gate (http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output())![1]!;
    mediaUrl = /^\s+streaming\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(stack.output())![1]!;
  });

  it("creates a private stream and a ticket sale, refuses bad input, switches ticket-only (on chain), closes the sale", async () => {
    const creator = await freshCreator();
    const { context, page, wallet } = await openWithWallet(browser, stack, creator.key);
    page.on("dialog", (dialog) => void dialog.accept());
    await page.goto(`${stack.urls.webapp}/studio/sales`);
    await connectWallet(page);
    const streamId = await createStreamInPage(page, "Sunday session", { invites: true });
    const { publicClient } = chainClients(stack);
    const onChain = await publicClient.readContract({
      ...mesi.CreatorRegistry,
      functionName: "streamOf",
      args: [streamId],
    });
    assert.equal(onChain.creator, creator.address);
    assert.equal(onChain.rules.isPrivate, true);
    assert.equal(onChain.rules.inviteSigner, creator.address, "invites signed by the creator's wallet");

    const card = page.locator(`[data-testid="studio-stream"][data-stream-id="${streamId}"]`);
    const sent = () => sentTransactions(wallet);
    const before = sent();
    // Ticket-only without a sale: refused with the reason, nothing sent.
    await card.getByTestId("ticket-only-switch").click();
    await card.getByTestId("ticket-only-error").filter({ hasText: "Open a ticket sale first" }).waitFor();
    // Zero supply and a price beyond the contract's limit: clear messages, nothing sent.
    await card.getByLabel("Price per ticket (MESI)").fill("25");
    await card.getByLabel("Tickets for sale").fill("0");
    await card.getByTestId("sale-open").click();
    await card.getByTestId("sale-supply-error").filter({ hasText: "at least one" }).waitFor();
    await card.getByLabel("Price per ticket (MESI)").fill("1" + "0".repeat(30));
    await card.getByLabel("Tickets for sale").fill("40");
    await card.getByTestId("sale-open").click();
    await card.getByTestId("sale-price-error").filter({ hasText: "beyond" }).waitFor();
    assert.equal(sent(), before, "nothing sent for bad input");
    assert.equal(
      (await publicClient.readContract({ ...mesi.MesiTickets, functionName: "saleOf", args: [streamId] })).price,
      0n,
    );

    await card.getByLabel("Price per ticket (MESI)").fill("25");
    await card.getByTestId("sale-open").click();
    await card.getByTestId("sale-sold").filter({ hasText: "0 of 40 sold" }).waitFor({ timeout: 30_000 });
    const sale = await publicClient.readContract({ ...mesi.MesiTickets, functionName: "saleOf", args: [streamId] });
    assert.equal(sale.price, parseEther("25"));
    assert.equal(sale.supply, 40);

    // A fan buys two; the studio shows sold/remaining from the contract.
    const fan = await freshFan(stack, mesi, parseEther("100"));
    await sendAs(stack, fan.key, (wallet) =>
      wallet.writeContract({
        ...mesi.MesiToken,
        chain: null,
        account: wallet.account!,
        functionName: "approve",
        args: [mesi.MesiVault.address, parseEther("50")],
      }),
    );
    await sendAs(stack, fan.key, (wallet) =>
      wallet.writeContract({
        ...mesi.MesiTickets,
        chain: null,
        account: wallet.account!,
        functionName: "buy",
        args: [streamId, 2, parseEther("50")],
      }),
    );
    await card.getByTestId("sale-sold").filter({ hasText: "2 of 40 sold" }).waitFor({ timeout: 15_000 });
    await card.getByTestId("sale-remaining").filter({ hasText: "38 left" }).waitFor();

    await card.getByTestId("ticket-only-switch").click();
    const confirm = page.getByTestId("ticket-only-confirm");
    await confirm.filter({ hasText: "will be removed" }).waitFor();
    await screenshot(page, "golive-sales-confirm-desktop");
    await page.getByTestId("ticket-only-confirm-button").click();
    await waitFor("ticket-only on chain", async () =>
      (await publicClient.readContract({ ...mesi.MesiTickets, functionName: "isTicketOnly", args: [streamId] }))
        ? true
        : undefined,
    );
    await card.locator('[data-testid="ticket-only"][data-on="true"]').waitFor();
    await screenshot(page, "golive-sales-desktop");
    await page.setViewportSize(PHONE);
    await screenshot(page, "golive-sales-phone");

    await card.getByTestId("sale-close").click();
    await card.getByTestId("sale-closed").waitFor({ timeout: 30_000 });
    assert.equal(
      (await publicClient.readContract({ ...mesi.MesiTickets, functionName: "saleOf", args: [streamId] })).closed,
      true,
    );
    await context.close();
  });

  it("an invite link opened by a stranger plays the stream until the creator revokes it; then the stranger is removed with the reason", async () => {
    const creator = await freshCreator();
    const { context, page } = await openWithWallet(browser, stack, creator.key);
    await page.goto(`${stack.urls.webapp}/studio/sales`);
    await connectWallet(page);
    const streamId = await createStreamInPage(page, "Invite-only rehearsal", { invites: true });
    const card = page.locator(`[data-testid="studio-stream"][data-stream-id="${streamId}"]`);
    await card.getByTestId("invite-create").click();
    const link = (await card.getByTestId("invite-link").first().textContent({ timeout: 15_000 }))!;
    assert.ok(new URL(link).searchParams.get("invite")!.length > 40, "the link carries the signed invite");

    // The creator broadcasts her fake camera to the stream (stream key from the media server, for her key only).
    const creatorKey = await accessKeyFor(await siweCookie(stack, creator.key), streamId);
    const ingest = await waitFor("the media server to know the stream", async () => {
      const response = await fetch(`${mediaUrl}/ingest/${streamId}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ accessKey: creatorKey }),
      });
      return response.ok ? ((await response.json()) as { whipUrl: string }) : undefined;
    });
    const publisher = await context.newPage();
    await publisher.goto(`${stack.urls.webapp}/`);
    assert.equal(await publisher.evaluate(publishFromPage, ingest.whipUrl), 201);

    // Without the link a stranger is refused; with it (signed in), the gate admits and the player decodes frames.
    const stranger = await freshFan(stack, mesi, parseEther("1"));
    for (const viewport of [DESKTOP, PHONE]) {
      const viewer = await browser.newContext({ viewport });
      const [name, value] = (await siweCookie(stack, stranger.key)).split(/=(.*)/s) as [string, string];
      await viewer.addCookies([{ name, value, url: stack.urls.webapp }]);
      const strangerPage = await viewer.newPage();
      if (viewport === DESKTOP) {
        // (Once presented, the gate keeps the invite for the wallet until it expires: only the first visit is refused.)
        await strangerPage.goto(`${stack.urls.webapp}/live/${streamId}`);
        await strangerPage.getByTestId("watch-refused").waitFor({ timeout: 15_000 });
        assert.match((await strangerPage.getByTestId("watch-reason").textContent())!, /need an invite link/);
      }
      await strangerPage.goto(link.replace(new URL(link).origin, stack.urls.webapp));
      await strangerPage.waitForFunction(
        () => {
          const video = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]');
          return video !== null && video.getVideoPlaybackQuality().totalVideoFrames > 0;
        },
        undefined,
        { timeout: 30_000 },
      );
      const tag = viewport === PHONE ? "phone" : "desktop";
      await screenshot(strangerPage, `golive-invite-watching-${tag}`);
      if (viewport === DESKTOP) {
        await viewer.close();
        continue;
      }
      // The creator revokes the link in the studio: the watching stranger loses the video within 5 s, with the reason.
      await card.getByTestId("invite-revoke").click();
      const revoked = Date.now();
      await strangerPage.getByTestId("watch-removed").waitFor({ timeout: 5_000 });
      assert.ok(Date.now() - revoked <= 5_000);
      assert.equal(
        (await strangerPage.getByTestId("watch-reason").textContent())!.trim(),
        "You were removed from the stream. The creator revoked your invite link.",
      );
      assert.equal(await strangerPage.locator('[data-testid="player-video"]').count(), 0, "the player is unmounted");
      await card.getByTestId("invite-row").filter({ hasText: "Revoked" }).waitFor({ timeout: 15_000 });
      await screenshot(strangerPage, "golive-invite-removed-phone");
      // Opening the revoked link again: refused, with the reason.
      await strangerPage.reload();
      await strangerPage.getByTestId("watch-refused").waitFor({ timeout: 15_000 });
      assert.equal(
        (await strangerPage.getByTestId("watch-reason").textContent())!.trim(),
        "The creator revoked your invite link.",
      );
      await viewer.close();
    }
    // The media server refuses the stranger too (the same gate), whatever the page does.
    const strangerKey = await accessKeyFor(await siweCookie(stack, stranger.key), streamId);
    const refused = await fetch(`${mediaUrl}/webrtc/${streamId}`, {
      method: "POST",
      headers: { "content-type": "application/sdp", "livepeer-access-key": strangerKey },
      body: "v=0\r\n",
    });
    assert.equal(refused.status, 403);
    await screenshot(page, "golive-invites-desktop");
    await context.close();
  });

  it("broadcasts from the page with the fake camera: the media server receives it, the stream is live on chain", async () => {
    const creator = await freshCreator();
    const { context, page } = await openWithWallet(browser, stack, creator.key);
    await page.goto(`${stack.urls.webapp}/studio/live`);
    await connectWallet(page);
    // No stream yet: the page offers to create one in place.
    const streamId = await (async () => {
      const form = page.getByTestId("stream-form-new");
      await form.getByLabel("Title").fill("Live from the studio");
      await form.getByTestId("stream-form-submit").click();
      await page
        .locator("#stream-select option", { hasText: "Live from the studio" })
        .waitFor({ state: "attached", timeout: 30_000 });
      return BigInt(await page.getByTestId("stream-select").inputValue());
    })();
    await page
      .locator('[data-testid="broadcast-preview"][data-previewing="true"]')
      .waitFor({ timeout: 45_000 })
      .catch(async (error: Error) => {
        await screenshot(page, "golive-live-failure");
        const shown = await page.locator('[role="alert"]').allTextContents();
        throw new Error(`no camera preview (${shown.join(" | ") || "no message on the page"}): ${error.message}`);
      });
    // A wrong stream key is refused by the media server with a clear message.
    const wrong = await fetch(`${mediaUrl}/webrtc/${streamId}-${"0".repeat(32)}`, {
      method: "POST",
      headers: { "content-type": "application/sdp" },
      body: "v=0\r\n",
    });
    assert.equal(wrong.status, 401);
    assert.equal(await wrong.text(), "invalid stream key");

    await page.getByTestId("broadcast-start").click();
    await page.getByTestId("live-badge").waitFor({ timeout: 30_000 });
    const stats = await waitFor("the media server to report the broadcast", async () => {
      const body = (await (await fetch(`${mediaUrl}/stats`)).json()) as {
        streams: { streamId: string; broadcasting: boolean; videoCodec: string | null }[];
      };
      const entry = body.streams.find((s) => s.streamId === streamId.toString());
      return entry?.videoCodec ? entry : undefined;
    });
    assert.equal(stats.broadcasting, true);
    const { publicClient } = chainClients(stack);
    const live = async () =>
      (await publicClient.readContract({ ...mesi.CreatorRegistry, functionName: "streamOf", args: [streamId] })).live;
    assert.equal(await live(), true, "setLive on chain");
    // Media keeps arriving (the server drops a broadcaster silent for 3 s).
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const still = (await (await fetch(`${mediaUrl}/stats`)).json()) as { streams: { streamId: string }[] };
    assert.ok(
      still.streams.some((s) => s.streamId === streamId.toString()),
      "still broadcasting after 4 s",
    );
    await page.getByText("Stream from OBS instead").click();
    assert.match((await page.getByTestId("obs-server").textContent())!, /\/webrtc\/$/);
    await screenshot(page, "golive-live-desktop");
    await page.setViewportSize(PHONE);
    await screenshot(page, "golive-live-phone");

    await page.getByTestId("broadcast-stop").click();
    await page.getByTestId("broadcast-start").waitFor({ timeout: 30_000 });
    assert.equal(await live(), false, "ended on chain");
    await context.close();
  });

  it("a one-to-one call connects creator and fan both ways, refuses a third wallet, and ends at its limit", async () => {
    const creator = await freshCreator();
    const fan = await freshFan(stack, mesi, parseEther("100"));
    await requestCall(stack, mesi, fan.key, creator.address, parseEther("20"), 5);

    const studio = await openWithWallet(browser, stack, creator.key);
    await studio.page.goto(`${stack.urls.webapp}/studio/live`);
    await connectWallet(studio.page);
    const request = studio.page.getByTestId("one-to-one-request").first();
    await request.waitFor({ timeout: 30_000 });
    const sessionId = (await request.getAttribute("data-session-id"))!;
    await request.getByTestId("accept-request").click();
    await studio.page.getByTestId("join-call").waitFor({ timeout: 30_000 });
    await studio.page.getByTestId("join-call").click();
    await studio.page.waitForURL(`**/call/${sessionId}`);

    const fanPage = await openWithWallet(browser, stack, fan.key);
    await fanPage.page.goto(`${stack.urls.webapp}/call/${sessionId}`);
    await connectWallet(fanPage.page);
    if (await fanPage.page.getByTestId("call-join").isVisible()) await fanPage.page.getByTestId("call-join").click();
    if (await studio.page.getByTestId("call-join").isVisible()) await studio.page.getByTestId("call-join").click();

    const flowing = (page: Page) =>
      waitFor(
        "video frames and audio from the other side",
        async () => {
          const call = page.getByTestId("call");
          const frames = Number(await call.getAttribute("data-remote-frames"));
          const audio = Number(await call.getAttribute("data-audio-bytes"));
          return (await call.getAttribute("data-stage")) === "connected" && frames > 5 && audio > 1000
            ? { frames, audio }
            : undefined;
        },
        45_000,
      );
    const [creatorSide, fanSide] = await Promise.all([flowing(studio.page), flowing(fanPage.page)]);
    assert.ok(creatorSide.frames > 5 && fanSide.frames > 5, "both videos decode frames");
    await studio.page.getByTestId("call-countdown").filter({ hasText: /left/ }).waitFor();
    await screenshot(studio.page, "golive-call-desktop");
    await fanPage.page.setViewportSize(PHONE);
    await screenshot(fanPage.page, "golive-call-phone");

    // A third wallet is refused.
    const stranger = await freshFan(stack, mesi, parseEther("1"));
    const third = await openWithWallet(browser, stack, stranger.key);
    await third.page.goto(`${stack.urls.webapp}/call/${sessionId}`);
    await connectWallet(third.page);
    if (await third.page.getByTestId("call-join").isVisible()) await third.page.getByTestId("call-join").click();
    await third.page
      .getByTestId("call-refused")
      .filter({ hasText: "Only the fan who booked" })
      .waitFor({ timeout: 20_000 });
    await third.context.close();

    // Chain time passes the session's five minutes: both sides end.
    const { publicClient } = chainClients(stack);
    const block = await publicClient.getBlock();
    const session = await waitFor("the session's end in the index", async () => {
      const d = (await (
        await fetch(stack.urls.indexer, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: `query ($id: BigInt!) { oneToOneSessions(where: { sessionId: $id }) { endsAt } }`,
            variables: { id: sessionId },
          }),
        })
      ).json()) as { data: { oneToOneSessions: { endsAt: string | null }[] } };
      return d.data.oneToOneSessions[0]?.endsAt ?? undefined;
    });
    await moveChainClock(stack, Number(session) - Number(block.timestamp) + 1);
    await Promise.all([
      studio.page.getByTestId("call-ended").waitFor({ timeout: 20_000 }),
      fanPage.page.getByTestId("call-ended").waitFor({ timeout: 20_000 }),
    ]);
    await studio.context.close();
    await fanPage.context.close();
  });
});
