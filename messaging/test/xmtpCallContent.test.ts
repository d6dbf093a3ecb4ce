// Mesi's XMTP content types for calls: every call signal kind and every call-log outcome round-trips through its
// codec, the wire form is plain UTF-8 JSON under `mesi.app`, only rings and missed calls are pushed, and bad
// payloads (wrong type, unknown major version, not JSON, a bad field) are refused with a clear error.
import { describe, expect, it } from "vitest";

import { MessengerError } from "../src/errors.ts";
import type { CallLog, CallSignal, MessageContent } from "../src/model.ts";
import {
  CallLogCodec,
  CallSignalCodec,
  ContentTypeCallLog,
  ContentTypeCallSignal,
  type CallSignalEnvelope,
} from "../src/xmtp/callContent.ts";
import { decodeContent, encodeContent, fromXmtpContent, toMessage } from "../src/xmtp/content.ts";

const bob = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

const signals: readonly CallSignal[] = [
  { kind: "ring", callId: "call-1", media: "video" },
  { kind: "offer", callId: "call-1", media: "video", sdp },
  { kind: "answer", callId: "call-1", sdp },
  {
    kind: "ice",
    callId: "call-1",
    candidate: {
      candidate: "candidate:1 1 udp 2122260223 127.0.0.1 54400 typ host",
      sdpMid: "0",
      sdpMLineIndex: 0,
    },
  },
  { kind: "ice", callId: "call-1", candidate: { candidate: "", sdpMid: null, sdpMLineIndex: null } },
  { kind: "hangup", callId: "call-1" },
  { kind: "decline", callId: "call-1" },
  { kind: "busy", callId: "call-1" },
];

const logs: readonly CallLog[] = [
  { callId: "call-1", media: "video", outcome: "missed" },
  { callId: "call-2", media: "audio", outcome: "declined" },
  { callId: "call-3", media: "video", outcome: "ended", seconds: 754 },
];

function refusal(run: () => unknown): MessengerError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MessengerError);
    return error as MessengerError;
  }
  throw new Error("expected a refusal");
}

describe("XMTP call signal codec (mesi.app/callSignal)", () => {
  const codec = new CallSignalCodec();

  it.each(signals.map((signal) => [signal.kind, signal] as const))("round-trips a %s signal", (_, signal) => {
    for (const envelope of [{ signal }, { signal, to: bob }] satisfies CallSignalEnvelope[]) {
      const encoded = codec.encode(envelope);
      expect(encoded.type).toEqual({ authorityId: "mesi.app", typeId: "callSignal", versionMajor: 1, versionMinor: 0 });
      expect(codec.decode(encoded)).toEqual(envelope);
    }
  });

  it("writes UTF-8 JSON, has no fallback (other apps show nothing) and pushes only a ring", () => {
    const envelope = { signal: signals[1]!, to: bob };
    const encoded = codec.encode(envelope);
    expect(JSON.parse(new TextDecoder().decode(encoded.content))).toEqual(envelope);
    expect(encoded.fallback).toBeUndefined();
    expect(codec.fallback()).toBeUndefined();
    expect(signals.filter((signal) => codec.shouldPush({ signal })).map((s) => s.kind)).toEqual(["ring"]);
  });

  it("refuses what is not a call signal, on the way out and on the way in", () => {
    expect(refusal(() => codec.encode({ signal: { kind: "bogus", callId: "c" } as never })).code).toBe("invalid_input");
    expect(refusal(() => codec.encode({ signal: signals[0]!, to: "0xBOB" })).message).toMatch(/to/);
    expect(refusal(() => codec.encode({ signal: { ...signals[0]!, callId: "has space" } })).message).toMatch(/callId/);
    const good = codec.encode({ signal: signals[0]! });
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(refusal(() => codec.decode({ ...good, content: bytes("{not json") })).message).toMatch(/not UTF-8 JSON/);
    expect(refusal(() => codec.decode({ ...good, content: Uint8Array.of(0xff, 0xfe) })).message).toMatch(/UTF-8/);
    expect(
      refusal(() => codec.decode({ ...good, content: bytes(JSON.stringify({ signal: { kind: "ring" } })) })).message,
    ).toMatch(/callId/);
    expect(
      refusal(() => codec.decode({ ...good, content: bytes(JSON.stringify({ signal: signals[0], extra: 1 })) })).code,
    ).toBe("invalid_input");
    expect(
      refusal(() => codec.decode({ ...good, type: { ...ContentTypeCallSignal, versionMajor: 2 } })).message,
    ).toMatch(/version 2/);
    expect(refusal(() => codec.decode({ ...good, type: ContentTypeCallLog })).message).toMatch(/expected callSignal/);
  });

  it("is never shown as a chat message", () => {
    const encoded = codec.encode({ signal: signals[0]! });
    expect(decodeContent(encoded)).toBeUndefined();
    expect(fromXmtpContent(ContentTypeCallSignal, { signal: signals[0] })).toBeUndefined();
  });
});

describe("XMTP call log codec (mesi.app/callLog)", () => {
  const codec = new CallLogCodec();

  it.each(logs.map((call) => [call.outcome, call] as const))("round-trips a %s call as our content", (_, call) => {
    const content: MessageContent = { type: "call", call };
    const encoded = encodeContent(content);
    expect(encoded.type).toEqual({ authorityId: "mesi.app", typeId: "callLog", versionMajor: 1, versionMinor: 0 });
    expect(JSON.parse(new TextDecoder().decode(encoded.content))).toEqual(call);
    expect(decodeContent(encoded)).toEqual(content);
    // The SDK hands our codec's decoded value to the adapter; it converts to the same message.
    const message = toMessage(
      {
        id: "m1",
        conversationId: "c1",
        senderInboxId: "inbox-bob",
        sentAtNs: 1_700_000_000_000_000_000n,
        contentType: ContentTypeCallLog,
        content: codec.decode(encoded),
      },
      () => bob as `0x${string}`,
    );
    expect(message?.content).toEqual(content);
  });

  it("gives other XMTP apps a readable fallback and pushes missed and declined calls only", () => {
    expect(logs.map((call) => codec.encode(call).fallback)).toEqual([
      "Missed video call",
      "Declined voice call",
      "Video call (754 s)",
    ]);
    expect(logs.map((call) => codec.shouldPush(call))).toEqual([true, true, false]);
  });

  it("refuses a bad call log", () => {
    expect(refusal(() => codec.encode({ ...logs[0]!, outcome: "lost" as never })).message).toMatch(/outcome/);
    expect(refusal(() => codec.encode({ ...logs[2]!, seconds: -1 })).message).toMatch(/seconds/);
    const encoded = codec.encode(logs[0]!);
    const bad = { ...encoded, content: new TextEncoder().encode(JSON.stringify({ ...logs[0], media: "hologram" })) };
    expect(refusal(() => codec.decode(bad)).message).toMatch(/media/);
    // A bad payload that reached the adapter in the SDK's shape is dropped, not shown half-filled.
    expect(fromXmtpContent(ContentTypeCallLog, { callId: "x", media: "video" })).toBeUndefined();
  });
});
