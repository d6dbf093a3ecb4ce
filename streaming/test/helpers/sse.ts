// A minimal server-sent-events client over fetch, for tests.
import { readSse } from "../../src/sseReader.ts";

export interface SseEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
  readonly at: number;
}

export interface SseClient {
  readonly events: SseEvent[];
  /** Resolves with the first event (already received or coming) that matches, or rejects after `timeoutMs`. */
  next(match: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export async function openSse(url: string): Promise<SseClient> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal, headers: { accept: "text/event-stream" } });
  if (!response.ok || response.body === null)
    throw new Error(`SSE ${url}: HTTP ${response.status} ${await response.text()}`);
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  void (async () => {
    try {
      for await (const block of readSse(response.body!)) {
        if (block.data === "") continue;
        events.push({ event: block.event ?? "message", data: JSON.parse(block.data), at: performance.now() });
        for (const wake of waiters) wake();
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    next: (match, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found === undefined) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no matching SSE event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => `${e.event}:${e.data.reason}`))}`,
            ),
          );
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
    close: () => controller.abort(),
  };
}
