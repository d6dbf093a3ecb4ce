// The hub's WebSocket messages (JSON, one per frame). Browser-safe.
//
// client → hub: first `auth` (within 5 s), then any number of `typing` and `ping`.
// hub → client: `ready` after auth, then the replay of messages after `since`, then live events. The hub closes the
// socket with code 4001 when the token is refused or expires; the client reconnects with a fresh token and
// `since` = the last cursor it saw, and drops any message id it already has.
import type { Address } from "viem";

import type { CallSignal, Conversation, Message } from "./model.ts";

export type ClientFrame =
  | { readonly type: "auth"; readonly token: string; readonly since?: string }
  | { readonly type: "typing"; readonly conversationId: string; readonly typing: boolean }
  | { readonly type: "ping" };

export type ServerEvent =
  | { readonly type: "ready"; readonly address: Address; readonly cursor: string }
  | { readonly type: "message"; readonly message: Message }
  | { readonly type: "conversation"; readonly conversation: Conversation }
  | { readonly type: "removed"; readonly conversationId: string }
  | { readonly type: "typing"; readonly conversationId: string; readonly from: Address; readonly typing: boolean }
  | { readonly type: "signal"; readonly conversationId: string; readonly from: Address; readonly signal: CallSignal }
  | { readonly type: "pong" }
  | { readonly type: "error"; readonly error: string; readonly message: string };

/** Close codes the hub uses. */
export const CLOSE_AUTH_FAILED = 4001;
export const CLOSE_AUTH_TIMEOUT = 4002;

/** Audience of the session tokens the hub accepts. */
export const HUB_AUDIENCE = "message-hub";

/** What GET /health answers. */
export interface HubHealth {
  readonly ok: true;
  readonly transport: "local-hub";
  readonly endToEndEncrypted: false;
  readonly notice: string;
  readonly connections: number;
}
