// Chain id → the network name The Graph (graph-node, Subgraph Studio) knows the
// chain by, as written in subgraph.yaml. The local chain renders as
// "mesi-local", which only the embedded indexer serves.
export const LOCAL_CHAIN_ID = 31337;
export const LOCAL_NETWORK = "mesi-local";

const GRAPH_NETWORKS: Readonly<Record<number, string>> = {
  1: "mainnet",
  11155111: "sepolia",
  10: "optimism",
  11155420: "optimism-sepolia",
  42161: "arbitrum-one",
  421614: "arbitrum-sepolia",
  8453: "base",
  84532: "base-sepolia",
  137: "matic",
  80002: "polygon-amoy",
  100: "gnosis",
  59144: "linea",
  534352: "scroll",
  324: "zksync-era",
  56: "bsc",
  43114: "avalanche",
  42220: "celo",
  [LOCAL_CHAIN_ID]: LOCAL_NETWORK,
};

export class UnknownNetworkError extends Error {
  override readonly name = "UnknownNetworkError";
  constructor(chainId: number) {
    super(
      `chain ${chainId} has no network name The Graph knows in subgraph/indexer/networks.ts: ` +
        "add it there, or pass --network <name>",
    );
  }
}

/** The Graph's network name for `chainId`; throws {@link UnknownNetworkError} for a chain not in the table. */
export function graphNetworkName(chainId: number): string {
  const name = GRAPH_NETWORKS[chainId];
  if (name === undefined) throw new UnknownNetworkError(chainId);
  return name;
}
