import type { Kysely } from 'kysely';

// Meeting lists are pages in (starts_at, id) order, read from a cursor onwards. The admin list
// reads every meeting of one status in that order; with this index each page is a range scan
// from the cursor instead of a scan and sort of the whole table.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('meetings_starts_id')
    .on('meetings')
    .columns(['starts_at', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('meetings_starts_id').execute();
}
