// The hash a decision carries on chain for its note: keccak256 of the note's trimmed, NFC-normalised UTF-8 text.
import { keccak256, stringToBytes, type Hex } from "viem";

import { normaliseNote } from "./note";

export function noteHash(text: string): Hex {
  return keccak256(stringToBytes(normaliseNote(text)));
}
