import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { abis, errorsAbi } from "@mesi/deployments";
import {
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  UserRejectedRequestError,
  zeroAddress,
} from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { IndexerError } from "$lib/graph/client";
import { RelayerClient } from "$lib/relayer/client";

import { RelayerRequestError, RelayerUnreachableError, WalletDisconnectedError } from "./classes";
import { describeError } from "./describeError";

const fan = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;
const creator = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as const;

/** A revert raised by the vault inside the token's transferAndCall, as viem reports it with the token's ABI. */
function revertInsideTransferAndCall(errorName: string, args: readonly unknown[]): BaseError {
  const data = encodeErrorResult({ abi: errorsAbi, errorName, args } as never);
  const reverted = new ContractFunctionRevertedError({ abi: abis.MesiToken, data, functionName: "transferAndCall" });
  return new ContractFunctionExecutionError(reverted, {
    abi: abis.MesiToken,
    functionName: "transferAndCall",
    args: [zeroAddress, 1n, "0x"],
  });
}

describe("describeError", () => {
  it("decodes a vault error raised inside the token's call to a sentence", () => {
    const described = describeError(revertInsideTransferAndCall("Vault_Blocked", [creator, fan]));
    expect(described.errorName).toBe("Vault_Blocked");
    expect(described.message).toMatch(/blocked you/);
  });

  it("uses the arguments a contract error carries", () => {
    const described = describeError(revertInsideTransferAndCall("Tickets_SoldOut", [1n, 3, 2]));
    expect(described.message).toBe("Only 2 ticket(s) left.");
  });

  it("names an unknown contract error rather than guessing", () => {
    const described = describeError(revertInsideTransferAndCall("Vault_BatchEmpty", []));
    expect(described.message).toMatch(/Vault_BatchEmpty/);
  });

  it("tells a rejection in the wallet by its class", () => {
    const error = new BaseError("wrapped", { cause: new UserRejectedRequestError(new Error("User rejected")) });
    expect(describeError(error).message).toMatch(/cancelled in your wallet/);
  });

  it("explains relayer, index and wallet failures", () => {
    expect(describeError(new RelayerRequestError(402, "sponsorship_exhausted", "spent")).message).toMatch(/free gas/);
    expect(describeError(new RelayerRequestError(409, "sold_out", "only 2 ticket(s) left")).message).toBe(
      "only 2 ticket(s) left",
    );
    expect(describeError(new RelayerUnreachableError("down")).message).toMatch(/unreachable/);
    expect(describeError(new IndexerError("down", true)).message).toMatch(/index/);
    expect(describeError(new WalletDisconnectedError("gone")).message).toMatch(/disconnected/);
    expect(describeError(new Error("???")).message).toMatch(/Something went wrong/);
  });

  describe("a spent gasless budget (the relayer's 402)", () => {
    // Answers every request as the relayer does once a fan's monthly sponsorship is spent (relayer/src/errors.ts).
    let spentBudget: Server;
    let relayer: RelayerClient;
    beforeAll(async () => {
      spentBudget = createServer((_request, response) => {
        response.writeHead(402, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            error: "sponsorship_exhausted",
            message: "gas sponsorship is used up for 2026-12. Send the transaction from your own wallet.",
            month: "2026-12",
            usedGas: "1900000",
            limitGas: "2000000",
            neededGas: "180000",
          }),
        );
      });
      await new Promise<void>((resolve) => spentBudget.listen(0, "127.0.0.1", resolve));
      relayer = new RelayerClient({ baseUrl: `http://127.0.0.1:${(spentBudget.address() as AddressInfo).port}` });
    });
    afterAll(() => new Promise<void>((resolve) => spentBudget.close(() => resolve())));

    const refusal = (request: Promise<unknown>) => request.then(() => expect.unreachable(), describeError);

    it("says tickets, and the way to pay the gas, for a gasless ticket purchase", async () => {
      const described = await refusal(relayer.relayTicket({}));
      expect(described.retryable).toBe(false);
      expect(described.message).toMatch(/these tickets/);
      expect(described.message).toMatch(/“\$MESI” from your wallet/);
      expect(described.message).not.toMatch(/\btip/i);
    });

    it("says tickets and points at paying the USDC's gas for a gasless USDC ticket purchase", async () => {
      const described = await refusal(relayer.relayStablecoinTicket({}));
      expect(described.message).toMatch(/these tickets/);
      expect(described.message).toMatch(/Pay the gas myself/);
      expect(described.message).not.toMatch(/\btip/i);
    });

    it("keeps the tip's words for gasless tips", async () => {
      expect((await refusal(relayer.relayTip({}))).message).toMatch(/Tip with “\$MESI” from your wallet/);
      expect((await refusal(relayer.relayStablecoinTip({}))).message).toMatch(/Tip in USDC and pay the gas yourself/);
    });
  });
});
