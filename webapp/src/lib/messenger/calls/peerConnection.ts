// What one-to-one and group calls do alike with a peer connection.
import type { CallSignal } from "@mesi/messaging";

/** Adds my tracks to `pc`; returns the video sender, which sends nothing while my camera is off. */
export function addLocalTracks(pc: RTCPeerConnection, local: MediaStream | null, cameraOff: boolean) {
  let videoSender: RTCRtpSender | null = null;
  for (const track of local?.getTracks() ?? []) {
    const sender = pc.addTrack(track, local!);
    if (track.kind !== "video") continue;
    videoSender = sender;
    if (cameraOff) void sender.replaceTrack(null).catch(() => undefined);
  }
  return videoSender;
}

/** A local ICE candidate as the signal that carries it. */
export function iceSignal(callId: string, candidate: RTCIceCandidate): CallSignal {
  const { candidate: line, sdpMid, sdpMLineIndex } = candidate.toJSON();
  return {
    kind: "ice",
    callId,
    candidate: { candidate: line ?? "", sdpMid: sdpMid ?? null, sdpMLineIndex: sdpMLineIndex ?? null },
  };
}
