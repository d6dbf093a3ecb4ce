// The verifier's rules, independent of HTTP: take registration data (from the embedded form or an approved provider
// inquiry), seal it, attest on-chain; disclose it to a creator only while the fan's on-chain consent stands, and log
// every attempt.
import type { Logger } from "pino";
import type { Address, Hash } from "viem";
import { ZodError } from "zod";

import type { KyfChain } from "./chain.ts";
import { decideDisclosure } from "./disclosurePolicy.ts";
import { KyfError } from "./errors.ts";
import { registrationSchema, type RegistrationData } from "./registration.ts";
import type { SealedBox } from "./sealedBox.ts";
import type { DisclosureLogEntry, KyfStore, RegistrationSource } from "./store.ts";

export interface KyfVerifierDeps {
  readonly store: KyfStore;
  readonly box: SealedBox;
  readonly chain: KyfChain;
  readonly logger: Logger;
  /** Unix ms. */
  readonly now: () => number;
  readonly attestationSeconds: number;
}

export interface RegistrationStatus {
  readonly registered: boolean;
  readonly level: number | null;
  /** Unix seconds. */
  readonly expiresAt: number | null;
  readonly attestationTx: Hash | null;
  readonly source: RegistrationSource | null;
}

export interface Disclosure {
  readonly fan: Address;
  readonly data: RegistrationData;
  /** The block whose consent allowed it. */
  readonly blockNumber: bigint;
  readonly level: number;
  readonly expiresAt: number;
}

const REFUSALS = {
  self: "A creator cannot ask for their own details.",
  not_registered: "This fan has not registered with the verifier.",
  no_consent:
    "This fan does not share their details with you now (not given, withdrawn, or their verification expired).",
} as const;

export class KyfVerifier {
  readonly #deps: KyfVerifierDeps;

  constructor(deps: KyfVerifierDeps) {
    this.#deps = deps;
  }

  /** Validates, seals and stores the data, then attests the wallet at `level`. */
  async register(
    wallet: Address,
    input: unknown,
    origin: { source: RegistrationSource; level: number; providerReference?: string },
  ): Promise<RegistrationStatus> {
    const { store, box, chain, logger, now, attestationSeconds } = this.#deps;
    let data: RegistrationData;
    try {
      data = registrationSchema(new Date(now())).parse(input);
    } catch (error) {
      if (error instanceof ZodError) {
        throw new KyfError("invalid_input", error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      }
      throw error;
    }
    const expiresAt = Math.floor(now() / 1000) + attestationSeconds;
    store.saveRegistration({
      wallet,
      sealed: box.seal(JSON.stringify(data), wallet),
      source: origin.source,
      providerReference: origin.providerReference ?? null,
      level: origin.level,
      expiresAt,
      updatedAt: now(),
    });
    let tx: Hash;
    try {
      tx = await chain.attest(wallet, origin.level, expiresAt);
    } catch (error) {
      logger.error({ err: error, wallet }, "attestation failed");
      throw new KyfError(
        "chain_unavailable",
        "Your details are saved, but the attestation could not be sent. Try again.",
      );
    }
    store.markAttested(wallet, tx);
    logger.info({ wallet, level: origin.level, expiresAt, tx, source: origin.source }, "attested");
    return this.status(wallet);
  }

  /** What the fan may see about themselves: whether and how they are attested (never the data back). */
  status(wallet: Address): RegistrationStatus {
    const row = this.#deps.store.registration(wallet);
    if (row === undefined)
      return { registered: false, level: null, expiresAt: null, attestationTx: null, source: null };
    return {
      registered: true,
      level: row.level,
      expiresAt: row.expiresAt,
      attestationTx: row.attestationTx,
      source: row.source,
    };
  }

  /** The fan's data for `creator`, if the chain says the fan's consent stands right now; logged either way. */
  async disclose(creator: Address, fan: Address): Promise<Disclosure> {
    const { store, box, chain, logger, now } = this.#deps;
    const row = store.registration(fan);
    let consent;
    try {
      consent = await chain.consent(creator, fan);
    } catch (error) {
      logger.error({ err: error, creator, fan }, "consent read failed");
      throw new KyfError("chain_unavailable", "The chain could not be read; nothing was disclosed. Try again.");
    }
    const decision = decideDisclosure({ creator, fan, registered: row !== undefined, consent });
    const entry: DisclosureLogEntry = {
      creator,
      fan,
      at: now(),
      blockNumber: decision.blockNumber,
      outcome: decision.allow ? "disclosed" : "refused",
      reason: decision.allow ? "consent stands" : decision.reason,
    };
    store.logDisclosure(entry);
    logger.info({ ...entry, blockNumber: String(entry.blockNumber) }, "disclosure decided");
    if (!decision.allow || row === undefined) {
      throw new KyfError("forbidden", REFUSALS[decision.allow ? "not_registered" : decision.reason]);
    }
    const data = JSON.parse(box.open(row.sealed, fan)) as RegistrationData;
    return { fan, data, blockNumber: decision.blockNumber, level: row.level, expiresAt: row.expiresAt };
  }

  /** Who read (or tried to read) the fan's data, newest first. */
  disclosureLog(fan: Address): DisclosureLogEntry[] {
    return this.#deps.store.disclosuresOf(fan);
  }
}
