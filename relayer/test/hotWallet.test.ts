// The hot-wallet balance alert beside the float alert (issue 9, item 11): the
// hot wallet pays every credit's gas, so when its native balance falls below
// float.lowHotWalletWarning the balance check logs an error and sets
// relayer_hot_wallet_low for this wallet; funded again, the gauge goes back to 0.
import { Writable } from "node:stream";

import { parseEther, toHex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { afterAll, beforeAll, expect, test } from "vitest";

import { checkBalances } from "../src/chain/floatMonitor.ts";
import { createChainClients } from "../src/chain/clients.ts";
import { parseConfig } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";
import { createMetrics } from "../src/metrics.ts";
import { rpc, startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { relayerConfigInput } from "./support/relayer.ts";

let node: AnvilNode;
let mesi: MesiFixture;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
});

afterAll(async () => {
  await node?.stop();
});

test("a hot wallet below its threshold raises an error log and relayer_hot_wallet_low; funded, the gauge clears", async () => {
  const input = relayerConfigInput(node, mesi);
  const config = parseConfig({
    ...input,
    chain: { ...input.chain, relayerPrivateKey: generatePrivateKey() },
    float: { lowHotWalletWarning: parseEther("0.5").toString() },
  });
  const chain = createChainClients(config.chain);
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "info",
    destination: new Writable({
      write: (chunk, _encoding, callback) => (lines.push(JSON.parse(String(chunk))), callback()),
    }),
  });
  const metrics = createMetrics({ defaultMetrics: false });
  const gauge = async () =>
    (await metrics.hotWalletLow.get()).values.find((v) => v.labels.address === chain.signer.address)?.value;

  await rpc(node.url, "anvil_setBalance", [chain.signer.address, toHex(parseEther("0.1"))]);
  await checkBalances(chain, metrics, logger, config.float);
  expect(await gauge()).toBe(1);
  const alert = lines.find((line) => line.hotWallet === chain.signer.address);
  expect(alert).toMatchObject({
    level: 50,
    balance: parseEther("0.1").toString(),
    threshold: parseEther("0.5").toString(),
  });

  await rpc(node.url, "anvil_setBalance", [chain.signer.address, toHex(parseEther("2"))]);
  lines.length = 0;
  await checkBalances(chain, metrics, logger, config.float);
  expect(await gauge()).toBe(0);
  expect(lines.some((line) => line.hotWallet === chain.signer.address)).toBe(false);
});
