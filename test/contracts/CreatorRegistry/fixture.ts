// Shared deployment for the CreatorRegistry tests: a real MesiToken and MesiVault, the registry holding
// MODULE_ROLE on the vault, and fans funded with $MESI and an unlimited allowance for the vault.
import { network } from "hardhat";
import { getAddress, keccak256, maxUint256, parseEther, toHex, type Account, type Address } from "viem";

export const DAY = 86_400n;
export const PERIOD = 30n * DAY;
export const MODULE_ROLE = keccak256(toHex("MODULE_ROLE"));
export const PAUSER_ROLE = keccak256(toHex("PAUSER_ROLE"));
export const FAN_BALANCE = parseEther("1000000");

export type Rules = {
  isPrivate: boolean;
  followers: boolean;
  minTierRank: number;
  minTipped: bigint;
  inviteSigner: Address;
  kyfLevel: number;
};

export const publicRules: Rules = {
  isPrivate: false,
  followers: false,
  minTierRank: 0,
  minTipped: 0n,
  inviteSigner: "0x0000000000000000000000000000000000000000",
  kyfLevel: 0,
};

export async function connect() {
  const { viem, networkHelpers } = await network.create();
  const wallets = await viem.getWalletClients();
  const wallet = (index: number) => {
    const found = wallets[index];
    if (found === undefined) throw new Error(`no wallet ${index}`);
    return found;
  };
  const admin = wallet(0);
  const creator = wallet(1);
  const fan = wallet(2);
  const other = wallet(3);
  const stranger = wallet(4);
  const treasury = wallet(5);
  const converter = wallet(6);

  async function deploy() {
    const mesi = await viem.deployContract("MesiToken", [admin.account.address]);
    // The converter is never used by subscriptions; any non-zero address satisfies the vault.
    const vault = await viem.deployContract("MesiVault", [
      mesi.address,
      converter.account.address,
      treasury.account.address,
      0,
      admin.account.address,
    ]);
    const registry = await viem.deployContract("CreatorRegistry", [vault.address]);
    await vault.write.grantRole([MODULE_ROLE, registry.address]);
    await vault.write.grantRole([PAUSER_ROLE, admin.account.address]);
    for (const funded of [fan, other, stranger]) {
      await mesi.write.transfer([funded.account.address, FAN_BALANCE]);
      await mesi.write.approve([vault.address, maxUint256], { account: funded.account });
    }
    return { mesi, vault, registry };
  }

  const as = (wallet: { account: Account }) => ({ account: wallet.account });
  const addr = (wallet: { account: { address: Address } }) => getAddress(wallet.account.address);

  /** Pins the next block's timestamp `delta` seconds after the latest and returns it. */
  async function nextTimestamp(delta = 10n): Promise<bigint> {
    const t = BigInt(await networkHelpers.time.latest()) + delta;
    await networkHelpers.time.setNextBlockTimestamp(t);
    return t;
  }

  return { viem, networkHelpers, admin, creator, fan, other, stranger, deploy, as, addr, nextTimestamp };
}
