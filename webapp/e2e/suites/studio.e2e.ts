// The creator studio in a real headless Chromium against `npm start`: a new wallet registers as a creator with a
// picture (stored at its CID, its URI on chain, the public page shows it), bad input is refused with nothing stored;
// a creator blocks a fan who then can't tip; a creator claims cleared earnings (balances checked on-chain).
// Screenshots at 390 px and 1280 px.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { before, describe, it } from "node:test";

import type { Deployment } from "@mesi/deployments";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { parseEther, zeroHash, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { cidOf } from "../../src/lib/server/content/cid.ts";
import { checkProfileInput, encodeProfileDocument, type ProfileInput } from "../../src/lib/studio/profileInput.ts";
import { encodeTipData, TipChannel } from "../../src/lib/tips/tipData.ts";

import {
  chainClients,
  connectWallet,
  DESKTOP,
  graph,
  openWithWallet,
  PHONE,
  screenshot,
  waitFor,
} from "../support/fixtures.ts";
import { freshCreator as freshCreatorOf, freshFan, siweCookie } from "../support/people.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let mesi: Deployment;

async function bothWidths(page: Page, name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `${name}-desktop`);
}

/** A picture of random 64 × 64 blocks: its avatar is some 36 kB, so a few of them reach the e2e stack's quota. */
async function noisyPng(): Promise<Buffer> {
  const raw = randomBytes(64 * 64 * 3);
  return sharp(raw, { raw: { width: 64, height: 64, channels: 3 } })
    .resize(800, 800, { kernel: "nearest" })
    .png()
    .toBuffer();
}

/**
 * A photo of pure noise at the avatar's size: no encoder squeezes it, so its avatar alone (some 175 kB) is over the
 * e2e quota, while the upload itself stays small (a JPEG, some 115 kB).
 */
async function hugeNoiseJpeg(): Promise<Buffer> {
  return sharp(randomBytes(512 * 512 * 3), { raw: { width: 512, height: 512, channels: 3 } })
    .jpeg({ quality: 60 })
    .toBuffer();
}

/**
 * A photo the size a phone camera takes (some 3 MB as PNG): a flat colour with faint per-pixel noise, which no
 * lossless encoder squeezes, while its avatar (averaged down) is nearly flat and small.
 */
async function cameraSizedPng(): Promise<Buffer> {
  const width = 2000;
  const height = 1500;
  const noise = randomBytes(width * height * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = 120 + (noise[i]! % 8);
  return sharp(noise, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

async function picturePng(): Promise<Buffer> {
  // A picture with detail, not a flat colour, so the avatar crop is visible in screenshots.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#6d28d9"/><circle cx="400" cy="300" r="200" fill="#f59e0b"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function freshCreator(handle: string): Promise<{ key: Hex; address: Address }> {
  return freshCreatorOf(stack, mesi, { name: `Creator ${handle}`, handle });
}

describe("creator studio", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it("a new creator registers with a picture; bad input is refused and stores nothing; the public page shows it", async () => {
    const { publicClient } = chainClients(stack);
    const creator = await freshFan(stack, mesi, 0n);
    const handle = `e2e_${creator.address.slice(2, 10).toLowerCase()}`;
    const tab = await openWithWallet(browser, stack, creator.key);
    const page = tab.page;
    await page.goto(`${stack.urls.webapp}/studio`);
    await page.getByTestId("studio-connect").waitFor();
    await bothWidths(page, "studio-connect");
    await connectWallet(page);
    await page.getByTestId("studio-become").waitFor({ timeout: 15_000 });

    // Not a picture (text named .png): refused by its bytes, in the browser…
    await page.getByTestId("picture-input").setInputFiles({
      name: "me.png",
      mimeType: "image/png",
      buffer: Buffer.from("<svg onload=alert(1)>"),
    });
    await page.getByTestId("picture-error").waitFor();
    assert.match((await page.getByTestId("picture-error").textContent())!, /isn't a picture/);

    // …and by the server, which stores nothing for a bad picture or a taken handle.
    const cookie = await siweCookie(stack, creator.key);
    const send = async (profile: object, picture?: { bytes: Buffer; name: string }) => {
      const form = new FormData();
      form.append("profile", JSON.stringify(profile));
      if (picture)
        form.append("picture", new Blob([new Uint8Array(picture.bytes)], { type: "image/png" }), picture.name);
      const response = await fetch(`${stack.urls.webapp}/api/studio/profile`, {
        method: "POST",
        headers: { cookie, origin: stack.urls.webapp },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const notImage = await send({ name: "X", handle }, { bytes: Buffer.from("GIF89a not really"), name: "x.png" });
    assert.deepEqual([notImage.status, notImage.body.picture], [400, "notImage"]);
    const tooBig = await send({ name: "X", handle }, { bytes: Buffer.alloc(6 * 1024 * 1024, 0xff), name: "big.jpg" });
    assert.equal(tooBig.status, 413);
    const taken = await send({ name: "X", handle: "alice" }, { bytes: await picturePng(), name: "ok.png" });
    assert.deepEqual([taken.status, taken.body.issues], [409, [{ field: "handle", problem: "taken" }]]);
    const invalid = await send({ name: "X", handle: "no spaces" });
    assert.deepEqual([invalid.status, invalid.body.issues], [400, [{ field: "handle", problem: "invalid" }]]);

    // The real form: picture, name, handle, bio, a link.
    await page.getByTestId("picture-input").setInputFiles({
      name: "portrait.png",
      mimeType: "image/png",
      buffer: await picturePng(),
    });
    assert.equal(await page.getByTestId("picture-error").count(), 0);
    await page.getByLabel("Display name").fill("Studio Tester");
    await page.getByLabel("Handle").fill(handle);
    await page.getByLabel("Bio").fill("Synth jams every Friday. Tips keep the lights on.");
    await page.getByRole("button", { name: "Add link" }).click();
    await page.getByLabel("URL 1").fill("https://example.com/music");
    await bothWidths(page, "studio-become");
    await page.getByTestId("save-profile").click();
    await page.getByTestId("studio-view-page").waitFor({ timeout: 60_000 });

    assert.equal(
      await publicClient.readContract({
        ...mesi.CreatorRegistry,
        functionName: "isRegistered",
        args: [creator.address],
      }),
      true,
    );
    const indexed = await waitFor("the index to hold the profile URI", async () => {
      const data = await graph<{ creator: { profileURI: string | null } | null }>(
        stack,
        "query ($id: ID!) { creator(id: $id) { profileURI } }",
        { id: creator.address.toLowerCase() },
      );
      return data.creator?.profileURI?.startsWith("ipfs://") ? data.creator.profileURI : undefined;
    });
    const cid = indexed.slice("ipfs://".length);
    const docResponse = await fetch(`${stack.urls.webapp}/ipfs/${cid}`);
    assert.equal(docResponse.status, 200);
    assert.match(docResponse.headers.get("cache-control")!, /immutable/);
    assert.match(docResponse.headers.get("content-type")!, /^application\/json/);
    const doc = (await docResponse.json()) as { name: string; handle: string; bio: string; picture: string };
    assert.deepEqual([doc.name, doc.handle], ["Studio Tester", handle]);
    const pictureCid = doc.picture.slice("ipfs://".length);
    const pictureResponse = await fetch(`${stack.urls.webapp}/ipfs/${pictureCid}`);
    assert.equal(pictureResponse.headers.get("content-type"), "image/webp");
    const avatar = await sharp(Buffer.from(await pictureResponse.arrayBuffer())).metadata();
    assert.deepEqual([avatar.width, avatar.height], [512, 512], "the upload was cropped to a square avatar");
    await page.getByRole("heading", { level: 1, name: "Hi, Studio Tester" }).waitFor({ timeout: 15_000 });
    await page.getByTestId("stat-followers").filter({ hasText: "0" }).waitFor({ timeout: 15_000 });
    await page.locator(`.side img.avatar[src*="${pictureCid}"]`).waitFor();
    // The tipping link with its QR code, for the creator's handle; a suggested amount goes into the link.
    const tipLink = page.getByTestId("tip-link");
    await tipLink.getByLabel(/Suggested amount/).fill("5");
    await tipLink.locator('img[src^="data:image"]').waitFor();
    assert.equal(await tipLink.getByTestId("share-link").inputValue(), `${stack.urls.webapp}/tip/${handle}?amount=5`);
    await bothWidths(page, "studio-overview");

    // The public page shows the picture and the bio, by handle.
    await page.goto(`${stack.urls.webapp}/c/${handle}`);
    await page.getByRole("heading", { level: 1, name: "Studio Tester" }).waitFor();
    const src = await page.locator(`img.avatar[src*="${pictureCid}"]`).first().getAttribute("src");
    assert.ok(src, "the profile page shows the uploaded picture");
    await page.getByText("Synth jams every Friday.").waitFor();
    await bothWidths(page, "studio-public-profile");
    // The home page's creator card too.
    await page.goto(`${stack.urls.webapp}/?q=${handle}`);
    await page.locator(`[data-testid="creator-grid"] img.avatar[src*="${pictureCid}"]`).waitFor();
    await page.locator('[data-testid="creator-grid"]').getByText("Synth jams every Friday.").waitFor();

    // Editing: the form holds the saved profile; a new bio gets a new CID on chain.
    await page.goto(`${stack.urls.webapp}/studio/profile`);
    await page.getByLabel("Bio").fill("Now also on Sundays.");
    await bothWidths(page, "studio-profile-edit");
    await page.getByTestId("save-profile").click();
    await page.getByTestId("profile-saved").waitFor({ timeout: 60_000 });
    await page.goto(`${stack.urls.webapp}/c/${handle}`);
    await page.getByText("Now also on Sundays.").waitFor();
    assert.ok(await page.locator(`img.avatar[src*="${pictureCid}"]`).count(), "the picture is kept");
    await tab.context.close();
  });
  it("a creator blocks a fan, who then can't tip and is told why", async () => {
    const { publicClient } = chainClients(stack);
    const creator = await freshCreator(`blk_${Date.now().toString(36)}`);
    const fan = await freshFan(stack, mesi, parseEther("100"));

    const tab = await openWithWallet(browser, stack, creator.key);
    await tab.page.goto(`${stack.urls.webapp}/studio/blocked`);
    await connectWallet(tab.page);
    await tab.page.getByRole("heading", { name: "What blocking does" }).waitFor({ timeout: 15_000 });
    // A mistyped address is refused before anything is sent.
    await tab.page.getByLabel("Fan's wallet address").fill(fan.address.slice(0, 30));
    await tab.page.getByTestId("block-fan").click();
    await tab.page.getByTestId("block-field-error").waitFor();
    await tab.page.getByLabel("Fan's wallet address").fill(fan.address);
    await tab.page.getByTestId("block-fan").click();
    await tab.page.getByTestId("blocked-done").waitFor({ timeout: 60_000 });
    await tab.page.locator(`[data-testid="blocked-row"][data-fan="${fan.address.toLowerCase()}"]`).waitFor();
    assert.equal(
      await publicClient.readContract({
        ...mesi.MesiVault,
        functionName: "isBlocked",
        args: [creator.address, fan.address],
      }),
      true,
    );
    await bothWidths(tab.page, "studio-blocked");
    await tab.context.close();

    // The fan tries to tip from the creator's page: refused, with the reason, and nothing leaves the wallet.
    const balance = () =>
      publicClient.readContract({ ...mesi.MesiToken, functionName: "balanceOf", args: [fan.address] });
    const before = await balance();
    const fanTab = await openWithWallet(browser, stack, fan.key);
    await fanTab.page.goto(`${stack.urls.webapp}/c/${creator.address}`);
    await connectWallet(fanTab.page);
    await fanTab.page.getByTestId("open-tip").click();
    await fanTab.page.getByLabel(/Amount/).fill("10");
    await fanTab.page.getByTestId("send-tip").click();
    await fanTab.page.getByTestId("tip-error").waitFor({ timeout: 60_000 });
    assert.match((await fanTab.page.getByTestId("tip-error").textContent())!, /blocked you/);
    await screenshot(fanTab.page, "studio-blocked-fan-desktop");
    assert.equal(await balance(), before, "the blocked fan paid nothing");
    await fanTab.context.close();
  });

  it("a creator claims cleared earnings to another address; nothing cleared and a bad address send nothing", async () => {
    const { publicClient } = chainClients(stack);
    const creator = await freshCreator(`clm_${Date.now().toString(36)}`);
    const tab = await openWithWallet(browser, stack, creator.key);
    await tab.page.goto(`${stack.urls.webapp}/studio/earnings`);
    await connectWallet(tab.page);
    await tab.page.getByTestId("earnings-cleared").filter({ hasText: "MESI" }).waitFor({ timeout: 15_000 });

    // Nothing cleared yet: a clear message and no transaction.
    const nonce = () => publicClient.getTransactionCount({ address: creator.address });
    const nonceBefore = await nonce();
    await tab.page.getByTestId("claim-all").click();
    await tab.page.getByTestId("earnings-error").waitFor();
    assert.match((await tab.page.getByTestId("earnings-error").textContent())!, /Nothing has cleared yet/);
    assert.equal(await nonce(), nonceBefore, "no transaction was sent");

    // A fan tips 40 MESI (ERC-1363 transferAndCall through the vault).
    const fan = await freshFan(stack, mesi, parseEther("100"));
    const { walletClient } = chainClients(stack, fan.key);
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient!.writeContract({
        ...mesi.MesiToken,
        chain: null,
        functionName: "transferAndCall",
        args: [
          mesi.MesiVault.address,
          parseEther("40"),
          encodeTipData(creator.address, TipChannel.Profile, zeroHash, zeroHash),
        ],
      }),
    });
    const [cleared] = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "earningsOf",
      args: [creator.address],
    });
    assert.ok(cleared > 0n && cleared < parseEther("40"), `cleared ${cleared} is the tip minus the fee`);

    await tab.page.reload();
    await tab.page.getByTestId("claim-all").filter({ hasText: "Claim 3" }).waitFor({ timeout: 15_000 });
    await tab.page.getByTestId("earnings-chart").waitFor({ timeout: 15_000 });
    // Another address, mistyped: refused, nothing sent.
    await tab.page.getByTestId("claim-to-other").check();
    await tab.page.getByLabel("Wallet address to receive the $MESI").fill("0x12345");
    await tab.page.getByTestId("claim-all").click();
    await tab.page.getByTestId("claim-field-error").waitFor();
    assert.equal(await nonce(), nonceBefore, "no transaction was sent");

    const recipient = privateKeyToAccount(generatePrivateKey()).address;
    await tab.page.getByRole("radio", { name: "Another address" }).waitFor();
    await tab.page.getByLabel("Wallet address to receive the $MESI").fill(recipient.toLowerCase());
    await bothWidths(tab.page, "studio-earnings");
    await tab.page.getByTestId("claim-all").click();
    await tab.page.getByTestId("claim-done").waitFor({ timeout: 60_000 });
    assert.equal(
      await publicClient.readContract({ ...mesi.MesiToken, functionName: "balanceOf", args: [recipient] }),
      cleared,
      "the other address received exactly the cleared earnings",
    );
    const [clearedAfter] = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "earningsOf",
      args: [creator.address],
    });
    assert.equal(clearedAfter, 0n);

    // Tiers: a zero price is refused before sending; a real tier is created, then paused, on chain.
    await tab.page.goto(`${stack.urls.webapp}/studio/tiers`);
    await tab.page.getByTestId("no-tiers").waitFor({ timeout: 15_000 });
    await tab.page.getByLabel("Name").fill("Gold");
    await tab.page.getByLabel("Price per 30 days (MESI)").fill("0");
    const tiersBefore = await nonce();
    await tab.page.getByTestId("create-tier").click();
    await tab.page.getByText("Enter a price above zero").waitFor();
    assert.equal(await nonce(), tiersBefore, "no transaction was sent");
    await tab.page.getByLabel("Price per 30 days (MESI)").fill("12.5");
    await tab.page.getByTestId("create-tier").click();
    await tab.page.getByTestId("tier-row").waitFor({ timeout: 60_000 });
    await tab.page.getByTestId("tier-toggle").click();
    await tab.page.getByTestId("tier-state").filter({ hasText: "Paused" }).waitFor({ timeout: 60_000 });
    const tier = await publicClient.readContract({
      ...mesi.CreatorRegistry,
      functionName: "tierOf",
      args: [creator.address, 1],
    });
    assert.deepEqual([tier.pricePer30Days, tier.active], [parseEther("12.5"), false]);
    await bothWidths(tab.page, "studio-tiers");
    await tab.context.close();
  });
  it("creators saving the same new handle at once: exactly one gets it, the others are told and nothing of theirs is stored", async () => {
    const handle = `race_${Date.now().toString(36)}`;
    const racers: { cookie: string; input: ProfileInput }[] = [];
    for (let i = 0; i < 4; i++) {
      const wallet = await freshFan(stack, mesi, 0n);
      const input = { name: `Racer ${i}`, handle, bio: `Racer number ${i}`, picture: null, links: [] };
      racers.push({ cookie: await siweCookie(stack, wallet.key), input });
    }
    const save = (racer: (typeof racers)[number]) => {
      const form = new FormData();
      form.set("profile", JSON.stringify(racer.input));
      return fetch(`${stack.urls.webapp}/api/studio/profile`, {
        method: "POST",
        headers: { cookie: racer.cookie, origin: new URL(stack.urls.webapp).origin },
        body: form,
      });
    };
    const answers = await Promise.all(racers.map(save));
    const statuses = answers.map((answer) => answer.status);
    assert.deepEqual(
      statuses.filter((status) => status === 201).length,
      1,
      `exactly one save wins (statuses ${statuses.join(", ")})`,
    );
    for (const [i, answer] of answers.entries()) {
      const body = (await answer.json()) as { issues?: unknown; cid?: string };
      // What racer i's document would be stored as: the winner's is served, the losers' was never written.
      const checked = checkProfileInput(racers[i]!.input);
      assert.ok(checked.ok);
      const cid = await cidOf(encodeProfileDocument(checked.document));
      const stored = await fetch(`${stack.urls.webapp}/ipfs/${cid}`);
      if (answer.status === 201) {
        assert.equal(body.cid, cid);
        assert.equal(stored.status, 200, "the winner's document is stored");
      } else {
        assert.equal(answer.status, 409);
        assert.deepEqual(body.issues, [{ field: "handle", problem: "taken" }]);
        assert.equal(stored.status, 404, `the losing save ${i} stored nothing`);
      }
    }
    // Later saves by another creator are refused too; the winner may save again.
    const winner = racers[statuses.indexOf(201)]!;
    const loser = racers[statuses.findIndex((status) => status !== 201)]!;
    assert.equal((await save(loser)).status, 409);
    assert.equal((await save({ ...winner, input: { ...winner.input, bio: "Saved again" } })).status, 201);
  });
  it("the content-store quota counts the current profile: pictures replaced many times never run out; one over it is refused, storing nothing", async () => {
    const creator = await freshFan(stack, mesi, 0n);
    const handle = `quota_${creator.address.slice(2, 10).toLowerCase()}`;
    const save = async (key: Hex, cookie: string, picture: Buffer) => {
      const form = new FormData();
      form.set(
        "profile",
        JSON.stringify({ name: "Quota Test", handle: `${handle}_${key.slice(2, 6)}`, picture: null }),
      );
      form.set("picture", new Blob([new Uint8Array(picture)], { type: "image/png" }), "noise.png");
      const response = await fetch(`${stack.urls.webapp}/api/studio/profile`, {
        method: "POST",
        headers: { cookie, origin: stack.urls.webapp },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const cookie = await siweCookie(stack, creator.key);
    // The e2e stack's quota is 128 KiB a wallet (e2e/support/stack.ts): six ~36 kB avatars in a row are over it
    // together, but each save replaces the last, so only the current one counts.
    for (let i = 0; i < 6; i++) {
      const saved = await save(creator.key, cookie, await noisyPng());
      assert.equal(saved.status, 201, `replacement ${i + 1}: ${JSON.stringify(saved.body)}`);
    }
    // A photo straight from a phone's camera goes through: the server's request size limit covers the 5 MB
    // pictures the studio promises (adapter-node's default of 512 kB answered such uploads with a bare 400).
    const photo = await cameraSizedPng();
    assert.ok(photo.byteLength > 2 * 1024 * 1024, `the test photo is only ${photo.byteLength} bytes`);
    const fromCamera = await save(creator.key, cookie, photo);
    assert.equal(fromCamera.status, 201, JSON.stringify(fromCamera.body));
    const huge = await hugeNoiseJpeg();
    const refused = await save(creator.key, cookie, huge);
    assert.equal(refused.status, 413);
    assert.equal(refused.body.picture, "quota");
    assert.match(String(refused.body.message), /more than the 128 kB each wallet may store.*Nothing was stored/);
    // The refused save left the handle claim as it was: the handle the creator saved stays theirs, not another's…
    const other = await freshFan(stack, mesi, 0n);
    const send = async (key: Hex, cookie: string, profile: object) => {
      const form = new FormData();
      form.set("profile", JSON.stringify(profile));
      const response = await fetch(`${stack.urls.webapp}/api/studio/profile`, {
        method: "POST",
        headers: { cookie, origin: stack.urls.webapp },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const theirs = `${handle}_${creator.key.slice(2, 6)}`;
    const otherCookie = await siweCookie(stack, other.key);
    const taken = await send(other.key, otherCookie, { name: "Other", handle: theirs, picture: null });
    assert.deepEqual([taken.status, taken.body.issues], [409, [{ field: "handle", problem: "taken" }]]);
    // …and the count as it was: a picture of the usual size still goes through.
    assert.equal((await save(creator.key, cookie, await noisyPng())).status, 201);

    // In the studio's form the creator reads why, next to the picture.
    const tab = await openWithWallet(browser, stack, creator.key);
    await tab.page.goto(`${stack.urls.webapp}/studio`);
    await connectWallet(tab.page);
    await tab.page.getByTestId("studio-become").waitFor({ timeout: 15_000 });
    await tab.page
      .getByTestId("picture-input")
      .setInputFiles({ name: "noise.jpg", mimeType: "image/jpeg", buffer: huge });
    await tab.page.getByLabel("Display name").fill("Quota Test");
    await tab.page.getByLabel("Handle").fill(handle);
    await tab.page.getByTestId("save-profile").click();
    await tab.page
      .getByTestId("picture-error")
      .filter({ hasText: /Nothing was stored/ })
      .waitFor({ timeout: 30_000 });
    await bothWidths(tab.page, "studio-profile-quota");
    await tab.context.close();
  });
});
