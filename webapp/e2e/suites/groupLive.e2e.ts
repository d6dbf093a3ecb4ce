// Group → live in real headless Chromium (fake camera and microphone) against the whole platform: an admin who is
// a registered creator switches a messenger group to a private live stream in one click and broadcasts from the
// studio; the live-now card lands in the chat; a member opens it and decodes frames; a non-member is refused with
// the reason; a member the admin removes from the group loses the video within 5 s. An admin who is not a creator
// is told why the button is not there.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import type { Deployment } from "@mesi/deployments";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { parseEther, type Address, type Hex } from "viem";

import {
  chainClients,
  connectWallet,
  DESKTOP,
  openWithWallet,
  PHONE,
  screenshot,
  waitFor,
} from "../support/fixtures.ts";
import { freshCreator as freshCreatorOf, freshFan, siweCookie } from "../support/people.ts";
import { framesOf, untilFrames } from "../support/player.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let mesi: Deployment;
let mediaUrl: string;
const contexts: BrowserContext[] = [];

interface Person {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly key: Hex;
  readonly address: Address;
}

/** A browser with the test wallet, signed in (SIWE session cookie made from Node, as the sign-in button would). */
async function signedIn(person: { key: Hex; address: Address }, viewport = DESKTOP): Promise<Person> {
  const { context, page } = await openWithWallet(browser, stack, person.key, { viewport });
  contexts.push(context);
  page.on("pageerror", (error) => console.log(`[page error ${person.address.slice(0, 6)}] ${error.message}`));
  const [name, value] = (await siweCookie(stack, person.key)).split(/=(.*)/s) as [string, string];
  await context.addCookies([{ name, value, url: stack.urls.webapp }]);
  return { context, page, ...person };
}

async function openMessages(person: Person, path = "/messages"): Promise<void> {
  await person.page.goto(`${stack.urls.webapp}${path}`);
  await person.page.locator("html[data-hydrated=true]").waitFor({ timeout: 15_000 });
  await person.page
    .locator('[data-testid="transport-label"], [data-testid="transport-notice"]')
    .filter({ visible: true })
    .first()
    .waitFor({ timeout: 15_000 });
}

/** A new registered creator (the CreatorRegistry's `register`). */
async function freshCreator(): Promise<{ key: Hex; address: Address }> {
  return freshCreatorOf(stack, mesi, { name: "Group streamer" }, parseEther("10"));
}

async function createGroup(admin: Person, name: string, members: readonly Address[]): Promise<string> {
  await admin.page.getByTestId("new-group").click();
  await admin.page.getByLabel("Group name").fill(name);
  await admin.page.getByLabel("Members").fill(members.join("\n"));
  await admin.page.getByTestId("create-group").click();
  await admin.page.waitForURL(/\/messages\/[^?]+$/);
  return decodeURIComponent(/\/messages\/([^/?#]+)/.exec(admin.page.url())![1]!);
}

describe("group → live", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
    mediaUrl = /^\s+streaming\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(stack.output())![1]!;
  });

  it("an admin who is a creator switches the group to live: members watch from the chat's card, others are refused, a removed member is cut off", async () => {
    // One after another: they are funded from one account (parallel sends would race for its nonce).
    const creator = await freshCreator();
    const member = await freshFan(stack, mesi, 0n);
    const leaver = await freshFan(stack, mesi, 0n);
    const stranger = await freshFan(stack, mesi, 0n);
    try {
      const admin = await signedIn(creator);
      await openMessages(admin);
      const groupId = await createGroup(admin, "Backstage crew", [member.address, leaver.address]);
      await connectWallet(admin.page);

      // One click in the group's info panel: a private stream on-chain, linked to the group, the card posted.
      await admin.page.getByTestId("group-info").click();
      await admin.page.getByTestId("group-go-live").waitFor({ timeout: 15_000 });
      await screenshot(admin.page, "group-live-panel-desktop");
      await admin.page.getByTestId("group-go-live").click();
      await admin.page.waitForURL(/\/studio\/live\?stream=\d+$/, { timeout: 60_000 });
      const streamId = BigInt(/stream=(\d+)/.exec(admin.page.url())![1]!);
      const { publicClient } = chainClients(stack);
      const onChain = await publicClient.readContract({
        ...mesi.CreatorRegistry,
        functionName: "streamOf",
        args: [streamId],
      });
      assert.equal(onChain.creator, creator.address);
      assert.equal(onChain.rules.isPrivate, true, "the stream is private on-chain");
      assert.equal(onChain.rules.followers, false);

      // The admin broadcasts the fake camera from the studio (the stream chosen from ?stream=).
      await admin.page
        .locator('[data-testid="broadcast-preview"][data-previewing="true"]')
        .waitFor({ timeout: 45_000 });
      assert.equal(await admin.page.getByTestId("stream-select").inputValue(), streamId.toString());
      await admin.page.getByTestId("broadcast-start").click();
      await admin.page.getByTestId("live-badge").waitFor({ timeout: 30_000 });
      await waitFor("the media server to report the broadcast", async () => {
        const body = (await (await fetch(`${mediaUrl}/stats`)).json()) as {
          streams: { streamId: string; videoCodec: string | null }[];
        };
        return body.streams.some((s) => s.streamId === streamId.toString() && s.videoCodec) ? true : undefined;
      });

      // A member sees the live card in the chat and opens it: the player decodes frames.
      const watcher = await signedIn(member);
      await openMessages(watcher, `/messages/${groupId}`);
      const card = watcher.page.locator(`[data-testid="live-card"][data-stream-id="${streamId}"]`);
      await card.waitFor({ timeout: 15_000 });
      assert.match((await card.textContent())!, /Live now\s*Backstage crew/);
      await screenshot(watcher.page, "group-live-card-desktop");
      await watcher.page.setViewportSize(PHONE);
      await screenshot(watcher.page, "group-live-card-phone");
      await watcher.page.setViewportSize(DESKTOP);
      await card.click();
      await watcher.page.waitForURL(new RegExp(`/live/${streamId}$`));
      await untilFrames(watcher.page);

      // A stranger (signed in, not in the group) is refused with the reason and gets no player.
      const outsider = await signedIn(stranger);
      await outsider.page.goto(`${stack.urls.webapp}/live/${streamId}`);
      await outsider.page.getByTestId("watch-refused").waitFor({ timeout: 15_000 });
      assert.match((await outsider.page.getByTestId("watch-reason").textContent())!, /for members of its group chat/);
      assert.equal(await outsider.page.locator('[data-testid="player-video"]').count(), 0);
      await screenshot(outsider.page, "group-live-refused-desktop");
      await outsider.page.setViewportSize(PHONE);
      await screenshot(outsider.page, "group-live-refused-phone");

      // A second member watches; the admin removes them from the group: the video goes within 5 s.
      const removed = await signedIn(leaver);
      await removed.page.goto(`${stack.urls.webapp}/live/${streamId}`);
      await untilFrames(removed.page);
      // In a second tab: leaving the studio page would end the admin's broadcast.
      const adminChat: Person = { ...admin, page: await admin.context.newPage() };
      await openMessages(adminChat, `/messages/${groupId}`);
      await adminChat.page.getByTestId("group-info").click();
      const removedAt = Date.now();
      await adminChat.page
        .locator(`[data-testid="group-member"][data-address="${leaver.address}"]`)
        .getByTestId("remove-member")
        .click();
      await removed.page.getByTestId("watch-removed").waitFor({ timeout: 5_000 });
      console.log(`# removed member cut off after ${Date.now() - removedAt} ms`);
      assert.equal(await removed.page.locator('[data-testid="player-video"]').count(), 0, "the player is unmounted");
      assert.match((await removed.page.getByTestId("watch-reason").textContent())!, /members of its group chat/);
      const before = await framesOf(watcher.page);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.ok((await framesOf(watcher.page)) > before, "the remaining member still decodes frames");
    } finally {
      for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
    }
  });

  it("an admin who is not a registered creator is told why there is no live button", async () => {
    const admin = await freshFan(stack, mesi, 0n);
    const member = await freshFan(stack, mesi, 0n);
    try {
      const person = await signedIn(admin);
      await openMessages(person);
      await createGroup(person, "Just fans", [member.address]);
      await person.page.getByTestId("group-info").click();
      await person.page
        .getByTestId("group-live-not-creator")
        .filter({ hasText: "Only registered creators can stream" })
        .waitFor({ timeout: 15_000 });
      assert.equal(await person.page.getByTestId("group-go-live").count(), 0);
      await person.page.setViewportSize(PHONE);
      await screenshot(person.page, "group-live-not-creator-phone");
    } finally {
      for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
    }
  });
});
