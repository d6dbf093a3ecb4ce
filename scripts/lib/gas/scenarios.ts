// The operations the gas benchmark measures, each on a fresh in-process chain
// state set up so that only the measured transaction is counted. Baselines:
// bare OpenZeppelin ERC-20 / ERC-1155 (test/contracts/bench/) and Unlock
// Protocol's PublicLock v15 deployed from @unlock-protocol/contracts through
// its Unlock factory, as on every network Unlock runs on.
import { createRequire } from "node:module";

import {
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  keccak256,
  maxUint256,
  parseEventLogs,
  parseSignature,
  parseUnits,
  toHex,
  zeroAddress,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hash,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";

import { abis } from "../../../deployments/src/generated/abis.ts";
import { readSessionRecord } from "../../../deployments/src/one-to-one-session.ts";
import { permitTypes, stablecoinBuyAuthorizationTypes } from "../../../deployments/src/typed-data.ts";
import { readContractArtifact } from "../artifacts.ts";
import type { ChainContracts } from "../deployments-module.ts";

type Wallet = WalletClient<Transport, Chain, Account>;
type Client = PublicClient<Transport, Chain | undefined>;

export interface BenchChain {
  readonly publicClient: Client;
  /** Funded, unlocked accounts; the first deploys. At least 18. */
  readonly wallets: readonly Wallet[];
  /** Moves the chain's clock forward. */
  readonly increaseTime: (seconds: number) => Promise<void>;
}

const MESI = (amount: string): bigint => parseUnits(amount, 18);
const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;

class GasMeter {
  constructor(private readonly publicClient: Client) {}

  /** Waits for the transaction and returns its gas; throws if it reverted. */
  async gasOf(step: string, hash: Promise<Hash>): Promise<bigint> {
    const receipt = await this.publicClient.waitForTransactionReceipt({ hash: await hash, pollingInterval: 10 });
    if (receipt.status !== "success") throw new Error(`gas bench: "${step}" reverted`);
    return receipt.gasUsed;
  }

  async deploy(wallet: Wallet, abi: Abi, bytecode: Hex, args: readonly unknown[] = []): Promise<Address> {
    const hash = await wallet.deployContract({ abi, bytecode, args, account: wallet.account, chain: wallet.chain });
    const receipt = await this.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    if (receipt.status !== "success" || !receipt.contractAddress) throw new Error("gas bench: deployment reverted");
    return receipt.contractAddress;
  }
}

function wallet(chain: BenchChain, index: number): Wallet {
  const found = chain.wallets[index];
  if (found === undefined) throw new Error(`gas bench needs at least ${index + 1} accounts`);
  return found;
}

/** Bare OpenZeppelin ERC-20 (with permit) and ERC-1155. */
export async function measureTokenBaselines(chain: BenchChain): Promise<Record<string, bigint>> {
  const meter = new GasMeter(chain.publicClient);
  const [deployer, holder, spender, recipient, newHolder] = [0, 1, 2, 3, 4].map((i) => wallet(chain, i)) as [
    Wallet,
    Wallet,
    Wallet,
    Wallet,
    Wallet,
  ];
  const erc20 = readContractArtifact("BenchERC20", { sourcePath: "test/contracts/bench/BenchERC20.sol" });
  const token = await meter.deploy(deployer, erc20.abi, erc20.bytecode);
  const write = (from: Wallet, functionName: string, args: readonly unknown[]) =>
    from.writeContract({
      address: token,
      abi: erc20.abi,
      functionName,
      args,
      account: from.account,
      chain: from.chain,
    });
  await meter.gasOf("mint", write(deployer, "mint", [holder.account.address, MESI("1000")]));
  await meter.gasOf("mint", write(deployer, "mint", [recipient.account.address, MESI("1")]));
  await meter.gasOf("approve", write(holder, "approve", [spender.account.address, MESI("500")]));
  const transferFrom = await meter.gasOf(
    "transferFrom",
    write(spender, "transferFrom", [holder.account.address, recipient.account.address, MESI("1")]),
  );
  const transfer = await meter.gasOf("transfer", write(holder, "transfer", [recipient.account.address, MESI("1")]));

  const erc1155 = readContractArtifact("BenchERC1155", { sourcePath: "test/contracts/bench/BenchERC1155.sol" });
  const multi = await meter.deploy(deployer, erc1155.abi, erc1155.bytecode);
  const mint1155 = await meter.gasOf(
    "erc1155 mint",
    deployer.writeContract({
      address: multi,
      abi: erc1155.abi,
      functionName: "mint",
      args: [newHolder.account.address, 1n, 1n],
      account: deployer.account,
      chain: deployer.chain,
    }),
  );
  return {
    "erc20.transferFrom.existingHolder": transferFrom,
    "erc20.transfer.existingHolder": transfer,
    "erc1155.mint.newHolder": mint1155,
  };
}

const require = createRequire(import.meta.url);
interface UnlockArtifact {
  readonly abi: Abi;
  readonly bytecode: Hex;
}
function unlockArtifact(path: string): UnlockArtifact {
  return require(`@unlock-protocol/contracts/dist/abis/${path}`) as UnlockArtifact;
}

/** Unlock Protocol PublicLock v15 `purchase` with an ERC-20 price: first key and a later key. */
export async function measureUnlockBaseline(chain: BenchChain): Promise<Record<string, bigint>> {
  const meter = new GasMeter(chain.publicClient);
  const deployer = wallet(chain, 0);
  const buyers = [wallet(chain, 5), wallet(chain, 6)];
  const unlockJson = unlockArtifact("Unlock/UnlockV14.json");
  const lockJson = unlockArtifact("PublicLock/PublicLockV15.json");
  const proxy = readContractArtifact("BenchProxy", { sourcePath: "test/contracts/bench/BenchProxy.sol" });
  const erc20 = readContractArtifact("BenchERC20", { sourcePath: "test/contracts/bench/BenchERC20.sol" });
  const admin = deployer.account.address;

  const unlockImpl = await meter.deploy(deployer, unlockJson.abi, unlockJson.bytecode);
  const unlock = await meter.deploy(deployer, proxy.abi, proxy.bytecode, [
    unlockImpl,
    encodeFunctionData({ abi: unlockJson.abi, functionName: "initialize", args: [admin] }),
  ]);
  const lockImpl = await meter.deploy(deployer, lockJson.abi, lockJson.bytecode);
  const callUnlock = (functionName: string, args: readonly unknown[]) =>
    deployer.writeContract({
      address: unlock,
      abi: unlockJson.abi,
      functionName,
      args,
      account: deployer.account,
      chain: deployer.chain,
    });
  await meter.gasOf("addLockTemplate", callUnlock("addLockTemplate", [lockImpl, 15]));
  await meter.gasOf("setLockTemplate", callUnlock("setLockTemplate", [lockImpl]));

  const token = await meter.deploy(deployer, erc20.abi, erc20.bytecode);
  const price = MESI("10");
  const initData = encodeFunctionData({
    abi: lockJson.abi,
    functionName: "initialize",
    args: [admin, 30n * 86_400n, token, price, 1_000n, "Bench lock"],
  });
  const { result: lock } = await chain.publicClient.simulateContract({
    account: deployer.account,
    address: unlock,
    abi: unlockJson.abi,
    functionName: "createUpgradeableLock",
    args: [initData],
  });
  await meter.gasOf("createUpgradeableLock", callUnlock("createUpgradeableLock", [initData]));

  const gas: bigint[] = [];
  for (const buyer of buyers) {
    const buyerAddress = buyer.account.address;
    await meter.gasOf(
      "mint",
      deployer.writeContract({
        address: token,
        abi: erc20.abi,
        functionName: "mint",
        args: [buyerAddress, price * 10n],
        account: deployer.account,
        chain: deployer.chain,
      }),
    );
    await meter.gasOf(
      "approve lock",
      buyer.writeContract({
        address: token,
        abi: erc20.abi,
        functionName: "approve",
        args: [lock as Address, maxUint256],
        account: buyer.account,
        chain: buyer.chain,
      }),
    );
    const purchase = {
      value: price,
      recipient: buyerAddress,
      referrer: zeroAddress,
      protocolReferrer: zeroAddress,
      keyManager: zeroAddress,
      data: "0x",
      additionalPeriods: 0n,
    };
    gas.push(
      await meter.gasOf(
        "purchase",
        buyer.writeContract({
          address: lock as Address,
          abi: lockJson.abi,
          functionName: "purchase",
          args: [[purchase]],
          account: buyer.account,
          chain: buyer.chain,
        }),
      ),
    );
  }
  return { "unlock.purchase.firstKey": gas[0] ?? 0n, "unlock.purchase.laterKey": gas[1] ?? 0n };
}

/** Mesi's operations on a deployed system (see scripts/lib/deploy.ts); wallets 0–3 are admin and role holders. */
export async function measureMesi(chain: BenchChain, contracts: ChainContracts): Promise<Record<string, bigint>> {
  const meter = new GasMeter(chain.publicClient);
  const admin = wallet(chain, 0);
  const relayer = wallet(chain, 1);
  const [alice, bob] = [wallet(chain, 10), wallet(chain, 11)];
  const fans = [12, 13, 14, 15].map((i) => wallet(chain, i)) as [Wallet, Wallet, Wallet, Wallet];
  const vault = contracts.MesiVault.address;
  const send = (from: Wallet, address: Address, abi: Abi, functionName: string, args: readonly unknown[]) =>
    from.writeContract({ address, abi, functionName, args, account: from.account, chain: from.chain });
  const token = (from: Wallet, functionName: string, args: readonly unknown[]) =>
    send(from, contracts.MesiToken.address, abis.MesiToken, functionName, args);
  const onVault = (from: Wallet, functionName: string, args: readonly unknown[]) =>
    send(from, vault, abis.MesiVault, functionName, args);
  const registry = (from: Wallet, functionName: string, args: readonly unknown[]) =>
    send(from, contracts.CreatorRegistry.address, abis.CreatorRegistry, functionName, args);

  // Setup: fans hold $MESI with a finite allowance for the vault; creators registered and hold some $MESI.
  for (const who of [...fans, alice, bob]) {
    await meter.gasOf("fund", token(admin, "transfer", [who.account.address, MESI("100000")]));
  }
  for (const fan of fans) await meter.gasOf("approve", token(fan, "approve", [vault, MESI("50000")]));
  for (const [creator, name] of [
    [alice, "Alice"],
    [bob, "Bob"],
  ] as const) {
    await meter.gasOf("register", registry(creator, "register", [`data:,${name}`]));
  }
  const gas: Record<string, bigint> = {};
  const [fan1, fan2, fan3, fan4] = fans;
  const memo = keccak256(toHex("gas bench"));

  // Tips: a first tip, then the measured repeat tip from the same fan to the same creator.
  gas["mesi.tip.first"] = await meter.gasOf(
    "first tip",
    onVault(fan1, "tip", [alice.account.address, MESI("10"), 0, ZERO_HASH, memo]),
  );
  gas["mesi.tip.repeat.allowance"] = await meter.gasOf(
    "repeat tip (vault.tip, allowance)",
    onVault(fan1, "tip", [alice.account.address, MESI("10"), 0, ZERO_HASH, memo]),
  );
  // The wallet path: one ERC-1363 transferAndCall into the vault, no allowance at all.
  const tipData = encodeAbiParameters(
    [{ type: "address" }, { type: "uint8" }, { type: "bytes32" }, { type: "bytes32" }],
    [alice.account.address, 0, ZERO_HASH, memo],
  );
  gas["mesi.tip.repeat"] = await meter.gasOf(
    "repeat tip (transferAndCall)",
    token(fan1, "transferAndCall", [vault, MESI("10"), tipData]),
  );

  // Claim: Alice already holds $MESI (an existing holder, as in the transfer baseline).
  gas["mesi.claim"] = await meter.gasOf("claim", onVault(alice, "claim", [alice.account.address]));

  // Tickets: first ticket of a sale (new holder), then another new holder.
  const rules = {
    isPrivate: false,
    followers: false,
    minTierRank: 0,
    minTipped: 0n,
    inviteSigner: zeroAddress,
    kyfLevel: 0,
  };
  await meter.gasOf("create stream", registry(bob, "createStream", [rules, "data:,stream"]));
  const price = MESI("50");
  await meter.gasOf(
    "configure sale",
    send(bob, contracts.MesiTickets.address, abis.MesiTickets, "configureSale", [1n, price, 1_000, false, 0]),
  );
  const buy = (fan: Wallet) => send(fan, contracts.MesiTickets.address, abis.MesiTickets, "buy", [1n, 1, price]);
  gas["mesi.ticket.buy.firstSale"] = await meter.gasOf("buy first ticket", buy(fan2));
  gas["mesi.ticket.buy.newHolder"] = await meter.gasOf("buy ticket", buy(fan3));

  // One-to-one: request + accept + release (after the session and the dispute window).
  const escrow = (from: Wallet, functionName: string, args: readonly unknown[]) =>
    send(from, contracts.OneToOneEscrow.address, abis.OneToOneEscrow, functionName, args);
  await meter.gasOf(
    "one-to-one settings",
    escrow(alice, "setSettings", [{ enabled: true, minMinutes: 5, maxMinutes: 30, minAmount: MESI("100") }]),
  );
  // Every call after the request passes the session's record, rebuilt from the escrow's events as the webapp does.
  const requestedSession = async (hash: Promise<Hash>) => {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: await hash, pollingInterval: 10 });
    const [requested] = parseEventLogs({ abi: abis.OneToOneEscrow, logs: receipt.logs, eventName: "SessionRequested" });
    if (requested === undefined) throw new Error("gas bench: no SessionRequested");
    return { id: requested.args.sessionId, gas: receipt.gasUsed };
  };
  const record = async (sessionId: bigint) =>
    readSessionRecord(chain.publicClient, { address: contracts.OneToOneEscrow.address }, sessionId);
  // The wallet path: one ERC-1363 transferAndCall into the vault, which escrows and has the escrow record the request.
  const requestData = encodeAbiParameters([{ type: "address" }, { type: "uint8" }], [alice.account.address, 15]);
  const requestByTransfer = () => token(fan4, "transferAndCall", [vault, MESI("150"), requestData]);
  const requestByAllowance = () => escrow(fan4, "request", [alice.account.address, MESI("150"), 15]);
  const lifecycle = async (request = requestByTransfer) => {
    const requested = await requestedSession(request());
    const accept = await meter.gasOf("accept", escrow(alice, "accept", [await record(requested.id)]));
    await chain.increaseTime(15 * 60 + 24 * 3600 + 1);
    const release = await meter.gasOf("release", escrow(fan4, "release", [await record(requested.id)]));
    return { request: requested.gas, accept, release };
  };
  const first = await lifecycle();
  gas["mesi.oneToOne.first.lifecycle"] = first.request + first.accept + first.release;
  // The measured lifecycle is a repeat one (same fan and creator, creator with earnings, escrow in use), like the
  // baseline's transferFrom to an existing holder; the first one above also pays for first-time storage.
  const { request: request2, accept: accept2, release: release2 } = await lifecycle();
  gas["mesi.oneToOne.request.allowance"] = (await lifecycle(requestByAllowance)).request;
  gas["mesi.oneToOne.request"] = request2;
  gas["mesi.oneToOne.accept"] = accept2;
  gas["mesi.oneToOne.release"] = release2;
  gas["mesi.oneToOne.lifecycle"] = request2 + accept2 + release2;

  // Fiat credits from the float, to five creators that already have pending earnings: one per
  // transaction, then a batch of 50 (fresh payment references and fans throughout).
  await meter.gasOf("fund float", token(admin, "approve", [vault, MESI("1000000")]));
  await meter.gasOf("fund float", onVault(admin, "fundFloat", [MESI("1000000")]));
  const someone = (label: string): Address => getAddress(keccak256(toHex(label)).slice(0, 42));
  // Five funded wallets no other scenario uses, each with its Mesi account open (payments to others are refused).
  const creatorWallets = [7, 8, 9, 16, 17].map((i) => wallet(chain, i));
  for (const creator of creatorWallets) await meter.gasOf("open account", onVault(creator, "openAccount", []));
  const creators = creatorWallets.map((w) => w.account.address);
  const fiatFans = Array.from({ length: 50 }, (_, i) => someone(`bench fan ${i}`));
  let refCounter = 0;
  const fiatCredit = (index: number) => ({
    paymentRef: keccak256(toHex(`pi_bench_${refCounter++}`)),
    fan: fiatFans[index % fiatFans.length] as Address,
    creator: creators[index % creators.length] as Address,
    amount: MESI("20"),
    source: 2,
    channel: 0,
    channelRef: ZERO_HASH,
  });
  for (let i = 0; i < creators.length; i++) {
    await meter.gasOf("warm credit", onVault(relayer, "credit", [fiatCredit(i)]));
  }
  const singles: bigint[] = [];
  for (let i = 0; i < creators.length; i++) {
    singles.push(await meter.gasOf("credit", onVault(relayer, "credit", [fiatCredit(i)])));
  }
  gas["mesi.fiatCredit.single"] = singles.reduce((sum, g) => sum + g, 0n) / BigInt(singles.length);
  const batch = Array.from({ length: 50 }, (_, i) => fiatCredit(i));
  const batchGas = await meter.gasOf("credit batch", onVault(relayer, "creditBatch", [batch]));
  gas["mesi.fiatCredit.batch50.total"] = batchGas;
  gas["mesi.fiatCredit.batch50.perCredit"] = batchGas / 50n;

  // Gasless stablecoin ticket (the float is funded now): a fan holding only USDC signs the order and a USDC permit for
  // the vault; the relayer submits both. A new holder of a sale that already sold, as `mesi.ticket.buy.newHolder`.
  const usdc = contracts.TestUSDC.address;
  const stableFan = wallet(chain, 6);
  await meter.gasOf(
    "mint usdc",
    send(admin, usdc, abis.TestUSDC, "mint", [stableFan.account.address, parseUnits("100", 6)]),
  );
  gas["mesi.ticket.buyWithStablecoinBySig"] = await meter.gasOf(
    "gasless stablecoin ticket",
    signedStablecoinTicket(chain, contracts, stableFan, price).then((args) =>
      send(relayer, contracts.MesiTickets.address, abis.MesiTickets, "buyWithStablecoinBySig", args),
    ),
  );
  return gas;
}

/** `fan`'s signed StablecoinBuyAuthorization for one ticket of stream 1 at today's USDC quote, with its permit. */
async function signedStablecoinTicket(chain: BenchChain, contracts: ChainContracts, fan: Wallet, price: bigint) {
  const { publicClient } = chain;
  const usdc = contracts.TestUSDC.address;
  const chainId = await publicClient.getChainId();
  const block = await publicClient.getBlock();
  const deadline = block.timestamp + 3600n;
  const maxStableIn = await publicClient.readContract({
    address: contracts.StableConverter.address,
    abi: abis.StableConverter,
    functionName: "quoteStableIn",
    args: [usdc, price],
  });
  const auth = {
    fan: fan.account.address,
    streamId: 1n,
    quantity: 1,
    stablecoin: usdc,
    maxStableIn,
    nonce: await publicClient.readContract({
      address: contracts.MesiTickets.address,
      abi: abis.MesiTickets,
      functionName: "nonces",
      args: [fan.account.address],
    }),
    deadline,
  };
  const signature = await fan.signTypedData({
    domain: { name: "MesiTickets", version: "1", chainId, verifyingContract: contracts.MesiTickets.address },
    types: stablecoinBuyAuthorizationTypes,
    primaryType: "StablecoinBuyAuthorization",
    message: auth,
  });
  const [usdcName, permitNonce] = await Promise.all([
    publicClient.readContract({ address: usdc, abi: abis.TestUSDC, functionName: "name" }),
    publicClient.readContract({
      address: usdc,
      abi: abis.TestUSDC,
      functionName: "nonces",
      args: [fan.account.address],
    }),
  ]);
  const permitSignature = await fan.signTypedData({
    domain: { name: usdcName, version: "1", chainId, verifyingContract: usdc },
    types: permitTypes,
    primaryType: "Permit",
    message: {
      owner: fan.account.address,
      spender: contracts.MesiVault.address,
      value: maxStableIn,
      nonce: permitNonce,
      deadline,
    },
  });
  const { r, s, v, yParity } = parseSignature(permitSignature);
  const permit = { value: maxStableIn, deadline, v: v === undefined ? yParity + 27 : Number(v), r, s };
  return [auth, signature, permit] as const;
}
