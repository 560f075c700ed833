import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Meeting } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';
import { startInvitationEnv, type InvitationEnv } from '../support/invitation-env.js';

const schedule = {
  name: 'Board meeting',
  startsAt: '2030-03-01T12:00:00+00:00',
  timeZone: 'UTC',
};

describe.each(databaseKinds)('meeting passwords: who may set them (%s)', (kind) => {
  let t: TestApp;
  let admin: string;
  let member: string;
  let invitee: { username: string; cookie: string };

  beforeAll(async () => {
    t = await startTestApp(kind, { MEETING_PASSWORD_LENGTH: '10' });
    const a = await t.createMember({ role: 'admin' });
    const m = await t.createMember();
    const i = await t.createMember();
    admin = await t.login(a.email, a.password);
    member = await t.login(m.email, m.password);
    invitee = { username: i.username, cookie: await t.login(i.email, i.password) };
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (cookie: string, payload: object, url = '/api/meetings') =>
    t.app.inject({ method: 'POST', url, headers: { cookie }, payload });

  it.each([
    ['password', { password: '12345678' }],
    ['passwordProtected', { passwordProtected: true }],
    ['passwordProtected: false', { passwordProtected: false }],
  ])("refuses a member's meeting with %s: 403 ADMIN_ONLY", async (_what, extra) => {
    const response = await create(member, { ...schedule, ...extra });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'ADMIN_ONLY' });
    const quick = await create(member, extra, '/api/meetings/quick');
    expect(quick.statusCode).toBe(403);
  });

  it("a member's meeting never has a password", async () => {
    const meeting = (await create(member, schedule)).json<Meeting>();
    expect(meeting).toMatchObject({ passwordProtected: false, password: null });
  });

  it.each([['12ab5678'], ['12345'], ['1234567890123'], ['']])(
    "refuses an admin's typed password %j with 400 VALIDATION",
    async (password) => {
      const response = await create(admin, { ...schedule, password });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION' });
    },
  );

  it('generates a password of the configured length, digits only, for an admin', async () => {
    const passwords = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      const meeting = (
        await create(admin, { ...schedule, passwordProtected: true })
      ).json<Meeting>();
      expect(meeting.passwordProtected).toBe(true);
      expect(meeting.password).toMatch(/^\d{10}$/);
      passwords.add(meeting.password!);
    }
    expect(passwords.size).toBe(5);
  });

  it('keeps a typed password, also on a quick conference', async () => {
    const meeting = (await create(admin, { ...schedule, password: '246813' })).json<Meeting>();
    expect(meeting.password).toBe('246813');
    const quick = (
      await create(admin, { password: '97531864' }, '/api/meetings/quick')
    ).json<Meeting>();
    expect(quick.password).toBe('97531864');
  });

  it('shows the password to the organizer only, the lock to invitees, and nothing to the lobby', async () => {
    const meeting = (
      await create(admin, { ...schedule, participants: [invitee.username], password: '11223344' })
    ).json<Meeting>();
    const asInvitee = await t.app.inject({
      url: `/api/meetings/${meeting.id}`,
      headers: { cookie: invitee.cookie },
    });
    expect(asInvitee.json()).toMatchObject({ passwordProtected: true, password: null });
    const token = meeting.joinUrl.split('/m/')[1]!;
    const lobby = await t.app.inject({ url: `/api/join/${token}` });
    expect(lobby.json()).toMatchObject({ passwordRequired: true });
    expect(lobby.body).not.toContain('11223344');
  });

  it("lets an admin open another organizer's meeting and see its password", async () => {
    const other = await t.createMember({ role: 'admin' });
    const otherCookie = await t.login(other.email, other.password);
    const meeting = (
      await create(otherCookie, { ...schedule, password: '55667788' })
    ).json<Meeting>();
    const response = await t.app.inject({
      url: `/api/meetings/${meeting.id}`,
      headers: { cookie: admin },
    });
    expect(response.json()).toMatchObject({ password: '55667788', isOrganizer: false });
  });

  it('an admin removes or regenerates the password of their meeting', async () => {
    const meeting = (await create(admin, { ...schedule, password: '12121212' })).json<Meeting>();
    const patch = (payload: object) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/meetings/${meeting.id}`,
        headers: { cookie: admin },
        payload,
      });
    const regenerated = (await patch({ passwordProtected: true })).json<Meeting>();
    expect(regenerated.password).toMatch(/^\d{10}$/);
    expect(regenerated.password).not.toBe('12121212');
    expect((await patch({ passwordProtected: false })).json()).toMatchObject({
      passwordProtected: false,
      password: null,
    });
  });
});

describe.each(databaseKinds)('meeting passwords in invitations (%s)', (kind) => {
  let env: InvitationEnv;
  beforeEach(async () => {
    env = await startInvitationEnv(kind, 'admin');
  });
  afterEach(async () => {
    await env.close();
  });

  it('email and SMS carry the password; a new one is sent to everyone and the old one stops working', async () => {
    const created = await env.t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: env.organizer.cookie },
      payload: {
        ...schedule,
        participants: ['guest@example.com', '+34 612 345 678'],
        password: '31415926',
        // deliver() moves the clock past the start: no reminder must join the invitations.
        smsReminderMinutes: null,
      },
    });
    const meeting = created.json<Meeting>();
    await env.deliver();
    expect(env.smtp.messages[0]!.parsed.text).toContain('31415926');
    expect(env.smsReceived()[0]!.text).toContain('31415926');

    const changed = await env.t.app.inject({
      method: 'PATCH',
      url: `/api/meetings/${meeting.id}`,
      headers: { cookie: env.organizer.cookie },
      payload: { password: '27182818' },
    });
    expect(changed.statusCode).toBe(200);
    await env.deliver();
    expect(env.smtp.messages).toHaveLength(2);
    expect(env.smtp.messages[1]!.parsed.text).toContain('27182818');
    expect(env.smsReceived()).toHaveLength(2);
    expect(env.smsReceived()[1]!.text).toContain('27182818');

    env.t.clock.set('2030-03-01T11:45:00.000Z');
    const token = meeting.joinUrl.split('/m/')[1]!;
    const join = (password: string) =>
      env.t.app.inject({
        method: 'POST',
        url: `/api/join/${token}`,
        payload: { displayName: 'Guest', password },
      });
    expect((await join('31415926')).json()).toMatchObject({ code: 'PASSWORD_WRONG' });
    expect((await join('27182818')).statusCode).toBe(201);
  });
});
