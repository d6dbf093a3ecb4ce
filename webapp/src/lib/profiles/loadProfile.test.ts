import { describe, expect, it } from "vitest";

import { loadProfile } from "./loadProfile";

describe("profiles at ipfs:// URIs", () => {
  it("reads a document through the local reader, without HTTP, and keeps it by CID", async () => {
    const cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
    const doc = JSON.stringify({
      version: 1,
      name: "Local",
      handle: "local_1",
      bio: "from the store",
      picture: "ipfs://bafkreiabc",
    });
    let reads = 0;
    const readIpfs = async (wanted: string) => {
      reads += 1;
      return wanted === cid ? new TextEncoder().encode(doc) : null;
    };
    const noHttp = (() => {
      throw new Error("no HTTP expected");
    }) as unknown as typeof fetch;
    const a = await loadProfile(
      "0x3333333333333333333333333333333333333333",
      `ipfs://${cid}`,
      "https://gw",
      noHttp,
      readIpfs,
    );
    expect(a).toMatchObject({
      name: "Local",
      handle: "local_1",
      bio: "from the store",
      picture: "https://gw/ipfs/bafkreiabc",
    });
    // Another account naming the same CID reuses the cached document.
    await loadProfile("0x4444444444444444444444444444444444444444", `ipfs://${cid}`, "https://gw", noHttp, readIpfs);
    expect(reads).toBe(1);
  });

  it("falls back to the gateway when the store doesn't hold it, and does not cache a miss", async () => {
    const cid = "bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq";
    let calls = 0;
    const gateway = (async (url: string) => {
      calls += 1;
      expect(url).toBe(`https://gw/ipfs/${cid}`);
      return calls === 1 ? new Response("", { status: 504 }) : new Response(JSON.stringify({ name: "Remote" }));
    }) as unknown as typeof fetch;
    const miss = await loadProfile(
      "0x5555555555555555555555555555555555555555",
      `ipfs://${cid}`,
      "https://gw",
      gateway,
      async () => null,
    );
    expect(miss.name).toBe("0x5555…5555");
    const hit = await loadProfile(
      "0x6666666666666666666666666666666666666666",
      `ipfs://${cid}`,
      "https://gw",
      gateway,
      async () => null,
    );
    expect(hit.name).toBe("Remote");
  });
});
