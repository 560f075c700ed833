import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

// The test clock stands at 2030-03-01T10:00Z.
describe.each(databaseKinds)('GET /api/admin/meetings (%s)', (kind) => {
  let t: TestApp;
  let admin: string;
  let member: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp(kind);
    const a = await t.createMember({ role: 'admin', displayName: 'Ada Admin' });
    const m = await t.createMember({ displayName: 'Marta Núñez' });
    admin = await t.login(a.email, a.password);
    member = await t.login(m.email, m.password);
    const create = async (cookie: string, name: string, startsAt: string, extra: object = {}) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/meetings',
        headers: { cookie },
        payload: { name, startsAt, timeZone: 'UTC', ...extra },
      });
      expect(response.statusCode).toBe(201);
      return response.json<Meeting>().id;
    };
    ids.soon = await create(member, 'Reunión de equipo', '2030-03-01T12:00:00+00:00');
    ids.later = await create(member, 'Budget', '2030-03-05T12:00:00+00:00');
    ids.protected = await create(admin, 'Board', '2030-03-03T12:00:00+00:00', {
      password: '12345678',
    });
    ids.cancelled = await create(member, 'Dropped', '2030-03-04T12:00:00+00:00');
    await t.app.inject({
      method: 'DELETE',
      url: `/api/meetings/${ids.cancelled}`,
      headers: { cookie: member },
    });
    ids.past = await create(member, 'Retro', '2030-03-01T10:00:00+00:00', { durationMinutes: 30 });
    t.clock.set('2030-03-01T11:00:00.000Z');
  });
  afterAll(async () => {
    await t.close();
  });

  const names = async (query: string) => {
    const response = await t.app.inject({
      url: `/api/admin/meetings${query}`,
      headers: { cookie: admin },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ meetings: Meeting[] }>().meetings.map((m) => m.name);
  };

  it('lists every upcoming meeting of the organization, soonest first, not only the admin’s', async () => {
    expect(await names('')).toEqual(['Reunión de equipo', 'Board', 'Budget']);
  });

  it.each([
    ['past', ['Retro']],
    ['cancelled', ['Dropped']],
    ['protected', ['Board']],
  ])('filter=%s', async (filter, expected) => {
    expect(await names(`?filter=${filter}`)).toEqual(expected);
  });

  it('searches names and organizers in any case, accents included', async () => {
    expect(await names(`?q=${encodeURIComponent('REUNIÓN')}`)).toEqual(['Reunión de equipo']);
    expect(await names(`?q=${encodeURIComponent('núñez')}`)).toEqual([
      'Reunión de equipo',
      'Budget',
    ]);
  });

  it("shows the admin the passwords of others' protected meetings and opens any meeting", async () => {
    const response = await t.app.inject({
      url: `/api/meetings/${ids.later}`,
      headers: { cookie: admin },
    });
    expect(response.json()).toMatchObject({ name: 'Budget', isOrganizer: false });
  });

  it('refuses a member with 403 ADMIN_ONLY and an unknown filter with 400', async () => {
    const asMember = await t.app.inject({
      url: '/api/admin/meetings',
      headers: { cookie: member },
    });
    expect(asMember.statusCode).toBe(403);
    expect(asMember.json()).toMatchObject({ code: 'ADMIN_ONLY' });
    const bad = await t.app.inject({
      url: '/api/admin/meetings?filter=all',
      headers: { cookie: admin },
    });
    expect(bad.statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/admin/meetings' })).statusCode).toBe(401);
  });
});
