import type { Kysely } from 'kysely';

// Which claim holds an outbox row. A worker whose lease ran out (a long pause, a lost network)
// may finish its send after another worker took the row over; every write of an outcome names
// the claim it comes from, so only the current holder's result is kept.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('claim_token', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('claim_token').execute();
}
