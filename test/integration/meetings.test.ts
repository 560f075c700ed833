import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateMeetingBody, ErrorBody, Meeting, InviteeIssue } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

const START = '2030-03-01T10:00:00.000Z';
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.concurrent.each(databaseKinds)('meetings API (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  /** An ISO instant this far from the test clock's "now". */
  const fromNow = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();

  async function loggedIn(input: Parameters<TestApp['createMember']>[0] = {}) {
    const member = await t.createMember(input);
    return { ...member, cookie: await t.login(member.email, member.password) };
  }

  const createMeeting = (cookie: string, body: Partial<CreateMeetingBody> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie },
      payload: {
        name: 'Weekly sync',
        startsAt: fromNow(24 * HOUR_MS),
        timeZone: 'Europe/Madrid',
        ...body,
      },
    });

  async function scheduled(cookie: string, body: Partial<CreateMeetingBody> = {}) {
    const response = await createMeeting(cookie, body);
    if (response.statusCode !== 201) throw new Error(`create failed: ${response.body}`);
    return response.json<Meeting>();
  }

  const getMeeting = (cookie: string, id: string) =>
    t.app.inject({ method: 'GET', url: `/api/meetings/${id}`, headers: { cookie } });
  const patchMeeting = (cookie: string, id: string, payload: object) =>
    t.app.inject({ method: 'PATCH', url: `/api/meetings/${id}`, headers: { cookie }, payload });
  const cancelMeeting = (cookie: string, id: string) =>
    t.app.inject({ method: 'DELETE', url: `/api/meetings/${id}`, headers: { cookie } });
  async function listIds(cookie: string, scope?: 'upcoming' | 'past') {
    const response = await t.app.inject({
      method: 'GET',
      url: scope ? `/api/meetings?scope=${scope}` : '/api/meetings',
      headers: { cookie },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ meetings: Meeting[] }>().meetings.map((m) => m.id);
  }

  describe.concurrent('POST /api/meetings', () => {
    it('creates a meeting (201) with an id, a join link and normalized participants', async () => {
      const organizer = await loggedIn({ displayName: 'Olga Organizer' });
      const invitee = await t.createMember({ displayName: 'Iván Invitee' });

      const response = await createMeeting(organizer.cookie, {
        name: 'Budget review',
        startsAt: '2030-03-02T11:30:00+01:00',
        durationMinutes: 45,
        timeZone: 'Europe/Madrid',
        participants: [' Zoe@Example.ORG ', '+34 612 34 56 78', invitee.username.toUpperCase()],
      });

      expect(response.statusCode).toBe(201);
      const meeting = response.json<Meeting>();
      expect(meeting).toEqual({
        id: expect.stringMatching(UUID),
        kind: 'scheduled',
        name: 'Budget review',
        status: 'scheduled',
        startsAt: '2030-03-02T10:30:00.000Z',
        durationMinutes: 45,
        timeZone: 'Europe/Madrid',
        joinUrl: expect.any(String),
        organizer: { id: organizer.id, displayName: 'Olga Organizer' },
        isOrganizer: true,
        participants: [
          { kind: 'email', address: 'zoe@example.org', displayName: null, response: null },
          { kind: 'phone', address: '+34612345678', displayName: null, response: null },
          {
            kind: 'member',
            address: invitee.username,
            displayName: 'Iván Invitee',
            response: null,
          },
        ],
        createdAt: START,
        passwordProtected: false,
        password: null,
        emailReminderMinutes: 1440,
        smsReminderMinutes: 15,
        waitingRoom: false,
        cohosts: [],
      });
      expect(meeting.joinUrl).toMatch(/^http:\/\/tertulia\.test\/m\/[A-Za-z0-9_-]{22,}$/);
    });

    it('gives every meeting a different join token', async () => {
      const organizer = await loggedIn();
      const a = await scheduled(organizer.cookie);
      const b = await scheduled(organizer.cookie);
      expect(a.joinUrl).not.toBe(b.joinUrl);
    });

    it('trims the name', async () => {
      const organizer = await loggedIn();
      const meeting = await scheduled(organizer.cookie, { name: '   Retro  ' });
      expect(meeting.name).toBe('Retro');
    });

    it('accepts a name of exactly 200 characters', async () => {
      const organizer = await loggedIn();
      const response = await createMeeting(organizer.cookie, { name: 'n'.repeat(200) });
      expect(response.statusCode).toBe(201);
      expect(response.json<Meeting>().name).toHaveLength(200);
    });

    it('uses 60 minutes when no duration is given', async () => {
      const organizer = await loggedIn();
      const meeting = await scheduled(organizer.cookie);
      expect(meeting.durationMinutes).toBe(60);
    });

    it.each([
      ['a missing name', { name: undefined }],
      ['a name of only spaces', { name: '    ' }],
      ['a name of 201 characters', { name: 'n'.repeat(201) }],
      ['a start time without an offset', { startsAt: '2030-03-02T10:00:00' }],
      ['a start time that is not a date', { startsAt: 'tomorrow at ten' }],
      ['a missing time zone', { timeZone: undefined }],
      ['a duration under 5 minutes', { durationMinutes: 4 }],
      ['a duration over a day', { durationMinutes: 24 * 60 + 1 }],
      ['a fractional duration', { durationMinutes: 30.5 }],
      ['more than 200 participants', { participants: Array(201).fill('a@example.org') }],
      ['an unknown field', { password: '1234' }],
    ])('rejects %s with 400 VALIDATION', async (_title, change) => {
      const organizer = await loggedIn();
      const response = await createMeeting(organizer.cookie, change as Partial<CreateMeetingBody>);
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe('VALIDATION');
      expect(await listIds(organizer.cookie)).toEqual([]);
    });

    it('rejects invalid participants with 400 INVALID_PARTICIPANTS listing each bad entry', async () => {
      const organizer = await loggedIn();
      const disabled = await t.createMember();
      await t.services.members.update('some-admin', disabled.id, { disabled: true });

      const response = await createMeeting(organizer.cookie, {
        participants: [
          'ok@example.org',
          'ana@',
          '+34 912 345 678',
          '61234',
          'nadie-sabe',
          disabled.username,
          'hola mundo',
        ],
      });

      expect(response.statusCode).toBe(400);
      const body = response.json<ErrorBody & { details: { participants: InviteeIssue[] } }>();
      expect(body.code).toBe('INVALID_PARTICIPANTS');
      expect(
        body.details.participants.map(({ index, input, code }) => ({ index, input, code })),
      ).toEqual([
        { index: 1, input: 'ana@', code: 'INVALID_EMAIL' },
        { index: 2, input: '+34 912 345 678', code: 'NOT_A_MOBILE' },
        { index: 3, input: '61234', code: 'INVALID_PHONE' },
        { index: 4, input: 'nadie-sabe', code: 'UNKNOWN_MEMBER' },
        { index: 5, input: disabled.username, code: 'UNKNOWN_MEMBER' },
        { index: 6, input: 'hola mundo', code: 'UNRECOGNIZED' },
      ]);
      for (const issue of body.details.participants) expect(issue.message).not.toBe('');
      expect(await listIds(organizer.cookie)).toEqual([]);
    });

    it('merges duplicate participants, keeping the first as typed', async () => {
      const organizer = await loggedIn();
      const meeting = await scheduled(organizer.cookie, {
        participants: ['zoe@example.org', '612345678', 'ZOE@example.org', '0034 612 34 56 78'],
      });
      expect(meeting.participants.map((p) => p.address)).toEqual([
        'zoe@example.org',
        '+34612345678',
      ]);
    });

    it.each(['Mars/Olympus', 'Europe/Atlantis', 'GMT+25'])(
      'rejects the time zone %j with BAD_TIME_ZONE',
      async (timeZone) => {
        const organizer = await loggedIn();
        const response = await createMeeting(organizer.cookie, { timeZone });
        expect(response.statusCode).toBe(400);
        expect(response.json<ErrorBody>().code).toBe('BAD_TIME_ZONE');
      },
    );

    it('stores a time zone typed in another case under its canonical IANA name', async () => {
      const organizer = await loggedIn();
      const meeting = await scheduled(organizer.cookie, { timeZone: 'europe/madrid' });
      expect(meeting.timeZone).toBe('Europe/Madrid');
    });
  });

  describe.concurrent('GET /api/meetings', () => {
    it('shows a member the meetings they are invited to, marked as not theirs', async () => {
      const organizer = await loggedIn({ displayName: 'Olga Organizer' });
      const invitee = await loggedIn();
      const meeting = await scheduled(organizer.cookie, { participants: [invitee.username] });

      const response = await t.app.inject({
        method: 'GET',
        url: '/api/meetings',
        headers: { cookie: invitee.cookie },
      });
      const [listed, ...others] = response.json<{ meetings: Meeting[] }>().meetings;
      expect(others).toEqual([]);
      expect(listed).toMatchObject({
        id: meeting.id,
        isOrganizer: false,
        organizer: { id: organizer.id, displayName: 'Olga Organizer' },
      });
    });

    it('does not show a member the meetings of others', async () => {
      const a = await loggedIn();
      const b = await loggedIn();
      await scheduled(b.cookie, { participants: [`${a.username}@example.net`] });
      expect(await listIds(a.cookie)).toEqual([]);
    });

    it('rejects an unknown scope with 400 VALIDATION', async () => {
      const member = await loggedIn();
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/meetings?scope=someday',
        headers: { cookie: member.cookie },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe('VALIDATION');
    });
  });

  describe.concurrent('POST /api/meetings/quick', () => {
    it.each([
      ['no body at all', undefined],
      ['an empty object', {}],
    ])('starts a quick conference (201) from %s', async (_title, payload) => {
      const organizer = await loggedIn({ displayName: 'Quinn' });
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/meetings/quick',
        headers: { cookie: organizer.cookie },
        ...(payload ? { payload } : {}),
      });
      expect(response.statusCode).toBe(201);
      const meeting = response.json<Meeting>();
      expect(meeting).toMatchObject({
        kind: 'quick',
        name: 'Quick conference',
        status: 'scheduled',
        startsAt: START,
        timeZone: 'UTC',
        organizer: { id: organizer.id, displayName: 'Quinn' },
        isOrganizer: true,
        participants: [],
      });
      expect(meeting.joinUrl).toMatch(/^http:\/\/tertulia\.test\/m\/[A-Za-z0-9_-]{22,}$/);
      expect(await listIds(organizer.cookie)).toEqual([meeting.id]);
    });

    it('takes a name and a time zone when given', async () => {
      const organizer = await loggedIn();
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/meetings/quick',
        headers: { cookie: organizer.cookie },
        payload: { name: ' Stand-up ', timeZone: 'America/New_York' },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json<Meeting>()).toMatchObject({
        name: 'Stand-up',
        timeZone: 'America/New_York',
      });
    });

    it('names the conference in the organizer’s language', async () => {
      const organizer = await loggedIn();
      await t.app.inject({
        method: 'PATCH',
        url: '/api/me',
        headers: { cookie: organizer.cookie },
        payload: { language: 'es' },
      });
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/meetings/quick',
        headers: { cookie: organizer.cookie },
      });
      expect(response.json<Meeting>().name).toBe('Reunión rápida');
    });

    it('rejects an unknown time zone with BAD_TIME_ZONE', async () => {
      const organizer = await loggedIn();
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/meetings/quick',
        headers: { cookie: organizer.cookie },
        payload: { timeZone: 'Mars/Olympus' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe('BAD_TIME_ZONE');
    });
  });

  describe.concurrent('GET /api/meetings/:id', () => {
    it('returns the meeting to its organizer and to a member invitee', async () => {
      const organizer = await loggedIn();
      const invitee = await loggedIn();
      const created = await scheduled(organizer.cookie, { participants: [invitee.username] });

      const own = await getMeeting(organizer.cookie, created.id);
      expect(own.statusCode).toBe(200);
      expect(own.json<Meeting>()).toEqual(created);

      const invited = await getMeeting(invitee.cookie, created.id);
      expect(invited.statusCode).toBe(200);
      expect(invited.json<Meeting>()).toEqual({ ...created, isOrganizer: false });
    });

    it.each([
      ['an id that does not exist', '00000000-0000-4000-8000-000000000000'],
      ['an id that is not even a uuid', 'nope'],
    ])('answers 404 MEETING_NOT_FOUND for %s', async (_title, id) => {
      const member = await loggedIn();
      const response = await getMeeting(member.cookie, id);
      expect(response.statusCode).toBe(404);
      expect(response.json<ErrorBody>().code).toBe('MEETING_NOT_FOUND');
    });
  });

  describe.concurrent('PATCH /api/meetings/:id', () => {
    it('changes the name, the time and the participants', async () => {
      const organizer = await loggedIn();
      const invitee = await loggedIn({ displayName: 'New Invitee' });
      const created = await scheduled(organizer.cookie, { participants: ['old@example.org'] });

      const response = await patchMeeting(organizer.cookie, created.id, {
        name: '  Renamed  ',
        startsAt: '2030-03-05T09:00:00-05:00',
        durationMinutes: 90,
        timeZone: 'America/New_York',
        participants: ['+1 415 555 2671', invitee.username],
      });

      expect(response.statusCode).toBe(200);
      const expected: Meeting = {
        ...created,
        name: 'Renamed',
        startsAt: '2030-03-05T14:00:00.000Z',
        durationMinutes: 90,
        timeZone: 'America/New_York',
        participants: [
          { kind: 'phone', address: '+14155552671', displayName: null, response: null },
          { kind: 'member', address: invitee.username, displayName: 'New Invitee', response: null },
        ],
      };
      expect(response.json<Meeting>()).toEqual(expected);
      expect((await getMeeting(organizer.cookie, created.id)).json<Meeting>()).toEqual(expected);
      expect(await listIds(invitee.cookie)).toEqual([created.id]);
    });

    it('changes only what it is given', async () => {
      const organizer = await loggedIn();
      const created = await scheduled(organizer.cookie, { participants: ['keep@example.org'] });
      const response = await patchMeeting(organizer.cookie, created.id, { name: 'Only the name' });
      expect(response.json<Meeting>()).toEqual({ ...created, name: 'Only the name' });
    });

    it('rejects invalid participants with INVALID_PARTICIPANTS and keeps the old ones', async () => {
      const organizer = await loggedIn();
      const created = await scheduled(organizer.cookie, { participants: ['keep@example.org'] });
      const response = await patchMeeting(organizer.cookie, created.id, {
        participants: ['new@example.org', 'not an address'],
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>()).toMatchObject({
        code: 'INVALID_PARTICIPANTS',
        details: { participants: [{ index: 1, input: 'not an address', code: 'UNRECOGNIZED' }] },
      });
      expect((await getMeeting(organizer.cookie, created.id)).json<Meeting>()).toEqual(created);
    });

    it.each([
      ['a start in the past', { startsAt: '2030-02-01T10:00:00Z' }, 'START_IN_PAST'],
      ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'BAD_TIME_ZONE'],
      ['an empty name', { name: ' ' }, 'VALIDATION'],
      ['a start time without an offset', { startsAt: '2030-03-05T09:00' }, 'VALIDATION'],
      ['an unknown field', { kind: 'quick' }, 'VALIDATION'],
    ])('rejects %s with 400 %s and changes nothing', async (_title, change, code) => {
      const organizer = await loggedIn();
      const created = await scheduled(organizer.cookie);
      const response = await patchMeeting(organizer.cookie, created.id, change);
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe(code);
      expect((await getMeeting(organizer.cookie, created.id)).json<Meeting>()).toEqual(created);
    });

    it('answers 403 FORBIDDEN to a member who is invited but does not organize it', async () => {
      const organizer = await loggedIn();
      const invitee = await loggedIn();
      const created = await scheduled(organizer.cookie, { participants: [invitee.username] });
      const response = await patchMeeting(invitee.cookie, created.id, { name: 'Hijacked' });
      expect(response.statusCode).toBe(403);
      expect(response.json<ErrorBody>().code).toBe('FORBIDDEN');
      expect((await getMeeting(organizer.cookie, created.id)).json<Meeting>().name).toBe(
        created.name,
      );
    });
  });

  describe.concurrent('DELETE /api/meetings/:id', () => {
    it('cancels the meeting, which stays listed and readable with status cancelled', async () => {
      const organizer = await loggedIn();
      const invitee = await loggedIn();
      const created = await scheduled(organizer.cookie, { participants: [invitee.username] });

      const response = await cancelMeeting(organizer.cookie, created.id);
      expect(response.statusCode).toBe(200);
      expect(response.json<Meeting>()).toEqual({ ...created, status: 'cancelled' });

      expect((await getMeeting(organizer.cookie, created.id)).json<Meeting>().status).toBe(
        'cancelled',
      );
      expect((await getMeeting(invitee.cookie, created.id)).json<Meeting>().status).toBe(
        'cancelled',
      );
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/meetings',
        headers: { cookie: organizer.cookie },
      });
      expect(list.json<{ meetings: Meeting[] }>().meetings).toEqual([
        { ...created, status: 'cancelled' },
      ]);
    });

    it('answers 409 MEETING_CANCELLED to a change of a cancelled meeting', async () => {
      const organizer = await loggedIn();
      const created = await scheduled(organizer.cookie);
      await cancelMeeting(organizer.cookie, created.id);
      const response = await patchMeeting(organizer.cookie, created.id, { name: 'Revived' });
      expect(response.statusCode).toBe(409);
      expect(response.json<ErrorBody>().code).toBe('MEETING_CANCELLED');
    });

    it('answers a second cancel with the cancelled meeting', async () => {
      const organizer = await loggedIn();
      const created = await scheduled(organizer.cookie);
      await cancelMeeting(organizer.cookie, created.id);
      const again = await cancelMeeting(organizer.cookie, created.id);
      expect(again.statusCode).toBe(200);
      expect(again.json<Meeting>().status).toBe('cancelled');
    });

    it('answers 403 FORBIDDEN to an invitee and leaves the meeting scheduled', async () => {
      const organizer = await loggedIn();
      const invitee = await loggedIn();
      const created = await scheduled(organizer.cookie, { participants: [invitee.username] });
      const response = await cancelMeeting(invitee.cookie, created.id);
      expect(response.statusCode).toBe(403);
      expect(response.json<ErrorBody>().code).toBe('FORBIDDEN');
      expect((await getMeeting(organizer.cookie, created.id)).json<Meeting>().status).toBe(
        'scheduled',
      );
    });
  });

  describe.concurrent('another member’s meeting', () => {
    it.each([
      ['GET', undefined],
      ['PATCH', { name: 'Mine now' }],
      ['DELETE', undefined],
    ] as const)(
      '%s /api/meetings/:id answers 404 MEETING_NOT_FOUND and changes nothing',
      async (method, payload) => {
        const a = await loggedIn();
        const b = await loggedIn();
        const theirs = await scheduled(b.cookie);
        const response = await t.app.inject({
          method,
          url: `/api/meetings/${theirs.id}`,
          headers: { cookie: a.cookie },
          ...(payload ? { payload } : {}),
        });
        expect(response.statusCode).toBe(404);
        expect(response.json<ErrorBody>().code).toBe('MEETING_NOT_FOUND');
        expect((await getMeeting(b.cookie, theirs.id)).json<Meeting>()).toEqual(theirs);
      },
    );
  });

  describe.concurrent('POST /api/participants/check', () => {
    it('classifies and normalizes each entry, in order, merging duplicates', async () => {
      const member = await loggedIn();
      const colleague = await t.createMember({ displayName: 'Colleague' });
      const gone = await t.createMember();
      await t.services.members.update('some-admin', gone.id, { disabled: true });

      const response = await t.app.inject({
        method: 'POST',
        url: '/api/participants/check',
        headers: { cookie: member.cookie },
        payload: {
          participants: [
            'Zoe@Example.org',
            '612 34 56 78',
            colleague.username,
            'zoe@example.org',
            '+34 912 345 678',
            gone.username,
            '<script>',
          ],
        },
      });

      expect(response.statusCode).toBe(200);
      expect(response.json<{ results: unknown[] }>().results).toEqual([
        { ok: true, participant: { kind: 'email', address: 'zoe@example.org', displayName: null } },
        { ok: true, participant: { kind: 'phone', address: '+34612345678', displayName: null } },
        {
          ok: true,
          participant: { kind: 'member', address: colleague.username, displayName: 'Colleague' },
        },
        {
          ok: false,
          issue: {
            index: 4,
            input: '+34 912 345 678',
            code: 'NOT_A_MOBILE',
            message: expect.any(String),
          },
        },
        {
          ok: false,
          issue: {
            index: 5,
            input: gone.username,
            code: 'UNKNOWN_MEMBER',
            message: expect.any(String),
          },
        },
        {
          ok: false,
          issue: { index: 6, input: '<script>', code: 'UNRECOGNIZED', message: expect.any(String) },
        },
      ]);
    });

    it.each([
      ['a missing list', {}],
      ['a list that is not of strings', { participants: [42] }],
      ['more than 200 entries', { participants: Array(201).fill('a@example.org') }],
      ['an entry over 320 characters', { participants: [`${'a'.repeat(320)}@x.org`] }],
    ])('rejects %s with 400 VALIDATION', async (_title, payload) => {
      const member = await loggedIn();
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/participants/check',
        headers: { cookie: member.cookie },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe('VALIDATION');
    });
  });

  describe.sequential('as time passes', () => {
    afterEach(() => {
      t.clock.set(START);
    });

    it('rejects a start time in the past with START_IN_PAST', async () => {
      t.clock.set('2030-06-01T10:00:00.000Z');
      const organizer = await loggedIn();
      const response = await createMeeting(organizer.cookie, {
        startsAt: '2030-05-31T10:00:00.000Z',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe('START_IN_PAST');
    });

    it.each([
      ['rejects', 'six minutes ago', -6 * MINUTE_MS, 400],
      ['accepts', 'four minutes ago (the form was filled in on time)', -4 * MINUTE_MS, 201],
    ])('%s a start time %s', async (_verb, _when, offsetMs, status) => {
      const organizer = await loggedIn();
      const response = await createMeeting(organizer.cookie, { startsAt: fromNow(offsetMs) });
      expect(response.statusCode).toBe(status);
    });

    it('lists upcoming meetings by start time and, once they end, lists them as past', async () => {
      const organizer = await loggedIn();
      const later = await scheduled(organizer.cookie, { startsAt: fromNow(48 * HOUR_MS) });
      const sooner = await scheduled(organizer.cookie, {
        startsAt: fromNow(2 * HOUR_MS),
        durationMinutes: 30,
      });

      expect(await listIds(organizer.cookie)).toEqual([sooner.id, later.id]);
      expect(await listIds(organizer.cookie, 'upcoming')).toEqual([sooner.id, later.id]);
      expect(await listIds(organizer.cookie, 'past')).toEqual([]);

      t.clock.advanceMs(2 * HOUR_MS + 29 * MINUTE_MS);
      expect(await listIds(organizer.cookie, 'upcoming')).toEqual([sooner.id, later.id]);

      t.clock.advanceMs(MINUTE_MS);
      expect(await listIds(organizer.cookie, 'upcoming')).toEqual([later.id]);
      expect(await listIds(organizer.cookie, 'past')).toEqual([sooner.id]);

      t.clock.advanceMs(3 * 24 * HOUR_MS);
      expect(await listIds(organizer.cookie, 'upcoming')).toEqual([]);
      expect(await listIds(organizer.cookie, 'past')).toEqual([later.id, sooner.id]);
    });

    it('moves the end with a new duration, so the meeting leaves the upcoming list on time', async () => {
      const organizer = await loggedIn();
      const created = await scheduled(organizer.cookie, {
        startsAt: fromNow(HOUR_MS),
        durationMinutes: 60,
      });
      await patchMeeting(organizer.cookie, created.id, { durationMinutes: 15 });
      t.clock.advanceMs(HOUR_MS + 15 * MINUTE_MS);
      expect(await listIds(organizer.cookie, 'past')).toEqual([created.id]);
    });
  });
});
