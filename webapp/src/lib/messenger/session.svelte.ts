// One messenger connection per tab, shared by the messenger pages and the call host of the root layout, so a call
// rings on every page (a profile, a stream) and not only while /messages is open, without a second connection to
// the hub. The calls module still loads only on the first call button click or incoming ring.
import { sameAddress, type MessengerEvent } from "@mesi/messaging";
import type { Address } from "viem";

import type { PublicConfig } from "$lib/config/types";

import { ChatState } from "./chat.svelte";
import { connectMessenger } from "./connect";
import type { People } from "./conversations";
import { describeMessengerError } from "./describeMessengerError";

type CallsModule = typeof import("./calls");
type SignalEvent = Extract<MessengerEvent, { type: "signal" }>;

export interface CallsHandle {
  readonly View: CallsModule["CallView"];
  readonly controller: InstanceType<CallsModule["CallController"]>;
  readonly GroupView: CallsModule["GroupCallView"];
  readonly group: InstanceType<CallsModule["GroupCallController"]>;
}

export class MessengerSession {
  readonly address: Address;
  chat = $state.raw<ChatState | null>(null);
  problem = $state<string | null>(null);
  calls = $state.raw<CallsHandle | undefined>(undefined);
  /** Known names and pictures (creators) by lowercase address. */
  people = $state.raw<People>({});
  /** Settles once connected (with the state) or failed (with null). */
  readonly ready: Promise<ChatState | null>;
  closed = false;

  readonly #config: PublicConfig;
  #callsLoading: Promise<CallsHandle> | undefined;

  constructor(config: PublicConfig, address: Address) {
    this.#config = config;
    this.address = address;
    this.ready = this.#connect();
  }

  async #connect(): Promise<ChatState | null> {
    try {
      const messenger = await connectMessenger({ config: this.#config, address: this.address });
      const state = new ChatState(messenger);
      state.onRing = () => void this.#loadCalls(state);
      await state.start();
      if (this.closed) {
        state.close();
        return null;
      }
      state.people = this.people;
      return (this.chat = state);
    } catch (error) {
      this.problem = (await describeMessengerError(error)).message;
      return null;
    }
  }

  #loadCalls(state: ChatState): Promise<CallsHandle> {
    return (this.#callsLoading ??= import("./calls").then(
      ({ CallController, CallView, GroupCallController, GroupCallView }) => {
        const iceServers = this.#config.messenger.iceServers;
        let direct: ((event: SignalEvent) => void) | undefined;
        const group = new GroupCallController({
          messenger: state.messenger,
          iceServers,
          busyElsewhere: (): boolean => controller.busy,
        });
        const controller = new CallController({
          messenger: state.messenger,
          listenSignals: (listener) => {
            direct = listener;
            return () => (direct = undefined);
          },
          sendLog: (conversationId, call) => state.send(conversationId, { type: "call", call }),
          iceServers,
          busyElsewhere: (): boolean => group.busy,
        });
        // A group's signals go to its mesh call, a direct chat's to the one-to-one call.
        state.listenSignals((event) => {
          const { kind } = event.signal;
          const inGroup =
            kind === "join" || kind === "leave" || state.conversation(event.conversationId)?.kind === "group";
          if (inGroup) group.handle(event);
          else direct?.(event);
        });
        if (this.closed) {
          controller.destroy();
          group.destroy();
        }
        return (this.calls = { View: CallView, controller, GroupView: GroupCallView, group });
      },
    ));
  }

  /** Rings `peer` in the conversation (loads the calls module on first use). */
  async startCall(conversationId: string, peer: Address, media: "audio" | "video"): Promise<void> {
    const state = await this.ready;
    if (state !== null) await (await this.#loadCalls(state)).controller.start(conversationId, peer, media);
  }

  /** Starts the group's call, or joins the one going on. */
  async joinGroupCall(conversationId: string, media: "audio" | "video"): Promise<void> {
    const state = await this.ready;
    if (state !== null) await (await this.#loadCalls(state)).group.join(conversationId, media);
  }

  addPeople(people: People): void {
    this.people = { ...this.people, ...people };
    if (this.chat !== null) this.chat.people = this.people;
  }

  close(): void {
    this.closed = true;
    this.calls?.controller.destroy();
    this.calls?.group.destroy();
    this.chat?.close();
  }
}

let current: MessengerSession | null = null;

/** The tab's messenger session for `address`: the open one, or a new one (closing another wallet's, or a failed one). */
export function openMessengerSession(config: PublicConfig, address: Address): MessengerSession {
  const usable = current !== null && !current.closed && current.problem === null;
  if (usable && sameAddress(current!.address, address)) return current!;
  current?.close();
  return (current = new MessengerSession(config, address));
}

/** Ends the tab's messenger session (signed out, wallet gone). */
export function closeMessengerSession(): void {
  current?.close();
  current = null;
}
