// The messenger layout hands its state to the conversation page through Svelte context.
import { getContext, setContext } from "svelte";

import type { Address } from "viem";

import type { ChatState } from "$lib/messenger";

const KEY = Symbol("messenger");

export interface MessengerContext {
  readonly chat: ChatState | null;
  /** Rings `peer` in the conversation (loads the calls module on first use). */
  startCall(conversationId: string, peer: Address, media: "audio" | "video"): Promise<void>;
  /** Starts the group's call, or joins the one going on. */
  joinGroupCall(conversationId: string, media: "audio" | "video"): Promise<void>;
  /** How many are in the group's call going on (0: none that I know of). */
  groupCallSize(conversationId: string): number;
}

export function provideMessenger(context: MessengerContext): void {
  setContext(KEY, context);
}

export function useMessenger(): MessengerContext {
  return getContext<MessengerContext>(KEY);
}
