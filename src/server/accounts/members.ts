/** Members of the organization: creation, listing, role and disabled state, own profile. */
import type { Member, Role, Language, NewMember } from '../../shared/api.js';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';
import type { UsersTable } from '../storage/schema.js';
import { newId } from '../tokens.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';

export type UserRow = UsersTable;

export function avatarUrl(avatarId: string | null): string | null {
  return avatarId ? `/avatars/${avatarId}.webp` : null;
}

export function toMember(row: UserRow): Member {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    avatarUrl: avatarUrl(row.avatar_id),
    language: row.language,
    disabled: row.disabled === 1,
  };
}

export class MembersService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async create(input: NewMember): Promise<Member> {
    await this.assertFree(input.email, input.username);
    const row: UserRow = {
      id: newId(),
      email: input.email,
      username: input.username,
      display_name: input.displayName,
      role: input.role,
      password_hash: await hashPassword(input.password),
      avatar_id: null,
      language: 'en',
      disabled: 0,
      created_at: this.clock.now().toISOString(),
      calendar_feed_token: null,
      notify_on_answers: 0,
    };
    try {
      await this.db.insertInto('users').values(row).execute();
    } catch (error) {
      // A concurrent create can still win the race between the check and the insert.
      await this.assertFree(input.email, input.username);
      throw error;
    }
    return toMember(row);
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /**
   * Every member, or those whose email, user name or display name contains `query` in any case.
   * Matched here rather than in SQL: SQLite's lower() folds only ASCII, and a display name like
   * "Ángela" must match "áng" on both databases alike.
   */
  async list(query?: string): Promise<Member[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('display_name').execute();
    const needle = query?.trim().toLocaleLowerCase();
    const matching = needle
      ? rows.filter((r) =>
          [r.email, r.username, r.display_name].some((v) => v.toLocaleLowerCase().includes(needle)),
        )
      : rows;
    return matching.map(toMember);
  }

  async get(id: string): Promise<UserRow> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('MEMBER_NOT_FOUND');
    return row;
  }

  /** Active members by user name, for classifying meeting participants. */
  async findActiveByUsernames(usernames: string[]): Promise<Map<string, UserRow>> {
    if (usernames.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', 'in', usernames)
      .where('disabled', '=', 0)
      .execute();
    return new Map(rows.map((r) => [r.username, r]));
  }

  async update(
    actorId: string,
    id: string,
    change: { disabled?: boolean | undefined; role?: Role | undefined },
  ): Promise<Member> {
    await this.get(id);
    if (id === actorId && (change.disabled === true || change.role === 'member')) {
      throw new AppError('CANNOT_DISABLE_SELF', {
        message: 'You cannot disable yourself or remove your own admin role.',
      });
    }
    await this.db.transaction().execute(async (tx) => {
      const values: Partial<UserRow> = {};
      if (change.disabled !== undefined) values.disabled = change.disabled ? 1 : 0;
      if (change.role !== undefined) values.role = change.role;
      if (Object.keys(values).length > 0) {
        await tx.updateTable('users').set(values).where('id', '=', id).execute();
      }
      // A disabled member's sessions end at once.
      if (change.disabled) await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    });
    return toMember(await this.get(id));
  }

  /**
   * Sets a new random password and ends the member's sessions in the same transaction, so the
   * old password and every open login stop working together. Returns the password, once.
   */
  async resetPassword(id: string): Promise<string> {
    await this.get(id);
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set({ password_hash: passwordHash })
        .where('id', '=', id)
        .execute();
      await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    });
    return password;
  }

  /**
   * A member changing their own password; the current one must be right. Their other sessions
   * end with the old password (one may be a stolen one); the session making the change stays.
   */
  async changeOwnPassword(
    id: string,
    change: { currentPassword: string; newPassword: string },
    keepSessionHash: string,
  ): Promise<void> {
    const row = await this.get(id);
    if (!(await verifyPassword(row.password_hash, change.currentPassword))) {
      throw new AppError('CURRENT_PASSWORD_WRONG');
    }
    const passwordHash = await hashPassword(change.newPassword);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set({ password_hash: passwordHash })
        .where('id', '=', id)
        .execute();
      await tx
        .deleteFrom('sessions')
        .where('user_id', '=', id)
        .where('token_hash', '!=', keepSessionHash)
        .execute();
    });
  }

  async updateProfile(
    id: string,
    change: {
      displayName?: string | undefined;
      avatarId?: string | null | undefined;
      language?: Language | undefined;
      notifyOnAnswers?: boolean | undefined;
    },
  ): Promise<Member> {
    const values: Partial<UserRow> = {};
    if (change.notifyOnAnswers !== undefined)
      values.notify_on_answers = change.notifyOnAnswers ? 1 : 0;
    if (change.displayName !== undefined) values.display_name = change.displayName;
    if (change.language !== undefined) values.language = change.language;
    if (change.avatarId !== undefined) {
      if (change.avatarId !== null) await this.assertOwnAvatar(id, change.avatarId);
      values.avatar_id = change.avatarId;
    }
    if (Object.keys(values).length > 0) {
      await this.db.updateTable('users').set(values).where('id', '=', id).execute();
    }
    return toMember(await this.get(id));
  }

  private async assertOwnAvatar(userId: string, avatarId: string): Promise<void> {
    const avatar = await this.db
      .selectFrom('avatars')
      .select('owner_user_id')
      .where('id', '=', avatarId)
      .executeTakeFirst();
    if (!avatar || avatar.owner_user_id !== userId) {
      throw new AppError('VALIDATION', { message: 'This picture does not exist or is not yours.' });
    }
  }

  private async assertFree(email: string, username: string): Promise<void> {
    const clash = await this.db
      .selectFrom('users')
      .select(['email', 'username'])
      .where((eb) => eb.or([eb('email', '=', email), eb('username', '=', username)]))
      .executeTakeFirst();
    if (clash?.email === email) throw new AppError('EMAIL_TAKEN');
    if (clash) throw new AppError('USERNAME_TAKEN');
  }
}
