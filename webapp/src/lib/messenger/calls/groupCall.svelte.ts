// Small-group calls in a group chat: a full mesh of at most MAX_CALL_PARTICIPANTS, every participant connected
// peer-to-peer to every other. `join` starts the group's call or joins the one going on; the hub relays it to every
// member with who is in (my own echo tells me the call's id and that I'm in). Whoever was in before offers to each
// newcomer, so two people never offer to each other at once; a `leave` (or the hub noticing someone gone) closes
// that one connection and the others stay.
import {
  MAX_CALL_PARTICIPANTS,
  sameAddress,
  type CallSignal,
  type Messenger,
  type MessengerEvent,
} from "@mesi/messaging";
import type { Address } from "viem";

import { describeMessengerError, type MessengerProblem } from "../describeMessengerError";
import type { CallMedia } from "./callController.svelte";
import { flipCamera, openCallMedia, toggleMicrophone } from "./openCallMedia";
import { addLocalTracks, iceSignal } from "./peerConnection";

type SignalEvent = Extract<MessengerEvent, { type: "signal" }>;

export { MAX_CALL_PARTICIPANTS };

/** Someone else in my group call, as my screen shows them. */
export class GroupCallPeer {
  readonly address: Address;
  remote = $state.raw<MediaStream | null>(null);
  connected = $state(false);
  cameraOff = $state(false);

  constructor(address: Address) {
    this.address = address;
  }
}

/** A call going on in one of my groups (from the joins and leaves the hub relays). */
export interface GroupCallGoingOn {
  readonly callId: string;
  readonly media: CallMedia;
  readonly participants: readonly Address[];
}

export class GroupCall {
  readonly conversationId: string;
  readonly media: CallMedia;
  /** The id I asked for, until my echo from the hub tells the id of the call going on. */
  callId: string;
  /** `joined` once the hub counted me in. */
  phase = $state<"joining" | "joined" | "ended">("joining");
  peers = $state.raw<GroupCallPeer[]>([]);
  muted = $state(false);
  cameraOff = $state(false);
  local = $state.raw<MediaStream | null>(null);
  problem = $state<MessengerProblem | null>(null);

  constructor(conversationId: string, callId: string, media: CallMedia) {
    this.conversationId = conversationId;
    this.callId = callId;
    this.media = media;
  }
}

export interface GroupCallControllerOptions {
  readonly messenger: Pick<Messenger, "me" | "sendSignal">;
  readonly iceServers: readonly RTCIceServer[];
  /** True while a one-to-one call is on (a group call waits until it ends). */
  readonly busyElsewhere: () => boolean;
}

interface Link {
  readonly pc: RTCPeerConnection;
  readonly peer: GroupCallPeer;
  readonly pendingIce: RTCIceCandidateInit[];
  readonly videoSender: RTCRtpSender | null;
}

export class GroupCallController {
  call = $state<GroupCall | null>(null);
  /** Calls going on in my groups, by conversation id. */
  goingOn = $state.raw<Readonly<Record<string, GroupCallGoingOn>>>({});
  /** A call someone just started in one of my groups: it rings until I join or dismiss it. */
  ringing = $state.raw<{ readonly conversationId: string; readonly from: Address; readonly media: CallMedia } | null>(
    null,
  );

  readonly #options: GroupCallControllerOptions;
  readonly #links = new Map<string, Link>();
  #sending: Promise<unknown> = Promise.resolve();
  readonly #onPageHide = () => this.leave();

  constructor(options: GroupCallControllerOptions) {
    this.#options = options;
    addEventListener("pagehide", this.#onPageHide);
  }

  get busy(): boolean {
    return this.call !== null && this.call.phase !== "ended";
  }

  /** Starts the group's call, or joins the one going on. */
  async join(conversationId: string, media: CallMedia): Promise<void> {
    if (this.busy || this.#options.busyElsewhere()) return;
    if (this.ringing?.conversationId === conversationId) this.ringing = null;
    const going = this.goingOn[conversationId];
    const call = new GroupCall(conversationId, going?.callId ?? crypto.randomUUID(), going?.media ?? media);
    this.call = call;
    const opened = await openCallMedia(call.media);
    if (!opened.ok) {
      call.problem = await describeMessengerError(opened.error);
      return this.#end(call, false);
    }
    if (call.phase === "ended") {
      // Left while the camera was opening.
      opened.stream.getTracks().forEach((track) => track.stop());
      return;
    }
    call.local = opened.stream;
    call.cameraOff = opened.cameraOff;
    try {
      await this.#send(call, { kind: "join", callId: call.callId, media: call.media });
    } catch (error) {
      // Full, removed from the group meanwhile, the hub gone: the screen says why.
      call.problem = await describeMessengerError(error);
      this.#end(call, false);
    }
  }

  leave(): void {
    const call = this.call;
    if (call === null || call.phase === "ended") return;
    this.#end(call, true);
    this.call = null;
  }

  /** Closes the screen of a call that could not be joined. */
  dismiss(): void {
    if (this.call?.phase === "ended") this.call = null;
  }

  dismissRing(): void {
    this.ringing = null;
  }

  toggleMute(): void {
    if (this.call !== null) toggleMicrophone(this.call);
  }

  /** Camera off sends no video to anyone (each sender drops its track) and tells each peer; on again resumes. */
  async toggleCamera(): Promise<void> {
    const call = this.call;
    if (call === null || call.phase === "ended") return;
    const sending = flipCamera(call);
    if (sending === undefined) return;
    await Promise.all(
      [...this.#links.values()].map((link) => link.videoSender?.replaceTrack(sending).catch(() => undefined)),
    );
    for (const link of this.#links.values()) this.#tellCamera(call, link.peer.address);
  }

  destroy(): void {
    this.leave();
    removeEventListener("pagehide", this.#onPageHide);
  }

  /** A call signal of one of my groups. */
  handle(event: SignalEvent): void {
    void this.#onSignal(event).catch(() => undefined);
  }

  async #onSignal({ conversationId, from, signal }: SignalEvent): Promise<void> {
    const fromMe = sameAddress(from, this.#options.messenger.me);
    const call = this.call;
    const inThisCall = call !== null && call.conversationId === conversationId && call.phase !== "ended";
    if (signal.kind === "join" || signal.kind === "leave") {
      this.#noteGoingOn(conversationId, from, signal, fromMe);
      if (!inThisCall) return;
      if (fromMe) {
        // My echo: the hub counted me in, under the id of the call going on.
        if (signal.kind === "join" && call.phase === "joining") {
          call.callId = signal.callId;
          call.phase = "joined";
        }
        return;
      }
      if (signal.callId !== call.callId) return;
      if (signal.kind === "leave") return this.#drop(from);
      // A newcomer after me: I offer (someone who joined before my echo offers to me instead).
      if (call.phase === "joined") await this.#offerTo(call, from);
      return;
    }
    if (fromMe || !inThisCall || signal.callId !== call.callId) return;
    const key = from.toLowerCase();
    switch (signal.kind) {
      case "offer": {
        if (signal.sdp === undefined) return;
        const link = this.#links.get(key) ?? this.#link(call, from);
        await link.pc.setRemoteDescription({ type: "offer", sdp: signal.sdp });
        await this.#flushIce(link);
        const answer = await link.pc.createAnswer();
        await link.pc.setLocalDescription(answer);
        this.#queue(call, { kind: "answer", callId: call.callId, sdp: answer.sdp ?? "" }, from);
        this.#tellCamera(call, from, false);
        return;
      }
      case "answer": {
        const link = this.#links.get(key);
        if (link === undefined || signal.sdp === undefined) return;
        await link.pc.setRemoteDescription({ type: "answer", sdp: signal.sdp });
        await this.#flushIce(link);
        return;
      }
      case "ice": {
        const link = this.#links.get(key);
        if (link === undefined || signal.candidate === undefined) return;
        if (link.pc.remoteDescription) await link.pc.addIceCandidate(signal.candidate).catch(() => undefined);
        else link.pendingIce.push(signal.candidate);
        return;
      }
      case "camera": {
        const link = this.#links.get(key);
        if (link !== undefined) link.peer.cameraOff = signal.cameraOff === true;
        return;
      }
      case "hangup":
        return this.#drop(from);
      default:
        return;
    }
  }

  #noteGoingOn(conversationId: string, from: Address, signal: CallSignal, fromMe: boolean): void {
    const participants = signal.participants ?? [];
    const { [conversationId]: before, ...others } = this.goingOn;
    this.goingOn =
      participants.length === 0
        ? others
        : {
            ...others,
            [conversationId]: { callId: signal.callId, media: signal.media ?? before?.media ?? "audio", participants },
          };
    if (participants.length === 0 && this.ringing?.conversationId === conversationId) this.ringing = null;
    // Someone started a call in one of my groups: it rings (unless I'm on a call).
    const started = signal.kind === "join" && participants.length === 1 && !fromMe;
    if (started && !this.busy && !this.#options.busyElsewhere()) {
      this.ringing = { conversationId, from, media: signal.media ?? "audio" };
    }
  }

  // ── connections ──────────────────────────────────────────────────────────────────────────────────

  #link(call: GroupCall, address: Address): Link {
    const pc = new RTCPeerConnection({ iceServers: [...this.#options.iceServers] as RTCIceServer[] });
    const peer = new GroupCallPeer(address);
    const link: Link = { pc, peer, pendingIce: [], videoSender: addLocalTracks(pc, call.local, call.cameraOff) };
    this.#links.set(address.toLowerCase(), link);
    call.peers = [...call.peers, peer];
    pc.onicecandidate = (event) => {
      if (event.candidate !== null && call.phase !== "ended") {
        this.#queue(call, iceSignal(call.callId, event.candidate), address);
      }
    };
    pc.ontrack = (event) => {
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      if (peer.remote !== stream) peer.remote = stream;
    };
    pc.onconnectionstatechange = () => {
      if (this.#links.get(address.toLowerCase()) !== link) return;
      peer.connected = pc.connectionState === "connected";
      if (pc.connectionState === "failed") this.#drop(address);
    };
    return link;
  }

  async #offerTo(call: GroupCall, address: Address): Promise<void> {
    this.#drop(address);
    const link = this.#link(call, address);
    const offer = await link.pc.createOffer();
    await link.pc.setLocalDescription(offer);
    this.#queue(call, { kind: "offer", callId: call.callId, media: call.media, sdp: offer.sdp ?? "" }, address);
    this.#tellCamera(call, address, false);
  }

  async #flushIce(link: Link): Promise<void> {
    for (const candidate of link.pendingIce.splice(0)) await link.pc.addIceCandidate(candidate).catch(() => undefined);
  }

  /** Closes the connection to `address` (they left); the rest of the call goes on. */
  #drop(address: Address): void {
    const key = address.toLowerCase();
    const link = this.#links.get(key);
    if (link === undefined) return;
    this.#links.delete(key);
    link.pc.close();
    if (this.call !== null) this.call.peers = this.call.peers.filter((p) => p !== link.peer);
  }

  // ── signals ──────────────────────────────────────────────────────────────────────────────────────

  /** Tells `to` whether my camera is off (when `always` is false, only when it is). */
  #tellCamera(call: GroupCall, to: Address, always = true): void {
    if (call.media !== "video" || (!always && !call.cameraOff)) return;
    this.#queue(call, { kind: "camera", callId: call.callId, cameraOff: call.cameraOff }, to);
  }

  /** Sends after the signals before it (each relayed before the next), so a candidate never overtakes its offer. */
  #send(call: GroupCall, signal: CallSignal, to?: Address): Promise<void> {
    const next = this.#sending.then(() => this.#options.messenger.sendSignal(call.conversationId, signal, to));
    this.#sending = next.catch(() => undefined);
    return next;
  }

  /** A signal to one peer; a refusal (they left meanwhile) drops only that peer. */
  #queue(call: GroupCall, signal: CallSignal, to: Address): void {
    this.#send(call, signal, to).catch(() => {
      if (this.call === call) this.#drop(to);
    });
  }

  #end(call: GroupCall, sendLeave: boolean): void {
    if (call.phase === "ended") return;
    call.phase = "ended";
    if (sendLeave) {
      this.#options.messenger
        .sendSignal(call.conversationId, { kind: "leave", callId: call.callId })
        .catch(() => undefined);
    }
    for (const link of this.#links.values()) link.pc.close();
    this.#links.clear();
    call.peers = [];
    call.local?.getTracks().forEach((track) => track.stop());
    this.#sending = Promise.resolve();
  }
}
