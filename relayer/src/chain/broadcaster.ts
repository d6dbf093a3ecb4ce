// Broadcasting signed transactions, and remembering which ones the node took:
// only a transaction the node accepted is ever bumped (a broadcast that failed
// is retried as it is, so a wallet without gas money never bids itself up).
import { keccak256, type Hex } from "viem";

import type { Logger } from "../logger.ts";
import type { ChainClients } from "./clients.ts";
import { describeError, isAlreadySentError } from "./sendErrors.ts";

export class Broadcaster {
  readonly #chain: ChainClients;
  readonly #log: Logger;
  /** Hashes the node accepted from this process. */
  readonly #accepted = new Set<Hex>();

  constructor(chain: ChainClients, log: Logger) {
    this.#chain = chain;
    this.#log = log;
  }

  /**
   * Sends signed bytes; "already known", "nonce too low" and "replacement underpriced" count as sent. Returns
   * whether the node accepted them (remembered: only an accepted transaction is ever bumped).
   */
  async broadcast(raw: Hex, nonce: number): Promise<boolean> {
    try {
      await this.#chain.publicClient.sendRawTransaction({ serializedTransaction: raw });
    } catch (error) {
      if (isAlreadySentError(error)) {
        this.#log.debug({ nonce, err: describeError(error) }, "node already has this nonce; treated as sent");
        this.remember(keccak256(raw));
        return true;
      }
      // The transaction is recorded; the next ticks broadcast it again (unchanged) until the node takes it.
      this.#log.warn({ nonce, err: describeError(error) }, "broadcast failed; will retry");
      return false;
    }
    this.remember(keccak256(raw));
    return true;
  }

  /** Whether the node took `hash` from this process. */
  hasAccepted(hash: Hex): boolean {
    return this.#accepted.has(hash);
  }

  remember(hash: Hex): void {
    this.#accepted.add(hash);
    if (this.#accepted.size > 10_000) this.#accepted.delete(this.#accepted.values().next().value!);
  }
}
