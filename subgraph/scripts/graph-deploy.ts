// Deploys the subgraph to The Graph: a graph-node of your own (`graph create` then `graph deploy`
// over its JSON-RPC admin API and IPFS) or Subgraph Studio (`graph deploy` with a deploy key).
// The manifest is rendered for the chosen chain first (its The Graph network name and the
// addresses and start blocks recorded in @mesi/deployments), then built with graph-cli.
//
//   npm run deploy:graph -w @mesi/subgraph -- --chain 84532 --node http://127.0.0.1:8020 --ipfs http://127.0.0.1:5001
//   GRAPH_DEPLOY_KEY=… npm run deploy:graph -w @mesi/subgraph -- --chain 8453 --studio mesi --version-label v1.0.0
//   … --dry-run     prints the graph-cli command lines without running them
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { z } from "zod";

const root = join(import.meta.dirname, "..");
export const SUBGRAPH_STUDIO_NODE = "https://api.studio.thegraph.com/deploy/";

const Options = z.discriminatedUnion("target", [
  z.object({
    target: z.literal("node"),
    chainId: z.coerce.number().int().positive(),
    /** graph-node's JSON-RPC admin endpoint (port 8020). */
    node: z.string().url(),
    /** The IPFS API graph-node reads from (port 5001). */
    ipfs: z.string().url(),
    name: z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, "a subgraph name like mesi/mesi"),
    versionLabel: z.string().min(1),
    accessToken: z.string().min(1).optional(),
  }),
  z.object({
    target: z.literal("studio"),
    chainId: z.coerce.number().int().positive(),
    /** The subgraph's slug in Subgraph Studio. */
    slug: z.string().regex(/^[a-z0-9-]+$/, "Subgraph Studio slugs are lower-case letters, digits and dashes"),
    versionLabel: z.string().min(1),
    deployKey: z.string().min(1, "Subgraph Studio needs GRAPH_DEPLOY_KEY (the deploy key from the Studio page)"),
  }),
]);
export type GraphDeployOptions = z.infer<typeof Options>;

/** The graph-cli command lines (arguments after `graph`) that deploy with these options, in order. */
export function graphCommands(options: GraphDeployOptions): string[][] {
  if (options.target === "studio") {
    return [
      [
        "deploy",
        options.slug,
        "subgraph.yaml",
        "--node",
        SUBGRAPH_STUDIO_NODE,
        "--deploy-key",
        options.deployKey,
        "--version-label",
        options.versionLabel,
      ],
    ];
  }
  const token = options.accessToken === undefined ? [] : ["--access-token", options.accessToken];
  return [
    ["create", options.name, "--node", options.node, ...token],
    [
      "deploy",
      options.name,
      "subgraph.yaml",
      "--node",
      options.node,
      "--ipfs",
      options.ipfs,
      "--version-label",
      options.versionLabel,
      ...(options.accessToken === undefined ? [] : ["--deploy-key", options.accessToken]),
    ],
  ];
}

export function parseGraphDeployArgs(argv: readonly string[], env: NodeJS.ProcessEnv): GraphDeployOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      chain: { type: "string" },
      node: { type: "string" },
      ipfs: { type: "string" },
      name: { type: "string" },
      studio: { type: "string" },
      "version-label": { type: "string" },
      "dry-run": { type: "boolean" },
      "skip-build": { type: "boolean" },
    },
  });
  const versionLabel = values["version-label"] ?? `v0.0.${Math.floor(Date.now() / 1000)}`;
  return Options.parse(
    values.studio !== undefined
      ? {
          target: "studio",
          chainId: values.chain ?? env.MESI_CHAIN_ID,
          slug: values.studio,
          versionLabel,
          deployKey: env.GRAPH_DEPLOY_KEY ?? "",
        }
      : {
          target: "node",
          chainId: values.chain ?? env.MESI_CHAIN_ID,
          node: values.node ?? "http://127.0.0.1:8020",
          ipfs: values.ipfs ?? "http://127.0.0.1:5001",
          name: values.name ?? "mesi/mesi",
          versionLabel,
          accessToken: env.GRAPH_ACCESS_TOKEN || undefined,
        },
  );
}

function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, GRAPH_SKIP_NEW_VERSION_CHECK: "true" },
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args[0] ?? ""} failed (exit ${result.status ?? result.signal})`);
}

/** Secrets stay out of printed command lines. */
function printable(args: readonly string[]): string {
  return args
    .map((arg, i) => (args[i - 1] === "--deploy-key" || args[i - 1] === "--access-token" ? "***" : arg))
    .join(" ");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const dryRun = argv.includes("--dry-run");
  const skipBuild = argv.includes("--skip-build");
  try {
    const options = parseGraphDeployArgs(argv, process.env);
    const graph = join(root, "..", "node_modules", ".bin", "graph");
    if (!skipBuild && !dryRun) {
      run(process.execPath, ["--import", "tsx", "scripts/render-manifest.ts", "--chain", String(options.chainId)]);
      run(graph, ["codegen", "subgraph.yaml", "--output-dir", "generated"]);
      run(graph, ["build", "subgraph.yaml", "--output-dir", "build"]);
    }
    for (const args of graphCommands(options)) {
      console.log(`graph ${printable(args)}`);
      if (!dryRun) run(graph, args);
    }
  } catch (error) {
    const message =
      error instanceof z.ZodError
        ? error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")
        : (error as Error).message;
    process.stderr.write(`deploy:graph: ${message}\n`);
    process.exitCode = 2;
  }
}
