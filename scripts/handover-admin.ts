// `npm run handover -- --network <baseSepolia|base> --step <begin|accept|check> --old-admin <a> --new-admin <a>`:
// hands a deployed Mesi system (addresses from @mesi/deployments for the network's chain) over to a new admin.
//   begin   signed by the old admin (the network's configured account): starts the transfer on every contract;
//   accept  signed by the new admin, after the admin delay: accepts it and revokes every role the old admin
//           still holds (pauser, rate setter, …);
//   check   prints what still differs (exit 1 if anything).
import { parseArgs } from "node:util";

import hre from "hardhat";
import { createPublicClient, createWalletClient, custom, getAddress, isAddress, type Address } from "viem";
import { z } from "zod";

import { loadDeployment } from "../deployments/src/index.ts";
import {
  acceptAdminHandover,
  ADMINISTERED_CONTRACTS,
  beginAdminHandover,
  missingHandover,
} from "./lib/admin-handover.ts";

const address = z.string().refine((value) => isAddress(value, { strict: false }), "not an address");
const Options = z.object({
  network: z.string().min(1),
  step: z.enum(["begin", "accept", "check"]),
  oldAdmin: address.transform((value) => getAddress(value)),
  newAdmin: address.transform((value) => getAddress(value)),
});
const { values } = parseArgs({
  options: {
    network: { type: "string" },
    step: { type: "string" },
    "old-admin": { type: "string" },
    "new-admin": { type: "string" },
  },
});
const options = Options.parse({
  network: values.network,
  step: values.step,
  oldAdmin: values["old-admin"],
  newAdmin: values["new-admin"],
});

const connection = await hre.network.create({ network: options.network });
try {
  const transport = custom(connection.provider);
  const publicClient = createPublicClient({ transport });
  const chainId = await publicClient.getChainId();
  const deployment = loadDeployment(chainId);
  const contracts = Object.fromEntries(
    ADMINISTERED_CONTRACTS.map((name) => [name, { address: deployment[name].address, blockNumber: 0n }]),
  ) as Parameters<typeof missingHandover>[0]["contracts"];
  const [signer] = (await connection.provider.request({ method: "eth_accounts" })) as Address[];
  const chain = {
    id: chainId,
    name: options.network,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [] } },
  };
  const wallet = () => {
    if (signer === undefined) throw new Error("the network has no account configured to sign with");
    return createWalletClient({ chain, transport, account: signer });
  };
  const clients = { publicClient, contracts };
  if (options.step === "begin") {
    const at = await beginAdminHandover({ ...clients, oldAdmin: wallet(), newAdmin: options.newAdmin });
    console.log(
      `handover to ${options.newAdmin} begun; the new admin can accept from ${new Date(Number(at) * 1000).toISOString()}`,
    );
  } else if (options.step === "accept") {
    const revoked = await acceptAdminHandover({ ...clients, newAdmin: wallet(), oldAdmin: options.oldAdmin });
    console.log(`accepted; revoked from the old admin: ${revoked.join(", ") || "nothing"}`);
  }
  const missing = await missingHandover({ ...clients, oldAdmin: options.oldAdmin, newAdmin: options.newAdmin });
  for (const line of missing) console.log(`not done: ${line}`);
  if (options.step !== "begin" && missing.length > 0) process.exitCode = 1;
} finally {
  await connection.close();
}
