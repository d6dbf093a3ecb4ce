// Where profile documents and pictures live: a content-addressed store. The embedded default keeps them in
// SQLite under the webapp's data dir; production uploads to an IPFS node and pins them (pinningStore.ts).

export interface StoredObject {
  readonly bytes: Uint8Array;
  readonly contentType: string;
}

export interface ContentStore {
  /** Which adapter this is, for logs and the gateway's headers. */
  readonly kind: "local" | "pinning";
  /** Stores `bytes` and returns their CID (computed locally; the store must agree). Storing twice is a no-op. */
  put(bytes: Uint8Array, contentType: string): Promise<string>;
  /** The object `cid` names, or null when this store does not have it. */
  get(cid: string): Promise<StoredObject | null>;
}

/** The store refused an object (too big, wrong CID back from a service): nothing was stored. */
export class ContentStoreError extends Error {
  override readonly name = "ContentStoreError";
  /** True when trying again later may succeed (the service was unreachable or answered 5xx). */
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean, options?: ErrorOptions) {
    super(message, options);
    this.retryable = retryable;
  }
}
