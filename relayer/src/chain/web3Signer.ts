// A remote signer speaking Web3Signer's Ethereum JSON-RPC (the `eth1` mode:
// https://docs.web3signer.consensys.io/reference/api/json-rpc). The key never
// enters the relayer: `eth_accounts` lists what the service holds and
// `eth_signTransaction` returns the signed, serialised transaction. The chain
// id is the service's own (its --chain-id), so every answer is decoded and
// compared with the transaction asked for — fields, chain id and the recovered
// sender — before the relayer records or broadcasts it.
import { getAddress, isHex, parseTransaction, recoverTransactionAddress, toHex, type Address, type Hex } from "viem";

import { SignerError, type Signer, type UnsignedTransaction } from "./signer.ts";

interface JsonRpcAnswer {
  readonly result?: unknown;
  readonly error?: { readonly code?: number; readonly message?: string };
}

export class Web3Signer implements Signer {
  readonly kind = "web3signer";
  readonly address: Address;
  readonly #url: string;
  readonly #timeoutMs: number;
  #nextId = 1;

  constructor(options: { url: string; address: Address; timeoutMs: number }) {
    this.#url = options.url;
    this.address = getAddress(options.address);
    this.#timeoutMs = options.timeoutMs;
  }

  async check(): Promise<void> {
    const result = await this.#call("eth_accounts", []);
    if (!Array.isArray(result) || !result.every((entry) => typeof entry === "string")) {
      throw new SignerError(`the signer at ${this.#url} answered eth_accounts with something other than addresses`);
    }
    const held = result.map((entry) => entry.toLowerCase());
    if (!held.includes(this.address.toLowerCase())) {
      throw new SignerError(
        `the signer at ${this.#url} does not hold the hot wallet ${this.address} (it holds: ${held.join(", ") || "none"})`,
      );
    }
  }

  async signTransaction(transaction: UnsignedTransaction): Promise<Hex> {
    const raw = await this.#call("eth_signTransaction", [
      {
        from: this.address,
        to: transaction.to,
        data: transaction.data,
        gas: toHex(transaction.gas),
        maxFeePerGas: toHex(transaction.maxFeePerGas),
        maxPriorityFeePerGas: toHex(transaction.maxPriorityFeePerGas),
        nonce: toHex(transaction.nonce),
        value: "0x0",
      },
    ]);
    if (typeof raw !== "string" || !isHex(raw)) {
      throw new SignerError(`the signer at ${this.#url} answered eth_signTransaction without a signed transaction`);
    }
    await this.#verify(raw, transaction);
    return raw;
  }

  /** The signed bytes must be exactly the transaction asked for, from the hot wallet, for this chain. */
  async #verify(raw: Hex, asked: UnsignedTransaction): Promise<void> {
    let signed: ReturnType<typeof parseTransaction>;
    let from: Address;
    try {
      signed = parseTransaction(raw);
      from = await recoverTransactionAddress({ serializedTransaction: raw as never });
    } catch (error) {
      throw new SignerError(`the signer at ${this.#url} returned bytes that are not a signed transaction`, {
        cause: error,
      });
    }
    const differences = [
      signed.type === "eip1559" ? undefined : `type ${signed.type}`,
      signed.chainId === asked.chainId
        ? undefined
        : `chain id ${signed.chainId} (the relayer's chain is ${asked.chainId})`,
      signed.nonce === asked.nonce ? undefined : `nonce ${signed.nonce}`,
      signed.to?.toLowerCase() === asked.to.toLowerCase() ? undefined : `to ${signed.to}`,
      (signed.data ?? "0x").toLowerCase() === asked.data.toLowerCase() ? undefined : "data",
      signed.gas === asked.gas ? undefined : `gas ${signed.gas}`,
      signed.maxFeePerGas === asked.maxFeePerGas ? undefined : `maxFeePerGas ${signed.maxFeePerGas}`,
      signed.maxPriorityFeePerGas === asked.maxPriorityFeePerGas
        ? undefined
        : `maxPriorityFeePerGas ${signed.maxPriorityFeePerGas}`,
      (signed.value ?? 0n) === 0n ? undefined : `value ${signed.value}`,
      from.toLowerCase() === this.address.toLowerCase() ? undefined : `sender ${from}`,
    ].filter((difference) => difference !== undefined);
    if (differences.length > 0) {
      throw new SignerError(
        `the signer at ${this.#url} signed a different transaction than asked (${differences.join(", ")}); not sent`,
      );
    }
  }

  async #call(method: string, params: unknown[]): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: this.#nextId++, method, params }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : error;
      throw new SignerError(`cannot reach the signer at ${this.#url} (${method}): ${String(reason)}`, { cause: error });
    }
    const text = await response.text().catch(() => "");
    let answer: JsonRpcAnswer | undefined;
    try {
      answer = JSON.parse(text) as JsonRpcAnswer;
    } catch {
      answer = undefined;
    }
    // Web3Signer answers a refused request with a JSON-RPC error (and a 4xx status).
    if (answer?.error !== undefined) {
      throw new SignerError(
        `the signer at ${this.#url} refused ${method} for ${this.address}: ${answer.error.message ?? "no message"} (code ${answer.error.code ?? "none"})`,
      );
    }
    if (!response.ok || answer === undefined || !("result" in answer)) {
      throw new SignerError(
        `the signer at ${this.#url} answered ${method} with HTTP ${response.status} and no JSON-RPC result: ${text.slice(0, 200)}`,
      );
    }
    return answer.result;
  }
}
