// Renders subgraph.yaml and abis/*.json from the generated deployment module
// (@mesi/deployments): addresses and start blocks are never typed by hand.
//
// Usage: node --import tsx scripts/render-manifest.ts [--chain <id>] [--network <name>]
//   --chain    chain id whose deployment to render (default: MESI_CHAIN_ID, else 31337)
//   --network  network name written into the manifest (default: "mesi-local" for 31337, else "chain-<id>")
//
// With no deployment for the chain in the module (e.g. a fresh CI checkout), the
// manifest is rendered with the zero address and start block 0: `graph codegen`
// and `graph build` only need the ABIs, and the embedded indexer binds the
// built mappings to the addresses of the deployment it is given.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { abis, deployments, loadStartBlocks } from "@mesi/deployments";

import { DATA_SOURCES, renderManifest, type ManifestTarget } from "../indexer/manifest.ts";

const root = join(import.meta.dirname, "..");
const { values } = parseArgs({
  options: { chain: { type: "string" }, network: { type: "string" } },
});
const chainId = Number(values.chain ?? process.env.MESI_CHAIN_ID ?? 31337);
const network = values.network ?? (chainId === 31337 ? "mesi-local" : `chain-${chainId}`);
const deployment = deployments[chainId];
const startBlocks = deployment === undefined ? undefined : loadStartBlocks(chainId);

const targets = Object.fromEntries(
  DATA_SOURCES.map((source) => {
    const contract = deployment?.[source.contract];
    const target: ManifestTarget = contract
      ? { address: contract.address, startBlock: startBlocks![source.contract] }
      : { address: "0x0000000000000000000000000000000000000000", startBlock: 0n };
    return [source.contract, target];
  }),
) as Record<(typeof DATA_SOURCES)[number]["contract"], ManifestTarget>;

mkdirSync(join(root, "abis"), { recursive: true });
for (const source of DATA_SOURCES) {
  writeFileSync(join(root, "abis", `${source.contract}.json`), JSON.stringify(abis[source.contract], null, 2) + "\n");
}
writeFileSync(join(root, "subgraph.yaml"), renderManifest({ network, targets }));
console.log(
  `rendered subgraph.yaml for chain ${chainId} (${network})` +
    (deployment ? "" : ": no deployment in @mesi/deployments, zero addresses"),
);
