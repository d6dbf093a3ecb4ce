import type { Conversation, Message, MessageContent } from "@mesi/messaging";
import type { Address } from "viem";
import { describe, expect, it } from "vitest";

import { applyMessage, attachmentKind, conversationTitle, previewOf, totalUnread } from "./conversations";
import { bareMimeType, checkFileSize } from "./files";
import { parseMemberList } from "./parseMemberList";
import { buildTimeline, compareCursors, hasMyReaction, mergeMessages } from "./timeline";

const ME = "0x1111111111111111111111111111111111111111" as Address;
const ANA = "0x2222222222222222222222222222222222222222" as Address;
const BEN = "0x3333333333333333333333333333333333333333" as Address;

let seq = 0;
function message(sender: Address, content: MessageContent, cursor = String(++seq), conversationId = "c1"): Message {
  return { id: `m${cursor}`, conversationId, sender, sentAt: Number(cursor) * 1000, content, cursor };
}
const text = (t: string) => ({ type: "text", text: t }) as const;

function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: "c1",
    kind: "direct",
    createdBy: ME,
    createdAt: 0,
    members: [
      { address: ME, role: "admin" },
      { address: ANA, role: "member" },
    ],
    peer: ANA,
    status: "allowed",
    unreadCount: 0,
    ...overrides,
  };
}

describe("mergeMessages", () => {
  it("keeps each message once and orders by cursor numerically (10 after 9)", () => {
    const a = message(ANA, text("nine"), "9");
    const b = message(ME, text("ten"), "10");
    const merged = mergeMessages([b], [a, b, a]);
    expect(merged.map((x) => x.cursor)).toEqual(["9", "10"]);
  });

  it("compares XMTP nanosecond cursors beyond 2^53 exactly", () => {
    expect(compareCursors("1733600000000000001", "1733600000000000000")).toBe(1);
    expect(compareCursors("5", "5")).toBe(0);
  });
});

describe("buildTimeline", () => {
  it("shows only readable messages, folds reactions per person and resolves the quoted message", () => {
    const hello = message(ANA, text("hello"), "1");
    const messages = [
      hello,
      message(ME, { type: "reply", reference: hello.id, text: "hi!" }, "2"),
      message(ME, { type: "reaction", reference: hello.id, action: "added", emoji: "👍" }, "3"),
      message(ANA, { type: "reaction", reference: hello.id, action: "added", emoji: "👍" }, "4"),
      message(ANA, { type: "reaction", reference: hello.id, action: "added", emoji: "🎉" }, "5"),
      message(ANA, { type: "reaction", reference: hello.id, action: "removed", emoji: "🎉" }, "6"),
    ];
    const timeline = buildTimeline(messages, ME);
    expect(timeline.map((e) => e.message.content.type)).toEqual(["text", "reply"]);
    expect(timeline[0]!.reactions).toEqual([{ emoji: "👍", count: 2, mine: true }]);
    expect(hasMyReaction(timeline[0]!, "👍")).toBe(true);
    expect(hasMyReaction(timeline[0]!, "🎉")).toBe(false);
    expect(timeline[1]!.replyTo?.id).toBe(hello.id);
    expect(timeline[1]!.mine).toBe(true);
  });

  it("marks my messages read by the others whose latest receipt came after them, not before", () => {
    const first = message(ME, text("one"), "1");
    const second = message(ME, text("two"), "3");
    const messages = [
      first,
      message(ANA, { type: "readReceipt" }, "2"),
      second,
      message(ME, { type: "readReceipt" }, "4"),
    ];
    const [one, two] = buildTimeline(messages, ME);
    expect(one!.readBy).toEqual([ANA]);
    expect(two!.readBy).toEqual([]);
  });
});

describe("conversation list", () => {
  it("titles a DM by the other party and a group by its name", () => {
    expect(conversationTitle(conversation(), ME)).toBe("0x2222…2222");
    expect(conversationTitle(conversation({ kind: "group", name: "Crew" }), ME)).toBe("Crew");
    expect(conversationTitle(conversation(), ME, { [ANA.toLowerCase()]: { name: "Ana", picture: null } })).toBe("Ana");
  });

  it("previews each kind of message, prefixing mine", () => {
    expect(previewOf(message(ANA, text("yo")), ME)).toBe("yo");
    expect(previewOf(message(ME, text("yo")), ME)).toBe("You: yo");
    const file = { url: "u", filename: "a.pdf", mimeType: "application/pdf", size: 3 };
    expect(previewOf(message(ANA, { type: "attachment", attachment: file }), ME)).toBe("File: a.pdf");
    expect(previewOf(message(ANA, { type: "attachment", attachment: { ...file, mimeType: "image/png" } }), ME)).toBe(
      "Photo",
    );
    expect(previewOf(undefined, ME)).toBe("No messages yet");
    const call = (outcome: "missed" | "declined" | "ended", media: "audio" | "video") =>
      message(ANA, {
        type: "call",
        call: { callId: "k", media, outcome, ...(outcome === "ended" ? { seconds: 61 } : {}) },
      });
    expect(previewOf(call("missed", "video"), ME)).toBe("Missed video call");
    expect(previewOf(call("declined", "audio"), ME)).toBe("Declined voice call");
    expect(previewOf(call("ended", "video"), ME)).toBe("Video call");
  });

  it("shows a call's trace in the timeline and counts a missed one as unread, an answered one not", () => {
    const missed = message(ANA, { type: "call", call: { callId: "k1", media: "video", outcome: "missed" } }, "30");
    const ended = message(
      ANA,
      { type: "call", call: { callId: "k2", media: "audio", outcome: "ended", seconds: 5 } },
      "31",
    );
    expect(buildTimeline([missed, ended], ME).map((entry) => entry.message.id)).toEqual([missed.id, ended.id]);
    let list = applyMessage([conversation()], missed, ME, null);
    expect(list[0]!.unreadCount).toBe(1);
    list = applyMessage(list, ended, ME, null);
    expect(list[0]!.unreadCount).toBe(1);
  });

  it("counts someone else's message as unread unless the chat is open; receipts and my own never count", () => {
    const list = [conversation(), conversation({ id: "c2", peer: BEN, createdAt: 5 })];
    const incoming = message(ANA, text("new"), "20", "c1");
    let next = applyMessage(list, incoming, ME, null);
    expect(next[0]!.id).toBe("c1");
    expect(next[0]!.unreadCount).toBe(1);
    expect(next[0]!.lastMessage?.id).toBe(incoming.id);
    next = applyMessage(next, incoming, ME, null);
    expect(next.find((c) => c.id === "c1")!.unreadCount).toBe(1);
    next = applyMessage(next, message(ANA, text("open"), "21", "c1"), ME, "c1");
    expect(next.find((c) => c.id === "c1")!.unreadCount).toBe(1);
    next = applyMessage(next, message(ANA, { type: "readReceipt" }, "22", "c2"), ME, null);
    next = applyMessage(next, message(ME, text("mine"), "23", "c2"), ME, null);
    expect(next.find((c) => c.id === "c2")!.unreadCount).toBe(0);
    expect(totalUnread(next)).toBe(1);
  });

  it("tells pictures, voice notes and videos from other files by their type", () => {
    expect(attachmentKind({ mimeType: "audio/webm;codecs=opus" })).toBe("audio");
    expect(attachmentKind({ mimeType: "image/jpeg" })).toBe("image");
    expect(attachmentKind({ mimeType: "application/pdf" })).toBe("file");
  });
});

describe("files and members", () => {
  it("refuses empty and oversized files before uploading", () => {
    expect(checkFileSize(0)).toEqual({ problem: "empty" });
    expect(checkFileSize(11, 10)).toEqual({ problem: "tooLarge", limit: 10 });
    expect(checkFileSize(10, 10)).toBeNull();
    expect(bareMimeType("audio/webm;codecs=opus")).toBe("audio/webm");
    expect(bareMimeType("")).toBe("application/octet-stream");
  });

  it("parses pasted addresses, once each, and names the first bad one", () => {
    expect(parseMemberList(`${ANA.toLowerCase()}, ${BEN}\n${ANA}`)).toEqual({ ok: true, addresses: [ANA, BEN] });
    expect(parseMemberList(`${ANA} nope`)).toEqual({ ok: false, bad: "nope" });
    expect(parseMemberList("  ")).toEqual({ ok: true, addresses: [] });
  });
});
