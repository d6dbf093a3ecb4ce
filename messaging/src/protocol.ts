// The hub's WebSocket messages (JSON, one per frame). Browser-safe.
//
// client → hub: first `auth` (within 5 s), then any number of `typing`, `signal` and `ping`.
// hub → client: `ready` after auth, then the replay of messages after `since`, then live events. The hub closes the
// socket with code 4001 when the token is refused or expires; the client reconnects with a fresh token and
// `since` = the last cursor it saw, and drops any message id it already has.
import type { Address } from "viem";

import type { MessengerErrorCode, ReportHint } from "./errors.ts";
import type { CallSignal, Conversation, Message } from "./model.ts";

export type ClientFrame =
  | { readonly type: "auth"; readonly token: string; readonly since?: string }
  | { readonly type: "typing"; readonly conversationId: string; readonly typing: boolean }
  | { readonly type: "ping" }
  /** A call signal for the other members (or `to`); the hub answers `signalResult` with the same `ref`. */
  | {
      readonly type: "signal";
      readonly ref: string;
      readonly conversationId: string;
      readonly signal: CallSignal;
      readonly to?: Address;
    };

export type ServerEvent =
  | { readonly type: "ready"; readonly address: Address; readonly cursor: string }
  | { readonly type: "message"; readonly message: Message }
  | { readonly type: "conversation"; readonly conversation: Conversation }
  | { readonly type: "removed"; readonly conversationId: string }
  | { readonly type: "typing"; readonly conversationId: string; readonly from: Address; readonly typing: boolean }
  | { readonly type: "signal"; readonly conversationId: string; readonly from: Address; readonly signal: CallSignal }
  | {
      readonly type: "signalResult";
      readonly ref: string;
      /** Absent when the signal went out; else why it was refused (e.g. `blocked`, `not_member`). */
      readonly error?: MessengerErrorCode;
      readonly message?: string;
      readonly report?: ReportHint;
    }
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
