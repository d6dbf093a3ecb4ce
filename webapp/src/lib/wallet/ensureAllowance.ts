// The approve step of paying from the wallet with an ERC-20 that has no signed path on that route (a stablecoin tip
// or ticket paid directly): approve `spender` for `amount` when its allowance is short, and wait until the approval
// is mined, so the payment that follows can pull the tokens. A reverted approval throws; nothing else is sent.
import { readContract, waitForTransactionReceipt, writeContract, type Config } from "@wagmi/core";
import { erc20Abi, type Address, type Hex } from "viem";

export interface AllowanceRequest {
  readonly chainId: number;
  readonly token: Address;
  readonly owner: Address;
  readonly spender: Address;
  readonly amount: bigint;
}

/** Returns the approval's hash, or null when the allowance already covered `amount`. */
export async function ensureAllowance(wagmi: Config, request: AllowanceRequest): Promise<Hex | null> {
  const { chainId, token, owner, spender, amount } = request;
  const allowance = await readContract(wagmi, {
    address: token,
    abi: erc20Abi,
    chainId,
    functionName: "allowance",
    args: [owner, spender],
  });
  if (allowance >= amount) return null;
  const hash = await writeContract(wagmi, {
    address: token,
    abi: erc20Abi,
    chainId,
    functionName: "approve",
    args: [spender, amount],
  });
  const receipt = await waitForTransactionReceipt(wagmi, { hash, chainId });
  if (receipt.status !== "success") throw new Error(`the approval ${hash} reverted`);
  return hash;
}
