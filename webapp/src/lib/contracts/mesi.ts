import { toDeployment, type Deployment } from "@mesi/deployments";

import type { PublicConfig } from "$lib/config/types";

/** Mesi's contracts on the configured chain (ABIs from @mesi/deployments): spread one into a viem/wagmi call. */
export function mesiContracts(config: Pick<PublicConfig, "addresses">): Deployment {
  return toDeployment(config.addresses);
}
