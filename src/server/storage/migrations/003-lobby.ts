import type { Kysely } from 'kysely';

// Guests who passed a lobby, meeting passwords (set by admins, a later issue), and which
// meeting a guest's picture was uploaded for.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('meetings').addColumn('password', 'text').execute();
  await db.schema
    .alterTable('avatars')
    .addColumn('meeting_id', 'text', (c) => c.references('meetings.id').onDelete('cascade'))
    .execute();
  await db.schema
    .createTable('guest_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) =>
      c.notNull().references('meetings.id').onDelete('cascade'),
    )
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('avatar_id', 'text', (c) => c.references('avatars.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('guest_sessions_meeting')
    .on('guest_sessions')
    .column('meeting_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('guest_sessions').execute();
  await db.schema.alterTable('avatars').dropColumn('meeting_id').execute();
  await db.schema.alterTable('meetings').dropColumn('password').execute();
}
