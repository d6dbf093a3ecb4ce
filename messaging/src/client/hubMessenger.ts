// Messenger over the local hub: HTTP for requests, one WebSocket for live events. Browser-safe (fetch, WebSocket).
// The socket reconnects by itself with backoff and asks for everything after the last cursor it saw; a message id
// already delivered is never delivered twice.
import type { Address } from "viem";

import { checksumAddress } from "../address.ts";
import { MessengerError, type MessengerErrorCode, type ReportHint } from "../errors.ts";
import type {
  ConnectionState,
  FileToSend,
  HistoryPage,
  Messenger,
  MessengerEvent,
  TransportInfo,
  Unsubscribe,
} from "../messenger.ts";
import {
  incomingRuleSchema,
  type CallSignal,
  incomingRuleToJson,
  type AttachmentRef,
  type ConsentState,
  type Conversation,
  type IncomingRule,
  type Message,
  type MessageContent,
} from "../model.ts";
import { CLOSE_AUTH_FAILED, type ClientFrame, type ServerEvent } from "../protocol.ts";

export interface HubMessengerOptions {
  /** The hub's base URL, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /** The signed-in wallet. */
  readonly address: Address;
  /** A fresh session token for audience "message-hub" (the webapp's server mints it from the SIWE session). */
  readonly getToken: () => Promise<string>;
  /** Defaults to the global WebSocket (browsers, Node 22). */
  readonly WebSocket?: typeof WebSocket;
  readonly fetch?: typeof fetch;
  /** Longest wait between reconnection attempts, ms. */
  readonly maxReconnectDelayMs?: number;
}

const SEEN_IDS_KEPT = 10_000;

export class HubMessenger implements Messenger {
  readonly transport: TransportInfo = {
    kind: "local-hub",
    endToEndEncrypted: false,
    label: "Development transport — messages are stored unencrypted on this machine (not end-to-end encrypted)",
  };
  readonly me: Address;

  readonly #url: string;
  readonly #getToken: () => Promise<string>;
  readonly #WebSocket: typeof WebSocket;
  readonly #fetch: typeof fetch;
  readonly #maxDelay: number;
  readonly #listeners = new Set<(event: MessengerEvent) => void>();
  readonly #seen = new Set<string>();
  #socket: WebSocket | undefined;
  #cursor: string | undefined;
  #closed = false;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #ready: Promise<void> | undefined;

  constructor(options: HubMessengerOptions) {
    this.#url = options.url.replace(/\/$/, "");
    this.me = checksumAddress(options.address);
    this.#getToken = options.getToken;
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#maxDelay = options.maxReconnectDelayMs ?? 5_000;
  }

  // ── HTTP ─────────────────────────────────────────────────────────────────────────────────────────

  async #request<T>(
    method: string,
    path: string,
    body?: unknown,
    raw?: { bytes: Uint8Array; type: string },
  ): Promise<T> {
    const token = await this.#getToken();
    let response: Response;
    try {
      response = await this.#fetch(`${this.#url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(raw !== undefined
            ? { "content-type": raw.type }
            : body !== undefined
              ? { "content-type": "application/json" }
              : {}),
        },
        ...(raw !== undefined
          ? { body: raw.bytes as BodyInit }
          : body !== undefined
            ? { body: JSON.stringify(body) }
            : {}),
      });
    } catch (error) {
      throw new MessengerError(
        "unavailable",
        `the message hub at ${this.#url} did not answer: ${(error as Error).message}`,
      );
    }
    if (response.status === 204) return undefined as T;
    if (!response.ok) {
      const payload = (await response.json().catch(() => ({}))) as {
        error?: string;
        message?: string;
        report?: ReportHint;
      };
      throw new MessengerError(
        (payload.error as MessengerErrorCode | undefined) ?? (response.status >= 500 ? "unavailable" : "invalid_input"),
        payload.message ?? `the hub answered ${response.status}`,
        payload.report === undefined ? {} : { report: payload.report },
      );
    }
    const type = response.headers.get("content-type") ?? "";
    return (
      type.includes("application/json") ? await response.json() : new Uint8Array(await response.arrayBuffer())
    ) as T;
  }

  async listConversations(options: { readonly requests?: boolean } = {}): Promise<Conversation[]> {
    const result = await this.#request<{ conversations: Conversation[] }>(
      "GET",
      `/v1/conversations?requests=${options.requests === true}`,
    );
    return result.conversations;
  }
  getConversation(conversationId: string): Promise<Conversation> {
    return this.#request("GET", `/v1/conversations/${encodeURIComponent(conversationId)}`);
  }
  openDirect(peer: Address): Promise<Conversation> {
    return this.#request("POST", "/v1/conversations/direct", { peer });
  }
  createGroup(parameters: { readonly name: string; readonly members: readonly Address[] }): Promise<Conversation> {
    return this.#request("POST", "/v1/conversations/group", parameters);
  }
  addMembers(conversationId: string, members: readonly Address[]): Promise<Conversation> {
    return this.#request("POST", `/v1/conversations/${encodeURIComponent(conversationId)}/members`, { add: members });
  }
  removeMembers(conversationId: string, members: readonly Address[]): Promise<Conversation> {
    return this.#request("POST", `/v1/conversations/${encodeURIComponent(conversationId)}/members`, {
      remove: members,
    });
  }
  renameGroup(conversationId: string, name: string): Promise<Conversation> {
    return this.#request("PATCH", `/v1/conversations/${encodeURIComponent(conversationId)}`, { name });
  }
  setAdmin(conversationId: string, member: Address, admin: boolean): Promise<Conversation> {
    return this.#request("POST", `/v1/conversations/${encodeURIComponent(conversationId)}/admins`, { member, admin });
  }

  async send(
    conversationId: string,
    content: MessageContent,
    options: { readonly clientId?: string } = {},
  ): Promise<Message> {
    const message = await this.#request<Message>(
      "POST",
      `/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      {
        content,
        clientId: options.clientId ?? crypto.randomUUID(),
      },
    );
    return message;
  }

  async sendAttachment(conversationId: string, file: FileToSend): Promise<Message> {
    const uploaded = await this.#request<AttachmentRef>(
      "POST",
      `/v1/attachments?filename=${encodeURIComponent(file.filename)}`,
      undefined,
      { bytes: file.bytes, type: file.mimeType },
    );
    return this.send(conversationId, {
      type: "attachment",
      attachment: { url: uploaded.url, filename: uploaded.filename, mimeType: uploaded.mimeType, size: uploaded.size },
    });
  }

  async fetchAttachment(attachment: AttachmentRef): Promise<Uint8Array> {
    if (!attachment.url.startsWith(`${this.#url}/v1/attachments/`)) {
      throw new MessengerError("invalid_input", `attachment ${attachment.url} is not stored on this hub`);
    }
    return this.#request<Uint8Array>("GET", attachment.url.slice(this.#url.length));
  }

  history(
    conversationId: string,
    options: { readonly before?: string; readonly limit?: number } = {},
  ): Promise<HistoryPage> {
    const query = new URLSearchParams();
    if (options.before !== undefined) query.set("before", options.before);
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    return this.#request("GET", `/v1/conversations/${encodeURIComponent(conversationId)}/messages?${query}`);
  }

  markRead(conversationId: string): Promise<void> {
    return this.#request("POST", `/v1/conversations/${encodeURIComponent(conversationId)}/read`);
  }

  unreadCounts(): Promise<Record<string, number>> {
    return this.#request("GET", "/v1/unread");
  }

  async setTyping(conversationId: string, typing: boolean): Promise<void> {
    const socket = this.#socket;
    if (socket !== undefined && socket.readyState === this.#WebSocket.OPEN && this.#ready !== undefined) {
      this.#sendFrame({ type: "typing", conversationId, typing });
      return;
    }
    await this.#request("POST", `/v1/conversations/${encodeURIComponent(conversationId)}/typing`, { typing });
  }

  async sendSignal(conversationId: string, signal: CallSignal, to?: Address): Promise<void> {
    await this.#request("POST", `/v1/conversations/${encodeURIComponent(conversationId)}/signal`, {
      signal,
      ...(to === undefined ? {} : { to }),
    });
  }

  async setConsent(peer: Address, state: ConsentState): Promise<void> {
    await this.#request("PUT", `/v1/consent/${peer}`, { state });
  }
  async consentOf(peer: Address): Promise<ConsentState> {
    return (await this.#request<{ state: ConsentState }>("GET", `/v1/consent/${peer}`)).state;
  }
  acceptRequest(conversationId: string): Promise<Conversation> {
    return this.#request("POST", `/v1/conversations/${encodeURIComponent(conversationId)}/request`, {
      action: "accept",
    });
  }
  async ignoreRequest(conversationId: string): Promise<void> {
    await this.#request("POST", `/v1/conversations/${encodeURIComponent(conversationId)}/request`, {
      action: "ignore",
    });
  }
  async setIncomingRule(rule: IncomingRule | null): Promise<void> {
    await this.#request("PUT", "/v1/incoming-rule", { rule: rule === null ? null : incomingRuleToJson(rule) });
  }
  async incomingRule(): Promise<IncomingRule | null> {
    const { rule } = await this.#request<{ rule: unknown }>("GET", "/v1/incoming-rule");
    return rule === null ? null : incomingRuleSchema.parse(rule);
  }

  // ── live events ──────────────────────────────────────────────────────────────────────────────────

  subscribe(listener: (event: MessengerEvent) => void): Unsubscribe {
    this.#listeners.add(listener);
    void this.connect().catch(() => {});
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Opens the socket (subscribe does this); resolves once the hub accepted the token. */
  connect(): Promise<void> {
    if (this.#closed) return Promise.reject(new MessengerError("unavailable", "this messenger is closed"));
    this.#ready ??= this.#open();
    return this.#ready;
  }

  #emit(event: MessengerEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  #setState(state: ConnectionState): void {
    this.#emit({ type: "connection", state });
  }

  #sendFrame(frame: ClientFrame): void {
    this.#socket?.send(JSON.stringify(frame));
  }

  #open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#setState("connecting");
      const socket = new this.#WebSocket(`${this.#url.replace(/^http/, "ws")}/v1/ws`);
      this.#socket = socket;
      let settled = false;
      socket.onopen = () => {
        void this.#getToken().then(
          (token) =>
            this.#sendFrame({ type: "auth", token, ...(this.#cursor === undefined ? {} : { since: this.#cursor }) }),
          (error: unknown) => socket.close(CLOSE_AUTH_FAILED, String(error)),
        );
      };
      socket.onmessage = (frame: MessageEvent) => {
        const event = JSON.parse(String(frame.data)) as ServerEvent;
        if (event.type === "ready") {
          this.#attempt = 0;
          this.#cursor ??= event.cursor;
          settled = true;
          this.#setState("open");
          resolve();
        } else if (event.type === "message") {
          const { message } = event;
          if (BigInt(message.cursor) > BigInt(this.#cursor ?? "0")) this.#cursor = message.cursor;
          if (this.#seen.has(message.id)) return;
          this.#seen.add(message.id);
          if (this.#seen.size > SEEN_IDS_KEPT) this.#seen.delete(this.#seen.values().next().value as string);
          this.#emit({ type: "message", message });
        } else if (
          event.type === "conversation" ||
          event.type === "removed" ||
          event.type === "typing" ||
          event.type === "signal"
        ) {
          this.#emit(event);
        }
      };
      socket.onclose = (close: CloseEvent) => {
        this.#socket = undefined;
        this.#setState("closed");
        if (!settled) {
          settled = true;
          if (close.code === CLOSE_AUTH_FAILED) {
            // The token was refused before the hub accepted this socket: retrying with it cannot help.
            this.#ready = undefined;
            reject(new MessengerError("unauthenticated", close.reason || "the hub refused the session token"));
            return;
          }
          reject(new MessengerError("unavailable", `the message hub socket closed (${close.code}); reconnecting`));
        }
        if (this.#closed) return;
        // Reconnect with a fresh token (an expired one is the usual reason for a 4001 after ready).
        const delay = Math.min(this.#maxDelay, 250 * 2 ** this.#attempt++);
        this.#reconnectTimer = setTimeout(() => {
          this.#ready = this.#open();
          this.#ready.catch(() => {});
        }, delay);
      };
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    this.#socket?.close(1000, "closed by client");
    this.#listeners.clear();
  }
}
