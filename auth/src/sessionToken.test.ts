import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { SessionTokenError, signSessionToken, verifySessionToken } from "./sessionToken.ts";

const secret = "a".repeat(40);
const address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const now = 1_800_000_000;

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SessionTokenError, `expected SessionTokenError, got ${String(error)}`);
    return error.reason;
  }
  assert.fail("expected the token to be refused");
}

describe("session tokens", () => {
  it("round-trips the address and audience until the expiry second", () => {
    const token = signSessionToken({
      address: address.toLowerCase() as `0x${string}`,
      audience: "hub",
      ttlSeconds: 60,
      secret,
      now,
    });
    const claims = verifySessionToken({ token, audience: "hub", secret, now: now + 59 });
    assert.equal(claims.address, address);
    assert.equal(claims.expiresAt, now + 60);
    assert.equal(
      reasonOf(() => verifySessionToken({ token, audience: "hub", secret, now: now + 60 })),
      "expired",
    );
  });

  it("refuses another audience, another secret and a changed payload", () => {
    const token = signSessionToken({ address, audience: "hub", ttlSeconds: 60, secret, now });
    assert.equal(
      reasonOf(() => verifySessionToken({ token, audience: "gate", secret, now })),
      "wrong_audience",
    );
    assert.equal(
      reasonOf(() => verifySessionToken({ token, audience: "hub", secret: "b".repeat(40), now })),
      "bad_signature",
    );
    const [version, payload, mac] = token.split(".");
    const forged = JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>;
    forged.address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    const forgedToken = `${version}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${mac}`;
    assert.equal(
      reasonOf(() => verifySessionToken({ token: forgedToken, audience: "hub", secret, now })),
      "bad_signature",
    );
    assert.equal(
      reasonOf(() => verifySessionToken({ token: "nonsense", audience: "hub", secret, now })),
      "malformed",
    );
  });

  it("gives every token its own id and refuses short secrets and bad lifetimes", () => {
    const a = verifySessionToken({
      token: signSessionToken({ address, audience: "x", ttlSeconds: 5, secret, now }),
      audience: "x",
      secret,
      now,
    });
    const b = verifySessionToken({
      token: signSessionToken({ address, audience: "x", ttlSeconds: 5, secret, now }),
      audience: "x",
      secret,
      now,
    });
    assert.notEqual(a.id, b.id);
    assert.throws(
      () => signSessionToken({ address, audience: "x", ttlSeconds: 5, secret: "short", now }),
      /at least 32/,
    );
    assert.throws(() => signSessionToken({ address, audience: "x", ttlSeconds: 0, secret, now }), /ttlSeconds/);
  });
});
