// Builds the subgraph once before the suite (manifest from @mesi/deployments, graph codegen, graph build):
// the tests run the very WASM that `graph build` produces.
import { buildSubgraph } from "../../indexer/build.ts";

export default async function setup(): Promise<void> {
  await buildSubgraph();
}
