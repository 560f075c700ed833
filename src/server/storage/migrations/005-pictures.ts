import { PostgresAdapter, type Kysely } from 'kysely';

// Uploaded pictures (avatars, the organization's logo) move from files under DATA_DIR into the
// database, so that every app node serves every picture. Files already uploaded are copied in
// at start-up (avatars/import-picture-files.ts): a migration does not know DATA_DIR.
export async function up(db: Kysely<unknown>): Promise<void> {
  const binary = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
  await db.schema
    .createTable('pictures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // 'avatar' or 'logo': each is served under its own URL (/avatars/<id>.webp, /logos/<id>.png).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('bytes', binary, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pictures').execute();
}
