/** Login sessions: random 256-bit tokens handed to the browser, stored only as hashes. */
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';
import { hashToken, newToken } from '../tokens.js';
import { decoy, verifyPassword } from './passwords.js';
import type { UserRow } from './members.js';

export class SessionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** Checks the password and opens a session; the same error for unknown email or wrong password. */
  async login(email: string, password: string): Promise<{ token: string; user: UserRow }> {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst();
    const ok = await verifyPassword(user?.password_hash ?? (await decoy()), password);
    if (!user || !ok || user.disabled === 1) throw new AppError('BAD_CREDENTIALS');
    const token = newToken();
    const now = this.clock.now();
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: hashToken(token),
        user_id: user.id,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + this.ttlMs).toISOString(),
      })
      .execute();
    return { token, user };
  }

  /** The active member holding this token, or undefined. */
  async authenticate(token: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .where('sessions.token_hash', '=', hashToken(token))
      .where('sessions.expires_at', '>', this.clock.now().toISOString())
      .where('users.disabled', '=', 0)
      .executeTakeFirst();
  }

  async logout(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
  }

  async purgeExpired(): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', this.clock.now().toISOString())
      .execute();
  }
}
