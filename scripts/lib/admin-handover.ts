// The admin handover of a Mesi deployment, in two steps that the admin delay
// separates (OpenZeppelin AccessControlDefaultAdminRules):
//   begin   the old admin calls beginDefaultAdminTransfer(newAdmin) on every contract with an admin;
//   accept  once the delay has passed, the new admin calls acceptDefaultAdminTransfer() on each and then
//           revokes every role the old admin still holds (PAUSER, RATE_SETTER, …), so nothing is left behind.
// `missingHandover` lists what still differs, for the CLI and the tests.
import {
  encodeFunctionData,
  getAddress,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hash,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";

import { abis } from "../../deployments/src/generated/abis.ts";
import type { ContractLocation } from "./deployments-module.ts";
import { ROLE_NAMES, roleId } from "./mesi-wiring.ts";

/** The contracts with a DEFAULT_ADMIN_ROLE (MesiToken, CreatorRegistry and TestUSDC have none). */
export const ADMINISTERED_CONTRACTS = [
  "StableConverter",
  "MesiVault",
  "KyfRegistry",
  "AbuseReports",
  "MesiTickets",
  "OneToOneEscrow",
] as const;
type Administered = (typeof ADMINISTERED_CONTRACTS)[number];

export type AdministeredContracts = Readonly<Record<Administered, ContractLocation>>;

export class HandoverError extends Error {
  override readonly name = "HandoverError";
}

interface HandoverClients {
  readonly publicClient: PublicClient<Transport, Chain | undefined>;
  readonly contracts: AdministeredContracts;
}

async function send(
  clients: HandoverClients,
  wallet: WalletClient<Transport, Chain, Account>,
  name: Administered,
  functionName: string,
  args: readonly unknown[] = [],
): Promise<Hash> {
  const data = encodeFunctionData({ abi: abis[name] as Abi, functionName, args });
  const hash = await wallet.sendTransaction({
    to: clients.contracts[name].address,
    data,
    account: wallet.account,
    chain: wallet.chain,
  });
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (receipt.status !== "success") throw new HandoverError(`${name}.${functionName} reverted (${hash})`);
  return hash;
}

function read<T>(clients: HandoverClients, name: Administered, functionName: string, args: readonly unknown[] = []) {
  return clients.publicClient.readContract({
    address: clients.contracts[name].address,
    abi: abis[name] as Abi,
    functionName,
    args,
  }) as Promise<T>;
}

/** Step 1, by the old admin: starts the transfer to `newAdmin` everywhere; returns when it can be accepted. */
export async function beginAdminHandover(
  clients: HandoverClients & { readonly oldAdmin: WalletClient<Transport, Chain, Account>; readonly newAdmin: Address },
): Promise<bigint> {
  let acceptableAt = 0n;
  for (const name of ADMINISTERED_CONTRACTS) {
    await send(clients, clients.oldAdmin, name, "beginDefaultAdminTransfer", [getAddress(clients.newAdmin)]);
    const [, schedule] = await read<readonly [Address, number]>(clients, name, "pendingDefaultAdmin");
    if (BigInt(schedule) > acceptableAt) acceptableAt = BigInt(schedule);
  }
  return acceptableAt;
}

/** Step 2, by the new admin once the delay is over: accepts everywhere, then revokes the old admin's other roles. */
export async function acceptAdminHandover(
  clients: HandoverClients & { readonly newAdmin: WalletClient<Transport, Chain, Account>; readonly oldAdmin: Address },
): Promise<string[]> {
  const revoked: string[] = [];
  for (const name of ADMINISTERED_CONTRACTS) {
    await send(clients, clients.newAdmin, name, "acceptDefaultAdminTransfer");
    for (const role of ROLE_NAMES) {
      // A role the contract does not define is simply never held.
      if (await read<boolean>(clients, name, "hasRole", [roleId(role), clients.oldAdmin])) {
        await send(clients, clients.newAdmin, name, "revokeRole", [roleId(role), clients.oldAdmin]);
        revoked.push(`${name}.${role}`);
      }
    }
  }
  return revoked;
}

/** What still differs from a finished handover to `newAdmin` away from `oldAdmin` (empty = done). */
export async function missingHandover(
  clients: HandoverClients & { readonly oldAdmin: Address; readonly newAdmin: Address },
): Promise<string[]> {
  const problems: string[] = [];
  for (const name of ADMINISTERED_CONTRACTS) {
    const admin = await read<Address>(clients, name, "defaultAdmin");
    if (getAddress(admin) !== getAddress(clients.newAdmin)) problems.push(`${name}.defaultAdmin() is ${admin}`);
    for (const role of ROLE_NAMES) {
      if (await read<boolean>(clients, name, "hasRole", [roleId(role), clients.oldAdmin])) {
        problems.push(`${name}: the old admin still holds ${role}`);
      }
    }
  }
  return problems;
}
