// Accounts the suites make on the fly: a fresh fan funded from fan1, a fresh registered creator, and a SIWE session
// cookie for any key (a moderator reading evidence from Node, as a browser would).
import type { Deployment } from "@mesi/deployments";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { parseEther, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";

import { chainClients, openWithWallet } from "./fixtures.ts";
import type { Stack } from "./stack.ts";

/** A new fan holding `mesiAmount` $MESI (from fan1) and 1 ETH for gas. */
export async function freshFan(
  stack: Stack,
  mesi: Deployment,
  mesiAmount: bigint,
): Promise<{ key: Hex; address: Address }> {
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;
  const { publicClient, walletClient } = chainClients(stack, stack.accounts.fan1.privateKey);
  await publicClient.waitForTransactionReceipt({
    hash: await walletClient!.writeContract({
      ...mesi.MesiToken,
      chain: null,
      functionName: "transfer",
      args: [address, mesiAmount],
    }),
  });
  await publicClient.waitForTransactionReceipt({
    hash: await walletClient!.sendTransaction({ chain: null, to: address, value: parseEther("1") }),
  });
  return { key, address };
}

/** A registered creator made from a fresh wallet straight on chain (for the suites that need one fast). */
export async function freshCreator(
  stack: Stack,
  mesi: Deployment,
  profile: { readonly name: string; readonly handle?: string },
  mesiAmount = 0n,
): Promise<{ key: Hex; address: Address }> {
  const creator = await freshFan(stack, mesi, mesiAmount);
  const { publicClient, walletClient } = chainClients(stack, creator.key);
  const uri = `data:application/json;base64,${Buffer.from(JSON.stringify(profile)).toString("base64")}`;
  const receipt = await publicClient.waitForTransactionReceipt({
    hash: await walletClient!.writeContract({
      ...mesi.CreatorRegistry,
      chain: null,
      functionName: "register",
      args: [uri],
    }),
  });
  if (receipt.status !== "success") throw new Error(`registering ${profile.name} reverted`);
  return creator;
}

/** Signs in to the webapp with SIWE from Node and returns the session cookie ("mesi_session=…"). */
export async function siweCookie(stack: Stack, privateKey: Hex): Promise<string> {
  const account = privateKeyToAccount(privateKey);
  const base = new URL(stack.urls.webapp);
  const nonceResponse = await fetch(new URL("/api/siwe/nonce", base));
  const nonceCookie = nonceResponse.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { nonce } = (await nonceResponse.json()) as { nonce: string };
  const message = createSiweMessage({
    address: account.address,
    chainId: stack.chainId,
    domain: base.host,
    nonce,
    uri: base.origin,
    version: "1",
  });
  const signature = await account.signMessage({ message });
  const verify = await fetch(new URL("/api/siwe/verify", base), {
    method: "POST",
    headers: { "content-type": "application/json", cookie: nonceCookie, origin: base.origin },
    body: JSON.stringify({ message, signature }),
  });
  if (!verify.ok) throw new Error(`sign-in failed: ${verify.status} ${await verify.text()}`);
  const session = verify.headers.getSetCookie().find((c) => c.startsWith("mesi_session="));
  if (session === undefined) throw new Error("no session cookie");
  return session.split(";")[0]!;
}

/**
 * A browser context for `key`, already signed in (a SIWE session cookie made from Node, as the sign-in button
 * would), with the page's console errors printed.
 */
export async function signedInPage(
  browser: Browser,
  stack: Stack,
  key: Hex,
  viewport: { width: number; height: number },
): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await openWithWallet(browser, stack, key, { viewport });
  const who = privateKeyToAccount(key).address.slice(0, 6);
  page.on("console", (message) => {
    if (message.type() === "error") console.log(`[console ${who}] ${message.text()}`);
  });
  const [name, value] = (await siweCookie(stack, key)).split("=") as [string, string];
  await context.addCookies([{ name, value, url: stack.urls.webapp }]);
  return { context, page };
}
