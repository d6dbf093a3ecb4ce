// Against the real embedded content store (a SQLite file).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { cidOf } from "./cid";
import { createLocalContentStore } from "./localStore";
import { cidOfUri, profileObjects } from "./profileObjects";

const dir = mkdtempSync(join(tmpdir(), "mesi-profile-objects-"));
const store = createLocalContentStore(join(dir, "content.sqlite"));
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("profileObjects", () => {
  it("names a stored profile document and the picture it points at", async () => {
    const picture = await store.put(new Uint8Array([1, 2, 3]), "image/webp");
    const document = await store.put(
      json({ name: "A", handle: "a", picture: `ipfs://${picture}` }),
      "application/json",
    );
    expect(await profileObjects(store, `ipfs://${document}`)).toEqual([document, picture]);
  });

  it("names only the document when it has no picture, or is not stored here, or is not JSON", async () => {
    const bare = await store.put(json({ name: "B", handle: "b", picture: null }), "application/json");
    expect(await profileObjects(store, `ipfs://${bare}`)).toEqual([bare]);
    const elsewhere = await cidOf(json({ name: "C" }));
    expect(await profileObjects(store, `ipfs://${elsewhere}`)).toEqual([elsewhere]);
    const text = await store.put(new TextEncoder().encode("not json"), "text/plain");
    expect(await profileObjects(store, `ipfs://${text}`)).toEqual([text]);
  });

  it("names nothing for no profile, a data: URI or a malformed CID", async () => {
    expect(await profileObjects(store, null)).toEqual([]);
    expect(await profileObjects(store, "data:application/json;base64,e30=")).toEqual([]);
    expect(cidOfUri("ipfs://not-a-cid")).toBeNull();
    expect(cidOfUri(42)).toBeNull();
  });
});
