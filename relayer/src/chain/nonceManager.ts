// The hot wallet's own nonce. Starts from the larger of the node's pending
// count and one past the highest nonce this wallet has in flight in the store
// (a signed transaction the node lost is still ours to rebroadcast), then
// counts locally. Invalidated after a failure between allocation and the
// write-ahead record, so no gap is left behind.
import type { Address, Chain, PublicClient, Transport } from "viem";

import type { Store } from "../store/store.ts";

export class NonceManager {
  #next: number | undefined;

  constructor(
    private readonly publicClient: PublicClient<Transport, Chain>,
    private readonly store: Store,
    private readonly sender: Address,
  ) {}

  async allocate(): Promise<number> {
    if (this.#next === undefined) this.#next = await this.#initial();
    return this.#next++;
  }

  /** Forgets the local count; the next allocation reads the node and the store again. */
  invalidate(): void {
    this.#next = undefined;
  }

  async #initial(): Promise<number> {
    const [pending, local] = await Promise.all([
      this.publicClient.getTransactionCount({ address: this.sender, blockTag: "pending" }),
      this.store.db
        .selectFrom("transactions")
        .select((eb) => eb.fn.max("nonce").as("nonce"))
        .where("sender", "=", this.sender.toLowerCase())
        .where("state", "in", ["pending", "mined", "confirmed", "final", "reverted"])
        .executeTakeFirst(),
    ]);
    const localNext = local?.nonce === null || local?.nonce === undefined ? 0 : Number(local.nonce) + 1;
    return Math.max(pending, localNext);
  }
}
