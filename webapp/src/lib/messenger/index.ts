// What the messenger pages use.
export { ChatState } from "./chat.svelte";
export { connectMessenger, fetchHubToken } from "./connect";
export {
  applyMessage,
  attachmentKind,
  conversationTitle,
  displayName,
  peerOf,
  previewOf,
  shortAddress,
  sortConversations,
  totalUnread,
  upsertConversation,
  type AttachmentKind,
  type People,
} from "./conversations";
export { buildTimeline, compareCursors, hasMyReaction, mergeMessages, type TimelineEntry } from "./timeline";
export { describeMessengerError } from "./describeMessengerError";
export { parseMemberList, type MemberListResult } from "./parseMemberList";
export { bareMimeType, checkFileSize, INLINE_LIMIT_BYTES, MAX_ATTACHMENT_BYTES, type FileProblem } from "./files";
