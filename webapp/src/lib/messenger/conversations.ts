// The conversation list: titles, one-line previews, ordering, and keeping unread counts and last messages up to
// date from live messages without asking the transport again.
import type { Address } from "viem";

import { countsAsUnread, sameAddress, type AttachmentRef, type Conversation, type Message } from "@mesi/messaging";

import { m } from "$lib/i18n";

/** `0x1234…abcd` */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** Names and pictures of the people we know (creators, from the index), by lower-case address. */
export type People = Readonly<Record<string, { readonly name: string; readonly picture: string | null }>>;

/** A creator's name when known, else the short address. */
export function displayName(address: string, people: People = {}): string {
  return people[address.toLowerCase()]?.name ?? shortAddress(address);
}

/** The other party of a direct conversation. */
export function peerOf(conversation: Conversation, me: Address): Address | undefined {
  if (conversation.kind !== "direct") return undefined;
  return conversation.peer ?? conversation.members.find((member) => !sameAddress(member.address, me))?.address;
}

export function conversationTitle(conversation: Conversation, me: Address, people: People = {}): string {
  if (conversation.kind === "group") return conversation.name ?? m.messenger.untitledGroup;
  const peer = peerOf(conversation, me);
  return peer === undefined ? m.messenger.untitledGroup : displayName(peer, people);
}

export type AttachmentKind = "image" | "audio" | "video" | "file";

export function attachmentKind(attachment: Pick<AttachmentRef, "mimeType">): AttachmentKind {
  const type = attachment.mimeType.split(";")[0]!.trim().toLowerCase();
  if (type.startsWith("image/")) return "image";
  if (type.startsWith("audio/")) return "audio";
  if (type.startsWith("video/")) return "video";
  return "file";
}

/** One line for the list or a notification: the text, or what kind of thing was sent. */
export function previewOf(message: Message | undefined, me: Address): string {
  if (message === undefined) return m.messenger.noMessagesYet;
  const content = message.content;
  let text: string;
  switch (content.type) {
    case "text":
    case "reply":
      text = content.text;
      break;
    case "attachment":
      text = m.messenger.preview[attachmentKind(content.attachment)](content.attachment.filename);
      break;
    case "transactionReference":
      text = m.messenger.preview.tip;
      break;
    case "reaction":
      text = m.messenger.preview.reaction(content.emoji);
      break;
    case "readReceipt":
      text = "";
      break;
  }
  return sameAddress(message.sender, me) ? `${m.messenger.you}: ${text}` : text;
}

function activityOf(conversation: Conversation): number {
  return conversation.lastMessage?.sentAt ?? conversation.createdAt;
}

/** Newest activity first. */
export function sortConversations(list: readonly Conversation[]): Conversation[] {
  return [...list].sort((a, b) => activityOf(b) - activityOf(a));
}

/** The list with `conversation` added or replaced (its unread count and last message kept when newer here). */
export function upsertConversation(list: readonly Conversation[], conversation: Conversation): Conversation[] {
  const others = list.filter((c) => c.id !== conversation.id);
  return sortConversations([...others, conversation]);
}

/**
 * The list after a live message: the conversation's last message moves on (only for content people read), and
 * its unread count grows for someone else's message in a conversation I don't have open.
 */
export function applyMessage(
  list: readonly Conversation[],
  message: Message,
  me: Address,
  openConversationId: string | null,
): Conversation[] {
  const index = list.findIndex((c) => c.id === message.conversationId);
  if (index === -1 || !countsAsUnread(message.content)) return [...list];
  const current = list[index]!;
  if (current.lastMessage?.id === message.id) return [...list];
  const unread =
    !sameAddress(message.sender, me) && openConversationId !== message.conversationId
      ? current.unreadCount + 1
      : current.unreadCount;
  const newer = current.lastMessage === undefined || current.lastMessage.sentAt <= message.sentAt;
  const updated: Conversation = {
    ...current,
    unreadCount: unread,
    ...(newer ? { lastMessage: message } : {}),
  };
  return upsertConversation(list, updated);
}

/** Total unread across the list (for the page title). */
export function totalUnread(list: readonly Conversation[]): number {
  return list.reduce((sum, c) => sum + (c.status === "allowed" ? c.unreadCount : 0), 0);
}
