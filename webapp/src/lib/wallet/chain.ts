import { defineChain, type Chain } from "viem";

import type { PublicConfig } from "$lib/config/types";

/** The chain Mesi runs on, from configuration (a local node, an L2 testnet or mainnet). */
export function mesiChain(config: PublicConfig): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
    ...(config.explorerUrl ? { blockExplorers: { default: { name: "Explorer", url: config.explorerUrl } } } : {}),
  });
}
