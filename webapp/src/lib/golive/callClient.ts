// One side of a one-to-one call in the browser: joins the gate's signaling for the session (server-sent events
// over fetch, so a refusal's reason can be read), opens the camera and microphone, and connects straight to the
// other side with WebRTC. The creator offers whenever the fan is present; the fan answers. ICE is gathered fully
// before an offer or answer is sent (no trickle): on loopback it takes milliseconds.
export type CallRole = "creator" | "fan";

export type CallEvent =
  | { readonly kind: "joined"; readonly role: CallRole; readonly endsAt: number; readonly chainOffsetMs: number }
  | { readonly kind: "peer"; readonly present: boolean }
  | { readonly kind: "connection"; readonly state: RTCPeerConnectionState }
  | { readonly kind: "remote"; readonly stream: MediaStream }
  | { readonly kind: "ended" }
  | { readonly kind: "refused"; readonly reason: string; readonly message: string };

export interface CallOptions {
  readonly gateUrl: string;
  readonly sessionId: string;
  readonly key: string;
  readonly local: MediaStream;
  readonly onEvent: (event: CallEvent) => void;
}

export interface CallHandle {
  readonly pc: () => RTCPeerConnection | null;
  leave(): void;
}

export function joinCall(options: CallOptions): CallHandle {
  const controller = new AbortController();
  let pc: RTCPeerConnection | null = null;
  let role: CallRole | null = null;
  let connection = "";
  let iceServers: RTCIceServer[] = [];
  let ended = false;

  const signal = (body: { type: "offer" | "answer" | "bye"; sdp?: string }) =>
    fetch(`${options.gateUrl}/calls/${options.sessionId}/signal`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ connection, signal: body }),
    }).catch(() => undefined);

  const gathered = (peer: RTCPeerConnection) =>
    new Promise<void>((resolve) => {
      if (peer.iceGatheringState === "complete") return resolve();
      const timer = setTimeout(resolve, 3000);
      peer.addEventListener("icegatheringstatechange", () => {
        if (peer.iceGatheringState === "complete") (clearTimeout(timer), resolve());
      });
    });

  const freshPeer = (): RTCPeerConnection => {
    pc?.close();
    const peer = new RTCPeerConnection({ iceServers });
    for (const track of options.local.getTracks()) peer.addTrack(track, options.local);
    peer.ontrack = (event) => {
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      options.onEvent({ kind: "remote", stream });
    };
    peer.onconnectionstatechange = () => options.onEvent({ kind: "connection", state: peer.connectionState });
    pc = peer;
    return peer;
  };

  const offer = async () => {
    const peer = freshPeer();
    await peer.setLocalDescription(await peer.createOffer());
    await gathered(peer);
    await signal({ type: "offer", sdp: peer.localDescription!.sdp });
  };

  const answer = async (sdp: string) => {
    const peer = freshPeer();
    await peer.setRemoteDescription({ type: "offer", sdp });
    await peer.setLocalDescription(await peer.createAnswer());
    await gathered(peer);
    await signal({ type: "answer", sdp: peer.localDescription!.sdp });
  };

  const end = () => {
    if (ended) return;
    ended = true;
    pc?.close();
    pc = null;
    options.onEvent({ kind: "ended" });
  };

  const handle = async (event: string, data: Record<string, unknown>) => {
    switch (event) {
      case "joined": {
        role = data.role as CallRole;
        connection = String(data.connection);
        iceServers = (data.iceServers as RTCIceServer[]) ?? [];
        options.onEvent({
          kind: "joined",
          role,
          endsAt: Number(data.endsAt),
          chainOffsetMs: Number(data.now) * 1000 - Date.now(),
        });
        if (data.peerPresent === true && role === "creator") await offer();
        return;
      }
      case "peer":
        options.onEvent({ kind: "peer", present: data.present === true });
        if (data.present === true && role === "creator") await offer();
        if (data.present !== true) {
          pc?.close();
          pc = null;
        }
        return;
      case "signal":
        if (data.type === "offer" && role === "fan") await answer(String(data.sdp));
        if (data.type === "answer" && role === "creator" && pc !== null)
          await pc.setRemoteDescription({ type: "answer", sdp: String(data.sdp) });
        return;
      case "ended":
        end();
        return;
    }
  };

  void (async () => {
    let response: Response;
    try {
      response = await fetch(
        `${options.gateUrl}/calls/${options.sessionId}/events?key=${encodeURIComponent(options.key)}`,
        { signal: controller.signal, headers: { accept: "text/event-stream" } },
      );
    } catch {
      if (!controller.signal.aborted) options.onEvent({ kind: "refused", reason: "unreachable", message: "" });
      return;
    }
    if (!response.ok || response.body === null) {
      const body = (await response.json().catch(() => ({}))) as { reason?: string; error?: string };
      options.onEvent({ kind: "refused", reason: body.reason ?? "unknown", message: body.error ?? "" });
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (data !== "") await handle(event, JSON.parse(data) as Record<string, unknown>);
        }
      }
    } catch {
      // aborted or the connection dropped
    }
    if (!controller.signal.aborted) end();
  })();

  return {
    pc: () => pc,
    leave() {
      if (connection !== "") void signal({ type: "bye" });
      controller.abort();
      pc?.close();
      pc = null;
    },
  };
}
