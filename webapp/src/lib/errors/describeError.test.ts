import { abis, errorsAbi } from "@mesi/deployments";
import {
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  UserRejectedRequestError,
  zeroAddress,
} from "viem";
import { describe, expect, it } from "vitest";

import { IndexerError } from "$lib/graph/client";

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
    expect(describeError(new RelayerRequestError(429, "sponsorship_exhausted", "spent")).message).toMatch(/free gas/);
    expect(describeError(new RelayerRequestError(409, "sold_out", "only 2 ticket(s) left")).message).toBe(
      "only 2 ticket(s) left",
    );
    expect(describeError(new RelayerUnreachableError("down")).message).toMatch(/unreachable/);
    expect(describeError(new IndexerError("down", true)).message).toMatch(/index/);
    expect(describeError(new WalletDisconnectedError("gone")).message).toMatch(/disconnected/);
    expect(describeError(new Error("???")).message).toMatch(/Something went wrong/);
  });
});
