// The zod pieces every gasless request is built from, and the one way a
// request body that does not parse is refused (400 with each field's problem).
import type { Address, Hex } from "viem";
import { z } from "zod";

import { BadRequestError } from "../errors.ts";

// A pattern rather than a refinement (the same test as viem's isAddress), so the OpenAPI document carries it.
export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address")
  .transform((value) => value.toLowerCase() as Address);
export const uint = z
  .union([z.string().regex(/^\d{1,78}$/, "must be a decimal integer string"), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));
export const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of hex")
  .transform((v) => v.toLowerCase() as Hex);
export const signatureHex = z
  .string()
  .regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte signature in hex")
  .transform((v) => v as Hex);

/** Any signature bytes: 65 for an EOA, longer or shorter for an ERC-1271 wallet. */
export const walletSignatureHex = z
  .string()
  .regex(/^0x(?:[0-9a-fA-F]{2}){1,4096}$/, "must be hex signature bytes (65 for an EOA)")
  .transform((v) => v as Hex);

/** An EIP-2612 permit letting the vault spend the fan's $MESI, signed beside the authorization. */
export const permitSchema = z
  .object({ value: uint, deadline: uint, v: z.number().int().min(0).max(255), r: bytes32, s: bytes32 })
  .strict();
export type Permit = z.output<typeof permitSchema>;

export function parseOrThrow<T extends z.ZodTypeAny>(schema: T, body: unknown, code: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new BadRequestError(
      code,
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; "),
    );
  }
  return parsed.data as z.output<T>;
}
