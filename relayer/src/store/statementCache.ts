// Kysely prepares every query afresh; the relayer runs the same few dozen SQL
// texts over and over, so keep their prepared statements (bounded, by text).
import type SqliteDatabase from "better-sqlite3";

export function cachePreparedStatements(database: SqliteDatabase.Database, limit = 256): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, SqliteDatabase.Statement>();
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement === undefined) {
      statement = prepare(source);
      if (cache.size >= limit) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof database.prepare;
}
