// The XMTP adapter's content layer against XMTP's real codecs (@xmtp/content-type-*): every type we send
// round-trips through encode/decode, the wire form is the codecs' own, and both the codec-decoded and the
// browser-sdk-decoded shapes convert to our model. (No XMTP node runs here.)
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";

import type {
  EnrichedReply as SdkEnrichedReply,
  Reaction as SdkReaction,
  RemoteAttachment as SdkRemoteAttachment,
  TransactionReference as SdkTransactionReference,
} from "@xmtp/browser-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MessengerError } from "../src/errors.ts";
import type { MessageContent } from "../src/model.ts";
import {
  decodeContent,
  encodeContent,
  encryptAttachment,
  fromXmtpContent,
  loadAttachment,
  toMessage,
} from "../src/xmtp/content.ts";

const alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const txHash = `0x${"12".repeat(32)}` as const;
const messageId = "a1b2c3";

const samples: readonly [string, MessageContent][] = [
  ["text", { type: "text", text: "gm ☀️" }],
  ["reply", { type: "reply", reference: messageId, text: "replying" }],
  ["reaction", { type: "reaction", reference: messageId, action: "added", emoji: "🔥" }],
  ["reaction", { type: "reaction", reference: messageId, action: "removed", emoji: "🔥" }],
  ["readReceipt", { type: "readReceipt" }],
  [
    "transactionReference",
    {
      type: "transactionReference",
      transaction: {
        namespace: "eip155",
        networkId: 8453,
        reference: txHash,
        metadata: {
          transactionType: "tip",
          currency: "MESI",
          amount: "5000000000000000000",
          decimals: 18,
          fromAddress: alice,
          toAddress: bob,
        },
      },
    },
  ],
];

describe("XMTP content codecs", () => {
  it.each(samples)("round-trips %s through XMTP's codec", (typeId, content) => {
    const encoded = encodeContent(content);
    expect(encoded.type).toMatchObject({ authorityId: "xmtp.org", typeId, versionMajor: 1 });
    expect(decodeContent(encoded)).toEqual(content);
  });

  it("writes the codecs' wire form (what other XMTP apps read)", () => {
    const reaction = encodeContent({ type: "reaction", reference: messageId, action: "added", emoji: "👍" });
    expect(JSON.parse(new TextDecoder().decode(reaction.content))).toMatchObject({
      reference: messageId,
      action: "added",
      content: "👍",
      schema: "unicode",
    });
    const tip = encodeContent(samples[5]![1]);
    expect(JSON.parse(new TextDecoder().decode(tip.content))).toMatchObject({
      namespace: "eip155",
      networkId: 8453,
      reference: txHash,
      metadata: { amount: 5e18, decimals: 18, currency: "MESI" },
    });
    const reply = encodeContent({ type: "reply", reference: messageId, text: "x" });
    expect(reply.parameters).toMatchObject({ reference: messageId, contentType: "xmtp.org/text:1.0" });
  });

  it("keeps XIP-21's number amount exact only up to 2^53 base units (the card verifies on-chain)", () => {
    const odd = { ...samples[5]![1] } as Extract<MessageContent, { type: "transactionReference" }>;
    const precise = {
      ...odd,
      transaction: { ...odd.transaction, metadata: { ...odd.transaction.metadata!, amount: "1234567890123456789" } },
    };
    const decoded = decodeContent(encodeContent(precise)) as typeof precise;
    expect(decoded.transaction.metadata!.amount).not.toBe("1234567890123456789");
    expect(BigInt(decoded.transaction.metadata!.amount) - 1234567890123456789n).toBeLessThan(1000n);
  });

  it("refuses to send what makes no sense, before any codec runs", () => {
    expect(() => encodeContent({ type: "text", text: "  " })).toThrow(/empty/);
    expect(() =>
      encodeContent({
        type: "attachment",
        attachment: { url: "https://x/y", filename: "a.png", mimeType: "image/png", size: 1 },
      }),
    ).toThrow(MessengerError);
  });

  it("reads the browser SDK's decoded shapes too", () => {
    const reaction: SdkReaction = {
      reference: messageId,
      referenceInboxId: "inbox-b",
      action: 1,
      content: "❤️",
      schema: 1,
    };
    expect(fromXmtpContent({ authorityId: "xmtp.org", typeId: "reaction" }, reaction)).toEqual({
      type: "reaction",
      reference: messageId,
      action: "added",
      emoji: "❤️",
    });
    const reply: SdkEnrichedReply<string> = {
      referenceId: messageId,
      content: "sdk reply",
      contentType: async () => undefined,
      inReplyTo: null,
    };
    expect(fromXmtpContent({ authorityId: "xmtp.org", typeId: "reply" }, reply)).toEqual({
      type: "reply",
      reference: messageId,
      text: "sdk reply",
    });
    const tx: SdkTransactionReference = {
      namespace: "eip155",
      networkId: "0x7a69",
      reference: txHash,
      metadata: {
        transactionType: "tip",
        currency: "MESI",
        amount: 5e18,
        decimals: 18,
        fromAddress: alice,
        toAddress: bob,
      },
    };
    expect(fromXmtpContent({ authorityId: "xmtp.org", typeId: "transactionReference" }, tx)).toMatchObject({
      transaction: { networkId: 31337, metadata: { amount: "5000000000000000000" } },
    });
    const remote: SdkRemoteAttachment = {
      url: "https://files.example/x",
      contentDigest: "ab".repeat(32),
      secret: new Uint8Array(32),
      salt: new Uint8Array(32),
      nonce: new Uint8Array(12),
      scheme: "https://",
      contentLength: 10,
      filename: "x.png",
    };
    expect(fromXmtpContent({ authorityId: "xmtp.org", typeId: "remoteStaticAttachment" }, remote)).toMatchObject({
      type: "attachment",
      attachment: { url: remote.url, filename: "x.png", size: 10 },
    });
  });

  it("drops content that does not make sense or that we do not show", () => {
    const t = (typeId: string) => ({ authorityId: "xmtp.org", typeId });
    expect(fromXmtpContent(t("reaction"), { action: "added", content: "x" })).toBeUndefined();
    expect(fromXmtpContent(t("text"), "")).toBeUndefined();
    expect(
      fromXmtpContent(t("transactionReference"), { namespace: "solana", networkId: 1, reference: txHash }),
    ).toBeUndefined();
    expect(fromXmtpContent(t("transactionReference"), { networkId: 1, reference: "0xnot-a-hash" })).toBeUndefined();
    expect(fromXmtpContent(t("group_updated"), { addedInboxes: [] })).toBeUndefined();
  });

  it("converts an XMTP message to ours: sender's wallet, milliseconds, cursor", () => {
    const sentAtNs = 1_765_000_000_123_456_789n;
    const message = toMessage(
      {
        id: "m1",
        conversationId: "c1",
        senderInboxId: "inbox-a",
        sentAtNs,
        contentType: { authorityId: "xmtp.org", typeId: "text" },
        content: "hello",
      },
      (inboxId) => (inboxId === "inbox-a" ? alice.toLowerCase() : bob) as `0x${string}`,
    );
    expect(message).toEqual({
      id: "m1",
      conversationId: "c1",
      sender: alice,
      sentAt: 1_765_000_000_123,
      content: { type: "text", text: "hello" },
      cursor: sentAtNs.toString(),
    });
  });
});

describe("XMTP remote attachments", () => {
  // XMTP's codec accepts only https URLs: a local HTTPS file server with a throwaway self-signed certificate
  // (test/fixtures, for 127.0.0.1 only), trusted by this test process alone.
  let server: Server;
  let base: string;
  const stored = new Map<string, Uint8Array>();
  const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
  beforeAll(async () => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    server = createServer(
      { key: fixture("localhost-test-key.pem"), cert: fixture("localhost-test-cert.pem") },
      (request, response) => {
        const body = stored.get(request.url ?? "");
        response.writeHead(body === undefined ? 404 : 200).end(body);
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    base = `https://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  });
  afterAll(async () => {
    delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("encrypts, uploads, sends, downloads and decrypts a file; a changed byte fails the digest", async () => {
    const file = {
      bytes: new TextEncoder().encode("a voice note, pretend"),
      filename: "note.ogg",
      mimeType: "audio/ogg",
    };
    const attachment = await encryptAttachment(file, async (payload) => {
      stored.set("/a", payload);
      return `${base}/a`;
    });
    expect(stored.get("/a")).not.toEqual(file.bytes);

    const sent = decodeContent(encodeContent({ type: "attachment", attachment }));
    expect(sent).toMatchObject({
      type: "attachment",
      attachment: { url: `${base}/a`, filename: "note.ogg", size: file.bytes.length },
    });
    if (sent?.type !== "attachment") throw new Error("not an attachment");
    const loaded = await loadAttachment(sent.attachment);
    expect(loaded).toEqual({ filename: "note.ogg", mimeType: "audio/ogg", data: file.bytes });

    const tampered = Uint8Array.from(stored.get("/a")!);
    tampered[tampered.length - 1]! ^= 1;
    stored.set("/b", tampered);
    await expect(loadAttachment({ ...sent.attachment, url: `${base}/b` })).rejects.toThrow(MessengerError);
    // XMTP refuses plain-http attachment URLs; so do we, before sending.
    expect(() =>
      encodeContent({ type: "attachment", attachment: { ...attachment, url: "http://127.0.0.1/a" } }),
    ).toThrow(MessengerError);
  });
});
