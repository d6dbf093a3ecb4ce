// The viewer's player: @livepeer/react's Player (WebRTC/WHEP first, HLS when the source list has one), unstyled
// primitives laid out Twitch-style — video, loading/offline/error states, and a control bar with play/pause, LIVE,
// mute, volume and fullscreen. The access key travels as `Livepeer-Access-Key`; passing a new one re-keys the
// player's next negotiation.
import "./player.css";

import * as Player from "@livepeer/react/player";
import { getSrc } from "@livepeer/react/external";
import { createElement as h, useMemo } from "react";

export interface PlayerProps {
  /** The WebRTC playback URL (`<media>/webrtc/<playbackId>`), absolute. */
  readonly webrtcUrl: string;
  /** An HLS URL (`….m3u8`) to fall back to, when the media server offers one. */
  readonly hlsUrl?: string | null;
  readonly accessKey: string | null;
  readonly title: string;
  /** Localized labels. */
  readonly labels: { readonly live: string; readonly offline: string; readonly error: string };
  /** ICE servers (none on loopback; Livepeer's defaults when undefined). */
  readonly iceServers?: RTCIceServer[];
  readonly onError?: (error: { type: string; message: string } | null) => void;
}

/** A data-testid for the browser tests (the primitives' prop types don't list data-* attributes). */
const testId = (id: string) => ({ "data-testid": id }) as unknown as Record<string, never>;

const icon = (d: string) =>
  h(
    "svg",
    { viewBox: "0 0 24 24", width: 22, height: 22, "aria-hidden": true },
    h("path", { d, fill: "currentColor" }),
  );
const PLAY = "M8 5v14l11-7z";
const PAUSE = "M6 5h4v14H6zm8 0h4v14h-4z";
const MUTED =
  "M5 9v6h4l5 5V4L9 9H5zm11.6 3 2.4-2.4-1.1-1.1-2.4 2.4-2.4-2.4L12 9.6l2.4 2.4-2.4 2.4 1.1 1.1 2.4-2.4 2.4 2.4 1.1-1.1z";
const SOUND = "M5 9v6h4l5 5V4L9 9H5zm11.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z";
const FULL = "M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z";

export function MesiPlayer(props: PlayerProps) {
  const src = useMemo(
    () => getSrc([props.webrtcUrl, ...(props.hlsUrl ? [props.hlsUrl] : [])]),
    [props.webrtcUrl, props.hlsUrl],
  );
  return h(
    Player.Root,
    {
      src,
      accessKey: props.accessKey,
      autoPlay: true,
      volume: 0,
      aspectRatio: 16 / 9,
      lowLatency: true,
      iceServers: props.iceServers,
      hotkeys: true,
      storage: null,
      onError: (error) => props.onError?.(error === null ? null : { type: error.type, message: error.message }),
    },
    h(
      Player.Container,
      { className: "lp-container" },
      h(Player.Video, { className: "lp-video", title: props.title, ...testId("player-video"), muted: true }),
      h(
        Player.LoadingIndicator,
        { className: "lp-state" },
        h("span", { className: "lp-spinner", "aria-hidden": true }),
      ),
      h(
        Player.ErrorIndicator,
        { matcher: "offline", className: "lp-state lp-message", ...testId("player-offline") },
        props.labels.offline,
      ),
      h(Player.ErrorIndicator, { matcher: "all", className: "lp-state lp-message lp-error" }, props.labels.error),
      // Controls is a click-to-pause layer over the whole picture (Livepeer pins it to inset 0); the buttons sit in
      // a bar along its bottom edge, like Twitch's, whose clicks stay in the bar.
      h(
        Player.Controls,
        { className: "lp-controls", autoHide: 2500 },
        h(
          "div",
          {
            className: "lp-bar",
            ...testId("player-controls"),
            onClick: (event: { stopPropagation(): void }) => event.stopPropagation(),
          },
          h(
            Player.PlayPauseTrigger,
            { className: "lp-button", "aria-label": "Play or pause" },
            h(Player.PlayingIndicator, { asChild: true, matcher: false }, icon(PLAY)),
            h(Player.PlayingIndicator, { asChild: true }, icon(PAUSE)),
          ),
          h(Player.LiveIndicator, { className: "lp-live" }, props.labels.live),
          h(
            Player.MuteTrigger,
            { className: "lp-button", "aria-label": "Mute or unmute" },
            h(Player.VolumeIndicator, { asChild: true, matcher: false }, icon(MUTED)),
            h(Player.VolumeIndicator, { asChild: true, matcher: true }, icon(SOUND)),
          ),
          h(
            Player.Volume,
            { className: "lp-volume", "aria-label": "Volume" },
            h(Player.Track, { className: "lp-track" }, h(Player.Range, { className: "lp-range" })),
            h(Player.Thumb, { className: "lp-thumb" }),
          ),
          h("span", { className: "lp-spacer" }),
          h(Player.FullscreenTrigger, { className: "lp-button", "aria-label": "Fullscreen" }, icon(FULL)),
        ),
      ),
    ),
  );
}
