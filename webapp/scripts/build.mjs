// `vite build` runs the app once to analyse it, and SvelteKit validates src/env.ts's variables then. The
// real values are given when the server starts (one build serves any deployment), so the build gets
// clearly fake placeholders for the ones that are not set.
import { spawnSync } from "node:child_process";

const placeholders = {
  PUBLIC_CHAIN_ID: "1",
  PUBLIC_RPC_URL: "http://build.invalid/rpc",
  PUBLIC_INDEXER_URL: "http://build.invalid/graphql",
  PUBLIC_RELAYER_URL: "http://build.invalid/relayer",
  MESI_SESSION_SECRET: "build-time-placeholder-not-a-secret-000000",
};
const env = { ...process.env };
for (const [name, value] of Object.entries(placeholders)) env[name] ??= value;
const result = spawnSync("vite", ["build", ...process.argv.slice(2)], { stdio: "inherit", env, shell: false });
process.exit(result.status ?? 1);
