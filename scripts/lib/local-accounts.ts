// The funded test accounts of a local chain: the default "test test … junk"
// mnemonic that Hardhat and anvil both fund, one account per job.
import { toHex, type Address, type Hex } from "viem";
import { mnemonicToAccount, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

export const DEFAULT_MNEMONIC = "test test test test test test test test test test test junk";

/** Account index of each job on the local chain. */
export const LOCAL_ROLES = {
  admin: 0,
  relayer: 1,
  moderator: 2,
  verifier: 3,
  creatorAlice: 4,
  creatorBob: 5,
  fan1: 6,
  fan2: 7,
  fan3: 8,
} as const;

export type LocalRole = keyof typeof LOCAL_ROLES;

export interface LocalAccount {
  readonly role: LocalRole;
  readonly index: number;
  readonly address: Address;
  readonly privateKey: Hex;
  readonly account: PrivateKeyAccount;
}

/** Private key of the mnemonic's account at `index` (m/44'/60'/0'/0/index). */
export function localPrivateKey(index: number, mnemonic: string = DEFAULT_MNEMONIC): Hex {
  const privateKey = mnemonicToAccount(mnemonic, { addressIndex: index }).getHdKey().privateKey;
  if (privateKey === null) throw new Error(`no private key at index ${index}`);
  return toHex(privateKey);
}

/** Every job's account, derived from `mnemonic`. */
export function localAccounts(mnemonic: string = DEFAULT_MNEMONIC): Record<LocalRole, LocalAccount> {
  const entries = (Object.entries(LOCAL_ROLES) as [LocalRole, number][]).map(([role, index]) => {
    const privateKey = localPrivateKey(index, mnemonic);
    const account = privateKeyToAccount(privateKey);
    return [role, { role, index, address: account.address, privateKey, account }] as const;
  });
  return Object.fromEntries(entries) as Record<LocalRole, LocalAccount>;
}
