// Helpers the browser tests share: one page with a test wallet, screenshots, reading the chain and the index.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import type { Deployment } from "@mesi/deployments";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createPublicClient, createWalletClient, encodeAbiParameters, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import type { Stack } from "./stack.ts";
import { TestWallet } from "./testWallet.ts";

export const SCREENSHOT_DIR = join(import.meta.dirname, "..", "..", "test-results", "screenshots");

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 860 } as const;

export interface WalletPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly wallet: TestWallet;
}

export async function openWithWallet(
  browser: Browser,
  stack: Stack,
  privateKey: Hex,
  options: { viewport?: { width: number; height: number }; startChainId?: number } = {},
): Promise<WalletPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP });
  const wallet = new TestWallet({
    privateKey,
    rpcUrl: stack.urls.chain,
    chainId: stack.chainId,
    ...(options.startChainId === undefined ? {} : { startChainId: options.startChainId }),
  });
  await wallet.install(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.log(`[page error] ${error.message}`));
  return { context, page, wallet };
}

/** A full-page screenshot from the top (a focused field scrolls the page; the sticky header would land mid-page). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  await assertNoSidewaysScroll(page, name);
}

/**
 * Every page fits its width, from a 360 px phone up: nothing makes the page scroll sideways. Names the widest
 * element that sticks out, so the failure says where to look.
 */
async function assertNoSidewaysScroll(page: Page, name: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    let widest: { what: string; right: number } | null = null;
    for (const element of document.body.querySelectorAll("*")) {
      const right = element.getBoundingClientRect().right;
      if (right > width + 0.5 && (widest === null || right > widest.right)) {
        const classes = typeof element.className === "string" ? element.className.trim().split(/\s+/) : [];
        const testId = element.getAttribute("data-testid");
        widest = {
          what: `<${element.tagName.toLowerCase()}${testId ? ` data-testid="${testId}"` : ""}${classes[0] ? ` class="${classes.join(" ")}"` : ""}>`,
          right,
        };
      }
    }
    return { width, scrollWidth: document.documentElement.scrollWidth, widest };
  });
  if (overflow !== null) {
    throw new Error(
      `${name}: the page scrolls sideways at ${overflow.width} px (${overflow.scrollWidth} px wide); ` +
        `widest: ${overflow.widest?.what ?? "?"} reaching ${Math.round(overflow.widest?.right ?? 0)} px`,
    );
  }
}

/** Connects the page's test wallet through the app's own Connect button and RainbowKit's modal. */
export async function connectWallet(page: Page): Promise<void> {
  await page.locator("html[data-hydrated=true]").waitFor({ timeout: 15_000 });
  await page.getByTestId("connect-wallet").click();
  await page.getByText("Mesi Test Wallet").first().click({ timeout: 15_000 });
  await page.getByRole("button", { name: /Wallet menu for/ }).waitFor({ timeout: 15_000 });
}

/** Waits for `success`; if the page shows an error instead, fails with the sentence the fan would read. */
export async function expectOutcome(page: Page, success: () => Promise<unknown>, timeoutMs = 60_000): Promise<void> {
  const failure = page
    .getByTestId("tip-error")
    .waitFor({ timeout: timeoutMs })
    .then(async () => {
      throw new Error(`the page shows an error: ${await page.getByTestId("tip-error").textContent()}`);
    });
  await Promise.race([success(), failure]);
}

export function chainClients(stack: Stack, privateKey?: Hex) {
  const publicClient = createPublicClient({ transport: http(stack.urls.chain) });
  const walletClient = privateKey
    ? createWalletClient({ account: privateKeyToAccount(privateKey), transport: http(stack.urls.chain) })
    : undefined;
  return { publicClient, walletClient };
}

export type ChainWallet = NonNullable<ReturnType<typeof chainClients>["walletClient"]>;

/** Sends one transaction from `privateKey`'s wallet (what `write` sends) and asserts it was mined successfully. */
export async function sendAs(
  stack: Stack,
  privateKey: Hex,
  write: (wallet: ChainWallet) => Promise<Hex>,
): Promise<void> {
  const { publicClient, walletClient } = chainClients(stack, privateKey);
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await write(walletClient!) });
  assert.equal(receipt.status, "success");
}

/** `privateKey`'s fan requests a one-to-one call as the fan's page does: one ERC-1363 transferAndCall to the vault. */
export async function requestCall(
  stack: Stack,
  mesi: Deployment,
  privateKey: Hex,
  creator: Address,
  amount: bigint,
  minutes: number,
): Promise<void> {
  await sendAs(stack, privateKey, (wallet) =>
    wallet.writeContract({
      ...mesi.MesiToken,
      chain: null,
      account: wallet.account!,
      functionName: "transferAndCall",
      args: [
        mesi.MesiVault.address,
        amount,
        encodeAbiParameters([{ type: "address" }, { type: "uint8" }], [creator, minutes]),
      ],
    }),
  );
}

/** How many transactions the page asked its test wallet to send. */
export function sentTransactions(wallet: TestWallet): number {
  return wallet.requests.filter((r) => r.method === "eth_sendTransaction").length;
}

export async function graph<T>(stack: Stack, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(stack.urls.indexer, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export type { Address };

/** Moves the local chain's clock `seconds` ahead and mines a block at the new time (anvil). */
export async function moveChainClock(stack: Stack, seconds: number): Promise<void> {
  const { publicClient } = chainClients(stack);
  await publicClient.request({ method: "evm_increaseTime" as never, params: [seconds] as never });
  await publicClient.request({ method: "evm_mine" as never, params: [] as never });
}

/**
 * A test body that screenshots every page in `opened` when it fails (test-results/screenshots/failed-<name>-<n>);
 * `opened` is emptied first, the body pushes the pages it opens. `closeAfter` closes their contexts afterwards.
 */
export function withShots(
  name: string,
  opened: Page[],
  body: () => Promise<void>,
  options: { closeAfter?: boolean } = {},
): () => Promise<void> {
  return async () => {
    opened.length = 0;
    try {
      await body();
    } catch (error) {
      let i = 0;
      for (const page of opened) {
        i += 1;
        if (!page.isClosed()) await screenshot(page, `failed-${name}-${i}`).catch(() => undefined);
      }
      throw error;
    } finally {
      if (options.closeAfter === true) {
        for (const page of opened)
          await page
            .context()
            .close()
            .catch(() => undefined);
      }
    }
  };
}
