import type { Kysely } from 'kysely';

// Replies (RSVP) and calendar feeds.
// - `invitee_answers`: each invitee's answer, keyed like outbox rows (`email:<addr>`,
//   `phone:<e164>`, `member:<userId>`), so an answer outlives edits of the participant list.
// - `rsvp_tokens`: SHA-256 of every personal answer link sent; each message carries a new one
//   (only hashes are kept, so a link cannot be written again), and all of them stay valid.
// - users: the calendar feed's secret (shown back in GET /api/me, so kept as it is, like a join
//   link's token) and whether the member wants an email when someone answers.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invitee_answers')
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id'))
    .addColumn('recipient_key', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    // 'link' (the RSVP page) or 'calendar' (an iMIP REPLY by mail).
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('invitee_answers_pk', ['meeting_id', 'recipient_key'])
    .execute();
  await db.schema
    .createTable('rsvp_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id'))
    .addColumn('recipient_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rsvp_tokens_meeting')
    .on('rsvp_tokens')
    .column('meeting_id')
    .execute();
  await db.schema.alterTable('users').addColumn('calendar_feed_token', 'text').execute();
  await db.schema
    .createIndex('users_calendar_feed_token')
    .unique()
    .on('users')
    .column('calendar_feed_token')
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('notify_on_answers', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('notify_on_answers').execute();
  await db.schema.dropIndex('users_calendar_feed_token').execute();
  await db.schema.alterTable('users').dropColumn('calendar_feed_token').execute();
  await db.schema.dropTable('rsvp_tokens').execute();
  await db.schema.dropTable('invitee_answers').execute();
}
