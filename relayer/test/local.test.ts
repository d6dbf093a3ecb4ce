// `npm start`'s relayer: startLocalRelayer on the local chain, and the dev-only
// payment simulator CLI paying a quote through the real webhook path.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, expect, test } from "vitest";
import { parseEther } from "viem";

import { abis } from "@mesi/deployments";

import { startLocalRelayer, type LocalRelayer } from "../src/local.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { createQuote, tempDir, waitFor } from "./support/relayer.ts";

let node: AnvilNode;
let mesi: MesiFixture;
let local: LocalRelayer;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
  local = await startLocalRelayer({
    rpcUrl: node.url,
    chainId: node.chainId,
    relayerPrivateKey: mesi.relayerKeys[0]!,
    addresses: { vault: mesi.addresses.vault, tickets: mesi.addresses.tickets, mesi: mesi.addresses.mesi },
    dataDir: tempDir("mesi-local-"),
    corsOrigins: ["http://127.0.0.1:5999"],
  });
});

test("browsers may call the API from the configured webapp origin only", async () => {
  const preflight = (origin: string) =>
    fetch(`${local.url}/quotes`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
  const allowed = await preflight("http://127.0.0.1:5999");
  expect(allowed.status).toBe(204);
  expect(allowed.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5999");
  expect(allowed.headers.get("access-control-allow-headers")).toBe("content-type");
  const other = await preflight("http://evil.example");
  expect(other.headers.get("access-control-allow-origin")).toBeNull();
});

afterAll(async () => {
  await local?.stop();
  await node?.stop();
});

test("the banner states the card rate and limits in force", () => {
  const details = local.details.join("\n");
  expect(details).toContain("card rate: 1 MESI = 0.01 USD (1 USD = 100 MESI)");
  expect(details).toContain("card limits: 0.50 USD to 999,999.99 USD a charge; a quote holds 900 s");
});

test("the simulator CLI pays a quote with a signed Stripe-format event; the tip is credited", async () => {
  expect(local.details.join("\n")).toMatch(/DEV ONLY payment simulator/);
  const creator = await mesi.newFundedAccount();
  const quote = await createQuote(local.url, {
    fan: `0x${"99".repeat(20)}`,
    creator: creator.address,
    purpose: "tip",
    mesiAmount: parseEther("120").toString(),
  });
  const cli = join(import.meta.dirname, "..", "src", "cli", "simulatePayment.ts");
  const { stdout } = await promisify(execFile)(process.execPath, [
    "--import",
    "tsx",
    cli,
    "--url",
    local.url,
    "--quote",
    quote.quoteId,
  ]);
  expect(stdout).toMatch(/local simulator — no real payment/);
  expect(stdout).toMatch(/payment_intent.succeeded .* → 200/);
  await waitFor("credit", async () => {
    const record = await mesi.publicClient.readContract({
      address: mesi.addresses.vault,
      abi: abis.MesiVault,
      functionName: "creditOf",
      args: [quote.paymentRef],
    });
    return record[0] === 1;
  });
});
