// An acknowledged webhook survives a power loss, not only a killed process
// (issue 9, item 6): the store is the system of record. SQLite commits with
// synchronous=FULL in WAL mode (NORMAL may lose the last commits on power
// loss); PostgreSQL sessions commit with synchronous_commit=on even where the
// server's default was turned off.
import { join } from "node:path";

import { sql } from "kysely";
import { afterAll, beforeAll, expect, test } from "vitest";

import { openPostgresStore } from "../src/store/postgres.ts";
import { openSqliteStore } from "../src/store/sqlite.ts";
import { startPostgres, type PostgresServer } from "./support/postgres.ts";
import { tempDir } from "./support/relayer.ts";

let pg: PostgresServer;

beforeAll(async () => {
  // This test server runs with synchronous_commit=off (and fsync=off) for speed.
  pg = await startPostgres();
});

afterAll(async () => {
  await pg?.stop();
});

test("SQLite: WAL journal with synchronous=FULL", async () => {
  const store = await openSqliteStore(join(tempDir(), "relayer.sqlite"));
  try {
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
    expect(mode.rows[0]!.journal_mode).toBe("wal");
    const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
    expect(sync.rows[0]!.synchronous).toBe(2); // FULL
  } finally {
    await store.close();
  }
});

test("PostgreSQL: every session commits with synchronous_commit=on, whatever the server's default", async () => {
  const store = await openPostgresStore(pg.url, 3);
  try {
    const server = await sql<{
      setting: string;
    }>`select setting from pg_settings where name = 'synchronous_commit'`.execute(store.db);
    expect(server.rows[0]!.setting).toBe("on");
    const answers = await Promise.all(
      [0, 1, 2].map(() =>
        store.transaction(
          async (trx) => (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(trx)).rows[0]!,
        ),
      ),
    );
    for (const answer of answers) expect(answer.synchronous_commit).toBe("on");
  } finally {
    await store.close();
  }
});
