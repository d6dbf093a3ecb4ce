// A stand-in of the Web3Signer service (not of the relayer's adapter): a real
// HTTP server on 127.0.0.1 that speaks Web3Signer's documented Ethereum
// JSON-RPC (https://docs.web3signer.consensys.io/reference/api/json-rpc) and
// signs with keys it holds, for its own configured chain id, the way the
// service does: `eth_accounts` lists the held addresses; `eth_signTransaction`
// takes one transaction object with quantities in hex, refuses a missing nonce
// (-32602 "Invalid params") and a `from` it holds no key for (-32000 "No
// unlocked account matches the Sender", as Web3Signer's JsonRpcError names
// it), and returns the signed, serialised transaction (EIP-1559 when
// maxFeePerGas is given).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { hexToBigInt, hexToNumber, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

export interface Web3SignerService {
  readonly url: string;
  /** Every JSON-RPC method called, in order. */
  readonly calls: string[];
  /** Replaces the keys the service holds (an empty list: it holds none). */
  holdKeys(keys: readonly Hex[]): void;
  /** Stops listening (the signer becomes unreachable); `start` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

const INVALID_PARAMS = { code: -32602, message: "Invalid params" };
const NOT_UNLOCKED = { code: -32000, message: "No unlocked account matches the Sender" };
const METHOD_NOT_FOUND = { code: -32601, message: "Method not found" };

class RpcFailure extends Error {
  constructor(readonly error: { code: number; message: string }) {
    super(error.message);
  }
}

export async function startWeb3SignerService(options: {
  chainId: number;
  keys: readonly Hex[];
}): Promise<Web3SignerService> {
  let accounts: PrivateKeyAccount[] = [];
  const holdKeys = (keys: readonly Hex[]) => {
    accounts = keys.map((key) => privateKeyToAccount(key));
  };
  holdKeys(options.keys);
  const calls: string[] = [];

  const answer = async (method: string, params: unknown): Promise<unknown> => {
    if (method === "eth_accounts") return accounts.map((account) => account.address.toLowerCase());
    if (method !== "eth_signTransaction") throw new RpcFailure(METHOD_NOT_FOUND);
    if (!Array.isArray(params) || params.length !== 1 || typeof params[0] !== "object" || params[0] === null) {
      throw new RpcFailure(INVALID_PARAMS);
    }
    const tx = params[0] as Record<string, string | undefined>;
    if (tx.nonce === undefined || tx.from === undefined) throw new RpcFailure(INVALID_PARAMS);
    const account = accounts.find((held) => held.address.toLowerCase() === tx.from!.toLowerCase());
    if (account === undefined) throw new RpcFailure(NOT_UNLOCKED);
    try {
      const common = {
        chainId: options.chainId,
        nonce: hexToNumber(tx.nonce as Hex),
        gas: hexToBigInt((tx.gas ?? "0x15f90") as Hex),
        value: hexToBigInt((tx.value ?? "0x0") as Hex),
        ...(tx.to === undefined ? {} : { to: tx.to as Hex }),
        ...(tx.data === undefined ? {} : { data: tx.data as Hex }),
      };
      return tx.maxFeePerGas === undefined
        ? await account.signTransaction({
            ...common,
            type: "legacy",
            gasPrice: hexToBigInt((tx.gasPrice ?? "0x0") as Hex),
          })
        : await account.signTransaction({
            ...common,
            type: "eip1559",
            maxFeePerGas: hexToBigInt(tx.maxFeePerGas as Hex),
            maxPriorityFeePerGas: hexToBigInt((tx.maxPriorityFeePerGas ?? "0x0") as Hex),
          });
    } catch {
      throw new RpcFailure(INVALID_PARAMS);
    }
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      let id: unknown = null;
      let status = 200;
      let payload: Record<string, unknown>;
      try {
        const parsed = JSON.parse(body) as { id?: unknown; method?: unknown; params?: unknown };
        id = parsed.id ?? null;
        calls.push(String(parsed.method));
        payload = { result: await answer(String(parsed.method), parsed.params) };
      } catch (error) {
        status = 400;
        payload = { error: error instanceof RpcFailure ? error.error : { code: -32700, message: "Parse error" } };
      }
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify({ jsonrpc: "2.0", id, ...payload }));
    })();
  });
  let port = 0;
  const start = async () => {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => (server.off("error", reject), resolve()));
    });
    port = (server.address() as AddressInfo).port;
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    holdKeys,
    start,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
