// The HTTP adapter for any endpoint that speaks The Graph's query dialect: a graph-node
// (`…/subgraphs/name/<name>`), The Graph's gateway (`…/api/<key>/subgraphs/id/<id>`) or the embedded indexer.
// Reads that must add up (an export, a verification) see ONE block: the head is read once from `_meta`, every
// later query is pinned to it with `block: { number }` and asks `_meta(block:)` for that block's hash again, so
// a reorg under a long read fails it instead of mixing two chains. Collections come in pages of `first ≤ 1000`
// resumed with `id_gt` cursors — never `skip`, which The Graph caps at 5000 and which rescans on every page.

/** The endpoint could not answer, or answered errors. */
export class GraphEndpointError extends Error {
  override readonly name = "GraphEndpointError";
  /** Asking again may succeed (network, timeout, 5xx); a refused query will not. */
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean) {
    super(message);
    this.retryable = retryable;
  }
}

/** The largest page The Graph serves (`first` above it is an error). */
export const GRAPH_PAGE_MAX = 1000;

export interface GraphEndpointOptions {
  readonly url: string;
  readonly fetch?: typeof fetch;
  /** Per request. Default 30 s. */
  readonly timeoutMs?: number;
  /** Attempts for a retryable failure. Default 3. */
  readonly attempts?: number;
  /** Rows per page, at most {@link GRAPH_PAGE_MAX}. */
  readonly pageSize?: number;
}

export interface PinnedBlock {
  readonly number: number;
  readonly hash: string | null;
}

export type GraphRow = Record<string, unknown>;

interface MetaAnswer {
  readonly _meta: { readonly block: { readonly number: number; readonly hash: string | null } };
}

export interface CollectionQuery {
  /** The collection field, e.g. `tips`. */
  readonly collection: string;
  /** The entity's name, for the `<Entity>_filter` variable type. */
  readonly entity: string;
  /** The selection set inside the braces, e.g. `id amount creator { id }`. */
  readonly fields: string;
  readonly where?: Record<string, unknown>;
}

export class GraphEndpoint {
  readonly url: string;
  readonly pageSize: number;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #attempts: number;

  constructor(options: GraphEndpointOptions) {
    this.url = options.url;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#attempts = Math.max(1, options.attempts ?? 3);
    this.pageSize = Math.min(GRAPH_PAGE_MAX, Math.max(1, options.pageSize ?? GRAPH_PAGE_MAX));
  }

  /** Runs one query; retries what may succeed later, with a growing pause. */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#requestOnce<T>(query, variables);
      } catch (error) {
        if (!(error instanceof GraphEndpointError) || !error.retryable || attempt >= this.#attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1)));
      }
    }
  }

  async #requestOnce<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    let response: Response;
    try {
      response = await this.#fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new GraphEndpointError(`${this.url} is unreachable: ${(error as Error).message}`, true);
    }
    let body: { data?: T; errors?: readonly { message: string }[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new GraphEndpointError(`${this.url} answered ${response.status} without JSON`, response.status >= 500);
    }
    if (body.errors !== undefined && body.errors.length > 0) {
      throw new GraphEndpointError(
        `${this.url} refused the query: ${body.errors.map((e) => e.message).join("; ")}`,
        response.status >= 500,
      );
    }
    if (response.status >= 500) throw new GraphEndpointError(`${this.url} answered ${response.status}`, true);
    if (body.data === undefined || body.data === null) {
      throw new GraphEndpointError(`${this.url} answered ${response.status} without data`, false);
    }
    return body.data;
  }

  /** The block every later read of one report is pinned to: the endpoint's indexed head. */
  async head(): Promise<PinnedBlock> {
    const data = await this.request<MetaAnswer>(`{ _meta { block { number hash } } }`);
    return { number: data._meta.block.number, hash: data._meta.block.hash };
  }

  /**
   * One query pinned to `block`: `query` declares `$block: Block_height!` and uses it; the answer's `_meta`
   * must name the same block (and hash, where the endpoint tells it), else the chain moved under the read.
   */
  async pinned<T extends object>(block: PinnedBlock, query: string, variables: Record<string, unknown>): Promise<T> {
    const data = await this.request<T & MetaAnswer>(query, { ...variables, block: { number: block.number } });
    const seen = data._meta.block;
    if (seen.number !== block.number || (block.hash !== null && seen.hash !== null && seen.hash !== block.hash)) {
      throw new GraphEndpointError(
        `the chain moved under the read: block ${block.number} was ${block.hash}, now ${seen.number} ${seen.hash}`,
        false,
      );
    }
    return data;
  }

  /** One page of a collection at `block`, ordered by `orderBy` (default id), ascending. */
  async page(
    block: PinnedBlock,
    query: CollectionQuery,
    where: Record<string, unknown>,
    orderBy = "id",
  ): Promise<GraphRow[]> {
    const text = `query ($block: Block_height!, $where: ${query.entity}_filter, $first: Int!) {
  rows: ${query.collection}(block: $block, first: $first, orderBy: ${orderBy}, orderDirection: asc, where: $where) { ${query.fields} }
  _meta(block: $block) { block { number hash } }
}`;
    const data = await this.pinned<{ rows: GraphRow[] }>(block, text, { where, first: this.pageSize });
    return data.rows;
  }

  /** Every row of a collection at `block`, in id order, page by page (`id_gt` after the last id seen). */
  async *pages(block: PinnedBlock, query: CollectionQuery): AsyncGenerator<GraphRow[]> {
    let after: string | undefined;
    for (;;) {
      const rows = await this.page(
        block,
        query,
        after === undefined ? { ...query.where } : { ...query.where, id_gt: after },
      );
      if (rows.length > 0) yield rows;
      if (rows.length < this.pageSize) return;
      after = String(rows[rows.length - 1]!.id);
    }
  }

  /** Every row of a collection at `block`, collected. */
  async all(block: PinnedBlock, query: CollectionQuery): Promise<GraphRow[]> {
    const out: GraphRow[] = [];
    for await (const rows of this.pages(block, query)) for (const row of rows) out.push(row);
    return out;
  }
}

/** `creator { id }` → the id: relation fields read as the plain ids the SQLite rows hold. */
export function flattenRelations(row: GraphRow): GraphRow {
  const out: GraphRow = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = value !== null && typeof value === "object" && "id" in value ? (value as { id: unknown }).id : value;
  }
  return out;
}
