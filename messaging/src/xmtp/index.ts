// Production transport: XMTP (loads XMTP's wasm in a worker — import dynamically, on messenger pages only).
export { XmtpMessenger, type IncomingRuleSource, type XmtpMessengerOptions } from "./xmtpMessenger.ts";
export {
  codecRegistry,
  decodeContent,
  encodeContent,
  encryptAttachment,
  fromXmtpContent,
  loadAttachment,
  toMessage,
  toXmtpContent,
  xmtpCodecs,
  type XmtpMessageLike,
} from "./content.ts";
export {
  CallLogCodec,
  CallSignalCodec,
  ContentTypeCallLog,
  ContentTypeCallSignal,
  type CallSignalEnvelope,
} from "./callContent.ts";
