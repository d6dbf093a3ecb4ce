// Wallet addresses typed or pasted into the group dialogs: separated by commas, spaces or new lines, each once.
import { checksumAddress, isAddressLike } from "@mesi/messaging";
import type { Address } from "viem";

export type MemberListResult = { ok: true; addresses: Address[] } | { ok: false; bad: string };

export function parseMemberList(text: string): MemberListResult {
  const seen = new Set<string>();
  const addresses: Address[] = [];
  for (const part of text.split(/[\s,;]+/)) {
    if (part === "") continue;
    if (!isAddressLike(part, { strict: false })) return { ok: false, bad: part };
    const address = checksumAddress(part);
    if (seen.has(address)) continue;
    seen.add(address);
    addresses.push(address);
  }
  return { ok: true, addresses };
}
