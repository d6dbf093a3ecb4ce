// My microphone, and my camera on a video call. Without a camera (none, or refused) a video call goes on with
// sound only, its camera counted as off.
import type { CallMedia } from "./callController.svelte";

export type OpenedCallMedia =
  | { readonly ok: true; readonly stream: MediaStream; readonly cameraOff: boolean }
  | { readonly ok: false; readonly error: unknown };

export async function openCallMedia(media: CallMedia): Promise<OpenedCallMedia> {
  const open = async (video: boolean) => navigator.mediaDevices.getUserMedia({ audio: true, video });
  try {
    return { ok: true, stream: await open(media === "video"), cameraOff: false };
  } catch (error) {
    if (media !== "video") return { ok: false, error };
    try {
      return { ok: true, stream: await open(false), cameraOff: true };
    } catch {
      return { ok: false, error };
    }
  }
}

/** Mutes or unmutes my microphone (a muted track sends silence). */
export function toggleMicrophone(call: { muted: boolean; readonly local: MediaStream | null }): void {
  if (call.local === null) return;
  call.muted = !call.muted;
  for (const track of call.local.getAudioTracks()) track.enabled = !call.muted;
}

/**
 * Turns my camera off or on again; returns what my video senders should send now (null: nothing at all, so the
 * peers get no black frames), or undefined when I have no camera.
 */
export function flipCamera(call: { cameraOff: boolean; readonly local: MediaStream | null }) {
  const track = call.local?.getVideoTracks()[0];
  if (track === undefined) return undefined;
  call.cameraOff = !call.cameraOff;
  track.enabled = !call.cameraOff;
  return call.cameraOff ? null : track;
}
