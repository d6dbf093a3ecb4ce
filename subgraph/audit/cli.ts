// The auditor's command line, over the index database (read-only).
//
//   npm run audit -- tips [--creator 0x…] [--fan 0x…] [--source MESI|STABLECOIN|FIAT|RELAYER_STABLECOIN]
//                         [--from <unix|ISO>] [--to <unix|ISO>] [--format csv|json|ndjson] [--limit N] [--out FILE]
//   npm run audit -- payments [same filters] [--kind TIP|TICKET|SUBSCRIPTION|ONE_TO_ONE]
//   npm run audit -- totals tips|payments [filters]
//   npm run audit -- reconcile --records FILE(.csv|.json|.ndjson|.sqlite)|postgres://… [--query SQL] [--sources FIAT,RELAYER_STABLECOIN]
//     (the relayer's own store — its SQLite file or PostgreSQL URL — is read as it is; relative paths start where
//     the command is run)
//   npm run audit -- verify --rpc URL [--chain-id N]
//
// Common: --db FILE (default $MESI_INDEX_DB, else .mesi/indexer.sqlite at the repository root), or
//   --graph URL: any endpoint of The Graph's query dialect instead (a graph-node's
//   http://host:8000/subgraphs/name/mesi, The Graph's gateway, the embedded indexer's GraphQL URL); every
//   command reads one block of it, paged with id cursors.
// Exit status: 0 when everything matched, 1 when reconcile/verify found differences, 2 on bad input.
import { createWriteStream, readFileSync } from "node:fs";
import { once } from "node:events";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

import Database from "better-sqlite3";
import type { Abi } from "viem";

import type { AuditIndex } from "./audit-index.ts";
import { DEFAULT_INDEX_DB } from "./cli-defaults.ts";
import { exportLedger, type ExportFormat } from "./export.ts";
import { graphAuditIndex } from "./graph-index.ts";
import { AuditInputError, parseLedgerFilter } from "./ledger.ts";
import { sqliteAuditIndex } from "./sqlite-index.ts";

const USAGE = `usage: npm run audit -- <tips|payments|totals|reconcile|verify> [options]
  filters: --creator 0x… --fan 0x… --source MESI|STABLECOIN|FIAT|RELAYER_STABLECOIN --kind TIP|TICKET|SUBSCRIPTION|ONE_TO_ONE
           --from <unix seconds|ISO date> --to <unix seconds|ISO date>
  export:  --format csv|json|ndjson (default csv) --limit N --out FILE (default stdout) --stats (rows/s, peak memory)
  reconcile: --records FILE|URL (.csv/.json/.ndjson, the relayer's SQLite store or PostgreSQL URL; other
             databases with --query) --sources FIAT,RELAYER_STABLECOIN
  verify:  --rpc URL [--chain-id N]
  common:  --db FILE (default $MESI_INDEX_DB or .mesi/indexer.sqlite)
           or --graph URL (a graph-node, The Graph's gateway or any endpoint of The Graph's query dialect)`;

/**
 * Peak resident memory of this process, in KiB. On Linux from /proc (VmHWM, which starts afresh at
 * exec): getrusage's maxRSS survives exec and would report the parent's size when a big process
 * spawned this one.
 */
function peakRssKiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: "string" },
      graph: { type: "string" },
      creator: { type: "string" },
      fan: { type: "string" },
      source: { type: "string" },
      kind: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      format: { type: "string" },
      limit: { type: "string" },
      out: { type: "string" },
      records: { type: "string" },
      query: { type: "string" },
      sources: { type: "string" },
      rpc: { type: "string" },
      "chain-id": { type: "string" },
      stats: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  // `npm run audit` runs in the workspace's folder: relative paths start where the command was typed.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  let db: Database.Database | undefined;
  let index: AuditIndex;
  if (values.graph !== undefined) {
    if (values.db !== undefined) throw new AuditInputError("give --db FILE or --graph URL, not both");
    if (!/^https?:\/\//.test(values.graph))
      throw new AuditInputError(`--graph must be an http(s) URL, got \`${values.graph}\``);
    index = graphAuditIndex({ url: values.graph });
  } else {
    const dbPath = resolve(cwd, values.db ?? process.env.MESI_INDEX_DB ?? DEFAULT_INDEX_DB);
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    // Exports read each page once: a small page cache keeps the CLI's memory flat.
    db.pragma("cache_size = -2000");
    index = sqliteAuditIndex(db);
  }
  try {
    const filter = parseLedgerFilter({
      creator: values.creator,
      fan: values.fan,
      source: values.source,
      kind: values.kind,
      from: values.from,
      to: values.to,
    });
    if (command === "tips" || command === "payments") {
      const format = (values.format ?? "csv") as ExportFormat;
      if (!["csv", "json", "ndjson"].includes(format))
        throw new AuditInputError(`--format must be csv, json or ndjson`);
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      const out = values.out ? createWriteStream(resolve(cwd, values.out)) : process.stdout;
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const count = await exportLedger(index, command, filter, out, { format, limit });
      if (values.out) {
        out.end();
        await once(out, "finish");
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      process.stderr.write(`${count} ${command} exported\n`);
      if (values.stats) {
        process.stderr.write(
          `STATS rows=${count} seconds=${seconds.toFixed(3)} cpuSeconds=${((cpu.user + cpu.system) / 1e6).toFixed(3)} ` +
            `maxRssMiB=${(peakRssKiB() / 1024).toFixed(1)}\n`,
        );
      }
      return 0;
    }
    if (command === "totals") {
      if (sub !== "tips" && sub !== "payments") throw new AuditInputError("totals needs `tips` or `payments`");
      console.log(JSON.stringify(await index.ledgerTotals(sub, filter), null, 2));
      return 0;
    }
    if (command === "reconcile") {
      if (!values.records) throw new AuditInputError("reconcile needs --records FILE");
      // Loaded on demand: an export should not pay for viem's memory.
      const { readRelayerRecords, reconcile } = await import("./reconcile.ts");
      const records = await readRelayerRecords(values.records, { query: values.query, cwd });
      const sources = values.sources?.split(",").map((s) => s.trim().toUpperCase());
      const report = reconcile(await index.credits(), records, { sources });
      console.log(JSON.stringify(report, null, 2));
      return report.mismatches.length === 0 ? 0 : 1;
    }
    if (command === "verify") {
      if (!values.rpc) throw new AuditInputError("verify needs --rpc URL");
      const { loadDeployment } = await import("@mesi/deployments");
      const { createPublicClient, http } = await import("viem");
      const { verify } = await import("./verify.ts");
      const client = createPublicClient({ transport: http(values.rpc) });
      const chainId = values["chain-id"] ? Number(values["chain-id"]) : await client.getChainId();
      const deployment = loadDeployment(chainId);
      const report = await verify(index, client as never, {
        vault: { address: deployment.MesiVault.address, abi: deployment.MesiVault.abi as Abi },
        token: { address: deployment.MesiToken.address, abi: deployment.MesiToken.abi as Abi },
      });
      console.log(JSON.stringify(report, null, 2));
      return report.ok ? 0 : 1;
    }
    throw new AuditInputError(`unknown command \`${command}\`\n${USAGE}`);
  } finally {
    db?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`audit: ${(error as Error).message}\n`);
    process.exitCode = error instanceof AuditInputError ? 2 : 1;
  },
);
