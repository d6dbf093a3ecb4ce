// An oversized body is answered 413 after the request is read (issue 9, item
// 11): a real HTTP client uploading a body above the limit gets the 413 and its
// JSON, not a connection closed mid-upload (a broken pipe).
import { request } from "node:http";

import { expect, test } from "vitest";

import { useRelayerStack } from "./support/relayer.ts";

const stack = useRelayerStack();

function upload(url: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/quotes`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(bytes) },
    });
    req.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

test("a 4 MB body gets a 413 with a JSON answer, not a broken pipe", async () => {
  for (let i = 0; i < 3; i++) {
    const answer = await upload(stack.relayer.url, 4 * 1024 * 1024);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: "body_too_large" });
  }
});
