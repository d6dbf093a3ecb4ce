// Makes sure the subgraph is built (manifest rendered from @mesi/deployments,
// `graph codegen`, `graph build`) before the embedded indexer loads its WASM:
// a fresh checkout or a changed mapping is rebuilt, an up-to-date build kept.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

import { DATA_SOURCES } from "./manifest.ts";
import { DEFAULT_BUILD_DIR, SUBGRAPH_DIR } from "./indexer.ts";

const run = promisify(execFile);
const GRAPH = join(SUBGRAPH_DIR, "..", "node_modules", ".bin", "graph");

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Whether build/ is missing or older than the schema, the mappings or the manifest data. */
export function buildIsStale(buildDir = DEFAULT_BUILD_DIR): boolean {
  const wasms = DATA_SOURCES.map((s) => join(buildDir, s.contract, `${s.contract}.wasm`));
  if (wasms.some((file) => !existsSync(file))) return true;
  const built = Math.min(...wasms.map((file) => statSync(file).mtimeMs));
  const inputs = [
    join(SUBGRAPH_DIR, "schema.graphql"),
    join(SUBGRAPH_DIR, "src"),
    join(SUBGRAPH_DIR, "indexer", "manifest.ts"),
  ];
  return inputs.some((input) => newestMtime(input) > built);
}

/** Renders the manifest and runs graph codegen + graph build (offline). */
export async function buildSubgraph(options: { chainId?: number } = {}): Promise<void> {
  const env = { ...process.env, GRAPH_SKIP_NEW_VERSION_CHECK: "true" };
  const chainArgs = options.chainId === undefined ? [] : ["--chain", String(options.chainId)];
  await run(process.execPath, ["--import", "tsx", "scripts/render-manifest.ts", ...chainArgs], {
    cwd: SUBGRAPH_DIR,
    env,
  });
  await run(GRAPH, ["codegen", "subgraph.yaml", "--output-dir", "generated"], { cwd: SUBGRAPH_DIR, env });
  await run(GRAPH, ["build", "subgraph.yaml", "--output-dir", "build"], { cwd: SUBGRAPH_DIR, env });
}

export async function ensureSubgraphBuilt(options: { chainId?: number; buildDir?: string } = {}): Promise<boolean> {
  if (!buildIsStale(options.buildDir)) return false;
  await buildSubgraph(options);
  return true;
}
