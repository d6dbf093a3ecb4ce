// First-load JavaScript of one route, read from the last build (no server, no browser): the client entries, the
// route's layouts, error page and leaf, and every chunk they import statically (what the browser fetches before
// hydrating; dynamic imports load later, on demand), gzipped at level 9 as web.bench.ts does for downloaded scripts.
//
//   node --import tsx bench/routeFirstLoad.ts /messages/[id]
//
// Prints the size and the five largest files, then `TARGET <route>_first_load_js_gzip …` (goal: the 150 kB).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

interface ManifestChunk {
  readonly file: string;
  readonly isEntry?: boolean;
  readonly imports?: readonly string[];
}

const root = join(import.meta.dirname, "..", ".svelte-kit", "output");
const routeId = process.argv[2] ?? "/messages/[id]";

const manifest = JSON.parse(readFileSync(join(root, "client", ".vite", "manifest.json"), "utf8")) as Record<
  string,
  ManifestChunk
>;
const serverManifest = readFileSync(join(root, "server", "manifest.js"), "utf8");
const route = new RegExp(
  `id: "${routeId.replace(/[[\]/]/g, "\\$&")}",[\\s\\S]*?page: \\{ layouts: \\[([\\d,]*)\\], errors: \\[([\\d,]*)\\], leaf: (\\d+) \\}`,
).exec(serverManifest);
if (route === null) throw new Error(`no page route ${routeId} in the build's server manifest (build first)`);
const nodes = [route[1]!, route[2]!, route[3]!].flatMap((list) => list.split(",").filter((n) => n !== ""));

const entryKeys = Object.keys(manifest).filter(
  (key) =>
    manifest[key]!.isEntry === true &&
    (/client-optimized\/app\.js$/.test(key) ||
      /runtime\/client\/entry\.js$/.test(key) ||
      nodes.some((n) => key.endsWith(`client-optimized/nodes/${n}.js`))),
);
const seen = new Set<string>();
const visit = (key: string): void => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const next of manifest[key]?.imports ?? []) visit(next);
};
entryKeys.forEach(visit);

const sizes = [...seen].map((key) => {
  const file = manifest[key]!.file;
  return { file, bytes: gzipSync(readFileSync(join(root, "client", file)), { level: 9 }).length };
});
const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
for (const s of sizes.sort((a, b) => b.bytes - a.bytes).slice(0, 5)) {
  console.log(`  ${s.file} ${(s.bytes / 1000).toFixed(1)} kB gzip`);
}
const kB = Math.round(total / 100) / 10;
console.log(`${routeId}: ${sizes.length} files, ${total} bytes gzip (${kB} kB) before hydration`);
const name = routeId.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "");
console.log(`TARGET ${name}_first_load_js_gzip ${kB} <= 150 kB ${kB <= 150 ? "ok" : "MISS"}`);
