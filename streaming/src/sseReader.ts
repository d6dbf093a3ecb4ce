// Reads a server-sent-events body (fetch's `response.body`) block by block: the gate's feed from the message hub and
// the tests' SSE clients share it.

/** One block of the stream; a comment-only block (a heartbeat) has no event and empty data. */
export interface SseBlock {
  readonly event: string | undefined;
  /** The block's `data:` lines joined with newlines. */
  readonly data: string;
}

/** Yields every block as it completes; ends when the body ends, throws when it fails or is aborted. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseBlock> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const lines = buffer.slice(0, end).split("\n");
      buffer = buffer.slice(end + 2);
      const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6));
      yield {
        event: lines.find((line) => line.startsWith("event: "))?.slice(7),
        data: data.join("\n"),
      };
    }
  }
}
