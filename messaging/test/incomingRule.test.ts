// The creator's incoming-message rule and the on-chain block, read from the embedded indexer over a real anvil
// chain with Mesi deployed: follows, subscriptions and tips let fans through; others' messages land as requests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { abis } from "@mesi/deployments";
import { startIndexer, type RunningIndexer } from "@mesi/subgraph";
import {
  createPublicClient,
  createWalletClient,
  http,
  parseEther,
  zeroHash,
  type Account,
  type Address,
  type Chain,
  type Hash,
  type PublicClient,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { deployMesi, type MesiDeployment } from "../../scripts/lib/deploy.ts";
import { DEFAULT_MNEMONIC } from "../../scripts/lib/local-accounts.ts";
import { startLocalChain, type LocalChain } from "../../scripts/lib/local-chain.ts";
import { MessengerError } from "../src/errors.ts";
import type { TransactionReference } from "../src/model.ts";
import { verifyTipCard } from "../src/tipCard.ts";
import type { MessengerEvent } from "../src/messenger.ts";
import { isText, recorder, startTestHub } from "./helpers/hub.ts";

const account = (i: number): Account => mnemonicToAccount(DEFAULT_MNEMONIC, { addressIndex: i });
const [admin, relayer, moderator, verifier, creator, follower, stranger, subscriber, tipper, blocked, requester] =
  Array.from({ length: 11 }, (_, i) => account(i)) as [Account, ...Account[]] as Account[] as [
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
  ];

describe("incoming-message rule over the indexer", () => {
  let chain: LocalChain;
  let indexer: RunningIndexer;
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  let deployment: MesiDeployment;
  let indexDir: string;
  let send: (
    from: Account,
    contract: keyof typeof abis,
    functionName: string,
    args: readonly unknown[],
  ) => Promise<bigint>;
  let indexed: (block: bigint) => Promise<void>;
  let lastHash: Hash;
  let publicClient: PublicClient;

  beforeAll(async () => {
    chain = await startLocalChain({ accounts: 12 });
    const viemChain = { ...foundry, rpcUrls: { default: { http: [chain.url] } } } as Chain;
    const transport = http(chain.url, { retryCount: 0 });
    publicClient = createPublicClient({ chain: viemChain, transport, pollingInterval: 50 }) as PublicClient;
    deployment = await deployMesi({
      walletClient: createWalletClient({ account: admin, chain: viemChain, transport }),
      publicClient,
      relayer: relayer.address,
      moderator: moderator.address,
      verifier: verifier.address,
    });
    const contracts = deployment.contracts;
    send = async (from, contract, functionName, args) => {
      const wallet = createWalletClient({ account: from, chain: viemChain, transport });
      const hash: Hash = await wallet.writeContract({
        address: contracts[contract].address,
        abi: abis[contract] as never,
        functionName: functionName as never,
        args: args as never,
      } as never);
      const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      lastHash = hash;
      if (receipt.status !== "success") throw new Error(`${contract}.${functionName} reverted`);
      return receipt.blockNumber;
    };
    indexDir = mkdtempSync(join(tmpdir(), "mesi-hub-index-"));
    indexer = await startIndexer({
      client: publicClient as never,
      deployment: contracts as never,
      databasePath: join(indexDir, "index.sqlite"),
      pollIntervalMs: 50,
    });
    await indexer.ready;
    indexed = async (block) => {
      for (let i = 0; i < 200; i++) {
        if (BigInt(indexer.status().indexedBlock ?? "0") >= block) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`indexer did not reach block ${block}`);
    };

    await send(creator, "CreatorRegistry", "register", ["ipfs://creator"]);
    await send(creator, "CreatorRegistry", "createTier", [parseEther("50"), 1, 0, "ipfs://tier-1"]);
    for (const fan of [subscriber, tipper]) {
      await send(admin, "MesiToken", "transfer", [fan.address, parseEther("1000")]);
      await send(fan, "MesiToken", "approve", [contracts.MesiVault.address, parseEther("1000")]);
    }
    await send(follower, "CreatorRegistry", "follow", [creator.address]);
    await send(subscriber, "CreatorRegistry", "subscribe", [creator.address, 1, 1]);
    await indexed(await send(creator, "MesiVault", "blockFan", [blocked.address]));

    hub = await startTestHub({ indexerUrl: indexer.url, standingCacheMs: 0 });
  }, 300_000);

  afterAll(async () => {
    await hub?.stop();
    await indexer?.stop();
    await chain?.stop();
    if (indexDir !== undefined) rmSync(indexDir, { recursive: true, force: true });
  });

  it("lets followers, subscribers and tippers through and turns everyone else into requests", async () => {
    const c = hub.client(creator.address);
    await c.setIncomingRule({ followers: true, minTierRank: 1, minTipped: parseEther("5") });
    expect(await c.incomingRule()).toEqual({ followers: true, minTierRank: 1, minTipped: parseEther("5") });
    const creatorEvents = recorder(c);
    await c.connect();

    const dm = async (from: Account, text: string) => {
      const client = hub.client(from.address);
      const conversation = await client.openDirect(creator.address);
      await client.send(conversation.id, { type: "text", text });
      return { client, id: conversation.id };
    };
    const fromFollower = await dm(follower, "I follow you");
    const fromSubscriber = await dm(subscriber, "I subscribe");
    const fromStranger = await dm(stranger, "who am I?");

    const inbox = (await c.listConversations()).map((x) => x.id);
    expect(inbox).toContain(fromFollower.id);
    expect(inbox).toContain(fromSubscriber.id);
    expect(inbox).not.toContain(fromStranger.id);
    const requests = await c.listConversations({ requests: true });
    expect(requests.map((x) => [x.id, x.status])).toEqual([[fromStranger.id, "request"]]);
    // Requests do not count as unread; the creator still receives them live, flagged by the conversation.
    expect(Object.keys(await c.unreadCounts())).not.toContain(fromStranger.id);
    await creatorEvents.next(isText("who am I?"));

    // A tip of the threshold moves the fan's conversation into the inbox at their next message.
    const fromTipper = await dm(tipper, "before my tip");
    expect((await c.getConversation(fromTipper.id)).status).toBe("request");
    await indexed(await send(tipper, "MesiVault", "tip", [creator.address, parseEther("5"), 1, zeroHash, zeroHash]));
    await fromTipper.client.send(fromTipper.id, { type: "text", text: "after my tip" });
    expect((await c.getConversation(fromTipper.id)).status).toBe("allowed");
    await creatorEvents.next(
      (e): e is Extract<MessengerEvent, { type: "conversation" }> =>
        e.type === "conversation" && e.conversation.id === fromTipper.id && e.conversation.status === "allowed",
    );

    // The creator accepts one request and ignores another; ignoring is not blocking.
    expect((await c.acceptRequest(fromStranger.id)).status).toBe("allowed");
    expect(await c.consentOf(stranger.address)).toBe("allowed");
    const fromRequester = await dm(requester, "please answer");
    await c.ignoreRequest(fromRequester.id);
    expect((await c.listConversations({ requests: true })).map((x) => x.id)).not.toContain(fromRequester.id);
    await fromRequester.client.send(fromRequester.id, { type: "text", text: "still allowed to write" });

    // Without a rule, anyone lands in the inbox.
    await c.setIncomingRule(null);
    expect(await c.incomingRule()).toBeNull();
  });

  it("refuses messages from a fan the creator blocked on-chain, with what the fan needs to report", async () => {
    const fan = hub.client(blocked.address);
    const conversation = await fan.openDirect(creator.address);
    let refused: unknown;
    try {
      await fan.send(conversation.id, { type: "text", text: "let me explain" });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(MessengerError);
    expect((refused as MessengerError).code).toBe("blocked");
    expect((refused as MessengerError).report).toEqual({ conversationId: conversation.id, blockedBy: creator.address });

    // Unblocked on-chain: the next message goes through.
    await indexed(await send(creator, "MesiVault", "unblockFan", [blocked.address]));
    const sent = await fan.send(conversation.id, { type: "text", text: "thanks for unblocking" });
    expect(sent.sender).toBe(blocked.address);
  });

  it("verifies a tip card sent in chat on-chain; a forged or misdirected card stays unverified", async () => {
    const amount = parseEther("7");
    await send(tipper, "MesiVault", "tip", [creator.address, amount, 1, zeroHash, zeroHash]);
    const tipHash = lastHash;
    const fan = hub.client(tipper.address);
    const { id } = await fan.openDirect(creator.address);
    const card: TransactionReference = {
      namespace: "eip155",
      networkId: 31337,
      reference: tipHash,
      metadata: {
        transactionType: "tip",
        currency: "MESI",
        amount: amount.toString(),
        decimals: 18,
        fromAddress: tipper.address,
        toAddress: creator.address,
      },
    };
    const sent = await fan.send(id, { type: "transactionReference", transaction: card });
    const [received] = (await hub.client(creator.address).history(id, { limit: 1 })).messages;
    expect(received?.id).toBe(sent.id);
    if (received?.content.type !== "transactionReference") throw new Error("not a tip card");
    const vault = deployment.contracts.MesiVault.address;
    const check = (transaction: TransactionReference, from = received.sender, to: Address = creator.address) =>
      verifyTipCard({ client: publicClient, vault, transaction, fan: from, creator: to });

    expect(await check(received.content.transaction)).toEqual({
      status: "verified",
      tip: { fan: tipper.address, creator: creator.address, amount, event: "Tipped" },
      metadataMatches: true,
    });
    // Inflated metadata: still the chain's amount, flagged.
    const inflated = { ...card, metadata: { ...card.metadata!, amount: parseEther("700").toString() } };
    expect(await check(inflated)).toMatchObject({ status: "verified", tip: { amount }, metadataMatches: false });
    // Someone else's tip claimed as mine; a tip to another creator; a made-up hash; another chain; a non-tip tx.
    expect((await check(card, stranger.address)).status).toBe("unverified");
    expect((await check(card, tipper.address, subscriber.address)).status).toBe("unverified");
    expect((await check({ ...card, reference: `0x${"ee".repeat(32)}` })).status).toBe("unverified");
    expect((await check({ ...card, networkId: 8453 })).status).toBe("unverified");
    await send(admin, "MesiToken", "transfer", [creator.address, amount]);
    expect((await check({ ...card, reference: lastHash }, admin.address)).status).toBe("unverified");
  });

  it("lands rule-restricted messages as requests when the indexer is down, and never loses them", async () => {
    const offline = await startTestHub({ indexerUrl: "http://127.0.0.1:9/subgraphs/name/mesi", standingCacheMs: 0 });
    try {
      const c = offline.client(creator.address);
      await c.setIncomingRule({ followers: true });
      const f = offline.client(follower.address);
      const { id } = await f.openDirect(creator.address);
      await f.send(id, { type: "text", text: "the index is down" });
      expect((await c.listConversations({ requests: true })).map((x) => x.id)).toEqual([id]);
      expect((await c.history(id)).messages.map((m) => m.content)).toEqual([
        { type: "text", text: "the index is down" },
      ]);
    } finally {
      await offline.stop();
    }
  });
});
