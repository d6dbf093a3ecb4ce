// Every custom error any Mesi contract can raise (their own and the OpenZeppelin ones they inherit), in one ABI.
// A revert raised deep inside a call (the vault refusing a tip inside the token's `transferAndCall`) carries the
// vault's error; only an ABI holding every contract's errors decodes it to a name and arguments.
import type { Abi } from "viem";

type AbiError = Extract<Abi[number], { type: "error" }>;

import { abis } from "./generated/abis.ts";

function signatureOf(error: AbiError): string {
  return `${error.name}(${error.inputs.map((input) => input.type).join(",")})`;
}

function collectErrors(): readonly AbiError[] {
  const bySignature = new Map<string, AbiError>();
  for (const abi of Object.values(abis)) {
    for (const item of abi as readonly { type: string }[]) {
      if (item.type !== "error") continue;
      const error = item as AbiError;
      if (!bySignature.has(signatureOf(error))) bySignature.set(signatureOf(error), error);
    }
  }
  return [...bySignature.values()];
}

/** The errors of every Mesi contract, one entry per signature: pass it to viem's `decodeErrorResult`. */
export const errorsAbi: readonly AbiError[] = collectErrors();
