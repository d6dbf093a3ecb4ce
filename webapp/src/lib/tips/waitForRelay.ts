import type { Hex } from "viem";

import { RelayerRequestError } from "$lib/errors";
import type { RelayerClient } from "$lib/relayer/client";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a gasless request until the relayer's transaction is confirmed (its hash) or has failed (thrown). */
export async function waitForRelayRequest(
  relayer: RelayerClient,
  requestId: number,
  timeoutMs = 120_000,
): Promise<Hex> {
  const started = Date.now();
  for (let delay = 250; Date.now() - started < timeoutMs; delay = Math.min(delay * 1.5, 2_000)) {
    const status = await relayer.getRelayRequest(requestId);
    if (status.status === "confirmed" && status.txHash) return status.txHash as Hex;
    if (status.status === "failed" || status.status === "cancelled") {
      throw new RelayerRequestError(422, "relay_failed", status.error ?? "the relayer could not submit this payment");
    }
    await sleep(delay);
  }
  throw new RelayerRequestError(504, "relay_timeout", "the payment is taking longer than usual; check My activity");
}
