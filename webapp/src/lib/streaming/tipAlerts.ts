// On-screen tip alerts: tips given on this stream (channel STREAM, reference = the stream id), read from the index
// on each newly indexed block (or every second) while the page is visible. Each tip is announced once; tips from
// before the page opened are not.
import { pad, toHex } from "viem";

import type { PublicConfig } from "$lib/config/types";
import { graphRequest } from "$lib/graph/client";
import { followIndex } from "$lib/graph/indexedBlocks";

import { StreamTipsQuery, type StreamTipRow } from "./queries";

/** The bytes32 channel reference of a stream's tips. */
export const streamChannelRef = (streamId: string): `0x${string}` => pad(toHex(BigInt(streamId)), { size: 32 });

export function watchStreamTips(options: {
  readonly config: Pick<PublicConfig, "indexerUrl" | "indexerBlocksUrl">;
  readonly creator: string;
  readonly streamId: string;
  /** Unix seconds: tips from this second on are announced. */
  readonly since: number;
  readonly onTip: (tip: StreamTipRow) => void;
}): () => void {
  const seen = new Set<string>();
  // Each newly indexed block (the embedded indexer streams them; a 1 s poll otherwise) may hold a new tip; a read
  // that fails (the index briefly unreachable) is tried again on the next one.
  return followIndex(options.config, async (stopped) => {
    const { tips } = await graphRequest(options.config.indexerUrl, StreamTipsQuery, {
      creator: options.creator.toLowerCase(),
      ref: streamChannelRef(options.streamId),
      since: String(options.since),
    });
    for (const tip of [...tips].reverse()) {
      if (seen.has(tip.id)) continue;
      seen.add(tip.id);
      if (!stopped()) options.onTip(tip);
    }
  });
}
