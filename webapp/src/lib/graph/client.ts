// A small client for the subgraph's GraphQL endpoint (The Graph's dialect). Documents are typed constants
// with their variables; values only ever travel as variables, never spliced into the query text.

/** A GraphQL document that knows the shape of its result and variables. */
export interface TypedDocument<TData, TVariables> {
  readonly query: string;
  /** Phantom: carries the types only. */
  readonly __types?: (variables: TVariables) => TData;
}

/** Declares a typed document: `graphql<Result, Variables>(\`query ($id: ID!) { … }\`)`. */
export function graphql<TData, TVariables extends Record<string, unknown> = Record<string, never>>(
  query: string,
): TypedDocument<TData, TVariables> {
  return { query };
}

/** The index could not answer: unreachable, timed out, or returned errors. */
export class IndexerError extends Error {
  override readonly name = "IndexerError";
  /** True when asking again later may succeed (network, timeout, 5xx). */
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean) {
    super(message);
    this.retryable = retryable;
  }
}

export interface GraphRequestOptions {
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** Runs `document` against `url` and returns its data, or throws {@link IndexerError}. */
export async function graphRequest<TData, TVariables extends Record<string, unknown>>(
  url: string,
  document: TypedDocument<TData, TVariables>,
  variables: TVariables,
  options: GraphRequestOptions = {},
): Promise<TData> {
  const doFetch = options.fetch ?? fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5_000);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  let response: Response;
  try {
    response = await doFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: document.query, variables }),
      signal,
    });
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    const reason = timeout.aborted ? "timed out" : "is unreachable";
    throw new IndexerError(`the index ${reason} (${url})`, true);
  }
  if (response.status >= 500) throw new IndexerError(`the index answered ${response.status}`, true);
  let body: { data?: TData; errors?: { message: string }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new IndexerError(`the index answered ${response.status} without JSON`, response.status >= 500);
  }
  if (body.errors !== undefined && body.errors.length > 0) {
    throw new IndexerError(`the index refused the query: ${body.errors.map((e) => e.message).join("; ")}`, false);
  }
  if (body.data === undefined) throw new IndexerError("the index answered without data", false);
  return body.data;
}
