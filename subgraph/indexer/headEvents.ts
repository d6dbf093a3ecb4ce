// Indexed-block notifications for browsers: a page that shows live data (a creator's tips, a stream's alerts)
// listens here and queries once per indexed block, instead of polling the GraphQL endpoint on a timer. Served as
// server-sent events at `<GRAPHQL_PATH>/blocks`; each event is the number of the block the index now includes.
// graph-node has no such stream: the webapp falls back to polling when it isn't configured.
import type { FastifyInstance, FastifyReply } from "fastify";

export const BLOCKS_PATH_SUFFIX = "/blocks";

export interface HeadEventsOptions {
  /** Most open streams at once; a further one is refused with 503. Default 10,000. */
  readonly maxSubscribers?: number;
  /** A comment line this often keeps proxies from closing an idle stream. Default 15 s. */
  readonly heartbeatMs?: number;
}

export class HeadEvents {
  readonly #subscribers = new Set<FastifyReply>();
  readonly #maxSubscribers: number;
  readonly #heartbeat: NodeJS.Timeout;
  #latest: bigint | null = null;

  constructor(options: HeadEventsOptions = {}) {
    this.#maxSubscribers = options.maxSubscribers ?? 10_000;
    this.#heartbeat = setInterval(() => this.#broadcast(": keep-alive\n\n"), options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }

  /** Tells every listener the index now includes `block` (only when it moved forward). */
  publish(block: bigint): void {
    if (this.#latest !== null && block <= this.#latest) return;
    this.#latest = block;
    this.#broadcast(event(block));
  }

  /** Adds the SSE route under `graphqlPath`. */
  register(app: FastifyInstance, graphqlPath: string): void {
    app.get(`${graphqlPath}${BLOCKS_PATH_SUFFIX}`, (request, reply) => {
      if (this.#subscribers.size >= this.#maxSubscribers) {
        return reply
          .code(503)
          .send({ error: "too_many_listeners", message: "Too many open block streams; poll instead." });
      }
      // The CORS plugin has set its headers on `reply`; copy them to the raw stream this route takes over.
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) reply.raw.setHeader(name, value as string);
      }
      reply.hijack();
      reply.raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      reply.raw.write("retry: 2000\n\n");
      if (this.#latest !== null) reply.raw.write(event(this.#latest));
      this.#subscribers.add(reply);
      request.raw.on("close", () => this.#subscribers.delete(reply));
    });
  }

  /** Ends every open stream (on shutdown). */
  close(): void {
    clearInterval(this.#heartbeat);
    for (const reply of this.#subscribers) reply.raw.end();
    this.#subscribers.clear();
  }

  #broadcast(text: string): void {
    for (const reply of this.#subscribers) reply.raw.write(text);
  }
}

const event = (block: bigint): string => `event: block\ndata: {"number":"${block}"}\n\n`;
