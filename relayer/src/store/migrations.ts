// The store's schema, created with Kysely's schema builder so SQLite and
// PostgreSQL get the same tables. Each migration runs once, in order.
import type { Kysely } from "kysely";
import { Migrator, type Migration, type MigrationProvider } from "kysely/migration";

import type { Dialect } from "./store.ts";

function migrations(dialect: Dialect): Record<string, Migration> {
  const serial = dialect === "postgres" ? "serial" : "integer";
  const time = "bigint";
  return {
    "0001_initial": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("quotes")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("fan", "text", (c) => c.notNull())
          .addColumn("creator", "text", (c) => c.notNull())
          .addColumn("purpose", "text", (c) => c.notNull())
          .addColumn("mesi_amount", "text", (c) => c.notNull())
          .addColumn("amount_minor", "bigint", (c) => c.notNull())
          .addColumn("currency", "text", (c) => c.notNull())
          .addColumn("stream_id", "text")
          .addColumn("quantity", "integer")
          .addColumn("channel", "integer", (c) => c.notNull())
          .addColumn("channel_ref", "text", (c) => c.notNull())
          .addColumn("expires_at", time, (c) => c.notNull())
          .addColumn("payment_intent_id", "text", (c) => c.unique())
          .addColumn("client_secret", "text")
          .addColumn("payment_ref", "text")
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("created_at", time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("quotes_status_expires").on("quotes").columns(["status", "expires_at"]).execute();

        await db.schema
          .createTable("ticket_reservations")
          .addColumn("quote_id", "text", (c) => c.primaryKey())
          .addColumn("stream_id", "text", (c) => c.notNull())
          .addColumn("quantity", "integer", (c) => c.notNull())
          .addColumn("expires_at", time, (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("created_at", time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("ticket_reservations_stream")
          .on("ticket_reservations")
          .columns(["stream_id", "status"])
          .execute();

        await db.schema
          .createTable("payments")
          .addColumn("payment_ref", "text", (c) => c.primaryKey())
          .addColumn("payment_intent_id", "text", (c) => c.notNull().unique())
          .addColumn("quote_id", "text")
          .addColumn("fan", "text")
          .addColumn("creator", "text")
          .addColumn("purpose", "text")
          .addColumn("mesi_amount", "text")
          .addColumn("amount_minor", "bigint")
          .addColumn("currency", "text")
          .addColumn("stream_id", "text")
          .addColumn("quantity", "integer")
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("reason", "text")
          .addColumn("created_at", time, (c) => c.notNull())
          .addColumn("updated_at", time, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable("webhook_events")
          .addColumn("event_id", "text", (c) => c.primaryKey())
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("payment_ref", "text")
          .addColumn("outcome", "text", (c) => c.notNull())
          .addColumn("received_at", time, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable("outbox")
          .addColumn("id", serial, (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("dedupe_key", "text", (c) => c.notNull())
          .addColumn("payment_ref", "text")
          .addColumn("payload", "text", (c) => c.notNull())
          .addColumn("state", "text", (c) => c.notNull())
          .addColumn("claimed_by", "text")
          .addColumn("claimed_at", time)
          .addColumn("tx_id", "integer")
          .addColumn("tx_hash", "text")
          .addColumn("nonce", "integer")
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("not_before", time, (c) => c.notNull().defaultTo(0))
          .addColumn("last_error", "text")
          .addColumn("sponsor_fan", "text")
          .addColumn("sponsor_gas", "text")
          .addColumn("created_at", time, (c) => c.notNull())
          .addColumn("updated_at", time, (c) => c.notNull())
          .addColumn("confirmed_at", time)
          .addUniqueConstraint("outbox_kind_dedupe", ["kind", "dedupe_key"])
          .execute();
        await db.schema.createIndex("outbox_state_kind").on("outbox").columns(["state", "kind", "id"]).execute();
        await db.schema.createIndex("outbox_tx").on("outbox").column("tx_id").execute();
        await db.schema.createIndex("outbox_payment_ref").on("outbox").column("payment_ref").execute();

        await db.schema
          .createTable("transactions")
          .addColumn("id", serial, (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn("instance_id", "text", (c) => c.notNull())
          .addColumn("sender", "text", (c) => c.notNull())
          .addColumn("nonce", "integer", (c) => c.notNull())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("to_address", "text", (c) => c.notNull())
          .addColumn("data", "text", (c) => c.notNull())
          .addColumn("gas_limit", "text", (c) => c.notNull())
          .addColumn("max_fee", "text", (c) => c.notNull())
          .addColumn("max_priority_fee", "text", (c) => c.notNull())
          .addColumn("raw", "text", (c) => c.notNull())
          .addColumn("hashes", "text", (c) => c.notNull())
          .addColumn("state", "text", (c) => c.notNull())
          .addColumn("first_sent_at", time, (c) => c.notNull())
          .addColumn("last_sent_at", time, (c) => c.notNull())
          .addColumn("mined_hash", "text")
          .addColumn("mined_block", "bigint")
          .addColumn("mined_block_hash", "text")
          .addColumn("gas_used", "text")
          .addColumn("effective_gas_price", "text")
          .addColumn("created_at", time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("transactions_sender_state")
          .on("transactions")
          .columns(["sender", "state", "nonce"])
          .execute();

        await db.schema
          .createTable("sponsorship_usage")
          .addColumn("fan", "text", (c) => c.notNull())
          .addColumn("month", "text", (c) => c.notNull())
          .addColumn("gas", "text", (c) => c.notNull())
          .addColumn("wei", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("sponsorship_usage_pk", ["fan", "month"])
          .execute();
      },
    },
    "0002_payment_refund": {
      async up(db: Kysely<unknown>) {
        // The Stripe refund the relayer issued for a payment the chain refused (see stripe/refunds.ts).
        await db.schema.alterTable("payments").addColumn("refund_id", "text").execute();
        await db.schema.createIndex("payments_status").on("payments").column("status").execute();
      },
    },
  };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

export class MigrationError extends Error {
  override readonly name = "MigrationError";
}

/** Brings the schema up to date. Safe to run from several instances at once (Kysely locks). */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === "Error");
  if (error !== undefined || failed !== undefined) {
    throw new MigrationError(
      `store migration ${failed?.migrationName ?? ""} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
