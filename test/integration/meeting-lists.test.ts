import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, Meeting, MeetingPage } from '../../src/shared/api.js';
import type { UserRow } from '../../src/server/accounts/members.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Tests that create a hundred meetings or more, on a shared machine and on PostgreSQL. */
const SLOW = { timeout: 90_000 };

describe.concurrent.each(databaseKinds)('meeting lists, paged and tagged (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  const fromNow = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();

  async function organizer(input: Parameters<TestApp['createMember']>[0] = {}) {
    const member = await t.createMember(input);
    const cookie = await t.login(member.email, member.password);
    return { ...member, cookie, row: await t.services.members.get(member.id) };
  }

  /**
   * `count` meetings through the service, `perInstant` of them sharing each start time, from
   * `offsetMs` ahead; every tenth is named `${rareName} i` (for searches), the others `Sync i`.
   */
  async function seed(
    row: UserRow,
    count: number,
    perInstant: number,
    offsetMs = DAY_MS,
    rareName = 'Sync',
  ) {
    const create = (i: number) =>
      t.services.meetings.create(row, {
        name: i % 10 === 0 ? `${rareName} ${i}` : `Sync ${i}`,
        participants: [],
        startsAt: fromNow(offsetMs + Math.floor(i / perInstant) * HOUR_MS),
        durationMinutes: 30,
        timeZone: 'Europe/Madrid',
      });
    const ids: string[] = [];
    // Ten at a time: PostgreSQL runs them side by side (SQLite one after another anyway).
    for (let from = 0; from < count; from += 10) {
      const batch = Array.from({ length: Math.min(10, count - from) }, (_, k) => create(from + k));
      ids.push(...(await Promise.all(batch)).map((m) => m.id));
    }
    return ids;
  }

  const get = (cookie: string, url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { cookie, ...headers } });

  /** Follows `nextCursor` from the first page to the last; returns every page. */
  async function walk(cookie: string, base: string): Promise<MeetingPage[]> {
    const pages: MeetingPage[] = [];
    let cursor: string | null = null;
    do {
      const separator = base.includes('?') ? '&' : '?';
      const url: string =
        cursor === null ? base : `${base}${separator}cursor=${encodeURIComponent(cursor)}`;
      const response = await get(cookie, url);
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json<MeetingPage>();
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 50);
    return pages;
  }

  const byStartThenId = (direction: 1 | -1) => (a: Meeting, b: Meeting) =>
    direction * (a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));

  it(
    'GET /api/meetings pages 120 upcoming meetings by 50, soonest first, none skipped or repeated across equal start times',
    SLOW,
    async () => {
      const olga = await organizer();
      // Seven meetings per instant, so page boundaries (50, 100) fall inside a group.
      const ids = await seed(olga.row, 120, 7);

      const pages = await walk(olga.cookie, '/api/meetings');

      expect(pages.map((p) => p.meetings.length)).toEqual([50, 50, 20]);
      expect(pages.at(-1)?.nextCursor).toBeNull();
      const seen = pages.flatMap((p) => p.meetings);
      expect(new Set(seen.map((m) => m.id)).size).toBe(120);
      expect(seen.map((m) => m.id).sort()).toEqual([...ids].sort());
      expect(seen).toEqual([...seen].sort(byStartThenId(1)));
    },
  );

  it('GET /api/meetings?scope=past pages newest first with ?limit, equal start times included', async () => {
    const pia = await organizer();
    // The service refuses a start in the past, so these move there once created.
    for (const id of await seed(pia.row, 23, 4)) {
      const row = await t.db
        .selectFrom('meetings')
        .select(['starts_at', 'ends_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const back = (iso: string) => new Date(Date.parse(iso) - 60 * DAY_MS).toISOString();
      await t.db
        .updateTable('meetings')
        .set({ starts_at: back(row.starts_at), ends_at: back(row.ends_at) })
        .where('id', '=', id)
        .execute();
    }

    const pages = await walk(pia.cookie, '/api/meetings?scope=past&limit=5');

    expect(pages.map((p) => p.meetings.length)).toEqual([5, 5, 5, 5, 3]);
    const seen = pages.flatMap((p) => p.meetings);
    expect(new Set(seen.map((m) => m.id)).size).toBe(23);
    expect(seen).toEqual([...seen].sort(byStartThenId(-1)));
  });

  it('a page that ends exactly at the last meeting says nextCursor null', async () => {
    const ned = await organizer();
    await seed(ned.row, 4, 2);
    const page = (await get(ned.cookie, '/api/meetings?limit=4')).json<MeetingPage>();
    expect(page.meetings).toHaveLength(4);
    expect(page.nextCursor).toBeNull();
  });

  it.each(['0', '101', 'ten', '2.5', ''])(
    'GET /api/meetings?limit=%j is refused with 400 VALIDATION',
    async (limit) => {
      const lia = await organizer();
      const response = await get(lia.cookie, `/api/meetings?limit=${limit}`);
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe('VALIDATION');
    },
  );

  describe.concurrent('a tampered cursor gets 400 INVALID_CURSOR', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const position = { startsAt: '2030-03-02T10:00:00.000Z', id: 'a' };
    const cases: Array<[string, string, string]> = [
      ['not base64 JSON', 'bm90IGpzb24', 'INVALID_CURSOR'],
      ['random characters', '!!!***', 'INVALID_CURSOR'],
      ['JSON of the wrong shape', encode({ at: 1 }), 'INVALID_CURSOR'],
      ['a field too many', encode({ list: 'upcoming', ...position, admin: 1 }), 'INVALID_CURSOR'],
      [
        'a start time spelled another way',
        encode({ list: 'upcoming', ...position, startsAt: '2030-03-02T10:00:00Z' }),
        'INVALID_CURSOR',
      ],
      [
        'a start time that is no time',
        encode({ list: 'upcoming', ...position, startsAt: 'yesterday' }),
        'INVALID_CURSOR',
      ],
      ['a cursor of the past list', encode({ list: 'past', ...position }), 'INVALID_CURSOR'],
      [
        'a cursor of an admin list',
        encode({ list: 'admin:upcoming', ...position }),
        'INVALID_CURSOR',
      ],
      // Over the length cap, the query schema answers before the cursor is read.
      ['one too long', 'A'.repeat(600), 'VALIDATION'],
    ];
    it.each(cases)('%s', async (_what, cursor, code) => {
      const ana = await organizer();
      const response = await get(ana.cookie, `/api/meetings?cursor=${encodeURIComponent(cursor)}`);
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe(code);
    });
  });

  it("an edited but well-formed cursor only moves where the list starts: never another member's meetings", async () => {
    const mine = await organizer();
    const other = await organizer();
    await seed(other.row, 3, 1);
    const own = await seed(mine.row, 2, 1, 2 * DAY_MS);
    const cursor = Buffer.from(
      JSON.stringify({ list: 'upcoming', startsAt: '2000-01-01T00:00:00.000Z', id: '0' }),
    ).toString('base64url');
    const page = (await get(mine.cookie, `/api/meetings?cursor=${cursor}`)).json<MeetingPage>();
    expect(page.meetings.map((m) => m.id).sort()).toEqual([...own].sort());
  });

  describe.concurrent('ETag and If-None-Match', () => {
    async function tagged(cookie: string, url = '/api/meetings') {
      const response = await get(cookie, url);
      expect(response.statusCode).toBe(200);
      const etag = response.headers.etag;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      return { etag: etag as string, response };
    }

    it('an unchanged list answers 304 without a body to its own tag, weak or strong, and 200 to another', async () => {
      const uma = await organizer();
      await seed(uma.row, 3, 1);
      const { etag, response } = await tagged(uma.cookie);
      expect(response.headers['cache-control']).toBe('private, no-cache');
      expect(response.headers.vary).toMatch(/cookie/i);

      for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const again = await get(uma.cookie, '/api/meetings', { 'if-none-match': header });
        expect(again.statusCode, header).toBe(304);
        expect(again.body).toBe('');
        expect(again.headers.etag).toBe(etag);
      }
      const stale = await get(uma.cookie, '/api/meetings', { 'if-none-match': '"stale"' });
      expect(stale.statusCode).toBe(200);
      expect(stale.json<MeetingPage>().meetings).toHaveLength(3);
    });

    it('the tag changes after an edit, an invitee change, a cancellation and an invitee renaming', async () => {
      const vic = await organizer();
      const invitee = await t.createMember({ displayName: 'Before Rename' });
      const [id] = await seed(vic.row, 2, 1);
      const tags = [(await tagged(vic.cookie)).etag];
      const changes: Array<() => Promise<unknown>> = [
        () => t.services.meetings.update(vic.row, id as string, { name: 'Renamed' }),
        () =>
          t.services.meetings.update(vic.row, id as string, { participants: [invitee.username] }),
        () => t.services.members.updateProfile(invitee.id, { displayName: 'After Rename' }),
        () => t.services.meetings.cancel(vic.row, id as string),
      ];
      for (const change of changes) {
        await change();
        const { etag } = await tagged(vic.cookie);
        expect(tags).not.toContain(etag);
        const conditional = await get(vic.cookie, '/api/meetings', {
          'if-none-match': tags.at(-1) as string,
        });
        expect(conditional.statusCode).toBe(200);
        tags.push(etag);
      }
    });

    it('a delivery state change leaves the list and its tag alone: the list does not show deliveries', async () => {
      const wes = await organizer();
      await t.services.meetings.create(wes.row, {
        name: 'With invitees',
        participants: ['someone@example.com'],
        startsAt: fromNow(DAY_MS),
        durationMinutes: 30,
        timeZone: 'Europe/Madrid',
      });
      const before = await tagged(wes.cookie);
      const meetingId = before.response.json<MeetingPage>().meetings[0]?.id as string;
      const changed = await t.db
        .updateTable('outbox')
        .set({ status: 'failed', last_error: 'mailbox full' })
        .where('meeting_id', '=', meetingId)
        .executeTakeFirst();
      expect(Number(changed.numUpdatedRows)).toBeGreaterThan(0);
      const after = await tagged(wes.cookie);
      expect(after.etag).toBe(before.etag);
      expect(after.response.body).toBe(before.response.body);
    });

    it('each page has its own tag, and a cursor page answers 304 too', async () => {
      const xia = await organizer();
      await seed(xia.row, 6, 2);
      const first = await tagged(xia.cookie, '/api/meetings?limit=3');
      const cursor = first.response.json<MeetingPage>().nextCursor as string;
      const url = `/api/meetings?limit=3&cursor=${cursor}`;
      const second = await tagged(xia.cookie, url);
      expect(second.etag).not.toBe(first.etag);
      expect((await get(xia.cookie, url, { 'if-none-match': second.etag })).statusCode).toBe(304);
    });
  });

  describe.concurrent('GET /api/admin/meetings', () => {
    it(
      'pages with ?q across more rows than one scan batch, none skipped or repeated',
      SLOW,
      async () => {
        const admin = await organizer({ role: 'admin' });
        // 230 meetings, one in ten named "Reunión Ñu…": 23 matches spread past the first 200 rows.
        await seed(admin.row, 230, 3, 400 * DAY_MS, 'Reunión Ñu');
        const pages = await walk(admin.cookie, '/api/admin/meetings?q=REUNIÓN%20ÑU&limit=10');
        const seen = pages.flatMap((p) => p.meetings);
        expect(pages.map((p) => p.meetings.length)).toEqual([10, 10, 3]);
        expect(new Set(seen.map((m) => m.id)).size).toBe(23);
        expect(seen.every((m) => m.name.startsWith('Reunión Ñu'))).toBe(true);
        expect(seen).toEqual([...seen].sort(byStartThenId(1)));
      },
    );

    it('answers 304 to its own tag and refuses a member-list cursor', async () => {
      const admin = await organizer({ role: 'admin' });
      const page = await get(admin.cookie, '/api/admin/meetings?filter=cancelled');
      expect(page.statusCode).toBe(200);
      const again = await get(admin.cookie, '/api/admin/meetings?filter=cancelled', {
        'if-none-match': page.headers.etag as string,
      });
      expect(again.statusCode).toBe(304);
      const memberCursor = Buffer.from(
        JSON.stringify({ list: 'upcoming', startsAt: '2030-03-02T10:00:00.000Z', id: 'x' }),
      ).toString('base64url');
      const refused = await get(admin.cookie, `/api/admin/meetings?cursor=${memberCursor}`);
      expect(refused.statusCode).toBe(400);
      expect(refused.json<ErrorBody>().code).toBe('INVALID_CURSOR');
    });
  });
});
