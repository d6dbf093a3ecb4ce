// The stream page's "N watching": the media server pushes its count (server-sent events) whenever a viewer joins or
// leaves and when the broadcast starts or ends, so the number moves as people do, not on a timer.

export interface ViewerCount {
  /** Viewers now (WebRTC and HLS); null while nobody broadcasts. */
  readonly viewers: number | null;
  /** When the broadcast started (ms since the epoch), or null. */
  readonly since: number | null;
}

/** Parses one `viewers` event's data; anything else is "nobody broadcasting". */
export function parseViewerCount(data: string): ViewerCount {
  try {
    const parsed = JSON.parse(data) as { viewers?: unknown; since?: unknown };
    const since = typeof parsed.since === "number" ? parsed.since : null;
    const viewers = typeof parsed.viewers === "number" && since !== null ? parsed.viewers : null;
    return { viewers, since };
  } catch {
    return { viewers: null, since: null };
  }
}

/** Follows `streamId`'s viewer count on the media server; returns the function that stops. */
export function watchViewerCount(
  mediaUrl: string,
  streamId: string,
  onCount: (count: ViewerCount) => void,
): () => void {
  // EventSource reconnects by itself (the count needs no key), and a reconnect sends the current count first.
  const source = new EventSource(`${mediaUrl}/streams/${streamId}/viewers`);
  source.addEventListener("viewers", (event) => onCount(parseViewerCount((event as MessageEvent).data)));
  return () => source.close();
}
