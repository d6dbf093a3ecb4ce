import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { isServiceToken, serviceToken } from "./serviceToken.ts";

const secret = "s".repeat(32);

describe("serviceToken", () => {
  it("is accepted for its purpose and secret only", () => {
    const token = serviceToken(secret, "group-streams");
    assert.ok(isServiceToken(token, secret, "group-streams"));
    assert.ok(!isServiceToken(token, secret, "other-route"));
    assert.ok(!isServiceToken(token, "t".repeat(32), "group-streams"));
    assert.ok(!isServiceToken(undefined, secret, "group-streams"));
    assert.ok(!isServiceToken(`${token}x`, secret, "group-streams"));
  });
});
