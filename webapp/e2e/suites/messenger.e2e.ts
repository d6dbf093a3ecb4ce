// The messenger in real headless Chromium, two and three browser contexts at once, against the whole platform
// (`npm start`: the local message hub over WebSocket + SQLite, the chain, the index): a DM both ways with replies,
// reactions, read receipts and typing; a group of three whose admin removes a member; a picture, a file and a
// voice note sent and opened (a disguised file refused); a tip from the chat that changes the creator's earnings
// on-chain and shows a verified card (a forged card stays unverified); a creator who blocks a fan on-chain, whose
// next message is refused, and who then reports the conversation.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";

import type { Deployment } from "@mesi/deployments";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { parseEther, parseEventLogs, type Address, type Hex } from "viem";

import { conversationRef } from "../../src/lib/reports/conversationRef.ts";

import {
  chainClients,
  connectWallet,
  DESKTOP,
  expectOutcome,
  openWithWallet,
  PHONE,
  screenshot,
  waitFor,
  withShots as withPageShots,
} from "../support/fixtures.ts";
import { hubClientFor } from "../support/hub.ts";
import { freshFan, signedInPage } from "../support/people.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let mesi: Deployment;

interface Person {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly address: Address;
}

/** A browser already signed in (SIWE session cookie made from Node, as the sign-in button would). */
async function signedIn(
  key: Hex,
  address: Address,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<Person> {
  const { context, page } = await signedInPage(browser, stack, key, viewport);
  opened.push(page);
  return { context, page, address };
}

/** Pages of the running test, screenshotted when it fails. */
const opened: Page[] = [];

async function openMessages(person: Person, path = "/messages"): Promise<void> {
  await person.page.goto(`${stack.urls.webapp}${path}`);
  await person.page.locator("html[data-hydrated=true]").waitFor({ timeout: 15_000 });
  // The transport label sits in the list (desktop, or the phone's list) and above an open chat.
  await person.page
    .locator('[data-testid="transport-label"], [data-testid="transport-notice"]')
    .filter({ visible: true })
    .first()
    .waitFor({ timeout: 15_000 });
}

/** Runs a test body; on failure, screenshots every page it opened (test-results/screenshots/failed-*). */
const withShots = (name: string, body: () => Promise<void>) => withPageShots(name, opened, body);

function row(page: Page, conversationId: string) {
  return page.locator(`[data-testid="conversation-row"][data-conversation="${conversationId}"]`);
}

function conversationIdOf(page: Page): string {
  const match = /\/messages\/([^/?#]+)/.exec(page.url());
  assert.ok(match, `not on a conversation: ${page.url()}`);
  return decodeURIComponent(match[1]!);
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId("composer").fill(text);
  await page.getByTestId("send").click();
  await page.getByTestId("message-text").filter({ hasText: text }).last().waitFor();
}

describe("messenger", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it(
    "a DM both ways: started from a profile, live, with unread count, reply, reaction, read receipt and typing",
    withShots("dm", async () => {
      const alice = stack.accounts.creatorAlice;
      const fan = stack.accounts.fan1;
      // The fan signs in through the page itself: connect, then the messenger's sign-in button.
      const { context: fanContext, page: fanPage } = await openWithWallet(browser, stack, fan.privateKey);
      opened.push(fanPage);
      await fanPage.goto(`${stack.urls.webapp}/c/alice`);
      await connectWallet(fanPage);
      await fanPage.getByTestId("message-creator").click();
      await fanPage.getByTestId("messenger-sign-in").waitFor();
      await screenshot(fanPage, "messenger-sign-in-desktop");
      await fanPage.getByTestId("sign-in").click();
      await fanPage.waitForURL(/\/messages\/[^?]+$/, { timeout: 30_000 });
      const conversationId = conversationIdOf(fanPage);
      await fanPage.getByTestId("conversation-title").filter({ hasText: "Alice Demo" }).waitFor();
      assert.match(
        (await fanPage.getByTestId("transport-notice").textContent()) ?? "",
        /not end-to-end encrypted/,
        "the development transport says so",
      );

      const creator = await signedIn(alice.privateKey, alice.address);
      await openMessages(creator);

      await send(fanPage, "Hi Alice! Loved the last stream.");
      // Alice's list gets the chat live, with its unread count and last message.
      await row(creator.page, conversationId).getByTestId("unread-count").filter({ hasText: "1" }).waitFor();
      assert.match(
        (await row(creator.page, conversationId).getByTestId("conversation-preview").textContent()) ?? "",
        /Loved the last stream/,
      );
      await screenshot(creator.page, "messenger-list-unread-desktop");

      await row(creator.page, conversationId).click();
      await creator.page.getByTestId("message-text").filter({ hasText: "Loved the last stream" }).waitFor();
      // Opening marks it read: the unread badge goes, and the fan's message shows as read (✓✓).
      await row(creator.page, conversationId).getByTestId("unread-count").waitFor({ state: "detached" });
      await fanPage
        .locator('[data-testid="message"][data-mine="true"] [data-testid="receipt"][data-read="true"]')
        .waitFor();

      // Alice types: the fan sees it.
      await creator.page.getByTestId("composer").pressSequentially("Thanks", { delay: 30 });
      await fanPage.getByTestId("typing").waitFor({ timeout: 10_000 });
      await creator.page.getByTestId("composer").fill("");

      // Alice replies to the fan's message; the fan sees the quote live.
      const fanMessage = creator.page.locator('[data-testid="message"]').filter({ hasText: "Loved the last stream" });
      await fanMessage.hover();
      await fanMessage.getByTestId("reply-button").click();
      await creator.page.getByTestId("replying").waitFor();
      await send(creator.page, "Thank you — see you Friday!");
      const reply = fanPage.locator('[data-testid="message"][data-type="reply"]').filter({ hasText: "see you Friday" });
      await reply.waitFor({ timeout: 10_000 });
      assert.match((await reply.getByTestId("reply-quote").textContent()) ?? "", /Loved the last stream/);

      // The fan reacts; Alice sees the reaction under her reply.
      await reply.hover();
      await reply.getByTestId("react-button").click();
      await reply.getByTestId("pick-❤️").click();
      await creator.page
        .locator('[data-testid="message"]')
        .filter({ hasText: "see you Friday" })
        .locator('[data-testid="reaction"][data-emoji="❤️"]')
        .waitFor({ timeout: 10_000 });

      await screenshot(fanPage, "messenger-dm-desktop");
      await screenshot(creator.page, "messenger-dm-creator-desktop");
      await fanPage.setViewportSize(PHONE);
      await screenshot(fanPage, "messenger-dm-phone");
      await fanPage.goto(`${stack.urls.webapp}/messages`);
      await row(fanPage, conversationId).waitFor();
      await screenshot(fanPage, "messenger-list-phone");

      // History after a reload: everything once, in order.
      await creator.page.reload();
      await creator.page.getByTestId("message-text").first().waitFor();
      const texts = await creator.page.getByTestId("message-text").allTextContents();
      assert.deepEqual(texts, ["Hi Alice! Loved the last stream.", "Thank you — see you Friday!"]);
      await fanContext.close();
      await creator.context.close();
    }),
  );

  it(
    "a group of three: created by an admin, messages to all, renamed, a member removed who can no longer send",
    withShots("group", async () => {
      const bob = stack.accounts.creatorBob;
      const fan2 = stack.accounts.fan2;
      const fan3 = stack.accounts.fan3;
      const admin = await signedIn(bob.privateKey, bob.address);
      const second = await signedIn(fan2.privateKey, fan2.address);
      const third = await signedIn(fan3.privateKey, fan3.address, PHONE);
      await Promise.all([openMessages(admin), openMessages(second), openMessages(third)]);

      await admin.page.getByTestId("new-group").click();
      await admin.page.getByLabel("Group name").fill("Bob's inner circle");
      await admin.page.getByLabel("Members").fill(`${fan2.address}\n${fan3.address}`);
      await screenshot(admin.page, "messenger-new-group-desktop");
      await admin.page.getByTestId("create-group").click();
      await admin.page.waitForURL(/\/messages\/[^?]+$/);
      const groupId = conversationIdOf(admin.page);
      await admin.page.getByTestId("conversation-sub").filter({ hasText: "3 members" }).waitFor();

      await send(admin.page, "Welcome, both of you!");
      for (const member of [second, third]) {
        await row(member.page, groupId).getByTestId("unread-count").waitFor({ timeout: 10_000 });
      }
      await row(third.page, groupId).click();
      await third.page.getByTestId("message-text").filter({ hasText: "Welcome" }).waitFor();
      await send(third.page, "Hello from fan three");
      await row(second.page, groupId).click();
      await second.page.getByTestId("message-text").filter({ hasText: "Hello from fan three" }).waitFor();

      // A member cannot manage the group; the admin can.
      await second.page.getByTestId("group-info").click();
      assert.equal(await second.page.getByTestId("remove-member").count(), 0, "members see no remove buttons");
      await second.page.keyboard.press("Escape");

      await admin.page.getByTestId("group-info").click();
      await admin.page.getByLabel("Group name").fill("Inner circle");
      await admin.page.getByTestId("rename-group").click();
      await admin.page.getByTestId("conversation-title").filter({ hasText: "Inner circle" }).waitFor();
      await screenshot(admin.page, "messenger-group-info-desktop");
      await admin.page
        .locator(`[data-testid="group-member"][data-address="${fan3.address}"]`)
        .getByTestId("remove-member")
        .click();
      await admin.page
        .locator(`[data-testid="group-member"][data-address="${fan3.address}"]`)
        .waitFor({ state: "detached" });
      await admin.page.keyboard.press("Escape");
      await admin.page.getByTestId("conversation-sub").filter({ hasText: "2 members" }).waitFor();

      // The removed member is told, and the group leaves their list; the others carry on.
      await third.page.getByTestId("removed-banner").waitFor({ timeout: 10_000 });
      await screenshot(third.page, "messenger-removed-phone");
      assert.equal(await row(third.page, groupId).count(), 0);
      await second.page
        .getByTestId("conversation-title")
        .filter({ hasText: "Inner circle" })
        .waitFor({ timeout: 10_000 });
      await send(admin.page, "Just us now");
      await second.page.getByTestId("message-text").filter({ hasText: "Just us now" }).waitFor({ timeout: 10_000 });
      await third.page.reload();
      await third.page.getByTestId("conversation-error").waitFor({ timeout: 15_000 });
      for (const person of [admin, second, third]) await person.context.close();
    }),
  );

  it(
    "a picture, a file and a voice note sent and opened; a disguised file is refused by its content",
    withShots("media", async () => {
      const alice = stack.accounts.creatorAlice;
      const fan = stack.accounts.fan2;
      const sender = await signedIn(fan.privateKey, fan.address);
      const receiver = await signedIn(alice.privateKey, alice.address, PHONE);
      await openMessages(sender, `/messages?to=${alice.address}`);
      await sender.page.waitForURL(/\/messages\/[^?]+$/);
      const conversationId = conversationIdOf(sender.page);
      await openMessages(receiver, `/messages/${conversationId}`);

      const png = await sender.page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 200 } });
      const pdf = Buffer.from(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
      );
      await sender.page.getByTestId("file-input").setInputFiles([
        { name: "stage.png", mimeType: "image/png", buffer: png },
        { name: "setlist.pdf", mimeType: "application/pdf", buffer: pdf },
      ]);
      // The receiver sees the picture as a thumbnail (decoded) and the file as a chip that downloads the same bytes.
      const image = receiver.page.getByTestId("attachment-image").locator("img");
      await image.waitFor({ timeout: 15_000 });
      await waitFor("the thumbnail to decode", async () =>
        (await image.evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0 ? true : undefined,
      );
      const chip = receiver.page.locator('[data-testid="attachment-file"][data-filename="setlist.pdf"]');
      await chip.waitFor({ timeout: 15_000 });
      const [download] = await Promise.all([receiver.page.waitForEvent("download"), chip.click()]);
      assert.equal(download.suggestedFilename(), "setlist.pdf");
      assert.deepEqual(readFileSync((await download.path())!), pdf, "the file opens with the bytes that were sent");
      await screenshot(receiver.page, "messenger-media-phone");

      // A text file named and typed as a picture: the hub checks the bytes and refuses it.
      await sender.page
        .getByTestId("file-input")
        .setInputFiles([
          { name: "totally-a-photo.png", mimeType: "image/png", buffer: Buffer.from("not a picture at all") },
        ]);
      await sender.page
        .getByTestId("send-error")
        .filter({ hasText: /checked by content/ })
        .waitFor();

      // A voice note from the (fake) microphone.
      await sender.page.getByTestId("record-voice").click();
      await sender.page.getByTestId("recording").waitFor();
      await sender.page.waitForTimeout(1_200);
      await sender.page.getByTestId("stop-recording").click();
      await receiver.page.getByTestId("attachment-audio").waitFor({ timeout: 15_000 });
      await screenshot(sender.page, "messenger-media-desktop");
      await sender.context.close();
      await receiver.context.close();
    }),
  );

  it(
    "a tip from the chat: the creator's earnings grow on-chain and the card is verified; forged cards stay unverified",
    withShots("tip", async () => {
      const alice = stack.accounts.creatorAlice;
      const fan = stack.accounts.fan1;
      const { publicClient } = chainClients(stack);
      const before = await publicClient.readContract({
        ...mesi.MesiVault,
        functionName: "earningsOf",
        args: [alice.address],
      });
      const tipper = await signedIn(fan.privateKey, fan.address);
      await openMessages(tipper, `/messages?to=${alice.address}`);
      await tipper.page.waitForURL(/\/messages\/[^?]+$/);
      const conversationId = conversationIdOf(tipper.page);
      await connectWallet(tipper.page);
      const creator = await signedIn(alice.privateKey, alice.address, PHONE);
      await openMessages(creator, `/messages/${conversationId}`);

      await tipper.page.getByTestId("chat-tip").click();
      await tipper.page.getByLabel(/Amount/).fill("7");
      await tipper.page.getByTestId("creator-receives").filter({ hasText: "6.3 MESI" }).waitFor();
      await screenshot(tipper.page, "messenger-tip-dialog-desktop");
      await tipper.page.getByTestId("send-tip").click();
      await expectOutcome(tipper.page, () => tipper.page.getByTestId("tip-confirmed").waitFor({ timeout: 60_000 }));
      const hash = (await tipper.page.getByTestId("tip-tx").textContent())!.trim() as Hex;
      await tipper.page.keyboard.press("Escape");

      const after = await publicClient.readContract({
        ...mesi.MesiVault,
        functionName: "earningsOf",
        args: [alice.address],
      });
      assert.equal(after[0] - before[0], parseEther("6.3"), "Alice's cleared earnings grew by the tip minus the fee");

      // Both sides see the card, verified against the chain, with the chain's amount.
      for (const page of [tipper.page, creator.page]) {
        const card = page.locator(`[data-testid="tip-card"][data-tx="${hash}"]`);
        await card.locator('[data-testid="tip-card-verified"]').waitFor({ timeout: 20_000 });
        assert.equal((await card.getByTestId("tip-card-amount").textContent())?.trim(), "7 MESI");
      }
      await screenshot(tipper.page, "messenger-tip-card-desktop");
      await screenshot(creator.page, "messenger-tip-card-phone");

      // Forged cards, sent straight to the hub: a made-up hash, and fan2 claiming fan1's real tip as theirs.
      const forger = await hubClientFor(stack, stack.accounts.fan1.privateKey, fan.address);
      const madeUp = `0x${"ab".repeat(32)}` as Hex;
      await forger.send(conversationId, {
        type: "transactionReference",
        transaction: {
          namespace: "eip155",
          networkId: stack.chainId,
          reference: madeUp,
          metadata: {
            transactionType: "tip",
            currency: "MESI",
            amount: parseEther("1000").toString(),
            decimals: 18,
            fromAddress: fan.address,
            toAddress: alice.address,
          },
        },
      });
      const fan2 = stack.accounts.fan2;
      const claimer = await hubClientFor(stack, fan2.privateKey, fan2.address);
      const fan2Chat = await claimer.openDirect(alice.address);
      await claimer.send(fan2Chat.id, {
        type: "transactionReference",
        transaction: { namespace: "eip155", networkId: stack.chainId, reference: hash },
      });
      await creator.page
        .locator(`[data-testid="tip-card"][data-tx="${madeUp}"] [data-testid="tip-card-unverified"]`)
        .waitFor({ timeout: 30_000 });
      assert.equal(await creator.page.getByTestId("tip-card-amount").count(), 1, "only the real tip shows an amount");
      await openMessages(creator, `/messages/${fan2Chat.id}`);
      await creator.page
        .locator(`[data-testid="tip-card"][data-tx="${hash}"] [data-testid="tip-card-unverified"]`)
        .waitFor({ timeout: 20_000 });
      await forger.close();
      await claimer.close();
      await tipper.context.close();
      await creator.context.close();
    }),
  );

  it(
    "a creator blocks a fan from the chat: blocked on-chain, the fan's next message refused, and the fan reports",
    withShots("block", async () => {
      const alice = stack.accounts.creatorAlice;
      const { key, address } = await freshFan(stack, mesi, parseEther("50"));
      const fan = await signedIn(key, address, PHONE);
      await openMessages(fan, `/messages?to=${alice.address}`);
      await fan.page.waitForURL(/\/messages\/[^?]+$/);
      const conversationId = conversationIdOf(fan.page);
      await send(fan.page, "You'll regret ignoring me");

      const creator = await signedIn(alice.privateKey, alice.address);
      await openMessages(creator, `/messages/${conversationId}`);
      await creator.page.getByTestId("message-text").filter({ hasText: "regret" }).waitFor();
      await connectWallet(creator.page);
      creator.page.once("dialog", (dialog) => void dialog.accept());
      await creator.page.getByTestId("chat-block").click();
      await creator.page.getByTestId("blocked-banner").waitFor({ timeout: 30_000 });
      const { publicClient } = chainClients(stack);
      assert.equal(
        await publicClient.readContract({
          ...mesi.MesiVault,
          functionName: "isBlocked",
          args: [alice.address, address],
        }),
        true,
        "the block is on-chain (payments stop too)",
      );
      await screenshot(creator.page, "messenger-blocked-desktop");

      // The fan's next message is refused, with a sentence and the report form one tap away.
      await fan.page.getByTestId("composer").fill("Hello??");
      await fan.page.getByTestId("send").click();
      await fan.page
        .getByTestId("send-error")
        .filter({ hasText: /blocked you/ })
        .waitFor({ timeout: 10_000 });
      await screenshot(fan.page, "messenger-refused-phone");
      assert.equal(await creator.page.getByTestId("message-text").filter({ hasText: "Hello??" }).count(), 0);

      await fan.page.getByTestId("report-link").click();
      await fan.page.waitForURL(/\/report\?conversation=/);
      await connectWallet(fan.page);
      const text = fan.page.getByLabel("Tell the moderators");
      assert.match(await text.inputValue(), new RegExp(conversationId), "the form names the conversation");
      await text.fill(`${await text.inputValue()}threatening messages before the block.`);
      await screenshot(fan.page, "messenger-report-phone");
      await fan.page.getByTestId("send-report").click();
      await fan.page.getByTestId("report-done").waitFor({ timeout: 30_000 });
      const txHash = (await fan.page.getByTestId("report-tx").textContent())!.trim() as Hex;
      const [filed] = parseEventLogs({
        abi: mesi.AbuseReports.abi,
        logs: (await publicClient.getTransactionReceipt({ hash: txHash })).logs,
        eventName: "ReportFiled",
      });
      assert.equal(filed?.args.relatedRef, conversationRef(conversationId));
      assert.equal(filed?.args.subject.toLowerCase(), alice.address.toLowerCase());

      // Only someone in the conversation may report it: a stranger's report of it is refused, and the hash on
      // chain must be this conversation's.
      const stranger = await freshFan(stack, mesi, parseEther("1"));
      const outsider = await signedIn(stranger.key, stranger.address, PHONE);
      const reportAs = (context: typeof outsider.context, targetRef: string) =>
        context.request.post(`${stack.urls.webapp}/api/reports`, {
          headers: { origin: new URL(stack.urls.webapp).origin },
          multipart: {
            subject: alice.address,
            targetKind: "conversation",
            targetRef,
            conversationId,
            text: "I was never in this conversation but report it anyway.",
          },
        });
      const refused = await reportAs(outsider.context, conversationRef(conversationId));
      assert.equal(refused.status(), 403, await refused.text());
      assert.match(await refused.text(), /not a member of this conversation/);
      const mismatched = await reportAs(fan.context, conversationRef("some-other-conversation"));
      assert.equal(mismatched.status(), 400, await mismatched.text());
      await outsider.context.close();
      await fan.context.close();
      await creator.context.close();
    }),
  );
  it(
    "a creator lets only followers message them: a stranger's message lands in Requests, and accepting moves it to Chats",
    withShots("requests", async () => {
      const bob = stack.accounts.creatorBob;
      const creator = await signedIn(bob.privateKey, bob.address);
      try {
        await openMessages(creator);
        await creator.page.getByTestId("incoming-rule").click();
        const form = creator.page.getByTestId("incoming-rule-form");
        await form.waitFor();
        await creator.page.getByTestId("rule-save").and(creator.page.locator(":enabled")).waitFor();
        await creator.page.getByTestId("rule-chosen").check();
        await creator.page.getByTestId("rule-followers").check();
        if (await creator.page.getByTestId("rule-subscribers").isChecked()) {
          await creator.page.getByTestId("rule-subscribers").uncheck();
        }
        if (await creator.page.getByTestId("rule-tipped").isChecked()) {
          await creator.page.getByTestId("rule-tipped").uncheck();
        }
        await screenshot(creator.page, "messenger-incoming-rule-desktop");
        await creator.page.getByTestId("rule-save").click();
        await creator.page.getByTestId("rule-save").filter({ hasText: "Saved" }).waitFor({ timeout: 10_000 });
        // What the hub now holds, read back as the creator.
        const hub = await hubClientFor(stack, bob.privateKey, bob.address);
        assert.deepEqual(await hub.incomingRule(), { followers: true });
        await hub.close();
        await creator.page.keyboard.press("Escape");

        // A stranger (follows no one) writes to the creator: it lands in Requests, not in Chats.
        const { key, address } = await freshFan(stack, mesi, parseEther("1"));
        const stranger = await signedIn(key, address, PHONE);
        await openMessages(stranger, `/messages?to=${bob.address}`);
        await stranger.page.waitForURL(/\/messages\/[^?]+$/);
        const conversationId = conversationIdOf(stranger.page);
        await send(stranger.page, "Hi Bob, can I ask you something?");

        await creator.page.getByTestId("requests-tab").waitFor({ timeout: 15_000 });
        const inChats = creator.page.locator(`[data-testid="conversation-row"][data-conversation="${conversationId}"]`);
        assert.equal(await inChats.count(), 0, "the stranger's chat is not among the creator's chats");
        await creator.page.getByTestId("requests-tab").click();
        await inChats.waitFor();
        await screenshot(creator.page, "messenger-requests-desktop");
        await creator.page.setViewportSize(PHONE);
        await screenshot(creator.page, "messenger-requests-phone");
        await creator.page.setViewportSize(DESKTOP);
        await inChats.click();
        await creator.page.getByTestId("request-banner").waitFor();
        await creator.page.getByTestId("message-text").filter({ hasText: "can I ask you" }).waitFor();
        await creator.page.getByTestId("accept-request").click();
        await creator.page.getByTestId("request-banner").waitFor({ state: "detached" });
        // Accepted: back in Chats (the Requests tab goes once it is empty).
        await creator.page.getByTestId("requests-tab").waitFor({ state: "detached" });
        await inChats.waitFor();
        await send(creator.page, "Sure, go ahead");
        await stranger.page.getByTestId("message-text").filter({ hasText: "Sure, go ahead" }).waitFor();
        await stranger.context.close();
      } finally {
        // Leave the creator open to everyone for other suites.
        const hub = await hubClientFor(stack, bob.privateKey, bob.address);
        await hub.setIncomingRule(null);
        await hub.close();
        await creator.context.close();
      }
    }),
  );
});
