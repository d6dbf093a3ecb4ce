// A minimal GraphQL-over-HTTP client for the tests: POSTs like any subgraph client does.
export interface GraphQLResponse<T = Record<string, unknown>> {
  readonly data?: T;
  readonly errors?: readonly { readonly message: string }[];
}

export function graphqlClient(url: string) {
  const raw = async <T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };
  /** Data of a query that must succeed. */
  const query = async <T = Record<string, any>>(q: string, variables?: Record<string, unknown>): Promise<T> => {
    const result = await raw<T>(q, variables);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${result.errors.map((e) => e.message).join("; ")}`);
    return result.data as T;
  };
  /** Error messages of a query that must fail. */
  const errors = async (q: string, variables?: Record<string, unknown>): Promise<string[]> => {
    const result = await raw(q, variables);
    return (result.errors ?? []).map((e) => e.message);
  };
  return { raw, query, errors };
}
