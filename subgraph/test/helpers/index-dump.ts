// A canonical dump of every entity table of an index, to compare two indexes row by row.
import Database from "better-sqlite3";

import type { SchemaModel } from "../../indexer/store/model.ts";
import { quote } from "../../indexer/store/store.ts";

export function dumpIndex(path: string | Database.Database, model: SchemaModel): Record<string, string[]> {
  const db = typeof path === "string" ? new Database(path, { readonly: true }) : path;
  try {
    const dump: Record<string, string[]> = {};
    for (const entity of model.entities) {
      const rows = db
        .prepare(`SELECT * FROM ${quote(entity.table)} ORDER BY "id"`)
        .safeIntegers(true)
        .all() as Record<string, unknown>[];
      dump[entity.name] = rows.map((row) =>
        JSON.stringify(row, (_key, value: unknown) =>
          Buffer.isBuffer(value) ? `0x${value.toString("hex")}` : typeof value === "bigint" ? value.toString() : value,
        ),
      );
    }
    return dump;
  } finally {
    if (typeof path === "string") db.close();
  }
}
