// A handler that breaks a store rule halts indexing deterministically, as in
// graph-node: the blocks before it stay indexed, the failing block is not
// applied, and queries report the indexing error unless they allow it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { parseEther, zeroHash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { abis } from "@mesi/deployments";

import { IndexingHaltedError } from "../indexer/chain/follower.ts";
import { QueryService } from "../indexer/graphql/service.ts";
import { DEFAULT_SCHEMA_PATH, IndexerCore } from "../indexer/indexer.ts";
import { deployLocalMesi, startAnvil, type DeployedMesi, type LocalChain } from "./helpers/local-chain.ts";
import { actorsOf } from "./helpers/scenario.ts";

let chain: LocalChain;
let mesi: DeployedMesi;
let dir: string;

beforeAll(async () => {
  chain = await startAnvil();
  mesi = await deployLocalMesi(chain);
  dir = mkdtempSync(join(tmpdir(), "mesi-halt-"));
});

afterAll(async () => {
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a failing handler", () => {
  it("halts at the failing block, keeps what came before and reports the error to queries", async () => {
    const { admin, creator, fan } = actorsOf(chain);
    const pc = chain.publicClient;
    const write = async (
      account: typeof admin,
      address: `0x${string}`,
      abi: never,
      functionName: string,
      args: unknown[],
    ) =>
      pc.waitForTransactionReceipt({
        hash: await chain.wallet(account).writeContract({ address, abi, functionName, args } as never),
      });
    await write(admin, mesi.contracts.MesiToken.address, abis.MesiToken as never, "transfer", [
      fan.address,
      parseEther("10"),
    ]);
    await write(fan, mesi.contracts.MesiToken.address, abis.MesiToken as never, "approve", [
      mesi.contracts.MesiVault.address,
      parseEther("10"),
    ]);
    const tip = await write(fan, mesi.contracts.MesiVault.address, abis.MesiVault as never, "tip", [
      creator.address,
      parseEther("1"),
      0,
      zeroHash,
      zeroHash,
    ]);

    // A schema whose PaymentSource lacks MESI: the $MESI tip's entities break the store's rules.
    const schemaPath = join(dir, "schema.graphql");
    writeFileSync(
      schemaPath,
      readFileSync(DEFAULT_SCHEMA_PATH, "utf8").replace(/\n {2}"\$MESI from[^\n]*\n {2}MESI\n/, "\n"),
    );
    const core = new IndexerCore({
      client: pc as never,
      deployment: mesi.targets,
      databasePath: join(dir, "halt.sqlite"),
      schemaPath,
    });
    const error = await core.follower.syncOnce().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IndexingHaltedError);
    expect((error as IndexingHaltedError).message).toMatch(/MesiVault\.handleTipped failed at block \d+/);
    expect((error as IndexingHaltedError).message).toMatch(/not a member of enum PaymentSource/);
    expect((error as IndexingHaltedError).blockNumber).toBe(tip.blockNumber);
    expect(core.store.cursor()!.number).toBeLessThan(tip.blockNumber);

    const queries = new QueryService(core.store);
    expect(queries.execute({ query: "{ tips { id } }" }).errors?.[0]?.message).toBe("indexing_error");
    const allowed = queries.execute({ query: "{ tips(subgraphError: allow) { id } _meta { hasIndexingErrors } }" });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data).toEqual({ tips: [], _meta: { hasIndexingErrors: true } });
    core.close();
  });
});
