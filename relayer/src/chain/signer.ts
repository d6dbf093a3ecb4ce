// The hot wallet's signing key behind one interface, so the key can live
// outside the relayer (a remote signer such as Web3Signer, or a KMS) by
// configuration. Every transaction the relayer sends is signed here; the
// signed bytes are recorded before they are broadcast (txSender.ts), so a
// signer that fails leaves the rows queued and nothing marked sent.
import type { Address, Hex } from "viem";

import type { RelayerConfig } from "../config.ts";
import { LocalSigner } from "./localSigner.ts";
import { Web3Signer } from "./web3Signer.ts";

/** An EIP-1559 transaction of the hot wallet, complete but for its signature. */
export interface UnsignedTransaction {
  readonly chainId: number;
  readonly nonce: number;
  readonly to: Address;
  readonly data: Hex;
  readonly gas: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

export interface Signer {
  /** `local` (the raw key in this process) or the remote service's name. */
  readonly kind: RelayerConfig["chain"]["signer"]["kind"];
  /** The hot wallet: the address every transaction is sent from. */
  readonly address: Address;
  /** The signed, serialised transaction (what eth_sendRawTransaction takes). Throws SignerError. */
  signTransaction(transaction: UnsignedTransaction): Promise<Hex>;
  /** Checks at start that the signer is reachable and holds `address`. Throws SignerError. */
  check(): Promise<void>;
}

/** The signer could not sign (unreachable, refused, or answered something else). Retryable: rows wait. */
export class SignerError extends Error {
  override readonly name = "SignerError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The signer the configuration names. */
export function createSigner(config: RelayerConfig["chain"]): Signer {
  const signer = config.signer;
  switch (signer.kind) {
    case "local":
      // parseConfig guarantees the key when the signer is local.
      return new LocalSigner(config.relayerPrivateKey!);
    case "web3signer":
      return new Web3Signer({ url: signer.url, address: signer.address, timeoutMs: signer.timeoutMs });
  }
}
