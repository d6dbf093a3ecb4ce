// Address and hash checks for the messenger's browser bundle, by the same rules as viem's (EIP-55 checksums).
// viem's own helpers would do, but the bundler ships them in viem's one large shared chunk, so importing them
// from a page puts all of viem (about 120 kB gzip) on that page's first load; keccak alone is a few kB.
import { keccak_256 } from "@noble/hashes/sha3";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import type { Address, Hash } from "viem";

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX_HASH = /^0x[0-9a-fA-F]{64}$/;

/** `value` in its EIP-55 checksummed form; throws on anything that is not 20 bytes of hex. */
export function checksumAddress(value: string): Address {
  if (!HEX_ADDRESS.test(value)) throw new TypeError(`"${value}" is not an address`);
  const lower = value.slice(2).toLowerCase();
  const digest = bytesToHex(keccak_256(utf8ToBytes(lower)));
  let out = "0x";
  for (let i = 0; i < 40; i++) out += parseInt(digest[i]!, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  return out as Address;
}

/**
 * Whether `value` is an address. `strict` (the default, as in viem): a mixed-case address must carry a valid
 * checksum; all-lower or all-upper hex is accepted either way.
 */
export function isAddressLike(value: string, options: { readonly strict?: boolean } = {}): value is Address {
  if (!HEX_ADDRESS.test(value)) return false;
  if (options.strict === false) return true;
  const hex = value.slice(2);
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return true;
  return checksumAddress(value) === value;
}

/** Whether two addresses are the same account, whatever their case. */
export function sameAddress(a: string, b: string): boolean {
  return HEX_ADDRESS.test(a) && HEX_ADDRESS.test(b) && a.toLowerCase() === b.toLowerCase();
}

/** Whether `value` is a 32-byte hex hash (a transaction hash). */
export function isTransactionHash(value: string): value is Hash {
  return HEX_HASH.test(value);
}
