// One-to-one WebRTC calls inside a conversation, signalled over the messenger's transport (the hub's WebSocket, or
// XMTP's call-signal content type). The caller rings and sends its offer at once; the callee's phone rings, and
// accepting answers the offer. Signals of one call are sent one after another (the hub relays each before the
// next), so a candidate never overtakes its offer. The caller leaves the call's trace in the chat when it is over:
// missed, declined, or ended with its length.
import { sameAddress, type CallLog, type CallSignal, type Messenger, type MessengerEvent } from "@mesi/messaging";
import type { Address } from "viem";

import { describeMessengerError, type MessengerProblem } from "../describeMessengerError";
import { flipCamera, openCallMedia, toggleMicrophone } from "./openCallMedia";
import { addLocalTracks, iceSignal } from "./peerConnection";

export type CallMedia = "audio" | "video";
/** `outgoing`: ringing the peer; `incoming`: my phone rings; `connecting`: answered, media not flowing yet. */
export type CallPhase = "outgoing" | "incoming" | "connecting" | "connected" | "ended";
/** Why a call ended, as the call screen says it. */
export type CallEnd =
  "hungUp" | "peerHungUp" | "declined" | "peerDeclined" | "busy" | "noAnswer" | "missed" | "dropped" | "failed";

type SignalEvent = Extract<MessengerEvent, { type: "signal" }>;

export interface CallControllerOptions {
  readonly messenger: Pick<Messenger, "me" | "sendSignal">;
  /** The chat's call signals (earlier ones first). */
  readonly listenSignals: (listener: (event: SignalEvent) => void) => () => void;
  /** Posts the call's trace into the conversation. */
  readonly sendLog: (conversationId: string, call: CallLog) => Promise<unknown>;
  readonly iceServers: readonly RTCIceServer[];
  /** True while a group call is on: a ring answers busy, and no call starts. */
  readonly busyElsewhere?: () => boolean;
  /** How long a call rings before it counts as missed. */
  readonly ringTimeoutMs?: number;
  /** How long a connection may stay `disconnected` before the call counts as dropped. */
  readonly dropAfterMs?: number;
}

export class Call {
  readonly id: string;
  readonly conversationId: string;
  readonly peer: Address;
  readonly media: CallMedia;
  readonly direction: "outgoing" | "incoming";
  phase = $state<CallPhase>("outgoing");
  /** Unix ms when media first flowed both ways. */
  connectedAt = $state<number | null>(null);
  endedAt = $state<number | null>(null);
  muted = $state(false);
  cameraOff = $state(false);
  /** The peer turned their camera off (they send no video meanwhile). */
  peerCameraOff = $state(false);
  local = $state.raw<MediaStream | null>(null);
  remote = $state.raw<MediaStream | null>(null);
  ended = $state<CallEnd | null>(null);
  problem = $state<MessengerProblem | null>(null);

  constructor(init: Pick<Call, "id" | "conversationId" | "peer" | "media" | "direction">) {
    this.id = init.id;
    this.conversationId = init.conversationId;
    this.peer = init.peer;
    this.media = init.media;
    this.direction = init.direction;
    this.phase = init.direction;
  }
}

const DEFAULT_RING_MS = 45_000;
const DEFAULT_DROP_MS = 5_000;

export class CallController {
  call = $state<Call | null>(null);

  readonly #options: CallControllerOptions;
  readonly #stopListening: () => void;
  #pc: RTCPeerConnection | null = null;
  #videoSender: RTCRtpSender | null = null;
  #offer: string | null = null;
  #pendingIce: RTCIceCandidateInit[] = [];
  #sending: Promise<unknown> = Promise.resolve();
  #ringTimer: ReturnType<typeof setTimeout> | undefined;
  #dropTimer: ReturnType<typeof setTimeout> | undefined;
  #accepting = false;
  readonly #onPageHide = () => this.hangUp();

  constructor(options: CallControllerOptions) {
    this.#options = options;
    this.#stopListening = options.listenSignals((event) => void this.#onSignal(event));
    addEventListener("pagehide", this.#onPageHide);
  }

  get busy(): boolean {
    return this.call !== null && this.call.phase !== "ended";
  }

  /** Rings `peer` in the conversation and sends the offer. */
  async start(conversationId: string, peer: Address, media: CallMedia): Promise<void> {
    if (this.busy || this.#options.busyElsewhere?.() === true) return;
    this.#reset();
    const call = new Call({ id: crypto.randomUUID(), conversationId, peer, media, direction: "outgoing" });
    this.call = call;
    if (!(await this.#openMedia(call))) return;
    try {
      // The ring goes first and alone: a refusal (blocked, not a member) stops the call before any media setup.
      await this.#signal(call, { kind: "ring", callId: call.id, media });
    } catch (error) {
      await this.#fail(call, error, false);
      return;
    }
    const pc = this.#connect(call);
    this.#tellCamera(call);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    this.#queue(call, { kind: "offer", callId: call.id, media, sdp: offer.sdp ?? "" });
    this.#ringTimer = setTimeout(() => {
      if (this.call === call && call.phase === "outgoing") this.#end(call, "noAnswer", { notify: true });
    }, this.#options.ringTimeoutMs ?? DEFAULT_RING_MS);
  }

  /** Answers the ringing call. */
  async accept(): Promise<void> {
    const call = this.call;
    if (call === null || call.phase !== "incoming" || this.#accepting) return;
    this.#accepting = true;
    call.phase = "connecting";
    if (!(await this.#openMedia(call))) return;
    const pc = this.#connect(call);
    if (this.#offer !== null) await this.#answer(call, pc, this.#offer);
    this.#tellCamera(call);
  }

  decline(): void {
    const call = this.call;
    if (call === null || call.phase !== "incoming") return;
    this.#queue(call, { kind: "decline", callId: call.id });
    this.#end(call, "declined");
  }

  hangUp(): void {
    const call = this.call;
    if (call === null || call.phase === "ended") return;
    if (call.phase === "incoming") return this.decline();
    this.#end(call, "hungUp", { notify: true });
  }

  toggleMute(): void {
    if (this.call !== null) toggleMicrophone(this.call);
  }

  /**
   * Camera off sends no video at all (the sender drops its track, so the peer gets no black frames) and tells the
   * peer, whose screen shows my picture instead; on again, the same track goes back out.
   */
  async toggleCamera(): Promise<void> {
    const call = this.call;
    if (call === null || call.phase === "ended") return;
    const sending = flipCamera(call);
    if (sending === undefined) return;
    await this.#videoSender?.replaceTrack(sending).catch(() => undefined);
    this.#tellCamera(call, true);
  }

  /** Closes the ended call's screen. */
  dismiss(): void {
    if (this.call?.phase === "ended") this.call = null;
  }

  destroy(): void {
    this.hangUp();
    this.#stopListening();
    removeEventListener("pagehide", this.#onPageHide);
  }

  // ── signals ──────────────────────────────────────────────────────────────────────────────────────

  async #onSignal({ conversationId, from, signal }: SignalEvent): Promise<void> {
    if (sameAddress(from, this.#options.messenger.me)) return;
    const call = this.call;
    const mine = call !== null && call.id === signal.callId && sameAddress(call.peer, from);
    if (!mine) {
      if (signal.kind !== "ring" && signal.kind !== "offer") return;
      if (this.busy || this.#options.busyElsewhere?.() === true) {
        // Someone else rings while I'm in a call.
        void this.#options.messenger.sendSignal(conversationId, { kind: "busy", callId: signal.callId }, from);
        return;
      }
      this.#reset();
      this.call = new Call({
        id: signal.callId,
        conversationId,
        peer: from,
        media: signal.media ?? "audio",
        direction: "incoming",
      });
      this.#ringTimer = setTimeout(() => {
        if (this.call?.id === signal.callId && this.call.phase === "incoming") this.#end(this.call, "missed");
      }, this.#options.ringTimeoutMs ?? DEFAULT_RING_MS);
    }
    const current = this.call!;
    if (current.phase === "ended") return;
    switch (signal.kind) {
      case "ring":
        return;
      case "offer":
        if (current.direction !== "incoming" || signal.sdp === undefined) return;
        this.#offer = signal.sdp;
        // Accepted before the offer arrived: answer now.
        if (this.#pc !== null && this.#pc.remoteDescription === null) await this.#answer(current, this.#pc, signal.sdp);
        return;
      case "answer":
        if (current.direction !== "outgoing" || this.#pc === null || signal.sdp === undefined) return;
        clearTimeout(this.#ringTimer);
        current.phase = "connecting";
        await this.#pc.setRemoteDescription({ type: "answer", sdp: signal.sdp });
        await this.#flushIce();
        return;
      case "ice":
        if (signal.candidate === undefined) return;
        if (this.#pc?.remoteDescription) await this.#pc.addIceCandidate(signal.candidate).catch(() => undefined);
        else this.#pendingIce.push(signal.candidate);
        return;
      case "camera":
        current.peerCameraOff = signal.cameraOff === true;
        return;
      case "decline":
        return this.#end(current, "peerDeclined");
      case "busy":
        return this.#end(current, "busy");
      case "hangup":
        return this.#end(current, current.phase === "incoming" ? "missed" : "peerHungUp");
    }
  }

  /** Sends a signal of `call` after the ones before it (each relayed before the next goes). */
  #signal(call: Call, signal: CallSignal): Promise<void> {
    const next = this.#sending.then(() => this.#options.messenger.sendSignal(call.conversationId, signal, call.peer));
    this.#sending = next.catch(() => undefined);
    return next;
  }

  /** Tells the peer my camera is off (a call without a camera starts so), or, when `always`, on again too. */
  #tellCamera(call: Call, always = false): void {
    if (call.media !== "video" || (!always && !call.cameraOff)) return;
    this.#queue(call, { kind: "camera", callId: call.id, cameraOff: call.cameraOff });
  }

  /** A signal whose refusal ends the call (e.g. the peer blocked me meanwhile). */
  #queue(call: Call, signal: CallSignal): void {
    this.#signal(call, signal).catch((error: unknown) => {
      if (this.call === call && call.phase !== "ended") void this.#fail(call, error, true);
    });
  }

  // ── media ────────────────────────────────────────────────────────────────────────────────────────

  async #openMedia(call: Call): Promise<boolean> {
    const opened = await openCallMedia(call.media);
    if (!opened.ok) {
      await this.#fail(call, opened.error, call.direction === "incoming");
      return false;
    }
    if (call.phase === "ended") {
      opened.stream.getTracks().forEach((track) => track.stop());
      return false;
    }
    call.local = opened.stream;
    call.cameraOff = opened.cameraOff;
    return true;
  }

  #connect(call: Call): RTCPeerConnection {
    const pc = new RTCPeerConnection({ iceServers: [...this.#options.iceServers] as RTCIceServer[] });
    this.#pc = pc;
    // Turned off while it rang: nothing goes out until it is on again.
    this.#videoSender = addLocalTracks(pc, call.local, call.cameraOff);
    pc.onicecandidate = (event) => {
      if (event.candidate !== null && call.phase !== "ended") this.#queue(call, iceSignal(call.id, event.candidate));
    };
    pc.ontrack = (event) => {
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      if (call.remote !== stream) call.remote = stream;
    };
    pc.onconnectionstatechange = () => {
      if (this.#pc !== pc || call.phase === "ended") return;
      const state = pc.connectionState;
      if (state === "connected") {
        clearTimeout(this.#dropTimer);
        call.phase = "connected";
        call.connectedAt ??= Date.now();
      } else if (state === "failed" || state === "closed") {
        this.#end(call, "dropped", { notify: true });
      } else if (state === "disconnected") {
        clearTimeout(this.#dropTimer);
        this.#dropTimer = setTimeout(() => {
          if (this.#pc === pc && pc.connectionState !== "connected") this.#end(call, "dropped", { notify: true });
        }, this.#options.dropAfterMs ?? DEFAULT_DROP_MS);
      }
    };
    return pc;
  }

  async #answer(call: Call, pc: RTCPeerConnection, offer: string): Promise<void> {
    await pc.setRemoteDescription({ type: "offer", sdp: offer });
    await this.#flushIce();
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.#queue(call, { kind: "answer", callId: call.id, sdp: answer.sdp ?? "" });
  }

  async #flushIce(): Promise<void> {
    const pc = this.#pc;
    if (pc === null) return;
    for (const candidate of this.#pendingIce.splice(0)) await pc.addIceCandidate(candidate).catch(() => undefined);
  }

  // ── the end ──────────────────────────────────────────────────────────────────────────────────────

  async #fail(call: Call, error: unknown, notify: boolean): Promise<void> {
    call.problem = await describeMessengerError(error);
    this.#end(call, "failed", { notify });
  }

  #end(call: Call, reason: CallEnd, options: { notify?: boolean } = {}): void {
    if (call.phase === "ended") return;
    const answered = call.connectedAt !== null;
    call.phase = "ended";
    call.ended = reason;
    call.endedAt = Date.now();
    if (options.notify === true) {
      this.#options.messenger
        .sendSignal(call.conversationId, { kind: "hangup", callId: call.id }, call.peer)
        .catch(() => undefined);
    }
    clearTimeout(this.#ringTimer);
    clearTimeout(this.#dropTimer);
    this.#pc?.close();
    this.#pc = null;
    this.#videoSender = null;
    call.local?.getTracks().forEach((track) => track.stop());
    // The caller writes the call into the chat (a refused call leaves nothing: it never rang).
    if (call.direction === "outgoing" && reason !== "failed") {
      const log: CallLog = answered
        ? {
            callId: call.id,
            media: call.media,
            outcome: "ended",
            seconds: Math.round((call.endedAt - call.connectedAt!) / 1000),
          }
        : { callId: call.id, media: call.media, outcome: reason === "peerDeclined" ? "declined" : "missed" };
      void this.#options.sendLog(call.conversationId, log).catch(() => undefined);
    }
  }

  #reset(): void {
    this.#offer = null;
    this.#pendingIce = [];
    this.#accepting = false;
    this.#sending = Promise.resolve();
  }
}
