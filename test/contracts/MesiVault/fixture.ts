// Deploys $MESI, the test USDC, the converter and the vault, wired as in production, with roles held by plain
// accounts (relayer, module, pauser), fans holding $MESI and USDC with the vault approved, and a funded float.
// Used by every test in test/contracts/MesiVault.
import type { NetworkConnection } from "hardhat/types/network";
import { getAddress, keccak256, parseSignature, parseUnits, toHex, zeroHash, type Address, type Hex } from "viem";

export const role = (name: string) => keccak256(toHex(name));
export const ROLES = {
  admin: zeroHash,
  relayer: role("RELAYER_ROLE"),
  module: role("MODULE_ROLE"),
  pauser: role("PAUSER_ROLE"),
  rateSetter: role("RATE_SETTER_ROLE"),
} as const;

export const MESI = (n: bigint | number | string) => parseUnits(String(n), 18);
export const USDC = (n: bigint | number | string) => parseUnits(String(n), 6);
/** 1 MESI = 0.01 USD: 1 USDC base unit = 1e14 MESI base units, scaled by 1e18. */
export const USDC_RATE = 10n ** 32n;
export const FLOAT = MESI(10_000_000);
export const FAN_BALANCE = MESI(1_000_000);
export const FAN_USDC = USDC(100_000);
export const TOTAL_SUPPLY = MESI(100_000_000_000);
export const FEE_BPS = 1000n;
export const HOLD = 7n * 24n * 3600n;

export const Source = { Mesi: 0, Stablecoin: 1, Fiat: 2, RelayerStablecoin: 3 } as const;
export const Channel = { Profile: 0, Messenger: 1, Stream: 2, TipLink: 3 } as const;
export const Status = { None: 0, Held: 1, Cleared: 2, Reversed: 3 } as const;

export const ref = (s: string): Hex => keccak256(toHex(s));
export const feeOf = (amount: bigint, bps = FEE_BPS) => (amount * bps) / 10_000n;

type Wallet = Awaited<ReturnType<NetworkConnection["viem"]["getWalletClients"]>>[number];
export const addr = (w: { account: { address: Address } }) => getAddress(w.account.address);

export async function deployVault(connection: NetworkConnection) {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [admin, pauser, relayer, module, fan, fan2, creator, creator2, treasury, outsider] = wallets as [
    Wallet,
    Wallet,
    Wallet,
    Wallet,
    Wallet,
    Wallet,
    Wallet,
    Wallet,
    Wallet,
    Wallet,
  ];
  const wait = async (hash: Promise<Hex> | Hex) => publicClient.waitForTransactionReceipt({ hash: await hash });

  const mesi = await viem.deployContract("MesiToken", [addr(admin)]);
  const usdc = await viem.deployContract("TestUSDC");
  const converter = await viem.deployContract("StableConverter", [0, addr(admin)]);
  const vault = await viem.deployContract("MesiVault", [
    mesi.address,
    converter.address,
    addr(treasury),
    0,
    addr(admin),
  ]);

  await wait(converter.write.grantRole([ROLES.rateSetter, addr(admin)]));
  await wait(converter.write.scheduleListing([usdc.address, USDC_RATE]));
  await wait(converter.write.setRate([usdc.address, USDC_RATE]));
  await wait(vault.write.grantRole([ROLES.relayer, addr(relayer)]));
  await wait(vault.write.grantRole([ROLES.module, addr(module)]));
  // The same account plays the escrow module in these tests.
  await wait(vault.write.setEscrowModule([addr(module)]));
  await wait(vault.write.grantRole([ROLES.pauser, addr(pauser)]));

  // Creators open their Mesi accounts (registration does it in the full system): payments to others are refused.
  for (const w of [creator, creator2]) await wait(vault.write.openAccount({ account: w.account }));
  await wait(mesi.write.approve([vault.address, FLOAT]));
  await wait(vault.write.fundFloat([FLOAT]));
  for (const w of [fan, fan2]) {
    await wait(mesi.write.transfer([addr(w), FAN_BALANCE]));
    await wait(mesi.write.approve([vault.address, FAN_BALANCE], { account: w.account }));
    await wait(usdc.write.mint([addr(w), FAN_USDC]));
    await wait(usdc.write.approve([vault.address, FAN_USDC], { account: w.account }));
  }

  return {
    viem,
    publicClient,
    wait,
    mesi,
    usdc,
    converter,
    vault,
    admin,
    pauser,
    relayer,
    module,
    fan,
    fan2,
    creator,
    creator2,
    treasury,
    outsider,
  };
}

export type VaultSystem = Awaited<ReturnType<typeof deployVault>>;

/** MESI.balanceOf(vault) == Σcleared + Σpending + ΣfeesOwed + feePool + float + escrowed, over `creators`. */
export async function ledgerTotal(s: VaultSystem, creators: readonly Address[]) {
  let ledger = (await s.vault.read.feePool()) + (await s.vault.read.floatBalance()) + (await s.vault.read.escrowed());
  for (const c of creators) {
    const [cleared, pending, feesOwed] = await s.vault.read.earningsOf([c]);
    ledger += cleared + pending + feesOwed;
  }
  return ledger;
}

export interface PermitArgs {
  readonly value: bigint;
  readonly deadline: bigint;
  readonly v: number;
  readonly r: Hex;
  readonly s: Hex;
}

export const NO_PERMIT: PermitArgs = { value: 0n, deadline: 0n, v: 0, r: zeroHash, s: zeroHash };

export function splitSignature(signature: Hex) {
  const { r, s, v, yParity } = parseSignature(signature);
  return { v: v === undefined ? yParity + 27 : Number(v), r, s };
}

/** An EIP-2612 permit of `token` (domain `name`/"1") by `owner` for `spender`. */
export async function signPermit(
  owner: Wallet,
  token: { address: Address; read: { nonces: (args: readonly [Address]) => Promise<bigint> } },
  name: string,
  spender: Address,
  value: bigint,
  deadline: bigint,
): Promise<PermitArgs> {
  const chainId = await owner.getChainId();
  const nonce = await token.read.nonces([owner.account.address]);
  const signature = await owner.signTypedData({
    domain: { name, version: "1", chainId, verifyingContract: token.address },
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message: { owner: owner.account.address, spender, value, nonce, deadline },
  });
  return { value, deadline, ...splitSignature(signature) };
}

export interface TipAuthorization {
  fan: Address;
  creator: Address;
  amount: bigint;
  channel: number;
  channelRef: Hex;
  memoHash: Hex;
  nonce: bigint;
  deadline: bigint;
}

export const TIP_AUTHORIZATION_TYPES = {
  TipAuthorization: [
    { name: "fan", type: "address" },
    { name: "creator", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "channel", type: "uint8" },
    { name: "channelRef", type: "bytes32" },
    { name: "memoHash", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** The fan's EIP-712 signature of a {TipAuthorization} (domain "MesiVault"/"1"), signed by `signer`. */
export async function signTip(signer: Wallet, vault: Address, auth: TipAuthorization): Promise<Hex> {
  const chainId = await signer.getChainId();
  return signer.signTypedData({
    domain: { name: "MesiVault", version: "1", chainId, verifyingContract: vault },
    types: TIP_AUTHORIZATION_TYPES,
    primaryType: "TipAuthorization",
    message: auth,
  });
}

export const EIP3009_TYPES = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
  ReceiveWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
  CancelAuthorization: [
    { name: "authorizer", type: "address" },
    { name: "nonce", type: "bytes32" },
  ],
} as const;

export const USDC_NAME = "USD Coin (Mesi local test)";

/** An EIP-3009 Transfer/ReceiveWithAuthorization signature of the test USDC. */
export async function sign3009(
  signer: Wallet,
  usdc: Address,
  primaryType: "TransferWithAuthorization" | "ReceiveWithAuthorization",
  message: { from: Address; to: Address; value: bigint; validAfter: bigint; validBefore: bigint; nonce: Hex },
) {
  const chainId = await signer.getChainId();
  const signature = await signer.signTypedData({
    domain: { name: USDC_NAME, version: "1", chainId, verifyingContract: usdc },
    types: { [primaryType]: EIP3009_TYPES[primaryType] } as never,
    primaryType,
    message,
  } as never);
  return splitSignature(signature);
}

export async function signCancel3009(signer: Wallet, usdc: Address, nonce: Hex) {
  const chainId = await signer.getChainId();
  const signature = await signer.signTypedData({
    domain: { name: USDC_NAME, version: "1", chainId, verifyingContract: usdc },
    types: { CancelAuthorization: EIP3009_TYPES.CancelAuthorization },
    primaryType: "CancelAuthorization",
    message: { authorizer: signer.account.address, nonce },
  });
  return splitSignature(signature);
}
