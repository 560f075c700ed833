import type { Kysely } from 'kysely';

// Hosts in control (issue 19): a meeting's waiting room, lock and early end, its co-hosts, and
// each guest's admission. In the database rather than in one node's memory, so every node
// serving a room (REDIS_URL) reads the same answer when a guest knocks.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per meeting that ever had one of these set; no row means all off.
  await db.schema
    .createTable('meeting_hosting')
    .addColumn('meeting_id', 'text', (c) => c.primaryKey().references('meetings.id'))
    .addColumn('waiting_room', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    // Set by a host's "end for everyone": the link answers MEETING_ENDED from then on.
    .addColumn('ended_at', 'text')
    .execute();
  await db.schema
    .createTable('meeting_cohosts')
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('meeting_cohosts_pk', ['meeting_id', 'user_id'])
    .execute();
  // One row per meeting and participant identity (a guest session, or a member): waiting,
  // admitted, denied, left (stopped waiting) or removed (by a host; refused from then on).
  await db.schema
    .createTable('room_admissions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id'))
    .addColumn('identity', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('avatar_url', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('knocked_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addUniqueConstraint('room_admissions_identity', ['meeting_id', 'identity'])
    .execute();
  // Admin Settings: whether new meetings start with a waiting room (null: off).
  await db.schema.alterTable('settings').addColumn('waiting_room_default', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('settings').dropColumn('waiting_room_default').execute();
  await db.schema.dropTable('room_admissions').execute();
  await db.schema.dropTable('meeting_cohosts').execute();
  await db.schema.dropTable('meeting_hosting').execute();
}
