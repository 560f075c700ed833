import type { Kysely } from 'kysely';

// Reminders before scheduled meetings. They are outbox rows like invitations, written when the
// meeting changes, but due later: `not_before` holds them back until their time, and a reminder
// still unsent at `not_after` (the meeting's start) is skipped rather than sent late.
// Meetings keep their own lead times (null: no reminder on that channel), copied from the
// settings when created; existing meetings get none, so an upgrade sends nobody a surprise.
// Settings: null follows the configuration (as every setting does); 0 means "no reminder".
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('not_before', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('not_after', 'text').execute();
  await db.schema.alterTable('meetings').addColumn('email_reminder_minutes', 'integer').execute();
  await db.schema.alterTable('meetings').addColumn('sms_reminder_minutes', 'integer').execute();
  await db.schema.alterTable('settings').addColumn('email_reminder_minutes', 'integer').execute();
  await db.schema.alterTable('settings').addColumn('sms_reminder_minutes', 'integer').execute();
  // Planning looks up a meeting's reminders by kind on every change.
  await db.schema
    .createIndex('outbox_meeting_kind')
    .on('outbox')
    .columns(['meeting_id', 'kind'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_meeting_kind').execute();
  for (const table of ['settings', 'meetings'] as const) {
    await db.schema.alterTable(table).dropColumn('sms_reminder_minutes').execute();
    await db.schema.alterTable(table).dropColumn('email_reminder_minutes').execute();
  }
  await db.schema.alterTable('outbox').dropColumn('not_after').execute();
  await db.schema.alterTable('outbox').dropColumn('not_before').execute();
}
