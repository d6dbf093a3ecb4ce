import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { signSessionToken } from "@mesi/auth";

import { AccessKeyError, mintAccessKey, streamGateAudience, verifyAccessKey } from "./accessKey.ts";

const secret = "k".repeat(40);
const address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const now = 1_800_000_000;

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AccessKeyError);
    return error.reason;
  }
  return "accepted";
};

describe("viewer access keys", () => {
  it("vouch for the wallet on one stream for at most 60 s", () => {
    const key = mintAccessKey({ address, streamId: 7n, secret, now });
    assert.equal(verifyAccessKey(key, 7n, secret, now + 59).address, address);
    assert.equal(
      reason(() => verifyAccessKey(key, 7n, secret, now + 60)),
      "expired",
    );
    assert.equal(
      reason(() => verifyAccessKey(key, 8n, secret, now)),
      "wrong_audience",
    );
    assert.equal(
      reason(() => verifyAccessKey(key, 7n, "z".repeat(40), now)),
      "bad_signature",
    );
    assert.equal(
      reason(() => verifyAccessKey(`${key}x`, 7n, secret, now)),
      "bad_signature",
    );
    assert.equal(
      reason(() => verifyAccessKey("nope", 7n, secret, now)),
      "malformed",
    );
    assert.equal(streamGateAudience(7n), "stream-gate:7");
  });

  it("refuses a longer-lived token even when correctly signed for the stream", () => {
    const token = signSessionToken({ address, audience: streamGateAudience(7n), ttlSeconds: 61, secret, now });
    assert.equal(
      reason(() => verifyAccessKey(token, 7n, secret, now)),
      "too_long_lived",
    );
    assert.throws(() => mintAccessKey({ address, streamId: 7n, secret, ttlSeconds: 120 }), /at most 60/);
  });
});
