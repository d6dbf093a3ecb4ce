// The hot wallet's key behind the Signer interface (issue 9, item 11): with
// `chain.signer = web3signer` the relayer signs every transaction through a
// Web3Signer service's JSON-RPC and never holds the key. The service here is a
// real HTTP server speaking Web3Signer's wire format and signing with a key it
// holds (support/web3signerService.ts); the adapter, the engine and the chain
// are the real ones. A signer that refuses (it no longer holds the account) or
// cannot be reached leaves the credit queued with a clear error — no
// transaction recorded, nothing marked sent — and the credit goes out once the
// signer is back.
import { afterAll, beforeAll, expect, test } from "vitest";
import { parseEther, parseTransaction, recoverTransactionAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { abis } from "@mesi/deployments";

import { ConfigError, parseConfig } from "../src/config.ts";
import { SignerError } from "../src/chain/signer.ts";
import { Web3Signer } from "../src/chain/web3Signer.ts";
import type { Relayer } from "../src/relayer.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { createQuote, getJson, payQuote, relayerConfigInput, startTestRelayer, waitFor } from "./support/relayer.ts";
import { startWeb3SignerService, type Web3SignerService } from "./support/web3signerService.ts";

let node: AnvilNode;
let mesi: MesiFixture;
let service: Web3SignerService;
let relayer: Relayer;
let hotWallet: Address;

function remoteSignerInput(url: string, address: Address) {
  const input = relayerConfigInput(node, mesi);
  const { relayerPrivateKey: _key, ...chain } = input.chain;
  return { ...input, chain: { ...chain, signer: { kind: "web3signer" as const, url, address, timeoutMs: 2_000 } } };
}

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
  // The service holds the relayer's key (it has the vault's relayer role); the relayer is given only the address.
  hotWallet = privateKeyToAccount(mesi.relayerKeys[0]!).address;
  service = await startWeb3SignerService({ chainId: node.chainId, keys: [mesi.relayerKeys[0]!] });
  relayer = await startTestRelayer(remoteSignerInput(service.url, hotWallet));
});

afterAll(async () => {
  await relayer?.stop();
  await service?.stop();
  await node?.stop();
});

async function cardTip() {
  const creator = await mesi.newFundedAccount();
  const fan = await mesi.newFundedAccount();
  const quote = await createQuote(relayer.url, {
    fan: fan.address,
    creator: creator.address,
    purpose: "tip",
    mesiAmount: parseEther("80").toString(),
  });
  const { response } = await payQuote(relayer.url, quote);
  expect(response.status).toBe(200);
  return quote as { paymentRef: Hex };
}

async function creditedOnceFrom(ref: Hex, from: Address) {
  await waitFor(
    "payment credited",
    async () => (await getJson(`${relayer.url}/payments/${ref}`)).body.status === "credited",
  );
  const logs = await mesi.publicClient.getContractEvents({
    address: mesi.addresses.vault,
    abi: abis.MesiVault,
    eventName: "Credited",
    args: { paymentRef: ref },
    fromBlock: 0n,
  });
  expect(logs).toHaveLength(1);
  const tx = await mesi.publicClient.getTransaction({ hash: logs[0]!.transactionHash });
  expect(tx.from.toLowerCase()).toBe(from.toLowerCase());
}

/** The credit row waits, queued, with `error` as its reason; no transaction holds it and none was recorded. */
async function expectQueuedWithError(ref: Hex, error: RegExp) {
  const row = await waitFor("the credit to wait with the signer's error", async () => {
    const found = await relayer.store.db
      .selectFrom("outbox")
      .selectAll()
      .where("payment_ref", "=", ref)
      .executeTakeFirst();
    return found !== undefined && error.test(found.last_error ?? "") ? found : undefined;
  });
  expect(["queued", "claimed"]).toContain(row.state);
  expect(row.tx_id).toBeNull();
  expect(row.tx_hash).toBeNull();
  const sentFor = await relayer.store.db
    .selectFrom("outbox")
    .select("id")
    .where("payment_ref", "=", ref)
    .where("state", "in", ["sent", "confirmed"])
    .execute();
  expect(sentFor).toHaveLength(0);
  expect((await getJson(`${relayer.url}/payments/${ref}`)).body.status).not.toBe("credited");
}

test("the relayer signs its credits through Web3Signer's eth_signTransaction and never holds the key", async () => {
  expect(relayer.chain.signer.kind).toBe("web3signer");
  expect(relayer.chain.signer.address).toBe(hotWallet);
  expect(service.calls[0]).toBe("eth_accounts");
  const quote = await cardTip();
  await creditedOnceFrom(quote.paymentRef, hotWallet);
  expect(service.calls).toContain("eth_signTransaction");
  const transactions = await relayer.store.db.selectFrom("transactions").select(["sender", "raw"]).execute();
  for (const tx of transactions) {
    expect(tx.sender).toBe(hotWallet.toLowerCase());
    expect(await recoverTransactionAddress({ serializedTransaction: tx.raw as never })).toBe(hotWallet);
  }
});

test("a signer that no longer holds the account: the credit waits with its refusal, nothing sent; back, it goes out once", async () => {
  service.holdKeys([generatePrivateKey()]);
  try {
    const quote = await cardTip();
    await expectQueuedWithError(
      quote.paymentRef,
      /refused eth_signTransaction .*No unlocked account matches the Sender/,
    );
    service.holdKeys([mesi.relayerKeys[0]!]);
    await creditedOnceFrom(quote.paymentRef, hotWallet);
  } finally {
    service.holdKeys([mesi.relayerKeys[0]!]);
  }
});

test("an unreachable signer: the credit waits with 'cannot reach the signer', nothing sent; reachable again, it goes out once", async () => {
  await service.stop();
  try {
    const quote = await cardTip();
    await expectQueuedWithError(
      quote.paymentRef,
      /cannot reach the signer at http:\/\/127\.0\.0\.1:\d+\/ \(eth_signTransaction\)/,
    );
    await service.start();
    await creditedOnceFrom(quote.paymentRef, hotWallet);
  } finally {
    await service.start().catch(() => undefined);
  }
});

test("start-up refuses a signer that does not hold the hot wallet, or cannot be reached", async () => {
  const stranger = privateKeyToAccount(generatePrivateKey()).address;
  await expect(startTestRelayer(remoteSignerInput(service.url, stranger))).rejects.toThrow(
    new RegExp(`does not hold the hot wallet ${stranger}`),
  );
  await expect(startTestRelayer(remoteSignerInput("http://127.0.0.1:9/", hotWallet))).rejects.toThrow(
    /cannot reach the signer at http:\/\/127\.0\.0\.1:9\/ \(eth_accounts\)/,
  );
});

test("the adapter refuses a signature for another chain than the relayer's", async () => {
  const otherChain = await startWeb3SignerService({ chainId: node.chainId + 1, keys: [mesi.relayerKeys[0]!] });
  try {
    const signer = new Web3Signer({ url: otherChain.url, address: hotWallet, timeoutMs: 2_000 });
    const asked = {
      chainId: node.chainId,
      nonce: 7,
      to: mesi.addresses.vault,
      data: "0x1234" as Hex,
      gas: 100_000n,
      maxFeePerGas: 3_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
    };
    await expect(signer.signTransaction(asked)).rejects.toThrow(SignerError);
    await expect(signer.signTransaction(asked)).rejects.toThrow(/chain id \d+ \(the relayer's chain is \d+\)/);
    // The same request to a service on the right chain comes back as exactly that transaction.
    const raw = await new Web3Signer({ url: service.url, address: hotWallet, timeoutMs: 2_000 }).signTransaction(asked);
    expect(parseTransaction(raw)).toMatchObject({ ...asked, type: "eip1559" });
  } finally {
    await otherChain.stop();
  }
});

test("config: the remote signer takes no private key, the local one needs it", () => {
  const input = relayerConfigInput(node, mesi);
  expect(() =>
    parseConfig({
      ...input,
      chain: { ...input.chain, signer: { kind: "web3signer", url: service.url, address: hotWallet } },
    }),
  ).toThrow(/relayerPrivateKey: not used with the web3signer signer/);
  const { relayerPrivateKey: _key, ...chain } = input.chain;
  expect(() => parseConfig({ ...input, chain })).toThrow(ConfigError);
  expect(parseConfig(remoteSignerInput(service.url, hotWallet)).chain.signer).toMatchObject({
    kind: "web3signer",
    address: hotWallet.toLowerCase(),
  });
});
