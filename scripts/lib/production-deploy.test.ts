import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { createPublicClient, getAddress, http, type Address } from "viem";

import { abis } from "../../deployments/src/generated/abis.ts";
import { parseAddressesModule, writeChainAddresses } from "./deployments-module.ts";
import { localAccounts } from "./local-accounts.ts";
import { startLocalChain, type LocalChain } from "./local-chain.ts";
import { roleId } from "./mesi-wiring.ts";
import {
  deployMesiProduction,
  parseProductionParameters,
  ProductionDeployError,
  type ProductionDeployment,
} from "./production-deploy.ts";

const USDC_ON_BASE = getAddress("0x833589fcd6edb6e08f4c7c32d4f71b54bda02913");
const RATE = 10n ** 32n;
const DELAY = 86_400;

describe("production Ignition module (MesiProduction) deployed to a local node with per-network parameters", () => {
  const accounts = localAccounts();
  const deployer = accounts.admin.address;
  const parametersJson = {
    MesiProduction: {
      relayer: accounts.relayer.address,
      moderator: accounts.moderator.address,
      verifier: accounts.verifier.address,
      pauser: accounts.creatorAlice.address,
      rateSetter: accounts.creatorBob.address,
      treasury: accounts.fan1.address,
      initialHolder: accounts.fan2.address,
      adminDelay: DELAY,
      stablecoin: USDC_ON_BASE,
      stablecoinRate: `${RATE}n`,
    },
  };
  let chain: LocalChain;
  let connection: NetworkConnection;
  let deployment: ProductionDeployment;
  let dir: string;

  before(async () => {
    chain = await startLocalChain();
    dir = await mkdtemp(join(tmpdir(), "mesi-production-"));
    connection = await hre.network.create({ network: "localhost", override: { url: chain.url } });
    deployment = await deployMesiProduction({ hre, connection, parametersJson });
  });
  after(async () => {
    await connection?.close();
    await chain?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("deploys every contract but TestUSDC, with the deployer as admin behind the delay", async () => {
    const publicClient = createPublicClient({ transport: http(chain.url) });
    assert.equal(deployment.admin, deployer);
    assert.equal("TestUSDC" in deployment.contracts, false);
    for (const [name, { address, blockNumber }] of Object.entries(deployment.contracts)) {
      const code = await publicClient.getCode({ address, blockNumber });
      assert.ok(code !== undefined && code !== "0x", `${name} is deployed at block ${blockNumber}`);
    }
    for (const name of ["MesiVault", "StableConverter", "MesiTickets", "OneToOneEscrow", "KyfRegistry"] as const) {
      const contract = { address: deployment.contracts[name].address, abi: abis[name] } as const;
      assert.equal(await publicClient.readContract({ ...contract, functionName: "defaultAdmin" } as never), deployer);
      assert.equal(
        await publicClient.readContract({ ...contract, functionName: "defaultAdminDelay" } as never),
        DELAY,
        `${name} admin delay`,
      );
    }
  });

  it("gives pausing and rate setting to the named accounts, not the deployer", async () => {
    const publicClient = createPublicClient({ transport: http(chain.url) });
    const has = (name: "MesiVault" | "StableConverter", role: Parameters<typeof roleId>[0], who: Address) =>
      publicClient.readContract({
        address: deployment.contracts[name].address,
        abi: abis[name],
        functionName: "hasRole",
        args: [roleId(role), who],
      } as never) as Promise<boolean>;
    assert.equal(await has("MesiVault", "PAUSER_ROLE", deployer), false);
    assert.equal(await has("StableConverter", "RATE_SETTER_ROLE", deployer), false);
    assert.equal(await has("MesiVault", "PAUSER_ROLE", accounts.creatorAlice.address), true);
    assert.equal(await has("StableConverter", "RATE_SETTER_ROLE", accounts.creatorBob.address), true);
    assert.equal(await has("MesiVault", "RELAYER_ROLE", accounts.relayer.address), true);
  });

  it("locks the modules, pays the treasury, gives the supply to the initial holder, schedules the listing", async () => {
    const publicClient = createPublicClient({ transport: http(chain.url) });
    const vault = { address: deployment.contracts.MesiVault.address, abi: abis.MesiVault } as const;
    assert.equal(await publicClient.readContract({ ...vault, functionName: "modulesLocked" }), true);
    assert.equal(await publicClient.readContract({ ...vault, functionName: "treasury" }), accounts.fan1.address);
    const supply = await publicClient.readContract({
      address: deployment.contracts.MesiToken.address,
      abi: abis.MesiToken,
      functionName: "balanceOf",
      args: [accounts.fan2.address],
    });
    assert.equal(supply, 100_000_000_000n * 10n ** 18n);
    const converter = { address: deployment.contracts.StableConverter.address, abi: abis.StableConverter } as const;
    const [rate, readyAt] = await publicClient.readContract({
      ...converter,
      functionName: "listingOf",
      args: [USDC_ON_BASE],
    });
    assert.equal(rate, RATE);
    const block = await publicClient.getBlock();
    assert.ok(readyAt > Number(block.timestamp) + DELAY - 60, "due after the admin delay");
    assert.equal(await publicClient.readContract({ ...converter, functionName: "rateOf", args: [USDC_ON_BASE] }), 0n);
  });

  it("records the chain in a @mesi/deployments addresses module without TestUSDC", async () => {
    const file = join(dir, "addresses.ts");
    await writeChainAddresses(8453, deployment.contracts, file);
    const stored = parseAddressesModule(await readFile(file, "utf8"));
    assert.deepEqual(Object.keys(stored), ["8453"]);
    assert.equal(stored["8453"]?.TestUSDC, undefined);
    assert.equal(stored["8453"]?.MesiVault?.address, deployment.contracts.MesiVault.address);
  });

  it("refuses parameters without a delay, with the deployer as pauser or rate setter, or incomplete", () => {
    const base = parametersJson.MesiProduction;
    const cases: [unknown, RegExp][] = [
      [{ MesiProduction: { ...base, adminDelay: 0 } }, /adminDelay must be at least 3600/],
      [{ MesiProduction: { ...base, pauser: deployer } }, /pauser must not be the deployer/],
      [{ MesiProduction: { ...base, rateSetter: deployer } }, /rateSetter must not be the deployer/],
      [{ MesiProduction: { ...base, treasury: undefined } }, /treasury/],
      [{ MesiProduction: { ...base, stablecoinRate: "0n" } }, /stablecoinRate must be positive/],
      [{ Mesi: base }, /no "MesiProduction" entry/],
    ];
    // The committed per-network files hold zero addresses until the operator fills them in.
    for (const network of ["baseSepolia", "base"]) {
      const committed: unknown = JSON.parse(
        readFileSync(join(import.meta.dirname, "..", "..", "ignition", "parameters", `${network}.json`), "utf8"),
      );
      cases.push([committed, /relayer: the zero address/]);
    }
    for (const [json, message] of cases) {
      assert.throws(
        () => parseProductionParameters(json, deployer),
        (error: unknown) => {
          assert.ok(error instanceof ProductionDeployError);
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });
});
