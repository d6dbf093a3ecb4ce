// An address typed or pasted by a creator (a fan to block, a wallet to claim to), checked before anything is sent.
import { getAddress, isAddress, zeroAddress, type Address } from "viem";

export type AddressProblem = "empty" | "invalid" | "zero" | "self";

export function parseAddress(
  input: string,
  self?: Address,
  options: { allowSelf?: boolean } = {},
): { ok: true; address: Address } | { ok: false; problem: AddressProblem } {
  const text = input.trim();
  if (text === "") return { ok: false, problem: "empty" };
  // Mixed case must carry a valid EIP-55 checksum (a typo then shows); all lower or upper case is accepted.
  if (!isAddress(text, { strict: /[a-f]/.test(text.slice(2)) && /[A-F]/.test(text.slice(2)) })) {
    return { ok: false, problem: "invalid" };
  }
  const address = getAddress(text);
  if (address === zeroAddress) return { ok: false, problem: "zero" };
  if (!options.allowSelf && self !== undefined && address === getAddress(self)) return { ok: false, problem: "self" };
  return { ok: true, address };
}
