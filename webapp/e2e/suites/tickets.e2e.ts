// Tickets from a creator's profile in a real headless Chromium against the whole platform (`npm start`): a small
// sale configured by the creator, bought with $MESI (permit + buy in one transaction) and gasless until it sells
// out, the remaining supply updating live, owned tickets listed, and every bad input — each checked on-chain and
// in the index, with screenshots at phone and desktop widths.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { buyAuthorizationTypes, type Deployment } from "@mesi/deployments";
import type { Browser, Page } from "playwright-core";
import { maxUint256, parseEther, parseUnits, zeroAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { chainClients, connectWallet, graph, openWithWallet, PHONE, screenshot, waitFor } from "../support/fixtures.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let mesi: Deployment;

/** A new fan with `mesi` $MESI (from fan1) and, unless `gas` is false, some ETH. */
async function newFan(mesiAmount: bigint, gas = true): Promise<{ key: Hex; address: Address }> {
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
  if (gas) {
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient!.sendTransaction({ chain: null, to: address, value: parseEther("1") }),
    });
  }
  return { key, address };
}

/** Opens Alice's profile, reloading until it lists the sale (the profile reads the index through a short cache). */
async function openProfileWithSale(page: Page, streamId: bigint): Promise<void> {
  const button = page.locator(`[data-testid="open-tickets"][data-stream="${streamId}"]`);
  await waitFor("the new sale on the profile", async () => {
    await page.goto(`${stack.urls.webapp}/c/alice`);
    return (await button.count()) > 0 ? true : undefined;
  });
}

/** Alice creates a stream and opens a sale of `supply` tickets at `price`; waits until the index lists it. */
async function aliceSale(price: bigint, supply: number, endsAt = 0): Promise<bigint> {
  const alice = stack.accounts.creatorAlice;
  const { publicClient, walletClient } = chainClients(stack, alice.privateKey);
  const rules = {
    isPrivate: false,
    followers: false,
    minTierRank: 0,
    minTipped: 0n,
    inviteSigner: zeroAddress,
    kyfLevel: 0,
  } as const;
  await publicClient.waitForTransactionReceipt({
    hash: await walletClient!.writeContract({
      ...mesi.CreatorRegistry,
      chain: null,
      functionName: "createStream",
      args: [rules, "data:,tickets-e2e"],
    }),
  });
  const streamId = await publicClient.readContract({ ...mesi.CreatorRegistry, functionName: "streamCount" });
  await publicClient.waitForTransactionReceipt({
    hash: await walletClient!.writeContract({
      ...mesi.MesiTickets,
      chain: null,
      functionName: "configureSale",
      args: [streamId, price, supply, false, endsAt],
    }),
  });
  await waitFor("the sale in the index", async () => {
    const d = await graph<{ ticketSale: { supply: string } | null }>(
      stack,
      `query ($id: ID!) { ticketSale(id: $id) { supply } }`,
      { id: streamId.toString() },
    );
    return d.ticketSale ?? undefined;
  });
  return streamId;
}

/**
 * Spends `fan`'s monthly gas sponsorship the way a fan does: signed gasless purchases of one ticket of `streamId`
 * (at `price`) sent to the relayer's POST /relay/ticket, each waited for, until the relayer answers 402.
 * Returns how many it accepted. The fan has approved the vault already, so no request carries a permit.
 */
async function spendSponsorship(fan: { key: Hex; address: Address }, streamId: bigint, price: bigint): Promise<number> {
  const account = privateKeyToAccount(fan.key);
  const { publicClient } = chainClients(stack);
  const [, name, version, chainId, verifyingContract] = await publicClient.readContract({
    address: mesi.MesiTickets.address,
    abi: mesi.MesiToken.abi,
    functionName: "eip712Domain",
  });
  for (let accepted = 0; accepted < 60; accepted++) {
    const nonce = await publicClient.readContract({ ...mesi.MesiTickets, functionName: "nonces", args: [fan.address] });
    const auth = {
      fan: fan.address,
      streamId,
      quantity: 1,
      maxTotalPrice: price,
      nonce,
      deadline: BigInt(Math.floor(Date.now() / 1000) + 1_800),
    };
    const signature = await account.signTypedData({
      domain: { name, version, chainId: Number(chainId), verifyingContract },
      types: buyAuthorizationTypes,
      primaryType: "BuyAuthorization",
      message: auth,
    });
    const response = await fetch(`${stack.urls.relayer}/relay/ticket`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ auth, signature }, (_key, value: unknown) =>
        typeof value === "bigint" ? value.toString() : value,
      ),
    });
    const body = (await response.json()) as { requestId?: number; error?: string };
    if (response.status === 402) {
      assert.equal(body.error, "sponsorship_exhausted");
      return accepted;
    }
    assert.equal(response.status, 202, JSON.stringify(body));
    await waitFor(
      `gasless purchase ${body.requestId} confirmed`,
      async () => {
        const status = (await (await fetch(`${stack.urls.relayer}/relay/requests/${body.requestId}`)).json()) as {
          status: string;
        };
        assert.notEqual(status.status, "failed");
        return status.status === "confirmed" ? true : undefined;
      },
      60_000,
    );
  }
  throw new Error("the relayer kept sponsoring: the monthly budget never ran out");
}

/** Chooses USDC in the open ticket panel, `quantity` tickets, and waits for the USDC total and the fan's balance. */
async function chooseUsdc(page: Page, quantity: string, total: string, balance: string): Promise<void> {
  await page.getByTestId("ticket-method-stablecoin").click();
  await page.getByLabel("How many").fill(quantity);
  await page.getByTestId("ticket-total-usdc").filter({ hasText: total }).waitFor();
  await page.getByText("Balance:").filter({ hasText: balance }).waitFor();
}

/** Gives `address` `amount` of the local chain's TestUSDC (anyone may mint it). */
async function mintUsdc(address: Address, amount: bigint): Promise<void> {
  const { publicClient, walletClient } = chainClients(stack, stack.accounts.fan1.privateKey);
  await publicClient.waitForTransactionReceipt({
    hash: await walletClient!.writeContract({
      ...mesi.TestUSDC!,
      chain: null,
      functionName: "mint",
      args: [address, amount],
    }),
  });
}

async function ticketBalance(fan: Address, streamId: bigint): Promise<bigint> {
  const { publicClient } = chainClients(stack);
  return publicClient.readContract({ ...mesi.MesiTickets, functionName: "balanceOf", args: [fan, streamId] });
}

async function indexedHolding(fan: Address, streamId: bigint, balance: bigint): Promise<void> {
  await waitFor(`${balance} ticket(s) of stream ${streamId} in the index`, async () => {
    const d = await graph<{ ticketHoldings: { balance: string }[] }>(
      stack,
      `query ($holder: String!, $stream: String!) { ticketHoldings(where: { holder: $holder, stream: $stream }) { balance } }`,
      { holder: fan.toLowerCase(), stream: streamId.toString() },
    );
    return d.ticketHoldings[0]?.balance === balance.toString() ? true : undefined;
  });
}

describe("fans' dApp: tickets", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it("buys tickets with $MESI and gasless until sold out; remaining supply and owned tickets update live", async () => {
    const streamId = await aliceSale(parseEther("5"), 3);
    const buyer = await newFan(parseEther("100"));
    const { publicClient } = chainClients(stack);
    const { context, page, wallet } = await openWithWallet(browser, stack, buyer.key);
    await openProfileWithSale(page, streamId);
    await connectWallet(page);
    await page.locator(`[data-testid="open-tickets"][data-stream="${streamId}"]`).click();
    const panel = page.getByTestId("ticket-panel");
    await panel.getByTestId("ticket-left").filter({ hasText: "3 of 3 left" }).waitFor();
    await page.getByLabel("How many").fill("2");
    await panel.getByTestId("ticket-total").filter({ hasText: "10 MESI" }).waitFor();
    await panel.getByText("1 MESI").first().waitFor(); // the 10 % fee of 10 MESI
    await screenshot(page, "tickets-dialog-desktop");
    await page.getByTestId("buy-tickets").click();
    await page.getByTestId("ticket-confirmed").waitFor({ timeout: 30_000 });
    const hash = (await page.getByTestId("ticket-tx").textContent())!.trim() as Hex;
    assert.equal((await publicClient.getTransactionReceipt({ hash })).status, "success");
    assert.equal(
      wallet.requests.filter((r) => r.method === "eth_sendTransaction").length,
      1,
      "permit signature + one transaction, no approve",
    );
    assert.equal(await ticketBalance(buyer.address, streamId), 2n);
    assert.equal(
      await publicClient.readContract({ ...mesi.MesiToken, functionName: "balanceOf", args: [buyer.address] }),
      parseEther("90"),
    );
    await indexedHolding(buyer.address, streamId, 2n);
    await panel.getByTestId("ticket-left").filter({ hasText: "1 of 3 left" }).waitFor({ timeout: 10_000 });
    await page.keyboard.press("Escape");
    await page
      .locator(`[data-testid="owned-ticket"][data-stream="${streamId}"]`)
      .filter({ hasText: "2 ticket(s)" })
      .waitFor({ timeout: 15_000 });

    // A second fan, with no ETH at all, buys the last one gasless.
    const gasless = await newFan(parseEther("20"), false);
    const second = await openWithWallet(browser, stack, gasless.key, { viewport: PHONE });
    await second.page.goto(`${stack.urls.webapp}/c/alice`);
    await connectWallet(second.page);
    await second.page.locator(`[data-testid="open-tickets"][data-stream="${streamId}"]`).click();
    await second.page.getByTestId("ticket-method-gasless").click();
    await second.page.getByTestId("ticket-left").filter({ hasText: "1 of 3 left" }).waitFor();
    await screenshot(second.page, "tickets-dialog-phone");
    await second.page.getByTestId("buy-tickets").click();
    await second.page.getByTestId("ticket-confirmed").waitFor({ timeout: 60_000 });
    const relayed = (await second.page.getByTestId("ticket-tx").textContent())!.trim() as Hex;
    const tx = await publicClient.getTransaction({ hash: relayed });
    assert.equal(tx.from.toLowerCase(), stack.accounts.relayer.address.toLowerCase(), "the relayer sent it");
    assert.equal(await publicClient.getBalance({ address: gasless.address }), 0n, "the fan paid no gas");
    assert.equal(await ticketBalance(gasless.address, streamId), 1n);
    await indexedHolding(gasless.address, streamId, 1n);
    await second.page.getByTestId("ticket-left").filter({ hasText: "Sold out" }).waitFor({ timeout: 10_000 });

    // The profile lists the sale as sold out, without a Buy button.
    await page.reload();
    const row = page.locator(`[data-testid="ticket-sale"][data-stream="${streamId}"]`);
    await row.filter({ hasText: "Sold out" }).waitFor();
    assert.equal(await row.getByTestId("open-tickets").count(), 0, "no Buy button on a sold-out sale");
    await screenshot(page, "tickets-sold-out-desktop");
    await second.page.keyboard.press("Escape");
    await screenshot(second.page, "tickets-profile-phone");
    await second.context.close();
    await context.close();
  });

  it("buys tickets by card through a ticket quote and the test-card page; the tickets reach the fan's wallet", async () => {
    // 1 MESI = $0.01 locally and a card charge is at least $0.50: 3 × 20 MESI is above it.
    const streamId = await aliceSale(parseEther("20"), 10);
    const fan = await newFan(1n);
    const { context, page } = await openWithWallet(browser, stack, fan.key);
    await openProfileWithSale(page, streamId);
    await connectWallet(page);
    await page.locator(`[data-testid="open-tickets"][data-stream="${streamId}"]`).click();
    await page.getByTestId("ticket-method-card").click();
    await page.getByLabel("How many").fill("3");
    await page.getByTestId("ticket-total").filter({ hasText: "60 MESI" }).waitFor();
    await page.getByTestId("buy-tickets").click();
    await page.waitForURL(/\/pay\//);
    await page.getByTestId("pay-card").click();
    await page.getByTestId("card-done").waitFor({ timeout: 60_000 });
    await waitFor("the card tickets on chain", async () =>
      (await ticketBalance(fan.address, streamId)) === 3n ? true : undefined,
    );
    await indexedHolding(fan.address, streamId, 3n);
    await context.close();
  });

  it("buys tickets in USDC from the wallet at the converter's rate; USDC moves, tickets arrive, the index says STABLECOIN", async () => {
    // 2 × 5 MESI at the local rate (1 USDC = 100 MESI): 0.1 USDC. The fan holds no $MESI at all.
    const streamId = await aliceSale(parseEther("5"), 4);
    const fan = await newFan(0n);
    const usdc = mesi.TestUSDC!;
    const { publicClient } = chainClients(stack);
    await mintUsdc(fan.address, parseUnits("5", 6));
    const expected = await publicClient.readContract({
      ...mesi.StableConverter,
      functionName: "quoteStableIn",
      args: [usdc.address, parseEther("10")],
    });
    assert.equal(expected, parseUnits("0.1", 6));
    const [creatorBefore] = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "earningsOf",
      args: [stack.accounts.creatorAlice.address],
    });

    const { context, page, wallet } = await openWithWallet(browser, stack, fan.key, { viewport: PHONE });
    await openProfileWithSale(page, streamId);
    await connectWallet(page);
    await page.locator(`[data-testid="open-tickets"][data-stream="${streamId}"]`).click();
    await chooseUsdc(page, "2", "0.1 USDC", "5 USDC");
    await page.getByTestId("ticket-total").filter({ hasText: "10 MESI" }).waitFor();
    await page.getByLabel("Pay the gas myself").check();
    await screenshot(page, "tickets-usdc-phone");
    await page.getByTestId("buy-tickets").click();
    await page.getByTestId("ticket-confirmed").waitFor({ timeout: 60_000 });
    const hash = (await page.getByTestId("ticket-tx").textContent())!.trim() as Hex;
    assert.equal((await publicClient.getTransactionReceipt({ hash })).status, "success");
    assert.equal(
      wallet.requests.filter((r) => r.method === "eth_sendTransaction").length,
      2,
      "approve USDC once, then buyWithStablecoin",
    );

    assert.equal(await ticketBalance(fan.address, streamId), 2n);
    assert.equal(
      await publicClient.readContract({ ...usdc, functionName: "balanceOf", args: [fan.address] }),
      parseUnits("5", 6) - expected,
      "exactly the converter's quote left the wallet",
    );
    const [creatorAfter] = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "earningsOf",
      args: [stack.accounts.creatorAlice.address],
    });
    assert.ok(creatorAfter > creatorBefore, "the creator was credited in $MESI");
    await indexedHolding(fan.address, streamId, 2n);
    const purchase = await waitFor("the USDC purchase in the index", async () => {
      const d = await graph<{ ticketPurchases: { source: string; quantity: string; totalPrice: string }[] }>(
        stack,
        `query ($tx: Bytes!) { ticketPurchases(where: { transactionHash: $tx }) { source quantity totalPrice } }`,
        { tx: hash },
      );
      return d.ticketPurchases[0];
    });
    assert.equal(purchase.source, "STABLECOIN");
    assert.equal(purchase.quantity, "2");
    assert.equal(BigInt(purchase.totalPrice) >= parseEther("10"), true, "at least the price in $MESI");

    // Buying more in USDC quotes the new quantity; the desktop layout keeps the four methods on one row.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole("button", { name: "Buy more" }).click();
    await page.getByTestId("ticket-method-stablecoin").click();
    await page.getByLabel("How many").fill("1");
    await page.getByTestId("ticket-total-usdc").filter({ hasText: "0.05 USDC" }).waitFor();
    await screenshot(page, "tickets-usdc-desktop");
    await context.close();
  });

  it("a fan with no ETH buys tickets with USDC gasless: signs, the relayer pays the gas, the index says STABLECOIN", async () => {
    // 3 × 5 MESI at the local rate (1 USDC = 100 MESI): 0.15 USDC. The fan holds USDC only: no ETH, no $MESI.
    const streamId = await aliceSale(parseEther("5"), 5);
    const fan = await newFan(0n, false);
    const usdc = mesi.TestUSDC!;
    const { publicClient } = chainClients(stack);
    await mintUsdc(fan.address, parseUnits("5", 6));
    const quote = await publicClient.readContract({
      ...mesi.StableConverter,
      functionName: "quoteStableIn",
      args: [usdc.address, parseEther("15")],
    });
    assert.equal(quote, parseUnits("0.15", 6));
    assert.equal(await publicClient.getBalance({ address: fan.address }), 0n);

    const { context, page, wallet } = await openWithWallet(browser, stack, fan.key, { viewport: PHONE });
    await openProfileWithSale(page, streamId);
    await connectWallet(page);
    await page.locator(`[data-testid="open-tickets"][data-stream="${streamId}"]`).click();
    await chooseUsdc(page, "3", "0.15 USDC", "5 USDC");
    // With no gas in the wallet, gasless is already chosen.
    const gaslessChoice = page.getByLabel("Gasless — sign, Mesi pays the gas");
    await waitFor("gasless chosen for a fan without gas", async () =>
      (await gaslessChoice.isChecked()) ? true : undefined,
    );
    await screenshot(page, "tickets-usdc-gasless-phone");
    await page.getByTestId("buy-tickets").click();
    await page.getByTestId("ticket-confirmed").waitFor({ timeout: 60_000 });
    const hash = (await page.getByTestId("ticket-tx").textContent())!.trim() as Hex;

    // On-chain: the relayer sent buyWithStablecoinBySig; the fan only signed and paid exactly the quote in USDC.
    const tx = await publicClient.getTransaction({ hash });
    assert.equal(tx.from.toLowerCase(), stack.accounts.relayer.address.toLowerCase(), "the relayer sent it");
    assert.equal((await publicClient.getTransactionReceipt({ hash })).status, "success");
    assert.equal(wallet.requests.filter((r) => r.method === "eth_sendTransaction").length, 0, "the fan sent nothing");
    assert.equal(
      wallet.requests.filter((r) => r.method === "eth_signTypedData_v4").length,
      2,
      "the USDC permit and the order",
    );
    assert.equal(await publicClient.getBalance({ address: fan.address }), 0n, "the fan paid no gas");
    assert.equal(await ticketBalance(fan.address, streamId), 3n);
    assert.equal(
      await publicClient.readContract({ ...usdc, functionName: "balanceOf", args: [fan.address] }),
      parseUnits("5", 6) - quote,
      "exactly the converter's quote left the wallet",
    );

    // In the index: the purchase, paid in a stablecoin, by the fan.
    await indexedHolding(fan.address, streamId, 3n);
    const purchase = await waitFor("the gasless USDC purchase in the index", async () => {
      const d = await graph<{ ticketPurchases: { source: string; quantity: string; buyer: { id: string } }[] }>(
        stack,
        `query ($tx: Bytes!) { ticketPurchases(where: { transactionHash: $tx }) { source quantity buyer { id } } }`,
        { tx: hash },
      );
      return d.ticketPurchases[0];
    });
    assert.deepEqual(purchase, { source: "STABLECOIN", quantity: "3", buyer: { id: fan.address.toLowerCase() } });
    // The panel's remaining supply follows the chain.
    await page.getByTestId("ticket-left").filter({ hasText: "2 of 5 left" }).waitFor({ timeout: 10_000 });
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, "tickets-usdc-gasless-desktop");
    await context.close();
  });

  it("a fan whose free gas is spent reads it in ticket words and buys with their own gas, in $MESI and in USDC", async () => {
    const price = parseEther("1");
    const streamId = await aliceSale(price, 80);
    const fan = await newFan(parseEther("100"));
    const { publicClient, walletClient } = chainClients(stack, fan.key);
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient!.writeContract({
        ...mesi.MesiToken,
        chain: null,
        functionName: "approve",
        args: [mesi.MesiVault.address, maxUint256],
      }),
    });
    const sponsored = await spendSponsorship(fan, streamId, price);
    assert.ok(sponsored >= 1, "the relayer sponsored purchases before the budget ran out");
    const owned = await ticketBalance(fan.address, streamId);
    assert.equal(owned, BigInt(sponsored));

    const { context, page, wallet } = await openWithWallet(browser, stack, fan.key, { viewport: PHONE });
    await openProfileWithSale(page, streamId);
    await connectWallet(page);
    await page.locator(`[data-testid="open-tickets"][data-stream="${streamId}"]`).click();
    await page.getByTestId("ticket-method-gasless").click();
    await page.getByLabel("How many").fill("2");
    await page.getByTestId("buy-tickets").click();
    const error = page.getByTestId("ticket-error");
    await error.filter({ hasText: "free gas" }).waitFor({ timeout: 30_000 });
    const said = (await error.textContent())!;
    assert.match(said, /these tickets/);
    assert.match(said, /“\$MESI” from your wallet/);
    assert.doesNotMatch(said, /\btip/i, "ticket words, not the tip's");
    await page.getByTestId("ticket-pay-card").waitFor();
    await screenshot(page, "tickets-budget-spent-phone");
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, "tickets-budget-spent-desktop");
    assert.equal(await ticketBalance(fan.address, streamId), owned, "the refused purchase bought nothing");
    assert.equal(wallet.requests.filter((r) => r.method === "eth_sendTransaction").length, 0);

    // The other way: the same two tickets with the fan's own gas ($MESI from the wallet, the vault already allowed).
    await page.getByTestId("ticket-pay-own-gas").click();
    assert.equal(await page.getByTestId("ticket-method-wallet").getAttribute("aria-selected"), "true");
    assert.equal(await page.getByLabel("How many").inputValue(), "2", "the form keeps what the fan typed");
    await page.getByTestId("buy-tickets").click();
    await page.getByTestId("ticket-confirmed").waitFor({ timeout: 60_000 });
    const hash = (await page.getByTestId("ticket-tx").textContent())!.trim() as Hex;
    assert.equal((await publicClient.getTransaction({ hash })).from.toLowerCase(), fan.address.toLowerCase());
    assert.equal(await ticketBalance(fan.address, streamId), owned + 2n);
    await indexedHolding(fan.address, streamId, owned + 2n);

    // In USDC, gasless: the same budget is spent, told in USDC ticket words; "Pay the gas myself" buys it directly.
    await mintUsdc(fan.address, parseUnits("1", 6));
    await page.getByRole("button", { name: "Buy more" }).click();
    await chooseUsdc(page, "1", "0.01 USDC", "1 USDC");
    await page.getByLabel("Gasless — sign, Mesi pays the gas").check();
    await page.getByTestId("buy-tickets").click();
    await error.filter({ hasText: "free gas" }).waitFor({ timeout: 30_000 });
    assert.match((await error.textContent())!, /Pay the USDC and the gas yourself/);
    await page.getByTestId("ticket-pay-own-gas").click();
    assert.ok(await page.getByLabel("Pay the gas myself").isChecked());
    await page.getByTestId("buy-tickets").click();
    await page.getByTestId("ticket-confirmed").waitFor({ timeout: 60_000 });
    assert.equal(await ticketBalance(fan.address, streamId), owned + 3n);
    assert.equal(
      await publicClient.readContract({ ...mesi.TestUSDC!, functionName: "balanceOf", args: [fan.address] }),
      parseUnits("0.99", 6),
      "exactly the converter's quote for 1 MESI left the wallet",
    );
    await context.close();
  });

  it("explains bad quantities, too little balance, a rejected signature and a closed sale; sends nothing twice", async () => {
    const streamId = await aliceSale(parseEther("30"), 5);
    const fan = await newFan(parseEther("50"));
    const { context, page, wallet } = await openWithWallet(browser, stack, fan.key);
    await openProfileWithSale(page, streamId);
    await connectWallet(page);
    await page.locator(`[data-testid="open-tickets"][data-stream="${streamId}"]`).click();
    const quantity = page.getByLabel("How many");
    const error = page.locator("#ticket-quantity-error");
    const cases: [string, RegExp][] = [
      ["", /Enter how many/],
      ["0", /at least one ticket/],
      ["1.5", /whole number/],
      ["6", /aren't that many tickets left/],
      ["2", /more than your balance/],
    ];
    for (const [typed, message] of cases) {
      await quantity.fill(typed);
      await page.getByTestId("buy-tickets").click();
      await error.filter({ hasText: message }).waitFor({ timeout: 10_000 });
      assert.equal(await quantity.inputValue(), typed, "the form keeps what the fan typed");
    }
    await screenshot(page, "tickets-bad-input");
    assert.equal(wallet.requests.filter((r) => r.method === "eth_sendTransaction").length, 0);
    assert.equal(wallet.requests.filter((r) => r.method === "eth_signTypedData_v4").length, 0);

    await quantity.fill("1");
    wallet.rejectNext("eth_signTypedData_v4");
    await page.getByTestId("buy-tickets").click();
    await page.getByTestId("ticket-error").filter({ hasText: "You cancelled in your wallet" }).waitFor();
    assert.equal(await quantity.inputValue(), "1");
    assert.equal(await ticketBalance(fan.address, streamId), 0n);

    // The creator closes the sale while the dialog is open: the panel says so within seconds.
    const { publicClient, walletClient } = chainClients(stack, stack.accounts.creatorAlice.privateKey);
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient!.writeContract({
        ...mesi.MesiTickets,
        chain: null,
        functionName: "closeSale",
        args: [streamId],
      }),
    });
    await page.getByTestId("ticket-unavailable").filter({ hasText: "closed this sale" }).waitFor({ timeout: 10_000 });
    await screenshot(page, "tickets-closed");
    assert.equal(wallet.requests.filter((r) => r.method === "eth_sendTransaction").length, 0);
    await context.close();
  });
});
