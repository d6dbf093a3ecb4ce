// The client side (Messenger, model, hub client, XMTP content layer) must bundle for the browser: no node:
// imports anywhere in its graph. esbuild with platform "browser" fails on any Node built-in.
import { gzipSync } from "node:zlib";

import { build } from "esbuild";
import { describe, expect, it } from "vitest";

async function bundle(entry: string): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [new URL(entry, import.meta.url).pathname],
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.contents;
}

describe("browser-safe client", () => {
  it("bundles the Messenger entry (model + hub client) for the browser, small", async () => {
    const code = await bundle("../src/index.ts");
    const gzipped = gzipSync(code).length;
    console.log(`@mesi/messaging client bundle: ${code.length} bytes, ${gzipped} bytes gzip`);
    expect(gzipped).toBeLessThan(60_000);
    // viem itself stays out: a page that shows a chat must not load viem's shared chunk (about 120 kB gzip).
    expect(new TextDecoder().decode(code)).not.toContain("viem@");
  });

  it("bundles the tip-card check (viem + the vault's ABI) for the browser", async () => {
    const code = await bundle("../src/tipCard.ts");
    console.log(`tip-card check bundle: ${code.length} bytes, ${gzipSync(code).length} bytes gzip`);
    expect(code.length).toBeGreaterThan(0);
  });

  it("bundles the XMTP content layer (XMTP's codecs, WebCrypto) for the browser", async () => {
    const code = await bundle("../src/xmtp/content.ts");
    console.log(`XMTP content layer bundle: ${code.length} bytes, ${gzipSync(code).length} bytes gzip`);
    expect(code.length).toBeGreaterThan(0);
  });

  it("refuses a module that imports a Node built-in (the check can fail)", async () => {
    await expect(bundle("../src/hub/store.ts")).rejects.toThrow();
  });
});
