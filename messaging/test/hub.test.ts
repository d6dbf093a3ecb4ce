// The hub over real HTTP, WebSockets and SQLite, driven through the browser-safe client.
import { serviceToken, signSessionToken } from "@mesi/auth";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MessengerError } from "../src/errors.ts";
import type { MessengerEvent } from "../src/messenger.ts";
import { GROUP_STREAMS_PURPOSE } from "../src/hub/startMessageHub.ts";
import { HUB_AUDIENCE } from "../src/protocol.ts";
import { isMessage, isText, recorder, SECRET, startTestHub, tokenFor, wallets } from "./helpers/hub.ts";

const [alice, bob, carol, dave] = wallets as [`0x${string}`, `0x${string}`, `0x${string}`, `0x${string}`];

async function refusal(promise: Promise<unknown>): Promise<MessengerError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MessengerError);
    return error as MessengerError;
  }
  throw new Error("expected the hub to refuse");
}

describe("local message hub", () => {
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  beforeAll(async () => {
    hub = await startTestHub({ maxAttachmentBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it("says it is the development transport, not end-to-end encrypted", async () => {
    const health = (await (await fetch(`${hub.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, transport: "local-hub", endToEndEncrypted: false });
    expect(String(health.notice)).toMatch(/not end-to-end encrypted/);
    expect(hub.client(alice).transport.endToEndEncrypted).toBe(false);
  });

  it("delivers a direct conversation both ways in real time, with replies, reactions, read receipts and unread counts", async () => {
    const a = hub.client(alice);
    const b = hub.client(bob);
    const aEvents = recorder(a);
    const bEvents = recorder(b);
    await Promise.all([a.connect(), b.connect()]);

    const conversation = await a.openDirect(bob);
    expect(conversation.peer).toBe(bob);
    expect((await b.openDirect(alice)).id).toBe(conversation.id);

    const hello = await a.send(conversation.id, { type: "text", text: "hello bob" });
    expect((await bEvents.next(isText("hello bob"))).message.id).toBe(hello.id);
    expect(await b.unreadCounts()).toEqual({ [conversation.id]: 1 });

    await b.send(conversation.id, { type: "reply", reference: hello.id, text: "hi alice" });
    const reply = await aEvents.next(
      (e): e is Extract<MessengerEvent, { type: "message" }> => isMessage(e) && e.message.content.type === "reply",
    );
    expect(reply.message.content).toEqual({ type: "reply", reference: hello.id, text: "hi alice" });
    await b.send(conversation.id, { type: "reaction", reference: hello.id, action: "added", emoji: "👍" });
    await aEvents.next(
      (e): e is Extract<MessengerEvent, { type: "message" }> => isMessage(e) && e.message.content.type === "reaction",
    );

    await b.markRead(conversation.id);
    expect(await b.unreadCounts()).toEqual({ [conversation.id]: 0 });
    const receipt = await aEvents.next(
      (e): e is Extract<MessengerEvent, { type: "message" }> =>
        isMessage(e) && e.message.content.type === "readReceipt",
    );
    expect(receipt.message.sender).toBe(bob);
    // Reactions and receipts do not count as unread; the reply does.
    expect(await a.unreadCounts()).toEqual({ [conversation.id]: 1 });

    // Typing indicators reach the other side only.
    await b.setTyping(conversation.id, true);
    const typing = await aEvents.next((e): e is Extract<MessengerEvent, { type: "typing" }> => e.type === "typing");
    expect(typing).toEqual({ type: "typing", conversationId: conversation.id, from: bob, typing: true });

    // A tip in chat: an XIP-21 transaction reference.
    const tx = {
      namespace: "eip155" as const,
      networkId: 31337,
      reference: `0x${"ab".repeat(32)}` as const,
      metadata: {
        transactionType: "tip",
        currency: "MESI",
        amount: "5000000000000000000",
        decimals: 18,
        fromAddress: alice,
        toAddress: bob,
      },
    };
    await a.send(conversation.id, { type: "transactionReference", transaction: tx });
    const card = await bEvents.next(
      (e): e is Extract<MessengerEvent, { type: "message" }> =>
        isMessage(e) && e.message.content.type === "transactionReference",
    );
    expect(card.message.content).toEqual({ type: "transactionReference", transaction: tx });

    // Bad input changes nothing.
    expect((await refusal(a.send(conversation.id, { type: "text", text: "   " }))).code).toBe("invalid_input");
    expect((await refusal(a.send(conversation.id, { type: "reply", reference: "nope", text: "x" }))).code).toBe(
      "invalid_input",
    );
    expect((await refusal(a.send(conversation.id, { type: "text", text: "x".repeat(4_001) }))).code).toBe(
      "invalid_input",
    );
    expect((await refusal(hub.client(carol).send(conversation.id, { type: "text", text: "let me in" }))).code).toBe(
      "not_member",
    );
    const page = await a.history(conversation.id);
    expect(page.messages.map((m) => m.content.type)).toEqual([
      "text",
      "reply",
      "reaction",
      "readReceipt",
      "transactionReference",
    ]);
  });

  it("carries call signaling live between members, never stored; refuses outsiders and blocked callers", async () => {
    const a = hub.client(alice);
    const b = hub.client(bob);
    const c = hub.client(carol);
    const bEvents = recorder(b);
    await b.connect();
    const { id } = await a.openDirect(bob);
    const offer = { kind: "offer" as const, callId: "call-1", media: "video" as const, sdp: "v=0\r\n" };
    await a.sendSignal(id, { kind: "ring", callId: "call-1", media: "video" });
    await a.sendSignal(id, offer, bob);
    const ring = await bEvents.next((e): e is Extract<MessengerEvent, { type: "signal" }> => e.type === "signal");
    expect(ring).toEqual({
      type: "signal",
      conversationId: id,
      from: alice,
      signal: { kind: "ring", callId: "call-1", media: "video" },
    });
    const got = await bEvents.next((e): e is Extract<MessengerEvent, { type: "signal" }> => e.type === "signal");
    expect(got.signal).toEqual(offer);
    expect((await a.history(id)).messages.filter((m) => JSON.stringify(m.content).includes("call-1"))).toEqual([]);

    expect((await refusal(c.sendSignal(id, offer))).code).toBe("not_member");
    expect((await refusal(a.sendSignal(id, offer, carol))).code).toBe("not_member");
    expect((await refusal(a.sendSignal(id, { ...offer, kind: "bogus" as never }))).code).toBe("invalid_input");
    await b.setConsent(alice, "denied");
    expect((await refusal(a.sendSignal(id, offer))).code).toBe("blocked");
    await b.setConsent(alice, "unknown");
  });

  it("relays call signals over the WebSocket: members only, never stored, a blocked caller refused with a reason", async () => {
    const a = hub.client(alice);
    const b = hub.client(bob);
    const aEvents = recorder(a);
    const bEvents = recorder(b);
    await Promise.all([a.connect(), b.connect()]);
    const { id } = await a.openDirect(bob);
    const isSignal = (e: MessengerEvent): e is Extract<MessengerEvent, { type: "signal" }> => e.type === "signal";
    const unreadBefore = (await b.unreadCounts())[id] ?? 0;

    // The raw protocol: a signal frame is relayed to the other member and answered by ref.
    const socket = new WebSocket(`${hub.url.replace(/^http/, "ws")}/v1/ws`);
    const frames: Record<string, unknown>[] = [];
    socket.onmessage = (event) => frames.push(JSON.parse(String(event.data)) as Record<string, unknown>);
    await new Promise((resolve) => (socket.onopen = resolve));
    socket.send(JSON.stringify({ type: "auth", token: tokenFor(alice) }));
    const frame = async (match: (f: Record<string, unknown>) => boolean) => {
      for (let i = 0; i < 100; i++) {
        const found = frames.find(match);
        if (found !== undefined) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no such frame among ${JSON.stringify(frames)}`);
    };
    await frame((f) => f.type === "ready");
    const ring = { kind: "ring", callId: "ws-call-1", media: "audio" };
    socket.send(JSON.stringify({ type: "signal", ref: "r1", conversationId: id, signal: ring }));
    expect(await frame((f) => f.ref === "r1")).toEqual({ type: "signalResult", ref: "r1" });
    expect((await bEvents.next(isSignal)).signal).toEqual(ring);
    socket.send(JSON.stringify({ type: "signal", ref: "r2", conversationId: id, signal: { kind: "ring" } }));
    expect(await frame((f) => f.ref === "r2")).toMatchObject({ error: "invalid_input", message: /callId/ });
    socket.close();

    // Through the client, over its open socket: offer, answer and candidates both ways.
    const offer = { kind: "offer" as const, callId: "ws-call-1", media: "video" as const, sdp: "v=0\r\n" };
    await a.sendSignal(id, offer, bob);
    expect(await bEvents.next(isSignal)).toEqual({ type: "signal", conversationId: id, from: alice, signal: offer });
    const answer = { kind: "answer" as const, callId: "ws-call-1", sdp: "v=0\r\n" };
    await b.sendSignal(id, answer);
    expect((await aEvents.next(isSignal)).signal).toEqual(answer);
    const candidate = {
      candidate: "candidate:1 1 udp 2122260223 127.0.0.1 54400 typ host",
      sdpMid: "0",
      sdpMLineIndex: 0,
    };
    await b.sendSignal(id, { kind: "ice", callId: "ws-call-1", candidate });
    expect((await aEvents.next(isSignal)).signal.candidate).toEqual(candidate);
    // Nothing of the call is stored: not in history, not unread, not replayed to a socket that reconnects from 0.
    const history = await b.history(id);
    expect(history.messages.filter((m) => JSON.stringify(m).includes("ws-call-1"))).toEqual([]);
    expect((await b.unreadCounts())[id] ?? 0).toBe(unreadBefore);
    const replayed: string[] = [];
    const late = new WebSocket(`${hub.url.replace(/^http/, "ws")}/v1/ws`);
    late.onmessage = (event) => replayed.push(String(event.data));
    await new Promise((resolve) => (late.onopen = resolve));
    late.send(JSON.stringify({ type: "auth", token: tokenFor(bob), since: "0" }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    late.close();
    expect(replayed.some((f) => f.includes('"ready"'))).toBe(true);
    expect(replayed.filter((f) => f.includes("ws-call-1"))).toEqual([]);

    // An outsider, a target outside the conversation, a blocked caller: refused by the hub, with the reason.
    const c = hub.client(carol);
    await c.connect();
    expect((await refusal(c.sendSignal(id, offer))).code).toBe("not_member");
    expect((await refusal(a.sendSignal(id, offer, carol))).code).toBe("not_member");
    await b.setConsent(alice, "denied");
    const blocked = await refusal(a.sendSignal(id, { kind: "ring", callId: "ws-call-2", media: "video" }));
    expect(blocked.code).toBe("blocked");
    expect(blocked.message).toMatch(/blocked you/);
    expect(blocked.report).toEqual({ conversationId: id, blockedBy: bob });
    // The blocker can't be rung, and gets nothing of the refused call.
    await b.setConsent(alice, "unknown");
    await a.sendSignal(id, { kind: "hangup", callId: "ws-call-3" });
    expect((await bEvents.next(isSignal)).signal.callId).toBe("ws-call-3");
    expect(bEvents.events.filter((e) => isSignal(e) && e.signal.callId === "ws-call-2")).toEqual([]);
  });

  it("runs a group call as a mesh of at most 4: join and leave reach every member with who is in, the rest only its target", async () => {
    // Fresh wallets: no socket of another test stands in for one that leaves.
    const [p1, p2, p3, p4, p5, outsider] = Array.from(
      { length: 6 },
      () => privateKeyToAccount(generatePrivateKey()).address,
    ) as [`0x${string}`, `0x${string}`, `0x${string}`, `0x${string}`, `0x${string}`, `0x${string}`];
    const clients = [p1, p2, p3, p4, p5, outsider].map((address) => hub.client(address));
    const events = clients.map((client) => recorder(client));
    await Promise.all(clients.map((client) => client.connect()));
    type Client = (typeof clients)[number];
    const [c1, c2, c3, c4, c5, c6] = clients as [Client, Client, Client, Client, Client, Client];
    const { id } = await c1.createGroup({ name: "call crew", members: [p2, p3, p4, p5] });
    type SignalEvent = Extract<MessengerEvent, { type: "signal" }>;
    const signalOf =
      (kind: string, from: string) =>
      (e: MessengerEvent): e is SignalEvent =>
        e.type === "signal" && e.signal.kind === kind && e.from === from;
    const members = events.slice(0, 5);

    // p1 starts: every member (p1's own sockets too) hears who is in; the outsider hears nothing, and can't join.
    await c1.sendSignal(id, { kind: "join", callId: "group-call-1", media: "video" });
    for (const recorded of members) {
      expect((await recorded.next(signalOf("join", p1))).signal).toEqual({
        kind: "join",
        callId: "group-call-1",
        media: "video",
        participants: [p1],
      });
    }
    expect((await refusal(c6.sendSignal(id, { kind: "join", callId: "group-call-1" }))).code).toBe("not_member");

    // p2 joins naming another id: it joins the call going on, and learns its id from the echo.
    await c2.sendSignal(id, { kind: "join", callId: "my-own-call", media: "video" });
    for (const recorded of members) {
      expect((await recorded.next(signalOf("join", p2))).signal).toMatchObject({
        callId: "group-call-1",
        participants: [p1, p2],
      });
    }

    // Offers, answers and candidates go from a participant to the one named, nobody else.
    const offer = { kind: "offer" as const, callId: "group-call-1", media: "video" as const, sdp: "v=0\r\n" };
    await c1.sendSignal(id, offer, p2);
    expect((await events[1]!.next(signalOf("offer", p1))).signal).toEqual(offer);
    await c2.sendSignal(id, { kind: "answer", callId: "group-call-1", sdp: "v=0\r\n" }, p1);
    expect((await events[0]!.next(signalOf("answer", p2))).signal.sdp).toBe("v=0\r\n");
    // Not to everyone, not to a member outside the call, not from one, not for another call.
    expect((await refusal(c1.sendSignal(id, offer))).code).toBe("not_member");
    expect((await refusal(c1.sendSignal(id, offer, p3))).code).toBe("not_member");
    expect((await refusal(c3.sendSignal(id, offer, p1))).code).toBe("not_member");
    expect((await refusal(c1.sendSignal(id, { ...offer, callId: "group-call-9" }, p2))).code).toBe("not_member");

    // Four is full: the fifth is refused with the reason, and nobody hears of it.
    await c3.sendSignal(id, { kind: "join", callId: "group-call-1" });
    await c4.sendSignal(id, { kind: "join", callId: "group-call-1" });
    expect((await events[0]!.next(signalOf("join", p4))).signal.participants).toEqual([p1, p2, p3, p4]);
    const full = await refusal(c5.sendSignal(id, { kind: "join", callId: "group-call-1" }));
    expect(full.code).toBe("call_full");
    expect(full.message).toBe("this call is full: 4 people");
    // A participant joining again (another tab) is no fifth.
    await c4.sendSignal(id, { kind: "join", callId: "group-call-1" });

    // One leaves: everyone hears who is left, and a seat is free again.
    await c4.sendSignal(id, { kind: "leave", callId: "group-call-1" });
    expect((await events[1]!.next(signalOf("leave", p4))).signal.participants).toEqual([p1, p2, p3]);
    await c5.sendSignal(id, { kind: "join", callId: "group-call-1" });
    expect((await events[3]!.next(signalOf("join", p5))).signal.participants).toEqual([p1, p2, p3, p5]);

    // A participant whose last socket goes away leaves the call by itself.
    await c3.close();
    expect((await events[0]!.next(signalOf("leave", p3))).signal.participants).toEqual([p1, p2, p5]);
    expect((await refusal(c1.sendSignal(id, offer, p3))).code).toBe("not_member");

    // The last one out ends the call: the next join starts a new one with its own id.
    for (const client of [c1, c2, c5]) await client.sendSignal(id, { kind: "leave", callId: "group-call-1" });
    await c2.sendSignal(id, { kind: "join", callId: "group-call-2", media: "audio" });
    expect((await events[0]!.next(signalOf("join", p2))).signal).toMatchObject({
      callId: "group-call-2",
      participants: [p2],
    });
    expect(events[5]!.events.filter((e) => e.type === "signal")).toEqual([]);
  });

  it("closes a socket when its token expires; the client reconnects with a fresh token and misses nothing", async () => {
    const a = hub.client(alice);
    let tokens = 0;
    const d = hub.client(dave, async () => {
      tokens++;
      return tokenFor(dave, 2);
    });
    const dEvents = recorder(d);
    await d.connect();
    const { id } = await a.openDirect(dave);
    await dEvents.next(
      (e): e is Extract<MessengerEvent, { type: "connection" }> => e.type === "connection" && e.state === "closed",
      5_000,
    );
    await a.send(id, { type: "text", text: "after expiry" });
    await dEvents.next(isText("after expiry"), 5_000);
    expect(tokens).toBeGreaterThanOrEqual(2);
  });

  it("sends a retried message (same clientId) once", async () => {
    const a = hub.client(alice);
    const { id } = await a.openDirect(dave);
    const first = await a.send(id, { type: "text", text: "once" }, { clientId: "retry-1" });
    const second = await a.send(id, { type: "text", text: "once" }, { clientId: "retry-1" });
    expect(second.id).toBe(first.id);
    expect((await a.history(id)).messages.filter((m) => m.id === first.id)).toHaveLength(1);
  });

  it("runs a group of three: admins add, remove, rename and promote; members cannot; removed members get nothing", async () => {
    const a = hub.client(alice);
    const b = hub.client(bob);
    const c = hub.client(carol);
    const bEvents = recorder(b);
    const cEvents = recorder(c);
    await Promise.all([a.connect(), b.connect(), c.connect()]);

    const group = await a.createGroup({ name: "crew", members: [bob, carol] });
    expect(group.members).toEqual([
      { address: alice, role: "admin" },
      { address: bob, role: "member" },
      { address: carol, role: "member" },
    ]);
    await a.send(group.id, { type: "text", text: "welcome" });
    await bEvents.next(isText("welcome"));
    await cEvents.next(isText("welcome"));

    expect((await refusal(b.renameGroup(group.id, "bob's"))).code).toBe("not_admin");
    expect((await refusal(b.removeMembers(group.id, [carol]))).code).toBe("not_admin");
    expect((await refusal(b.addMembers(group.id, [dave]))).code).toBe("not_admin");

    expect((await a.renameGroup(group.id, "the crew")).name).toBe("the crew");
    await a.setAdmin(group.id, bob, true);
    const afterAdd = await b.addMembers(group.id, [dave]);
    expect(afterAdd.members.map((m) => m.address)).toEqual([alice, bob, carol, dave]);

    await b.removeMembers(group.id, [carol]);
    await cEvents.next(
      (e): e is Extract<MessengerEvent, { type: "removed" }> => e.type === "removed" && e.conversationId === group.id,
    );
    expect((await refusal(c.send(group.id, { type: "text", text: "still here?" }))).code).toBe("not_member");
    expect((await refusal(c.history(group.id))).code).toBe("not_member");
    await a.send(group.id, { type: "text", text: "after carol left" });
    await bEvents.next(isText("after carol left"));
    await new Promise((r) => setTimeout(r, 200));
    expect(cEvents.messages()).not.toContain("after carol left");
    expect((await c.listConversations()).map((x) => x.id)).not.toContain(group.id);
  });

  it("links a group to a live stream (admins only) and tells the stream gate its members over a service token", async () => {
    const a = hub.client(alice);
    const b = hub.client(bob);
    const group = await a.createGroup({ name: "live crew", members: [bob, carol] });
    const link = (who: `0x${string}`, streamId: string) =>
      fetch(`${hub.url}/v1/conversations/${group.id}/live`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokenFor(who)}`, "content-type": "application/json" },
        body: JSON.stringify({ streamId }),
      });
    const byMember = await link(bob, "41");
    expect(byMember.status).toBe(403);
    expect(await byMember.json()).toMatchObject({ error: "not_admin" });
    expect((await link(alice, "0x29")).status).toBe(400);
    expect(await (await link(alice, "41")).json()).toMatchObject({ streamId: "41", linkedBy: alice });

    const poll = (token?: string) =>
      fetch(
        `${hub.url}/internal/v1/group-streams`,
        token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
      );
    expect((await poll()).status).toBe(401);
    expect((await poll(tokenFor(alice))).status).toBe(401); // a session token is not a service token
    expect((await poll(serviceToken(SECRET, "other"))).status).toBe(401);
    const links = async () =>
      (
        (await (await poll(serviceToken(SECRET, GROUP_STREAMS_PURPOSE))).json()) as {
          links: { streamId: string; members: string[] }[];
        }
      ).links.find((l) => l.streamId === "41");
    expect((await links())?.members).toEqual([alice, bob, carol]);

    // The push feed the gate keeps open: refused without the service token; a snapshot at once, the whole list again
    // after a change of the linked group's members, heartbeats in between.
    const feedUrl = `${hub.url}/internal/v1/group-streams/events?heartbeatMs=100`;
    expect((await fetch(feedUrl)).status).toBe(401);
    expect((await fetch(feedUrl, { headers: { authorization: `Bearer ${tokenFor(alice)}` } })).status).toBe(401);
    const feed = await fetch(feedUrl, {
      headers: { authorization: `Bearer ${serviceToken(SECRET, GROUP_STREAMS_PURPOSE)}` },
    });
    expect(feed.headers.get("content-type")).toBe("text/event-stream");
    const reader = feed.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    let heartbeats = 0;
    const nextSnapshot = async () => {
      for (;;) {
        const end = buffered.indexOf("\n\n");
        if (end < 0) {
          const { value, done } = await reader.read();
          if (done) throw new Error("the feed ended");
          buffered += value;
          continue;
        }
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (block === ": heartbeat") heartbeats += 1;
        const data = /^event: snapshot\ndata: (.*)$/.exec(block)?.[1];
        if (data === undefined) continue;
        const { links } = JSON.parse(data) as { links: { streamId: string; members: string[] }[] };
        return links.find((l) => l.streamId === "41")?.members;
      }
    };
    expect(await nextSnapshot()).toEqual([alice, bob, carol]);
    await new Promise((r) => setTimeout(r, 350));
    await a.removeMembers(group.id, [carol]);
    expect(await nextSnapshot()).toEqual([alice, bob]);
    expect(heartbeats).toBeGreaterThanOrEqual(2);
    await reader.cancel();
    expect((await links())?.members).toEqual([alice, bob]);
    void b;
  });

  it("refuses a group beyond 250 members", async () => {
    const a = hub.client(alice);
    const many = Array.from({ length: 250 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}` as `0x${string}`);
    expect((await refusal(a.createGroup({ name: "too big", members: many }))).code).toBe("group_full");
    const full = await a.createGroup({ name: "full", members: many.slice(0, 249) });
    expect(full.members).toHaveLength(250);
    expect((await refusal(a.addMembers(full.id, [bob]))).code).toBe("group_full");
  });

  it("holds a block: the blocked sender is refused (and told how to report) until unblocked", async () => {
    const a = hub.client(alice);
    const d = hub.client(dave);
    const aEvents = recorder(a);
    await a.connect();
    const { id } = await d.openDirect(alice);
    await d.send(id, { type: "text", text: "before the block" });
    await aEvents.next(isText("before the block"));

    await a.setConsent(dave, "denied");
    expect(await a.consentOf(dave)).toBe("denied");
    const refused = await refusal(d.send(id, { type: "text", text: "are you there?" }));
    expect(refused.code).toBe("blocked");
    expect(refused.report).toEqual({ conversationId: id, blockedBy: alice });
    // The blocked user still reads the conversation (to prefill a report); the blocker no longer sees their messages.
    expect((await d.history(id)).messages.map((m) => m.content)).toContainEqual({
      type: "text",
      text: "before the block",
    });
    expect((await a.history(id)).messages.filter((m) => m.sender === dave)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(aEvents.messages()).not.toContain("are you there?");

    await a.setConsent(dave, "allowed");
    await d.send(id, { type: "text", text: "after the unblock" });
    await aEvents.next(isText("after the unblock"));
  });

  it("checks attachments by content and size, and serves them only to members", async () => {
    const a = hub.client(alice);
    const b = hub.client(bob);
    const c = hub.client(carol);
    const { id } = await a.openDirect(bob);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const sent = await a.sendAttachment(id, { bytes: png, filename: "dot.png", mimeType: "image/png" });
    expect(sent.content).toMatchObject({
      type: "attachment",
      attachment: { filename: "dot.png", mimeType: "image/png", size: 12 },
    });
    if (sent.content.type !== "attachment") throw new Error("not an attachment");
    expect(await b.fetchAttachment(sent.content.attachment)).toEqual(png);
    expect((await refusal(c.fetchAttachment(sent.content.attachment))).code).toBe("not_found");

    // A script renamed to .png, a claim that does not match the bytes, an oversized file, an empty file.
    const script = new TextEncoder().encode("MZ\u0000\u0001 not a picture");
    expect(
      (await refusal(a.sendAttachment(id, { bytes: script, filename: "cat.png", mimeType: "image/png" }))).code,
    ).toBe("attachment_type");
    expect(
      (await refusal(a.sendAttachment(id, { bytes: png, filename: "a.pdf", mimeType: "application/pdf" }))).code,
    ).toBe("attachment_type");
    const big = new Uint8Array(64 * 1024 + 1).fill(0x41);
    expect(
      (await refusal(a.sendAttachment(id, { bytes: big, filename: "big.txt", mimeType: "text/plain" }))).code,
    ).toBe("attachment_too_large");
    expect(
      (await refusal(a.sendAttachment(id, { bytes: new Uint8Array(0), filename: "e.txt", mimeType: "text/plain" })))
        .code,
    ).toBe("invalid_input");
    // Someone else's upload cannot be sent as yours.
    expect((await refusal(c.send((await c.openDirect(alice)).id, sent.content))).code).toBe("invalid_input");
  });

  it("refuses forged, expired, wrong-audience and missing tokens, over HTTP and WebSocket", async () => {
    const forged = tokenFor(alice).replace(/\.[^.]+$/, ".AAAA");
    const expired = signSessionToken({
      address: alice,
      audience: HUB_AUDIENCE,
      ttlSeconds: 1,
      secret: "messaging-test-secret-0123456789abcdef",
      now: Math.floor(Date.now() / 1000) - 10,
    });
    const otherAudience = signSessionToken({
      address: alice,
      audience: "stream-gate",
      ttlSeconds: 60,
      secret: "messaging-test-secret-0123456789abcdef",
    });
    const otherSecret = signSessionToken({
      address: alice,
      audience: HUB_AUDIENCE,
      ttlSeconds: 60,
      secret: "x".repeat(40),
    });
    for (const token of [forged, expired, otherAudience, otherSecret, ""]) {
      const client = hub.client(alice, async () => token);
      expect((await refusal(client.listConversations())).code).toBe("unauthenticated");
      expect((await refusal(client.connect())).code).toBe("unauthenticated");
    }
    const response = await fetch(`${hub.url}/v1/conversations`);
    expect(response.status).toBe(401);
  });

  it("pages history and replays what a dropped socket missed, nothing lost or doubled", async () => {
    const a = hub.client(alice);
    const c = hub.client(carol);
    const { id } = await a.openDirect(carol);
    const cEvents = recorder(c);
    await c.connect();
    for (let i = 0; i < 25; i++) await a.send(id, { type: "text", text: `m${i}` });
    await cEvents.next(isText("m24"));

    const texts: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await c.history(id, { limit: 10, ...(before === undefined ? {} : { before }) });
      texts.unshift(...page.messages.map((m) => (m.content.type === "text" ? m.content.text : "?")));
      if (page.nextCursor === undefined) break;
      before = page.nextCursor;
    }
    expect(texts).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
  });

  it("survives a hub restart mid-conversation: the client reconnects and gets what it missed once", async () => {
    const first = await startTestHub();
    const port = Number(new URL(first.url).port);
    const a = first.client(alice);
    const c = first.client(carol);
    const cEvents = recorder(c);
    await c.connect();
    const { id } = await a.openDirect(carol);
    await a.send(id, { type: "text", text: "before restart" });
    await cEvents.next(isText("before restart"));

    const closed = cEvents.next(
      (e): e is Extract<MessengerEvent, { type: "connection" }> => e.type === "connection" && e.state === "closed",
    );
    await first.stop({ keepData: true });
    await closed;
    const second = await startTestHub({ port, dataDir: first.dataDir });
    try {
      const a2 = second.client(alice);
      for (let i = 0; i < 5; i++) await a2.send(id, { type: "text", text: `after restart ${i}` });
      await cEvents.next(isText("after restart 4"), 10_000);
      await new Promise((r) => setTimeout(r, 300));
      const texts = cEvents.messages();
      // The last one was taken by `next` above; the others arrived exactly once, in order.
      expect(texts.filter((t) => t.startsWith("after restart"))).toEqual([0, 1, 2, 3].map((i) => `after restart ${i}`));
      expect(texts).not.toContain("before restart"); // consumed above, and never replayed again
      expect((await a2.history(id)).messages).toHaveLength(6);
    } finally {
      await c.close();
      await second.stop();
    }
  });
});
