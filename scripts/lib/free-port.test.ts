import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";

import { freePort } from "./free-port.ts";

describe("freePort", () => {
  it("returns a port that can be bound on 127.0.0.1", async () => {
    const port = await freePort();
    assert.ok(port > 0 && port < 65536);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: "127.0.0.1", port }, resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
