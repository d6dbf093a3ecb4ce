import type { RelayerConfig } from "../config.ts";
import { openPostgresStore } from "./postgres.ts";
import { openSqliteStore } from "./sqlite.ts";
import type { Store } from "./store.ts";

/** Opens the store the configuration names and brings its schema up to date. */
export async function openStore(config: RelayerConfig["store"]): Promise<Store> {
  return config.kind === "postgres"
    ? await openPostgresStore(config.url, config.poolSize)
    : await openSqliteStore(config.path);
}
