// The moderation queue (/moderate) in a real headless Chromium against the whole platform: a fan pays for a call,
// is blocked right after, and reports (evidence kept by the webapp's server, its hash on chain through the escrow's
// `report`); another fan files an AbuseReports report. A wallet without the moderator role sees the queue read-only
// and its attempt to decide is refused with nothing sent; the seeded moderator signs in, reads the evidence and the
// on-chain facts, resolves the call with a split on the slider and decides the report — balances checked on chain.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { readSessionState, sessionIdOf, SessionStatus, type Deployment } from "@mesi/deployments";
import type { Browser, Page } from "playwright-core";
import { encodeAbiParameters, formatUnits, pad, parseEther, toHex, type Address, type Hex } from "viem";

import {
  chainClients,
  connectWallet,
  DESKTOP,
  openWithWallet,
  PHONE,
  screenshot,
  waitFor,
} from "../support/fixtures.ts";
import { freshFan, siweCookie } from "../support/people.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;

let browser: Browser;
let mesi: Deployment;

type Writer = NonNullable<ReturnType<typeof chainClients>["walletClient"]>;

async function send(key: Hex, write: (w: Writer) => Promise<Hex>): Promise<void> {
  const { publicClient, walletClient } = chainClients(stack, key);
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await write(walletClient!) });
  assert.equal(receipt.status, "success");
}

/** Files evidence with the webapp's server as `key` (SIWE from Node); returns its id and hash. */
async function fileEvidence(
  key: Hex,
  form: { subject: Address; targetKind: "session" | "payment"; targetRef: string; text: string; png?: Buffer },
): Promise<{ id: string; evidenceHash: Hex }> {
  const cookie = await siweCookie(stack, key);
  const body = new FormData();
  body.set("subject", form.subject);
  body.set("targetKind", form.targetKind);
  body.set("targetRef", form.targetRef);
  body.set("text", form.text);
  if (form.png) body.append("files", new Blob([new Uint8Array(form.png)], { type: "image/png" }), "call.png");
  const response = await fetch(`${stack.urls.webapp}/api/reports`, {
    method: "POST",
    headers: { cookie, origin: new URL(stack.urls.webapp).origin },
    body,
  });
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()) as { id: string; evidenceHash: Hex };
}

const mesiText = (value: bigint) =>
  `${new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 }).format(Number(formatUnits(value, 18)))} MESI`;

describe("moderation queue", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it("a fan blocked right after paying reports; a moderator resolves the call with a split; balances match", async () => {
    const { publicClient } = chainClients(stack);
    // A creator who takes calls, and a fan who pays 100 MESI for five minutes.
    const creator = await freshFan(stack, mesi, 0n);
    await send(creator.key, (w) =>
      w.writeContract({
        ...mesi.CreatorRegistry,
        chain: null,
        account: w.account!,
        functionName: "register",
        args: ['data:application/json,{"name":"Moderation Test"}'],
      }),
    );
    await send(creator.key, (w) =>
      w.writeContract({
        ...mesi.OneToOneEscrow,
        chain: null,
        account: w.account!,
        functionName: "setSettings",
        args: [{ enabled: true, minMinutes: 5, maxMinutes: 30, minAmount: parseEther("20") }],
      }),
    );
    const fan = await freshFan(stack, mesi, parseEther("150"));
    const amount = parseEther("100");
    await send(fan.key, (w) =>
      w.writeContract({
        ...mesi.MesiToken,
        chain: null,
        account: w.account!,
        functionName: "transferAndCall",
        args: [
          mesi.MesiVault.address,
          amount,
          encodeAbiParameters([{ type: "address" }, { type: "uint8" }], [creator.address, 5]),
        ],
      }),
    );
    const sessionId = sessionIdOf(fan.address, creator.address, 1n);
    const escrow = { address: mesi.OneToOneEscrow.address };
    const requested = await readSessionState(publicClient, escrow, sessionId);
    await send(creator.key, (w) =>
      w.writeContract({
        ...mesi.OneToOneEscrow,
        chain: null,
        account: w.account!,
        functionName: "accept",
        args: [requested.record],
      }),
    );
    // Right after taking the money, the creator blocks the fan.
    await send(creator.key, (w) =>
      w.writeContract({
        ...mesi.MesiVault,
        chain: null,
        account: w.account!,
        functionName: "blockFan",
        args: [fan.address],
      }),
    );

    // The blocked fan reports: evidence (text + a screenshot) to the webapp's server, its hash to the escrow.
    const shotPage = await browser.newPage({ viewport: { width: 120, height: 80 } });
    await shotPage.setContent(`<body style="margin:0;background:#c33"><h1 style="color:#fff">call</h1></body>`);
    const png = await shotPage.screenshot();
    await shotPage.close();
    const evidenceText = "He blocked me seconds after I paid for the call. I never got the call.";
    const evidence = await fileEvidence(fan.key, {
      subject: creator.address,
      targetKind: "session",
      targetRef: sessionId.toString(),
      text: evidenceText,
      png,
    });
    const accepted = await readSessionState(publicClient, escrow, sessionId);
    await send(fan.key, (w) =>
      w.writeContract({
        ...mesi.OneToOneEscrow,
        chain: null,
        account: w.account!,
        functionName: "report",
        args: [accepted.record, evidence.evidenceHash],
      }),
    );
    assert.equal((await readSessionState(publicClient, escrow, sessionId)).status, SessionStatus.Disputed);

    // Another fan reports the creator through AbuseReports (harassment), with evidence.
    const other = await freshFan(stack, mesi, 0n);
    const otherEvidence = await fileEvidence(other.key, {
      subject: creator.address,
      targetKind: "payment",
      targetRef: pad(toHex(1n)),
      text: "Insulted me in the chat after I tipped.",
    });
    await send(other.key, (w) =>
      w.writeContract({
        ...mesi.AbuseReports,
        chain: null,
        account: w.account!,
        functionName: "fileReport",
        args: [creator.address, 3, pad(toHex(1n)), otherEvidence.evidenceHash],
      }),
    );
    const reportId = await publicClient.readContract({ ...mesi.AbuseReports, functionName: "reportCount" });

    // Someone without the moderator role: the queue read-only, evidence hidden, an attempt refused, nothing sent.
    const outsider = await openWithWallet(browser, stack, stack.accounts.fan2.privateKey, { viewport: DESKTOP });
    await outsider.page.goto(`${stack.urls.webapp}/moderate`);
    const outsiderCard = outsider.page.locator(`[data-testid="dispute"][data-session="${sessionId}"]`);
    await waitFor("the dispute in the queue", async () => {
      if ((await outsiderCard.count()) > 0) return true;
      await outsider.page.reload();
      return undefined;
    });
    await outsider.page.getByTestId("read-only").waitFor();
    await outsiderCard.getByTestId("evidence-hidden").waitFor();
    await outsiderCard
      .getByTestId("fact-blocked")
      .filter({ hasText: /after paying/ })
      .waitFor();
    await connectWallet(outsider.page);
    await outsiderCard.getByTestId("decision-note").fill("I am not a moderator but let me try.");
    await outsiderCard.getByTestId("resolve-dispute").click();
    await outsiderCard
      .getByTestId("decision-error")
      .filter({ hasText: /Only Mesi's moderators can decide/ })
      .waitFor({ timeout: 20_000 });
    assert.equal(outsider.wallet.requests.filter((r) => r.method === "eth_sendTransaction").length, 0);
    assert.equal((await readSessionState(publicClient, escrow, sessionId)).status, SessionStatus.Disputed);
    await screenshot(outsider.page, "moderate-read-only-desktop");
    await outsider.context.close();

    // The seeded moderator signs in and reads the evidence next to the chain's facts.
    const moderator = await openWithWallet(browser, stack, stack.accounts.moderator.privateKey, { viewport: DESKTOP });
    const { page, wallet } = moderator;
    await page.goto(`${stack.urls.webapp}/moderate`);
    await connectWallet(page);
    await page.getByTestId("moderator-sign-in").click();
    await page.getByTestId("moderator-badge").waitFor({ timeout: 30_000 });
    const card = page.locator(`[data-testid="dispute"][data-session="${sessionId}"]`);
    await card.getByTestId("evidence-text").filter({ hasText: evidenceText }).waitFor();
    await card
      .getByTestId("evidence-intact")
      .filter({ hasText: /Matches the fingerprint/ })
      .waitFor();
    await card.getByTestId("evidence-image").waitFor();
    await card
      .getByTestId("fact-blocked")
      .filter({ hasText: /after paying/ })
      .waitFor();

    // Bad input: a split beyond 10,000 bp and a missing note are explained; nothing is sent.
    await card.getByTestId("split-bps").fill("10001");
    await card.getByTestId("resolve-dispute").click();
    await card
      .getByTestId("split-error")
      .filter({ hasText: /at most 10,000 basis points/ })
      .waitFor();
    await card.getByText(/Write a short note for the record/).waitFor();
    assert.equal(wallet.requests.filter((r) => r.method === "eth_sendTransaction").length, 0);
    await screenshot(page, "moderate-bad-input");

    // A 70 / 30 split on the slider: both amounts shown as the escrow will pay them.
    const feeBps = await publicClient.readContract({ ...mesi.MesiVault, functionName: "feeBps" });
    const creatorGross = (amount * 7_000n) / 10_000n;
    const fee = (creatorGross * BigInt(feeBps)) / 10_000n;
    const fanAmount = amount - creatorGross;
    await card.getByTestId("split-range").fill("7000");
    assert.equal(await card.getByTestId("split-bps").inputValue(), "7000");
    await card
      .getByTestId("split-creator")
      .filter({ hasText: mesiText(creatorGross - fee) })
      .waitFor();
    await card
      .getByTestId("split-fan")
      .filter({ hasText: mesiText(fanAmount) })
      .waitFor();
    await card
      .getByTestId("decision-note")
      .fill("Blocked right after paying; the call never happened. Mostly refunded.");
    await screenshot(page, "moderate-queue-desktop");
    await page.setViewportSize(PHONE);
    await screenshot(page, "moderate-queue-phone");
    await page.setViewportSize(DESKTOP);

    const balance = (who: Address) =>
      publicClient.readContract({ ...mesi.MesiToken, functionName: "balanceOf", args: [who] });
    const earnings = async (who: Address) =>
      (await publicClient.readContract({ ...mesi.MesiVault, functionName: "earningsOf", args: [who] }))[0];
    const fanBefore = await balance(fan.address);
    const creatorBefore = await earnings(creator.address);
    await card.getByTestId("resolve-dispute").click();
    await page.getByTestId("decision-done").waitFor({ timeout: 30_000 });
    const resolved = await readSessionState(publicClient, escrow, sessionId);
    assert.equal(resolved.status, SessionStatus.Resolved);
    assert.equal((await balance(fan.address)) - fanBefore, fanAmount, "the fan got back 30 %");
    assert.equal(
      (await earnings(creator.address)) - creatorBefore,
      creatorGross - fee,
      "the creator got 70 % less fee",
    );
    const history = page.locator(`[data-testid="history-row"][data-kind="session"][data-id="${sessionId}"]`);
    await history.waitFor({ timeout: 30_000 });
    await history
      .getByTestId("history-note")
      .filter({ hasText: /Mostly refunded/ })
      .waitFor();
    assert.equal(await card.count(), 0, "the call left the queue");

    // The report: upheld with a note, recorded on chain.
    const reportCard = page.locator(`[data-testid="report"][data-report="${reportId}"]`);
    await reportCard.getByTestId("decision-note").fill("Confirmed by the chat log: a warning to the creator.");
    await reportCard.getByTestId("uphold-report").click();
    await page
      .locator(`[data-testid="history-row"][data-kind="report"][data-id="${reportId}"]`)
      .waitFor({ timeout: 30_000 });
    const report = await publicClient.readContract({
      ...mesi.AbuseReports,
      functionName: "reportOf",
      args: [reportId],
    });
    assert.equal(report.status, 2, "upheld on chain");
    await screenshot(page, "moderate-history-desktop");
    await page.setViewportSize(PHONE);
    await screenshot(page, "moderate-history-phone");
    await moderator.context.close();
  });
});
