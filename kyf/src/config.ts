// The verifier service's configuration, parsed once at start into a frozen, typed object.
import { isAddress, isHex, type Address, type Hex } from "viem";
import { z } from "zod";

const address = z
  .string()
  .refine(isAddress, "must be an address")
  .transform((value) => value as Address);

const providerSchema = z.discriminatedUnion("kind", [
  /** The embedded default: the fan types their data into the webapp; the service checks the form and attests. */
  z.object({ kind: z.literal("embedded"), level: z.number().int().min(1).max(3).default(1) }),
  /** Production: Persona verifies documents and calls the webhook; the service attests approved inquiries. */
  z.object({
    kind: z.literal("persona"),
    webhookSecret: z.string().min(16, "the Persona webhook secret looks too short"),
    toleranceSeconds: z.number().int().min(1).max(3_600).default(300),
    level: z.number().int().min(1).max(3).default(2),
  }),
]);

export const KyfConfigSchema = z.object({
  dataDir: z.string().min(1),
  port: z.number().int().min(0).max(65_535).default(0),
  /** Shared with the webapp, which mints the audience-bound session tokens. */
  secret: z.string().min(32, "the session secret must be at least 32 characters"),
  /** AES-256-GCM key for registration data at rest: 32 bytes as 64 hex digits. */
  encryptionKey: z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{64}$/, "the encryption key must be 32 bytes written as 64 hex digits")
    .transform((value) => Buffer.from(value.replace(/^0x/, ""), "hex")),
  rpcUrl: z.string().url(),
  chainId: z.number().int().positive(),
  registry: address,
  verifierPrivateKey: z
    .string()
    .refine((value) => isHex(value) && value.length === 66, "must be a 32-byte hex key")
    .transform((value) => value as Hex),
  /** How long an attestation lasts. */
  attestationDays: z.number().int().min(1).max(3_650).default(365),
  provider: providerSchema.default({ kind: "embedded" }),
  /** Browser origins allowed to call the service (the webapp's); never `*`. */
  corsOrigins: z.array(z.string().url()).default([]),
});

export type KyfConfigInput = z.input<typeof KyfConfigSchema>;
export type KyfConfig = Readonly<z.output<typeof KyfConfigSchema>>;

export function parseKyfConfig(input: KyfConfigInput): KyfConfig {
  return Object.freeze(KyfConfigSchema.parse(input));
}
