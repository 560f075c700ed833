/**
 * For every migration the project has shipped: rows a real installation held right after it
 * (written in that step's table shapes, with raw untyped inserts, never today's types), and how
 * today's services must still read them once the database is migrated to the latest schema.
 * test/integration/upgrade-steps.test.ts fails for a migration without an entry here, so a new
 * migration comes with its fixture: add `'NNN-name': { insert, check }` at the end.
 */
import { expect } from 'vitest';
import type { Kysely } from 'kysely';
import type { Services } from '../../src/server/compose.js';
import type { Db } from '../../src/server/storage/database.js';
import { hashPassword } from '../../src/server/accounts/passwords.js';
import { toMember } from '../../src/server/accounts/members.js';
import { toOutboxDetail } from '../../src/server/invitations/views.js';
import { ChatStore } from '../../src/server/room/chat-store.js';
import { hashToken } from '../../src/server/tokens.js';

/** Tables as they were at one step: no compile-time shape, so old columns stay writable. */
export type UntypedDb = Kysely<Record<string, Record<string, unknown>>>;

export interface UpgradedDatabase {
  services: Services;
  db: Db;
}

export interface MigrationFixture {
  /** Rows in the shapes right after this migration (earlier fixtures' rows are there too). */
  insert(db: UntypedDb): Promise<void>;
  /** After migrating to the latest schema: the rows are there as today's services see them. */
  check(upgraded: UpgradedDatabase): Promise<void>;
}

/** The clock the upgraded services run at (TestClock's default): every meeting is upcoming. */
export const FIXTURE_NOW = '2030-03-01T10:00:00.000Z';

const CREATED = '2030-02-20T09:00:00.000Z';
/** The first page of a meeting list, as the API's default asks for it. */
const FIRST_PAGE = { limit: 50 };
const ADMIN = {
  id: '00000000-0000-4000-8000-00000000a001',
  email: 'admin@example.org',
  username: 'admin',
  password: 'fixture admin password',
};
const ANA = {
  id: '00000000-0000-4000-8000-00000000a002',
  email: 'ana@example.org',
  username: 'ana',
  password: 'fixture ana password',
};
const ANA_SESSION_TOKEN = 'fixture-session-token-of-ana-001';
const ANA_AVATAR = '00000000-0000-4000-8000-00000000b001';
/** Not a real WebP: the store keeps bytes as they are, which is what is checked. */
const PICTURE_BYTES = Buffer.from('RIFF\x1a\x00\x00\x00WEBPVP8 fixture bytes', 'latin1');
const CLAIMED_OUTBOX_ID = '00000000-0000-4000-8000-00000000d004';
const REMINDER_OUTBOX_ID = '00000000-0000-4000-8000-00000000d005';
const MEETING = {
  id: '00000000-0000-4000-8000-00000000c001',
  joinToken: 'FixtureJoinToken001aaa',
};
const OUTBOX_IDS = {
  email: '00000000-0000-4000-8000-00000000d001',
  sms: '00000000-0000-4000-8000-00000000d002',
  member: '00000000-0000-4000-8000-00000000d003',
};
const PROTECTED = {
  id: '00000000-0000-4000-8000-00000000c002',
  joinToken: 'FixtureJoinToken003bbb',
  password: '48151623',
};
const GUEST_TOKEN = 'fixture-guest-token-of-the-lobby-003';
const GUEST_AVATAR = '00000000-0000-4000-8000-00000000b002';
const CHAT_IDS = ['0fixture1', '0fixture2'];
const AUDIT_ID = '0fixtureaudit1';
const ADMISSION_ID = 'fixture-admission-0001';
const GUEST_RSVP_TOKEN = 'FixtureRsvpToken008aaa';
const ANA_FEED_TOKEN = 'FixtureCalendarFeedTokenOfAna008aaaaaaaaaaa';

async function adminOf({ services }: UpgradedDatabase) {
  return services.members.get(ADMIN.id);
}

export const MIGRATION_FIXTURES: Record<string, MigrationFixture> = {
  '001-initial': {
    async insert(db) {
      for (const [person, role, language] of [
        [ADMIN, 'admin', 'en'],
        [ANA, 'member', 'es'],
      ] as const) {
        await db
          .insertInto('users')
          .values({
            id: person.id,
            email: person.email,
            username: person.username,
            display_name: person.username === 'ana' ? 'Ana Núñez' : 'The Admin',
            role,
            password_hash: await hashPassword(person.password),
            avatar_id: person === ANA ? ANA_AVATAR : null,
            language,
            disabled: 0,
            created_at: CREATED,
          })
          .execute();
      }
      await db
        .insertInto('avatars')
        .values({ id: ANA_AVATAR, owner_user_id: ANA.id, created_at: CREATED })
        .execute();
      await db
        .insertInto('sessions')
        .values({
          token_hash: hashToken(ANA_SESSION_TOKEN),
          user_id: ANA.id,
          created_at: CREATED,
          expires_at: '2030-04-01T00:00:00.000Z',
        })
        .execute();
      await db
        .insertInto('meetings')
        .values({
          id: MEETING.id,
          organizer_id: ANA.id,
          kind: 'scheduled',
          name: 'Reunión de presupuesto',
          status: 'scheduled',
          starts_at: '2030-03-02T09:00:00.000Z',
          ends_at: '2030-03-02T10:00:00.000Z',
          duration_minutes: 60,
          time_zone: 'Europe/Madrid',
          join_token: MEETING.joinToken,
          sequence: 1,
          created_at: CREATED,
          updated_at: CREATED,
        })
        .execute();
      const participants = [
        { kind: 'email', address: 'guest@example.com', user_id: null },
        { kind: 'phone', address: '+34612345678', user_id: null },
        { kind: 'member', address: ADMIN.username, user_id: ADMIN.id },
      ];
      for (const [position, p] of participants.entries()) {
        await db
          .insertInto('meeting_participants')
          .values({ meeting_id: MEETING.id, position, ...p })
          .execute();
      }
    },
    async check(upgraded) {
      const { services } = upgraded;
      const login = await services.sessions.login(ANA.email, ANA.password);
      expect(login.user.id).toBe(ANA.id);
      expect((await services.sessions.login(ADMIN.email, ADMIN.password)).user.role).toBe('admin');
      const ana = await services.sessions.authenticate(ANA_SESSION_TOKEN);
      expect(ana && toMember(ana)).toMatchObject({
        displayName: 'Ana Núñez',
        language: 'es',
        avatarUrl: expect.stringContaining(ANA_AVATAR),
      });
      const {
        meetings: [meeting],
      } = await services.meetings.list(login.user, 'upcoming', FIRST_PAGE);
      expect(meeting).toMatchObject({
        id: MEETING.id,
        name: 'Reunión de presupuesto',
        startsAt: '2030-03-02T09:00:00.000Z',
        durationMinutes: 60,
        timeZone: 'Europe/Madrid',
        isOrganizer: true,
        joinUrl: expect.stringContaining(MEETING.joinToken),
      });
      expect(meeting?.participants.map((p) => [p.kind, p.address])).toEqual([
        ['email', 'guest@example.com'],
        ['phone', '+34612345678'],
        ['member', ADMIN.username],
      ]);
      // The invited admin sees it too, as an invitee.
      const seenByAdmin = await services.meetings.list(
        await adminOf(upgraded),
        'upcoming',
        FIRST_PAGE,
      );
      expect(seenByAdmin.meetings.map((m) => m.id)).toContain(MEETING.id);
    },
  },

  '002-outbox': {
    async insert(db) {
      const row = (id: string, fields: Record<string, unknown>) => ({
        id,
        meeting_id: MEETING.id,
        kind: 'invite',
        sequence: 1,
        attempts: 0,
        next_attempt_at: CREATED,
        give_up_at: '2030-02-21T09:00:00.000Z',
        locked_until: null,
        last_error: null,
        created_at: CREATED,
        updated_at: CREATED,
        sent_at: null,
        ...fields,
      });
      const email = {
        channel: 'email',
        to: 'guest@example.com',
        messageId: `<${MEETING.id}.1.guest@tertulia.test>`,
        subject: 'Invitation: Reunión de presupuesto',
        text: 'Join: http://tertulia.test/m/FixtureJoinToken001aaa',
        html: '<p>Join</p>',
        ics: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
        icsMethod: 'REQUEST',
      };
      await db
        .insertInto('outbox')
        .values([
          row(OUTBOX_IDS.email, {
            recipient_key: 'email:guest@example.com',
            participant_kind: 'email',
            participant_address: 'guest@example.com',
            channel: 'email',
            payload: JSON.stringify(email),
            status: 'kept',
          }),
          row(OUTBOX_IDS.sms, {
            recipient_key: 'phone:+34612345678',
            participant_kind: 'phone',
            participant_address: '+34612345678',
            channel: 'sms',
            payload: JSON.stringify({ channel: 'sms', to: '+34612345678', text: 'Join the call' }),
            status: 'sent',
            attempts: 1,
            sent_at: CREATED,
          }),
          row(OUTBOX_IDS.member, {
            recipient_key: `member:${ADMIN.id}`,
            participant_kind: 'member',
            participant_address: ADMIN.username,
            channel: 'email',
            payload: JSON.stringify({ ...email, to: ADMIN.email }),
            status: 'failed',
            attempts: 3,
            last_error: '550 mailbox unavailable',
          }),
        ])
        .execute();
    },
    async check({ services }) {
      const ana = await services.members.get(ANA.id);
      const deliveries = await services.meetings.deliveries(ana, MEETING.id);
      expect(deliveries.map((d) => d.status).sort()).toEqual(['failed', 'kept', 'sent']);
      const email = await services.outbox.get(OUTBOX_IDS.email);
      expect(email && toOutboxDetail(email).email?.subject).toBe(
        'Invitation: Reunión de presupuesto',
      );
      const sms = await services.outbox.get(OUTBOX_IDS.sms);
      expect(sms && toOutboxDetail(sms).sms?.text).toBe('Join the call');
      // A failed message from before the upgrade can still be retried.
      const retried = await services.invitations.retryFailed(OUTBOX_IDS.member);
      expect(retried.status).toBe('queued');
    },
  },

  '003-lobby': {
    async insert(db) {
      await db
        .insertInto('meetings')
        .values({
          id: PROTECTED.id,
          organizer_id: ADMIN.id,
          kind: 'scheduled',
          name: 'Board',
          status: 'scheduled',
          starts_at: '2030-03-03T15:00:00.000Z',
          ends_at: '2030-03-03T15:30:00.000Z',
          duration_minutes: 30,
          time_zone: 'UTC',
          join_token: PROTECTED.joinToken,
          sequence: 0,
          password: PROTECTED.password,
          created_at: CREATED,
          updated_at: CREATED,
        })
        .execute();
      await db
        .insertInto('avatars')
        .values({
          id: GUEST_AVATAR,
          owner_user_id: null,
          meeting_id: MEETING.id,
          created_at: CREATED,
        })
        .execute();
      await db
        .insertInto('guest_sessions')
        .values({
          token_hash: hashToken(GUEST_TOKEN),
          meeting_id: MEETING.id,
          display_name: 'Invitada',
          avatar_id: GUEST_AVATAR,
          created_at: CREATED,
          expires_at: '2030-03-02T14:00:00.000Z',
        })
        .execute();
    },
    async check(upgraded) {
      const { services } = upgraded;
      const guest = await services.lobby.me(MEETING.joinToken, GUEST_TOKEN, null);
      expect(guest).toMatchObject({
        kind: 'guest',
        displayName: 'Invitada',
        avatarUrl: expect.stringContaining(GUEST_AVATAR),
      });
      const protectedOnes = await services.meetings.listAll(
        await adminOf(upgraded),
        'protected',
        FIRST_PAGE,
      );
      expect(protectedOnes.meetings.map((m) => [m.id, m.password])).toEqual([
        [PROTECTED.id, PROTECTED.password],
      ]);
      const info = await services.lobby.info(PROTECTED.joinToken, null);
      expect(info).toMatchObject({ passwordRequired: true });
    },
  },

  '004-room-chat': {
    async insert(db) {
      await db
        .insertInto('chat_messages')
        .values(
          CHAT_IDS.map((id, i) => ({
            id,
            meeting_id: MEETING.id,
            peer_id: 'peerfixture1',
            display_name: 'Invitada',
            text: i === 0 ? 'Hola a todos' : '¿Me oís?',
            sent_at: `2030-03-02T09:0${i + 1}:00.000Z`,
          })),
        )
        .execute();
    },
    async check({ db }) {
      const history = await new ChatStore(db).history(MEETING.id);
      expect(history.map((m) => m.text)).toEqual(['Hola a todos', '¿Me oís?']);
    },
  },

  '004-settings-audit': {
    async insert(db) {
      await db
        .updateTable('settings')
        .set({ organization_name: 'Ayuntamiento', p2p_room_cap: 4, updated_at: CREATED })
        .where('id', '=', 1)
        .execute();
      await db
        .insertInto('audit_log')
        .values({
          id: AUDIT_ID,
          at: CREATED,
          last_at: CREATED,
          count: 1,
          actor_id: ANA.id,
          actor_label: ANA.email,
          action: 'session.login',
          target_kind: 'member',
          target_id: ANA.id,
          target_label: ANA.email,
          details: '{}',
          source: '192.0.2.7',
          burst_key: null,
        })
        .execute();
    },
    async check({ services }) {
      expect(await services.settings.get()).toMatchObject({
        organizationName: 'Ayuntamiento',
        p2pRoomCap: 4,
      });
      const { entries } = await services.audit.list({}, { page: 1, pageSize: 50 });
      expect(entries.find((e) => e.id === AUDIT_ID)).toMatchObject({
        action: 'session.login',
        source: '192.0.2.7',
      });
    },
  },
  '005-pictures': {
    async insert(db) {
      // Ana's profile picture, already in the database (files are imported at start-up).
      await db
        .insertInto('pictures')
        .values({
          id: ANA_AVATAR,
          kind: 'avatar',
          content_type: 'image/webp',
          size_bytes: PICTURE_BYTES.length,
          bytes: PICTURE_BYTES,
          created_at: CREATED,
        })
        .execute();
    },
    async check({ services }) {
      const stored = await services.avatars.read(ANA_AVATAR);
      expect(stored && Buffer.from(stored).equals(PICTURE_BYTES)).toBe(true);
    },
  },

  '006-outbox-claim-token': {
    async insert(db) {
      // A queued email a worker had claimed when the server stopped: its lease has long ended.
      await db
        .insertInto('outbox')
        .values({
          id: CLAIMED_OUTBOX_ID,
          meeting_id: PROTECTED.id,
          kind: 'invite',
          sequence: 1,
          attempts: 1,
          next_attempt_at: CREATED,
          give_up_at: '2030-03-20T09:00:00.000Z',
          locked_until: '2030-02-20T09:02:00.000Z',
          claim_token: 'claim-of-a-stopped-worker',
          last_error: null,
          created_at: CREATED,
          updated_at: CREATED,
          sent_at: null,
          recipient_key: 'email:late@example.com',
          participant_kind: 'email',
          participant_address: 'late@example.com',
          channel: 'email',
          payload: JSON.stringify({ channel: 'email', to: 'late@example.com' }),
          status: 'queued',
        })
        .execute();
    },
    async check({ services }) {
      // Another worker takes it over under a claim of its own.
      const claimed = await services.outbox.claimDue('email', 50);
      const row = claimed.find((r) => r.id === CLAIMED_OUTBOX_ID);
      expect(row?.claim_token).toBeTruthy();
      expect(row?.claim_token).not.toBe('claim-of-a-stopped-worker');
    },
  },

  '007-reminders': {
    async insert(db) {
      // An admin turned email reminders off; Ana's meeting reminds by email an hour ahead.
      await db.updateTable('settings').set({ email_reminder_minutes: 0 }).execute();
      await db
        .updateTable('meetings')
        .set({ email_reminder_minutes: 60 })
        .where('id', '=', MEETING.id)
        .execute();
      await db
        .insertInto('outbox')
        .values({
          id: REMINDER_OUTBOX_ID,
          meeting_id: MEETING.id,
          kind: 'reminder',
          sequence: 1,
          attempts: 0,
          next_attempt_at: '2030-03-02T08:00:00.000Z',
          give_up_at: '2030-03-02T09:00:00.000Z',
          not_before: '2030-03-02T08:00:00.000Z',
          not_after: '2030-03-02T09:00:00.000Z',
          locked_until: null,
          claim_token: null,
          last_error: null,
          created_at: CREATED,
          updated_at: CREATED,
          sent_at: null,
          recipient_key: 'email:guest@example.com',
          participant_kind: 'email',
          participant_address: 'guest@example.com',
          channel: 'email',
          payload: JSON.stringify({
            channel: 'email',
            to: 'guest@example.com',
            messageId: '<reminder@tertulia.test>',
            subject: 'Reminder: Reunión de presupuesto',
            text: 'Soon',
            html: '<p>Soon</p>',
            ics: null,
            icsMethod: null,
          }),
          status: 'queued',
        })
        .execute();
    },
    async check({ services }) {
      const settings = await services.settings.get();
      expect(settings.emailReminderMinutes).toBeNull();
      const ana = await services.members.get(ANA.id);
      const meeting = await services.meetings.get(ana, MEETING.id);
      expect(meeting.emailReminderMinutes).toBe(60);
      expect(meeting.smsReminderMinutes).toBeNull();
      const reminder = await services.outbox.get(REMINDER_OUTBOX_ID);
      expect(reminder && toOutboxDetail(reminder)).toMatchObject({
        kind: 'reminder',
        status: 'queued',
        notBefore: '2030-03-02T08:00:00.000Z',
        email: { subject: 'Reminder: Reunión de presupuesto', ics: null },
      });
      // Not due yet: the upgraded server holds it back until its time.
      expect(await services.outbox.nextDueAt('email')).toBeDefined();
      const claimed = await services.outbox.claimDue('email', 50);
      expect(claimed.map((r) => r.id)).not.toContain(REMINDER_OUTBOX_ID);
    },
  },

  '008-replies-and-feeds': {
    async insert(db) {
      // The guest of the first meeting answered Yes by their link; Ana has a calendar feed.
      await db
        .insertInto('rsvp_tokens')
        .values({
          token_hash: hashToken(GUEST_RSVP_TOKEN),
          meeting_id: MEETING.id,
          recipient_key: 'email:guest@example.com',
          created_at: CREATED,
        })
        .execute();
      await db
        .insertInto('invitee_answers')
        .values({
          meeting_id: MEETING.id,
          recipient_key: 'email:guest@example.com',
          response: 'yes',
          via: 'link',
          answered_at: CREATED,
        })
        .execute();
      await db
        .updateTable('users')
        .set({ calendar_feed_token: ANA_FEED_TOKEN, notify_on_answers: 1 })
        .where('id', '=', ANA.id)
        .execute();
    },
    async check({ services }) {
      expect(await services.answers.page(GUEST_RSVP_TOKEN)).toMatchObject({
        invitee: 'guest@example.com',
        response: 'yes',
        meeting: { name: 'Reunión de presupuesto' },
      });
      const ana = await services.members.get(ANA.id);
      expect(await services.calendar.feedUrl(ana)).toBe(
        `http://tertulia.test/calendar/${ANA_FEED_TOKEN}.ics`,
      );
      expect(await services.calendar.feed(ANA_FEED_TOKEN)).toContain(`UID:${MEETING.id}@`);
    },
  },

  '009-hosting': {
    async insert(db) {
      // Hosts in control: a waiting room, a co-host, a guest already let in; the default on.
      await db
        .insertInto('meeting_hosting')
        .values({ meeting_id: MEETING.id, waiting_room: 1, locked: 0, ended_at: null })
        .execute();
      await db
        .insertInto('meeting_cohosts')
        .values({ meeting_id: MEETING.id, user_id: ANA.id })
        .execute();
      await db
        .insertInto('room_admissions')
        .values({
          id: ADMISSION_ID,
          meeting_id: MEETING.id,
          identity: `guest:${hashToken(GUEST_TOKEN)}`,
          display_name: 'Greta Guest',
          avatar_url: null,
          state: 'admitted',
          knocked_at: CREATED,
          decided_by: 'Ana',
        })
        .execute();
      await db
        .updateTable('settings')
        .set({ waiting_room_default: 1 })
        .where('id', '=', 1)
        .execute();
    },
    async check({ services }) {
      expect(await services.hosting.options(MEETING.id)).toEqual({
        waitingRoom: true,
        locked: false,
        ended: false,
      });
      expect(await services.hosting.cohosts(MEETING.id)).toEqual([ANA.id]);
      const admitted = await services.hosting.admissionOf(
        MEETING.id,
        `guest:${hashToken(GUEST_TOKEN)}`,
      );
      expect(admitted?.state).toBe('admitted');
      expect((await services.settings.get()).waitingRoomDefault).toBe(true);
    },
  },

  '010-meetings-by-start': {
    async insert() {
      // An index only: the meetings of earlier steps are what it must order.
    },
    async check(upgraded) {
      const { services } = upgraded;
      // The admin list pages the two fixture meetings, one a page, soonest first.
      const admin = await adminOf(upgraded);
      const first = await services.meetings.listAll(admin, 'upcoming', { limit: 1 });
      expect(first.meetings.map((m) => m.id)).toEqual([MEETING.id]);
      expect(first.nextCursor).not.toBeNull();
      const second = await services.meetings.listAll(admin, 'upcoming', {
        limit: 1,
        cursor: first.nextCursor ?? undefined,
      });
      expect(second.meetings.map((m) => m.id)).toEqual([PROTECTED.id]);
      expect(second.nextCursor).toBeNull();
    },
  },
};
