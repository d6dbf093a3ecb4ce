// Removal: everyone watching a stream (an SSE connection from the page, a media
// session on the local server) is registered here with their wallet; whenever
// the index moves, an invite is revoked, or a second passes (one-to-one calls,
// subscriptions, KYF and invites end with time), each is decided again and told
// when the answer changes, so a viewer who no longer qualifies loses the video
// at once.
import type { Address } from "viem";

import type { AccessGate, GateAnswer } from "./gate.ts";

export type AccessListener = (answer: GateAnswer) => void;

interface Watch {
  readonly streamId: bigint;
  readonly viewer: Address | null;
  readonly listener: AccessListener;
  last: string;
}

const labelOf = (answer: GateAnswer): string => `${answer.allow}:${answer.reason}`;

export class AccessWatcher {
  readonly #gate: AccessGate;
  readonly #watches = new Set<Watch>();
  readonly #timer: NodeJS.Timeout;
  readonly #onChange = () => this.recheck();

  constructor(gate: AccessGate, tickMs = 1000) {
    this.#gate = gate;
    gate.cache.on("changed", this.#onChange);
    gate.cache.on("reloaded", this.#onChange);
    gate.onRevocation = this.#onChange;
    gate.onGroupChange = this.#onChange;
    this.#timer = setInterval(this.#onChange, tickMs);
    this.#timer.unref();
  }

  /** Registers a viewer; `listener` hears every later change of the decision. Returns the current answer and an unsubscribe. */
  watch(streamId: bigint, viewer: Address | null, listener: AccessListener): { answer: GateAnswer; stop: () => void } {
    const answer = this.#gate.decideFor(streamId, viewer);
    const watch: Watch = { streamId, viewer, listener, last: labelOf(answer) };
    this.#watches.add(watch);
    return { answer, stop: () => this.#watches.delete(watch) };
  }

  get size(): number {
    return this.#watches.size;
  }

  /** Decides again for every watcher and tells those whose answer changed. */
  recheck(): void {
    for (const watch of this.#watches) {
      const answer = this.#gate.decideFor(watch.streamId, watch.viewer);
      // An index that cannot be read does not remove anyone: the cache still holds the last known state.
      if (answer.reason === "index_unavailable") continue;
      const label = labelOf(answer);
      if (label === watch.last) continue;
      watch.last = label;
      try {
        watch.listener(answer);
      } catch {
        // a listener that throws must not stop the others from hearing
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#gate.cache.off("changed", this.#onChange);
    this.#gate.cache.off("reloaded", this.#onChange);
    this.#watches.clear();
  }
}
