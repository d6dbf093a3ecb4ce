// Seeds a fresh local Mesi deployment with demo data: two creators with
// profiles (Alice with a ticketed stream and one-to-one settings, Bob with a
// subscription tier), three fans funded with $MESI and TestUSDC (their Mesi
// accounts open, so that they can receive tips), a few tips,
// one ticket sold, one pending one-to-one request, and the relayer's float.
import {
  createWalletClient,
  http,
  keccak256,
  parseUnits,
  toHex,
  zeroAddress,
  type Address,
  type Chain,
  type Hash,
  type PublicClient,
  type Transport,
} from "viem";

import { abis } from "../../deployments/src/generated/abis.ts";
import type { ChainContracts } from "./deployments-module.ts";
import type { LocalAccount, LocalRole } from "./local-accounts.ts";

const MESI = (amount: string): bigint => parseUnits(amount, 18);
const USDC = (amount: string): bigint => parseUnits(amount, 6);

export interface SeedDemoParameters {
  readonly rpcUrl: string;
  readonly chain: Chain;
  readonly publicClient: PublicClient<Transport, Chain | undefined>;
  readonly contracts: ChainContracts;
  readonly accounts: Readonly<Record<LocalRole, LocalAccount>>;
  readonly onProgress?: (message: string) => void;
}

export interface DemoTip {
  readonly fan: Address;
  readonly creator: Address;
  /** Gross amount in $MESI base units (the creator earns it minus the platform fee). */
  readonly amount: bigint;
  readonly stablecoin: boolean;
}

export interface DemoData {
  readonly creators: { readonly alice: Address; readonly bob: Address };
  readonly fans: readonly Address[];
  readonly ticketedStreamId: bigint;
  readonly ticketPrice: bigint;
  readonly tips: readonly DemoTip[];
  readonly pendingSessionId: bigint;
  readonly floatFunded: bigint;
}

function profileUri(profile: Record<string, string>): string {
  return `data:application/json;base64,${Buffer.from(JSON.stringify(profile)).toString("base64")}`;
}

export async function seedDemo(parameters: SeedDemoParameters): Promise<DemoData> {
  const { rpcUrl, chain, publicClient, contracts, accounts, onProgress = () => {} } = parameters;
  const transport = http(rpcUrl);
  const walletOf = (role: LocalRole) => createWalletClient({ account: accounts[role].account, chain, transport });
  const confirm = async (step: string, hash: Promise<Hash>): Promise<void> => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash, pollingInterval: 50 });
    if (receipt.status !== "success")
      throw new Error(`seeding demo data: "${step}" reverted (${receipt.transactionHash})`);
  };
  const vault = contracts.MesiVault.address;
  const { alice, bob } = { alice: accounts.creatorAlice.address, bob: accounts.creatorBob.address };
  const fans = [accounts.fan1, accounts.fan2, accounts.fan3];
  const admin = walletOf("admin");
  const relayer = walletOf("relayer");

  // Money: $MESI from the admin (who holds the supply), TestUSDC from its open mint.
  const floatFunded = MESI("1000000");
  await confirm(
    "fund relayer",
    admin.writeContract({
      address: contracts.MesiToken.address,
      abi: abis.MesiToken,
      functionName: "transfer",
      args: [accounts.relayer.address, floatFunded],
    }),
  );
  for (const fan of fans) {
    await confirm(
      `fund ${fan.role} with MESI`,
      admin.writeContract({
        address: contracts.MesiToken.address,
        abi: abis.MesiToken,
        functionName: "transfer",
        args: [fan.address, MESI("10000")],
      }),
    );
    await confirm(
      `fund ${fan.role} with USDC`,
      admin.writeContract({
        address: contracts.TestUSDC.address,
        abi: abis.TestUSDC,
        functionName: "mint",
        args: [fan.address, USDC("1000")],
      }),
    );
    // Fans tip each other too: an address receives tips only once its Mesi account is open.
    await confirm(
      `${fan.role} opens a Mesi account`,
      walletOf(fan.role).writeContract({ address: vault, abi: abis.MesiVault, functionName: "openAccount" }),
    );
  }
  onProgress("funded 3 fans with 10,000 MESI and 1,000 USDC each and opened their Mesi accounts");

  await confirm(
    "relayer approves float",
    relayer.writeContract({
      address: contracts.MesiToken.address,
      abi: abis.MesiToken,
      functionName: "approve",
      args: [vault, floatFunded],
    }),
  );
  await confirm(
    "relayer funds float",
    relayer.writeContract({ address: vault, abi: abis.MesiVault, functionName: "fundFloat", args: [floatFunded] }),
  );
  onProgress("funded the relayer's float with 1,000,000 MESI");

  // Creators.
  const aliceWallet = walletOf("creatorAlice");
  const bobWallet = walletOf("creatorBob");
  const registry = { address: contracts.CreatorRegistry.address, abi: abis.CreatorRegistry } as const;
  await confirm(
    "Alice registers",
    aliceWallet.writeContract({
      ...registry,
      functionName: "register",
      args: [
        profileUri({
          name: "Alice Demo",
          handle: "alice",
          bio: "Live coding and music. Paid one-to-one calls welcome.",
        }),
      ],
    }),
  );
  await confirm(
    "Bob registers",
    bobWallet.writeContract({
      ...registry,
      functionName: "register",
      args: [profileUri({ name: "Bob Demo", handle: "bob", bio: "Daily fitness streams for subscribers." })],
    }),
  );
  await confirm(
    "Alice sets one-to-one",
    aliceWallet.writeContract({
      address: contracts.OneToOneEscrow.address,
      abi: abis.OneToOneEscrow,
      functionName: "setSettings",
      args: [{ enabled: true, minMinutes: 5, maxMinutes: 30, minAmount: MESI("200") }],
    }),
  );
  const rules = {
    isPrivate: false,
    followers: false,
    minTierRank: 0,
    minTipped: 0n,
    inviteSigner: zeroAddress,
    kyfLevel: 0,
  } as const;
  await confirm(
    "Alice creates a stream",
    aliceWallet.writeContract({
      ...registry,
      functionName: "createStream",
      args: [rules, profileUri({ title: "Friday night live set" })],
    }),
  );
  const ticketedStreamId = await publicClient.readContract({ ...registry, functionName: "streamCount" });
  const ticketPrice = MESI("50");
  await confirm(
    "Alice opens ticket sale",
    aliceWallet.writeContract({
      address: contracts.MesiTickets.address,
      abi: abis.MesiTickets,
      functionName: "configureSale",
      args: [ticketedStreamId, ticketPrice, 100, false, 0],
    }),
  );
  await confirm(
    "Bob creates a tier",
    bobWallet.writeContract({
      ...registry,
      functionName: "createTier",
      args: [MESI("300"), 1, 7, profileUri({ name: "Bronze" })],
    }),
  );
  onProgress(`registered Alice (stream ${ticketedStreamId}, tickets at 50 MESI, one-to-one from 200 MESI) and Bob`);

  // Tips, a ticket and a pending one-to-one request.
  const tips: DemoTip[] = [];
  const tipInMesi = async (fan: LocalAccount, creator: Address, amount: bigint, memo: string): Promise<void> => {
    const wallet = walletOf(fan.role);
    await confirm(
      "approve tip",
      wallet.writeContract({
        address: contracts.MesiToken.address,
        abi: abis.MesiToken,
        functionName: "approve",
        args: [vault, amount],
      }),
    );
    await confirm(
      `${fan.role} tips`,
      wallet.writeContract({
        address: vault,
        abi: abis.MesiVault,
        functionName: "tip",
        args: [creator, amount, 0, `0x${"00".repeat(32)}`, keccak256(toHex(memo))],
      }),
    );
    tips.push({ fan: fan.address, creator, amount, stablecoin: false });
  };
  const [fan1, fan2, fan3] = fans as [LocalAccount, LocalAccount, LocalAccount];
  await tipInMesi(fan1, alice, MESI("100"), "Great set!");
  await tipInMesi(fan2, alice, MESI("25"), "Thanks for the tune");
  await tipInMesi(fan3, bob, MESI("10"), "Keep it up");

  const stableAmount = USDC("5");
  const mesiOut = await publicClient.readContract({
    address: contracts.StableConverter.address,
    abi: abis.StableConverter,
    functionName: "quote",
    args: [contracts.TestUSDC.address, stableAmount],
  });
  const fan2Wallet = walletOf("fan2");
  await confirm(
    "approve USDC tip",
    fan2Wallet.writeContract({
      address: contracts.TestUSDC.address,
      abi: abis.TestUSDC,
      functionName: "approve",
      args: [vault, stableAmount],
    }),
  );
  await confirm(
    "fan2 tips Bob in USDC",
    fan2Wallet.writeContract({
      address: vault,
      abi: abis.MesiVault,
      functionName: "tipWithStablecoin",
      args: [contracts.TestUSDC.address, bob, stableAmount, mesiOut, 0, `0x${"00".repeat(32)}`, `0x${"00".repeat(32)}`],
    }),
  );
  tips.push({ fan: fan2.address, creator: bob, amount: mesiOut, stablecoin: true });
  onProgress(`sent ${tips.length} tips (one in USDC)`);

  const fan1Wallet = walletOf("fan1");
  await confirm(
    "approve ticket",
    fan1Wallet.writeContract({
      address: contracts.MesiToken.address,
      abi: abis.MesiToken,
      functionName: "approve",
      args: [vault, ticketPrice],
    }),
  );
  await confirm(
    "fan1 buys a ticket",
    fan1Wallet.writeContract({
      address: contracts.MesiTickets.address,
      abi: abis.MesiTickets,
      functionName: "buy",
      args: [ticketedStreamId, 1, ticketPrice],
    }),
  );
  onProgress("fan1 bought a ticket to Alice's stream");

  const sessionAmount = MESI("250");
  const fan3Wallet = walletOf("fan3");
  await confirm(
    "approve one-to-one",
    fan3Wallet.writeContract({
      address: contracts.MesiToken.address,
      abi: abis.MesiToken,
      functionName: "approve",
      args: [vault, sessionAmount],
    }),
  );
  await confirm(
    "fan3 requests a one-to-one",
    fan3Wallet.writeContract({
      address: contracts.OneToOneEscrow.address,
      abi: abis.OneToOneEscrow,
      functionName: "request",
      args: [alice, sessionAmount, 15],
    }),
  );
  const [pendingSessionId] = await publicClient.readContract({
    address: contracts.OneToOneEscrow.address,
    abi: abis.OneToOneEscrow,
    functionName: "latestSessionOf",
    args: [accounts.fan3.address, alice],
  });
  onProgress(`fan3 requested a 15-minute one-to-one with Alice (session ${pendingSessionId}, 250 MESI in escrow)`);

  return {
    creators: { alice, bob },
    fans: fans.map((fan) => fan.address),
    ticketedStreamId,
    ticketPrice,
    tips,
    pendingSessionId,
    floatFunded,
  };
}
