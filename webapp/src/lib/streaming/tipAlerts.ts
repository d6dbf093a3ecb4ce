// On-screen tip alerts: tips given on this stream (channel STREAM, reference = the stream id), read from the index
// every second while the page is visible. Each tip is announced once; tips from before the page opened are not.
import { pad, toHex } from "viem";

import { graphRequest } from "$lib/graph/client";

import { StreamTipsQuery, type StreamTipRow } from "./queries";

/** The bytes32 channel reference of a stream's tips. */
export const streamChannelRef = (streamId: string): `0x${string}` => pad(toHex(BigInt(streamId)), { size: 32 });

export function watchStreamTips(options: {
  readonly indexerUrl: string;
  readonly creator: string;
  readonly streamId: string;
  /** Unix seconds: tips from this second on are announced. */
  readonly since: number;
  readonly onTip: (tip: StreamTipRow) => void;
  readonly intervalMs?: number;
}): () => void {
  const seen = new Set<string>();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async (): Promise<void> => {
    if (document.visibilityState === "visible") {
      try {
        const { tips } = await graphRequest(options.indexerUrl, StreamTipsQuery, {
          creator: options.creator.toLowerCase(),
          ref: streamChannelRef(options.streamId),
          since: String(options.since),
        });
        for (const tip of [...tips].reverse()) {
          if (seen.has(tip.id)) continue;
          seen.add(tip.id);
          if (!stopped) options.onTip(tip);
        }
      } catch {
        // the index is briefly unreachable: try again next tick
      }
    }
    if (!stopped) timer = setTimeout(poll, options.intervalMs ?? 1_000);
  };
  void poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
