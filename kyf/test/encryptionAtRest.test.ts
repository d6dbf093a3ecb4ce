// Registration data is stored sealed: the SQLite file (and its WAL) never holds the plaintext, the right key opens
// it, and a wrong key, another wallet's row or a flipped byte do not.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Address } from "viem";
import { afterEach, describe, expect, it } from "vitest";

import { SealedBox, SealedBoxError } from "../src/sealedBox.ts";
import { KyfStore } from "../src/store.ts";

const fan: Address = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
const other: Address = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
const data = { legalName: "Zoë Quixotic-Marchbanks", dateOfBirth: "1990-07-14", country: "NZ" };

function sqliteBytes(path: string): Buffer {
  // WAL mode: recent pages live in the -wal file until a checkpoint; read every file SQLite wrote.
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter(existsSync).map((file) => readFileSync(file)));
}

describe("registration data at rest", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("the SQLite file holds no plaintext, and the right key reads the data back", () => {
    const dir = mkdtempSync(join(tmpdir(), "mesi-kyf-"));
    dirs.push(dir);
    const path = join(dir, "kyf.sqlite");
    const box = new SealedBox(randomBytes(32));
    const store = new KyfStore(path);
    store.saveRegistration({
      wallet: fan,
      sealed: box.seal(JSON.stringify(data), fan),
      source: "embedded",
      providerReference: null,
      level: 1,
      expiresAt: 2_000_000_000,
      updatedAt: Date.now(),
    });
    const raw = sqliteBytes(path);
    // The row is there (the wallet is stored in clear as the key)…
    expect(raw.includes(Buffer.from(fan))).toBe(true);
    // …but none of the data, in UTF-8 or UTF-16.
    for (const secret of [data.legalName, "Quixotic", data.dateOfBirth, JSON.stringify(data)]) {
      expect(raw.includes(Buffer.from(secret, "utf8"))).toBe(false);
      expect(raw.includes(Buffer.from(secret, "utf16le"))).toBe(false);
    }
    store.close();

    const reopened = new KyfStore(path);
    const row = reopened.registration(fan);
    expect(row).toBeDefined();
    expect(JSON.parse(box.open(row!.sealed, fan))).toEqual(data);
    reopened.close();
  });

  it("a wrong key, another wallet's row or a tampered byte do not open", () => {
    const key = randomBytes(32);
    const sealed = new SealedBox(key).seal(JSON.stringify(data), fan);
    expect(() => new SealedBox(randomBytes(32)).open(sealed, fan)).toThrow(SealedBoxError);
    expect(() => new SealedBox(key).open(sealed, other)).toThrow(SealedBoxError);
    const tampered = Buffer.from(sealed);
    tampered[20] = tampered[20]! ^ 0x01;
    expect(() => new SealedBox(key).open(tampered, fan)).toThrow(SealedBoxError);
    expect(() => new SealedBox(key).open(sealed.subarray(0, 10), fan)).toThrow(/truncated/);
  });

  it("each seal uses a fresh nonce, so equal data never gives equal ciphertexts", () => {
    const box = new SealedBox(randomBytes(32));
    expect(box.seal("same", fan).equals(box.seal("same", fan))).toBe(false);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => new SealedBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
