import { sql, type Kysely } from 'kysely';

// Settings admins change at run time, and the audit log.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row (id 1): a typed column per setting; null means "use the configuration's value".
  await db.schema
    .createTable('settings')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('meeting_password_length', 'integer')
    .addColumn('join_opens_minutes_before', 'integer')
    .addColumn('join_closes_minutes_after', 'integer')
    .addColumn('p2p_room_cap', 'integer')
    .addColumn('default_phone_region', 'text')
    .addColumn('organization_name', 'text')
    .addColumn('organization_logo_id', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into settings (id, updated_at) values (1, ${new Date().toISOString()})`.execute(
    db,
  );

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
    // No foreign key: the entry must outlive anything it names, and never fail to be written.
    .addColumn('actor_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text')
    .addColumn('target_id', 'text')
    .addColumn('target_label', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    // Set on aggregated rows only (meeting, source, window); unique so concurrent writers
    // add to one row (INSERT ... ON CONFLICT) instead of racing to create two.
    .addColumn('burst_key', 'text', (c) => c.unique())
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_last_at').on('audit_log').column('last_at').execute();
  await db.schema
    .createIndex('audit_log_action_at')
    .on('audit_log')
    .columns(['action', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('settings').execute();
}
