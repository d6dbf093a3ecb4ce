// Encryption at rest: AES-256-GCM with a fresh 96-bit nonce per record. The record's owner (the wallet) is bound in
// as additional authenticated data, so a ciphertext copied onto another wallet's row fails to open.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const ALGORITHM = "aes-256-gcm";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** What is stored: nonce ‖ ciphertext ‖ tag. */
export type Sealed = Buffer;

export class SealedBoxError extends Error {
  override readonly name = "SealedBoxError";
}

export class SealedBox {
  readonly #key: Buffer;

  /** `key` is 32 bytes. */
  constructor(key: Buffer) {
    if (key.length !== 32) throw new SealedBoxError(`the encryption key must be 32 bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
  }

  seal(plaintext: string, associatedData: string): Sealed {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]);
  }

  open(sealed: Sealed, associatedData: string): string {
    if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new SealedBoxError("the sealed record is truncated");
    const nonce = sealed.subarray(0, NONCE_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
    const decipher = createDecipheriv(ALGORITHM, this.#key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    } catch {
      throw new SealedBoxError("the sealed record does not open with this key (wrong key, wrong owner or tampered)");
    }
  }
}
