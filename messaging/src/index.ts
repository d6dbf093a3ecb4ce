// Browser-safe entry: the Messenger interface, the message model and the local hub's client.
// The hub server is `@mesi/messaging/hub` (Node); the XMTP adapter is `@mesi/messaging/xmtp` (loads XMTP's wasm).
export type {
  ConnectionState,
  FileToSend,
  HistoryPage,
  Messenger,
  MessengerEvent,
  TransportInfo,
  Unsubscribe,
} from "./messenger.ts";
export * from "./model.ts";
export { checksumAddress, isAddressLike, isTransactionHash, sameAddress } from "./address.ts";
export { MessengerError, type MessengerErrorCode, type ReportHint } from "./errors.ts";
export { HubMessenger, type HubMessengerOptions } from "./client/hubMessenger.ts";
export { HUB_AUDIENCE, type ClientFrame, type HubHealth, type ServerEvent } from "./protocol.ts";
