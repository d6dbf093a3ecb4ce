// The `data` of `MesiToken.transferAndCall(vault, amount, data)` that requests a one-to-one (as the vault's
// `encodeSessionRequestData(creator, minutes_)`): `abi.encode(creator, uint8 minutes_)`, 64 bytes.
import { encodeAbiParameters, type Address, type Hex } from "viem";

export function encodeSessionRequestData(creator: Address, minutes: number): Hex {
  return encodeAbiParameters([{ type: "address" }, { type: "uint8" }], [creator, minutes]);
}
