import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cidOf, matchesCid, parseCid, InvalidCidError, MAX_OBJECT_BYTES } from "./cid";
import { createLocalContentStore } from "./localStore";
import { toAvatar, PictureError, AVATAR_SIZE, MAX_PICTURE_BYTES } from "./picture";
import { createPinningContentStore } from "./pinningStore";
import { ContentStoreError } from "./types";

const dir = mkdtempSync(join(tmpdir(), "mesi-content-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("CIDs", () => {
  it("matches what `ipfs add --cid-version 1` gives for small files (known vectors)", async () => {
    // `echo -n "hello world" | ipfs add --cid-version 1 -Q` and the empty file, as published by IPFS.
    expect(await cidOf(new TextEncoder().encode("hello world"))).toBe(
      "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
    );
    expect(await cidOf(new Uint8Array())).toBe("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
  });

  it("checks bytes against a CID and refuses what is not a CID", async () => {
    const bytes = new TextEncoder().encode('{"name":"A"}');
    const cid = await cidOf(bytes);
    expect(await matchesCid(cid, bytes)).toBe(true);
    expect(await matchesCid(cid, new TextEncoder().encode('{"name":"B"}'))).toBe(false);
    expect(() => parseCid("not-a-cid")).toThrow(InvalidCidError);
    expect(() => parseCid("../../etc/passwd")).toThrow(InvalidCidError);
  });
});

describe("local content store", () => {
  it("stores by CID, answers the same bytes and type, and stores a repeat once", async () => {
    const store = createLocalContentStore(join(dir, "a.sqlite"));
    const bytes = new TextEncoder().encode('{"version":1,"name":"Ada"}');
    const cid = await store.put(bytes, "application/json");
    expect(cid).toBe(await cidOf(bytes));
    expect(await store.put(bytes, "application/json")).toBe(cid);
    const got = await store.get(cid);
    expect(got?.contentType).toBe("application/json");
    expect(new TextDecoder().decode(got!.bytes)).toBe('{"version":1,"name":"Ada"}');
    expect(await store.get(await cidOf(new TextEncoder().encode("other")))).toBeNull();
    store.close();
    // A fresh process sees what the last one stored.
    const again = createLocalContentStore(join(dir, "a.sqlite"));
    expect((await again.get(cid))?.bytes.byteLength).toBe(bytes.byteLength);
    again.close();
  });

  it("refuses empty and oversized objects, storing nothing", async () => {
    const store = createLocalContentStore(join(dir, "b.sqlite"));
    await expect(store.put(new Uint8Array(), "text/plain")).rejects.toBeInstanceOf(ContentStoreError);
    const big = new Uint8Array(MAX_OBJECT_BYTES + 1);
    await expect(store.put(big, "text/plain")).rejects.toBeInstanceOf(ContentStoreError);
    expect(await store.get(await cidOf(big))).toBeNull();
    store.close();
  });
});

describe("profile pictures", () => {
  it("turns a real PNG into a square WebP avatar", async () => {
    const png = await sharp({ create: { width: 900, height: 600, channels: 3, background: "#3366cc" } })
      .png()
      .toBuffer();
    const avatar = await toAvatar(new Uint8Array(png));
    expect(avatar.contentType).toBe("image/webp");
    const meta = await sharp(avatar.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", AVATAR_SIZE, AVATAR_SIZE]);
    expect(avatar.bytes.byteLength).toBeLessThan(MAX_OBJECT_BYTES);
  });

  it("refuses by content, not by name: text, a truncated PNG, an empty file, a file over the size limit", async () => {
    const problem = (bytes: Uint8Array) =>
      toAvatar(bytes).then(
        () => "accepted",
        (error: unknown) => (error instanceof PictureError ? error.problem : String(error)),
      );
    expect(await problem(new TextEncoder().encode("<svg onload=alert(1)>"))).toBe("notImage");
    expect(await problem(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]))).toBe("unreadable");
    expect(await problem(new Uint8Array())).toBe("empty");
    const huge = new Uint8Array(MAX_PICTURE_BYTES + 1);
    huge.set([0xff, 0xd8, 0xff]);
    expect(await problem(huge)).toBe("tooBig");
  });
});

describe("pinning store (IPFS RPC add + Pinning Service API, over HTTP)", () => {
  // A local server speaking the documented wire formats: Kubo's /api/v0/add (multipart → {Name,Hash,Size}),
  // the Pinning Service API's POST /pins (bearer token → 202 PinStatus) and a gateway's GET /ipfs/<cid>.
  let server: Server;
  let base = "";
  const objects = new Map<string, { bytes: Buffer; type: string }>();
  const pins: { cid: string; auth: string | undefined }[] = [];
  let lie = false;

  const body = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks)));
    });

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const url = new URL(req.url!, "http://x");
      if (req.method === "POST" && url.pathname === "/api/v0/add") {
        const request = new Request(`http://x${req.url}`, {
          method: "POST",
          headers: req.headers as HeadersInit,
          body: new Uint8Array(await body(req)),
        });
        const file = (await request.formData()).get("file") as File;
        const bytes = Buffer.from(await file.arrayBuffer());
        const hash = lie ? await cidOf(new TextEncoder().encode("x")) : await cidOf(bytes);
        objects.set(hash, { bytes, type: file.type });
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ Name: file.name, Hash: hash, Size: String(bytes.length) }));
      } else if (req.method === "POST" && url.pathname === "/psa/pins") {
        const pin = JSON.parse((await body(req)).toString()) as { cid: string };
        pins.push({ cid: pin.cid, auth: req.headers.authorization });
        res.statusCode = 202;
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({ requestid: "r1", status: "queued", created: new Date().toISOString(), pin, delegates: [] }),
        );
      } else if (req.method === "GET" && url.pathname.startsWith("/ipfs/")) {
        const hit = objects.get(url.pathname.slice(6));
        if (!hit) {
          res.statusCode = 404;
          res.end();
          return;
        }
        res.setHeader("content-type", hit.type);
        res.end(hit.bytes);
      } else {
        res.statusCode = 400;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const store = () =>
    createPinningContentStore({
      ipfsApiUrl: base,
      pinningApiUrl: `${base}/psa`,
      pinningApiToken: "secret-token",
      gatewayUrl: base,
    });

  it("uploads, pins with the bearer token and reads back through the gateway", async () => {
    lie = false;
    const bytes = new TextEncoder().encode('{"version":1,"name":"Pinned"}');
    const cid = await store().put(bytes, "application/json");
    expect(cid).toBe(await cidOf(bytes));
    expect(pins).toContainEqual({ cid, auth: "Bearer secret-token" });
    const got = await store().get(cid);
    expect(new TextDecoder().decode(got!.bytes)).toBe('{"version":1,"name":"Pinned"}');
    expect(await store().get(await cidOf(new TextEncoder().encode("missing")))).toBeNull();
  });

  it("refuses a node that answers another CID, and pins nothing", async () => {
    lie = true;
    const before = pins.length;
    await expect(store().put(new TextEncoder().encode("abc"), "text/plain")).rejects.toThrow(/stored/);
    expect(pins.length).toBe(before);
    lie = false;
  });

  it("calls an unreachable service retryable", async () => {
    const dead = createPinningContentStore({
      ipfsApiUrl: "http://127.0.0.1:9",
      pinningApiUrl: "http://127.0.0.1:9",
      pinningApiToken: "t",
      gatewayUrl: "http://127.0.0.1:9",
      timeoutMs: 1_000,
    });
    const error = await dead.put(new TextEncoder().encode("x"), "text/plain").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentStoreError);
    expect((error as ContentStoreError).retryable).toBe(true);
  });
});
