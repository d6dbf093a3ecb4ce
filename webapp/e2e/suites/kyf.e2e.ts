// KYF end to end in headless Chromium against `npm start`: a fan signs in and registers (legal name, date of birth,
// country) with the local verifier, which attests them on-chain; a creator asks (an unattested fan gets nothing),
// the fan consents before the 48-hour deadline, the creator reads the details; the fan stops sharing and the
// creator can no longer read them — neither in the page nor straight from the verifier's API.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import type { Deployment } from "@mesi/deployments";
import type { Browser, Page } from "playwright-core";
import { parseEther, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

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

const LEGAL_NAME = "Ada Marie Lovelace";

function kyfUrl(): string {
  const match = /^\s+kyf\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(stack.output());
  assert.ok(match, "npm start printed no URL for kyf");
  return match[1]!;
}

/** Both widths, as people use them. */
async function shots(page: Page, name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `${name}-desktop`);
}

async function signIn(page: Page, button: string, then: () => Promise<unknown>): Promise<void> {
  await page.getByTestId(button).click();
  try {
    await then();
  } catch (error) {
    await screenshot(page, "kyf-sign-in-failed");
    const shown = await page.getByRole("alert").allTextContents();
    throw new Error(`sign-in did not complete; the page says: ${shown.join(" | ") || "(nothing)"}`, { cause: error });
  }
}

/** What the verifier answers a creator asking for `fan`'s details, with a token from the creator's SIWE session. */
async function verifierAnswer(creatorKey: `0x${string}`, fan: Address): Promise<number> {
  const cookie = await siweCookie(stack, creatorKey);
  const minted = await fetch(new URL("/api/session/token", stack.urls.webapp), {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: new URL(stack.urls.webapp).origin },
    body: JSON.stringify({ audience: "kyf-verifier" }),
  });
  assert.equal(minted.status, 200, await minted.clone().text());
  const { token } = (await minted.json()) as { token: string };
  const response = await fetch(`${kyfUrl()}/v1/disclosures/${fan}`, { headers: { authorization: `Bearer ${token}` } });
  return response.status;
}

describe("KYF: register, attest, ask, consent, disclose, revoke", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it("a fan verifies, a creator asks, the fan consents, the creator reads; after revoking, the creator cannot", async () => {
    const { publicClient } = chainClients(stack);
    const registry = mesi.KyfRegistry;
    const levelOf = (wallet: Address) =>
      publicClient.readContract({ ...registry, functionName: "levelOf", args: [wallet] });
    const alice = stack.accounts.creatorAlice;
    const fan = await freshFan(stack, mesi, parseEther("1"));

    // ── The fan verifies ──
    const fanSide = await openWithWallet(browser, stack, fan.key);
    const fanPage = fanSide.page;
    await fanPage.goto(`${stack.urls.webapp}/me/kyf`);
    await connectWallet(fanPage);
    await fanPage.getByTestId("kyf-sign-in").waitFor({ timeout: 20_000 });
    await shots(fanPage, "kyf-fan-sign-in");
    await signIn(fanPage, "kyf-sign-in-button", () => fanPage.getByTestId("kyf-form").waitFor({ timeout: 30_000 }));

    // A minor is refused next to the field; nothing is sent.
    await fanPage.getByLabel("Legal name").fill(LEGAL_NAME);
    const minorBirth = new Date(Date.now() - 16 * 365 * 86_400_000).toISOString().slice(0, 10);
    await fanPage.getByLabel("Date of birth").fill(minorBirth);
    await fanPage.getByLabel("Country").selectOption("GB");
    await fanPage.getByTestId("kyf-submit").click();
    assert.match((await fanPage.getByTestId("kyf-dob-error").textContent()) ?? "", /at least 18/);
    await shots(fanPage, "kyf-fan-form-error");
    assert.equal(await levelOf(fan.address), 0);

    await fanPage.getByLabel("Date of birth").fill("1990-12-10");
    await fanPage.getByTestId("kyf-submit").click();
    await fanPage.getByTestId("kyf-done").waitFor({ timeout: 30_000 });
    await fanPage.getByTestId("kyf-level").waitFor({ timeout: 20_000 });
    assert.match((await fanPage.getByTestId("kyf-level").textContent()) ?? "", /Verified · level 1/);
    assert.match((await fanPage.getByTestId("kyf-expiry").textContent()) ?? "", /Valid until/);
    assert.equal(await levelOf(fan.address), 1, "the verifier attested the fan on-chain");
    await shots(fanPage, "kyf-fan-verified");

    // ── The creator asks ──
    const creatorSide = await openWithWallet(browser, stack, alice.privateKey);
    const creatorPage = creatorSide.page;
    await creatorPage.goto(`${stack.urls.webapp}/studio/fans`);
    await connectWallet(creatorPage);
    await creatorPage.getByTestId("fans-list").waitFor();

    // A fan with no attestation: a clear message and no request on-chain.
    const unverified = privateKeyToAccount(generatePrivateKey()).address;
    await creatorPage.getByTestId("fans-address").fill(unverified);
    await creatorPage.getByTestId("fans-ask-button").click();
    await creatorPage.getByTestId("fans-error").waitFor({ timeout: 20_000 });
    assert.match((await creatorPage.getByTestId("fans-error").textContent()) ?? "", /hasn't verified/);
    const none = await publicClient.readContract({
      ...registry,
      functionName: "disclosureOf",
      args: [alice.address, unverified],
    });
    assert.equal(none.requestedAt, 0n, "nothing was sent for the unverified fan");
    await shots(creatorPage, "kyf-creator-not-attested");

    await creatorPage.getByTestId("fans-address").fill(fan.address);
    await creatorPage.getByTestId("fans-ask-button").click();
    await creatorPage.getByTestId("fans-asked").waitFor({ timeout: 30_000 });
    const row = creatorPage.locator(`[data-testid="fans-row"][data-fan="${fan.address.toLowerCase()}"]`);
    await row.and(creatorPage.locator('[data-stage="pending"]')).waitFor({ timeout: 20_000 });
    assert.match((await row.getByTestId("fans-deadline").textContent()) ?? "", /(47|48) h \d+ min left · deadline/);
    await signIn(creatorPage, "fans-sign-in-button", () =>
      creatorPage.getByTestId("fans-sign-in").waitFor({ state: "detached", timeout: 30_000 }),
    );
    await shots(creatorPage, "kyf-creator-asked");

    // ── The fan sees the request with its deadline and consents ──
    const request = fanPage.locator(`[data-testid="kyf-request"][data-creator="${alice.address.toLowerCase()}"]`);
    await waitFor(
      "the creator's request on the fan's page",
      async () => {
        await fanPage.reload();
        await request.waitFor({ timeout: 5_000 });
        return true;
      },
      60_000,
    );
    assert.match((await request.getByTestId("kyf-deadline").textContent()) ?? "", /left to answer · by/);
    await shots(fanPage, "kyf-fan-request");
    await request.getByTestId("kyf-consent").click();
    await request.and(fanPage.locator('[data-stage="consented"]')).waitFor({ timeout: 30_000 });
    assert.equal(
      await publicClient.readContract({
        ...registry,
        functionName: "hasConsented",
        args: [alice.address, fan.address],
      }),
      true,
    );

    // ── The creator reads the details ──
    await creatorPage.reload();
    await row.and(creatorPage.locator('[data-stage="consented"]')).waitFor({ timeout: 30_000 });
    await row.getByTestId("fans-show").click();
    await row.getByTestId("fans-details").waitFor({ timeout: 20_000 });
    assert.equal((await row.getByTestId("fans-detail-name").textContent())?.trim(), LEGAL_NAME);
    assert.match((await row.getByTestId("fans-details").textContent()) ?? "", /United Kingdom/);
    assert.match((await row.getByTestId("fans-details").textContent()) ?? "", /December 10, 1990/);
    await shots(creatorPage, "kyf-creator-details");
    assert.equal(await verifierAnswer(alice.privateKey, fan.address), 200);

    // The fan's page lists who viewed the details.
    await fanPage.reload();
    await fanPage
      .getByTestId("kyf-log")
      .getByText(/viewed them/)
      .first()
      .waitFor({ timeout: 20_000 });

    // ── The fan stops sharing: the creator's next read is refused ──
    await request.getByTestId("kyf-revoke").click();
    await request.and(fanPage.locator('[data-stage="withdrawn"]')).waitFor({ timeout: 30_000 });
    await shots(fanPage, "kyf-fan-revoked");
    assert.equal(await verifierAnswer(alice.privateKey, fan.address), 403);

    // The creator's page still shows the old row until it asks again: the verifier refuses, the details go.
    await row.getByRole("button", { name: "Hide" }).click();
    await row.getByTestId("fans-show").click();
    await row.getByTestId("fans-refused").waitFor({ timeout: 20_000 });
    assert.match((await row.getByTestId("fans-refused").textContent()) ?? "", /stopped sharing/);
    assert.equal(await row.getByTestId("fans-details").count(), 0);
    await row.and(creatorPage.locator('[data-stage="withdrawn"]')).waitFor({ timeout: 30_000 });
    await shots(creatorPage, "kyf-creator-revoked");

    await fanSide.context.close();
    await creatorSide.context.close();
  });
});
