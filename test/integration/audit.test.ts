import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditList, ErrorBody, Meeting, Member } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';
import { fileUpload } from '../support/multipart.js';

const ADMIN_IP = '198.51.100.7';

describe.each(databaseKinds)('audit log (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { AUDIT_RETENTION_DAYS: '30' });
  });
  afterAll(async () => {
    await t.close();
  });

  /** A fresh admin (or member) per test, so each test reads only its own entries. */
  async function loggedIn(role: 'admin' | 'member' = 'admin') {
    const m = await t.createMember({ role });
    return { ...m, cookie: await t.login(m.email, m.password) };
  }
  type Actor = Awaited<ReturnType<typeof loggedIn>>;

  const call = (
    actor: Actor,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) =>
    t.app.inject({
      method,
      url,
      headers: { cookie: actor.cookie },
      remoteAddress: ADMIN_IP,
      ...(payload ? { payload } : {}),
    });

  async function audit(viewer: Actor, query: Record<string, string> = {}): Promise<AuditList> {
    const response = await t.app.inject({
      url: '/api/admin/audit',
      headers: { cookie: viewer.cookie },
      query,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<AuditList>();
  }

  /** The actor's entries, oldest first, as [action, target label]. */
  async function trail(viewer: Actor, actor: Actor): Promise<Array<[string, string | null]>> {
    const { entries } = await audit(viewer, { actor: actor.email, pageSize: '200' });
    return entries
      .filter((e) => e.action !== 'session.login')
      .reverse()
      .map((e) => [e.action, e.target?.label ?? null]);
  }

  it('records every member administration action with the admin, target and source', async () => {
    const admin = await loggedIn();
    const target = await t.createMember({ displayName: 'Target' });
    const created = await call(admin, 'POST', '/api/members', {
      email: `new.${Date.now()}@example.org`,
      username: `new${Date.now()}`,
      displayName: 'New One',
      role: 'member',
      password: 'a long enough password',
    });
    const newbie = created.json<Member>();
    await call(admin, 'PATCH', `/api/members/${target.id}`, { disabled: true });
    await call(admin, 'PATCH', `/api/members/${target.id}`, { disabled: false, role: 'admin' });
    await call(admin, 'POST', `/api/members/${target.id}/reset-password`);
    const upload = fileUpload(
      `email,username,displayName\nimp.${Date.now()}@example.org,imp${Date.now()},Imported\nbad,x,\n`,
    );
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/members/import',
      headers: { cookie: admin.cookie, ...upload.headers },
      payload: upload.payload,
      remoteAddress: ADMIN_IP,
    });
    expect(imported.statusCode).toBe(200);

    expect(await trail(admin, admin)).toEqual([
      ['member.create', newbie.email],
      ['member.disable', target.email],
      ['member.enable', target.email],
      ['member.role_change', target.email],
      ['member.password_reset', target.email],
      ['member.import', null],
    ]);
    const { entries } = await audit(admin, { actor: admin.email });
    const [importEntry] = entries;
    expect(importEntry).toMatchObject({
      action: 'member.import',
      actor: { id: admin.id, label: admin.email },
      source: ADMIN_IP,
      count: 1,
      details: { created: 1, refused: 1 },
    });
    const roleChange = entries.find((e) => e.action === 'member.role_change');
    expect(roleChange).toMatchObject({
      target: { kind: 'member', id: target.id },
      details: { from: 'member', to: 'admin' },
    });
    // A reset password is never written to the log.
    expect(JSON.stringify(entries)).not.toMatch(/"password"/);
  });

  it("records admins' meeting actions, password changes without the digits, but not members'", async () => {
    const admin = await loggedIn();
    const member = await loggedIn('member');
    const schedule = { name: 'Audited', startsAt: '2030-03-05T10:00:00+00:00', timeZone: 'UTC' };
    const meeting = (await call(admin, 'POST', '/api/meetings', schedule)).json<Meeting>();
    await call(admin, 'POST', '/api/meetings/quick', { name: 'Quick audited' });
    await call(admin, 'PATCH', `/api/meetings/${meeting.id}`, {
      name: 'Audited 2',
      durationMinutes: 30,
    });
    await call(admin, 'PATCH', `/api/meetings/${meeting.id}`, { password: '24681357' });
    await call(admin, 'PATCH', `/api/meetings/${meeting.id}`, { passwordProtected: true });
    await call(admin, 'PATCH', `/api/meetings/${meeting.id}`, { passwordProtected: false });
    await call(admin, 'DELETE', `/api/meetings/${meeting.id}`);
    await call(member, 'POST', '/api/meetings', schedule);

    expect(await trail(admin, admin)).toEqual([
      ['meeting.create', 'Audited'],
      ['meeting.create', 'Quick audited'],
      ['meeting.update', 'Audited 2'],
      ['meeting.password_change', 'Audited 2'],
      ['meeting.password_change', 'Audited 2'],
      ['meeting.password_change', 'Audited 2'],
      ['meeting.cancel', 'Audited 2'],
    ]);
    const { entries } = await audit(admin, {
      actor: admin.email,
      action: 'meeting.password_change',
    });
    expect(entries.map((e) => e.details.how)).toEqual(['removed', 'generated', 'typed']);
    expect(JSON.stringify(entries)).not.toContain('24681357');
    expect(entries.find((e) => e.action === 'meeting.update')).toBeUndefined();
    const update = (await audit(admin, { actor: admin.email, action: 'meeting.update' }))
      .entries[0];
    expect(update?.details).toEqual({ fields: ['name', 'durationMinutes'] });
    expect(await trail(admin, member)).toEqual([]);
  });

  it('records settings changes with the values before and after, and logo changes', async () => {
    const admin = await loggedIn();
    await call(admin, 'PATCH', '/api/admin/settings', {
      p2pRoomCap: 9,
      organizationName: 'Audit Co',
    });
    // A change to the same values changes nothing and records nothing.
    await call(admin, 'PATCH', '/api/admin/settings', { p2pRoomCap: 9 });
    const upload = fileUpload(
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
        'base64',
      ),
    );
    const logo = await t.app.inject({
      method: 'POST',
      url: '/api/admin/settings/logo',
      headers: { cookie: admin.cookie, ...upload.headers },
      payload: upload.payload,
    });
    expect(logo.statusCode).toBe(200);
    await call(admin, 'DELETE', '/api/admin/settings/logo');
    await call(admin, 'PATCH', '/api/admin/settings', { p2pRoomCap: null, organizationName: null });

    const { entries } = await audit(admin, { actor: admin.email });
    expect(entries.map((e) => e.action).reverse()).toEqual([
      'session.login',
      'settings.update',
      'settings.logo_upload',
      'settings.logo_delete',
      'settings.update',
    ]);
    expect(entries.at(-2)?.details).toEqual({
      changes: {
        p2pRoomCap: { from: 6, to: 9 },
        organizationName: { from: 'Tertulia', to: 'Audit Co' },
      },
    });
    expect(entries[0]?.details).toEqual({
      changes: {
        p2pRoomCap: { from: 9, to: 6 },
        organizationName: { from: 'Audit Co', to: 'Tertulia' },
      },
    });
  });

  it('records outbox retries, one and all', async () => {
    const admin = await loggedIn();
    const meeting = (
      await call(admin, 'POST', '/api/meetings', {
        name: 'Outbox',
        participants: ['outbox.guest@example.com'],
        startsAt: '2030-03-05T10:00:00+00:00',
        timeZone: 'UTC',
      })
    ).json<Meeting>();
    await t.db
      .updateTable('outbox')
      .set({ status: 'failed' })
      .where('meeting_id', '=', meeting.id)
      .execute();
    const row = await t.db
      .selectFrom('outbox')
      .select('id')
      .where('meeting_id', '=', meeting.id)
      .executeTakeFirstOrThrow();
    expect((await call(admin, 'POST', `/api/outbox/${row.id}/retry`)).statusCode).toBe(200);
    expect((await call(admin, 'POST', '/api/outbox/retry-failed')).statusCode).toBe(200);

    const { entries } = await audit(admin, { actor: admin.email });
    expect(entries[1]).toMatchObject({
      action: 'outbox.retry',
      target: { kind: 'outbox', id: row.id, label: 'outbox.guest@example.com' },
      details: { channel: 'email', meetingId: meeting.id },
    });
    expect(entries[0]).toMatchObject({ action: 'outbox.retry_all' });
  });

  it('records logins, failed logins and own password changes', async () => {
    const viewer = await loggedIn();
    const m = await t.createMember();
    const login = (password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: m.email, password },
        remoteAddress: '203.0.113.50',
      });
    expect((await login('wrong password')).statusCode).toBe(401);
    const ok = await login(m.password);
    const cookie = `tertulia_session=${ok.cookies.find((c) => c.name === 'tertulia_session')!.value}`;
    const other = await t.login(m.email, m.password);

    const change = (currentPassword: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/me/password',
        headers: { cookie },
        payload: { currentPassword, newPassword: 'a brand new passphrase' },
      });
    const refused = await change('not my password');
    expect(refused.statusCode).toBe(400);
    expect(refused.json<ErrorBody>().code).toBe('CURRENT_PASSWORD_WRONG');
    expect((await change(m.password)).statusCode).toBe(204);
    // The session that changed it stays; the member's other sessions end.
    expect((await t.app.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/me', headers: { cookie: other } })).statusCode).toBe(
      401,
    );
    expect((await login(m.password)).statusCode).toBe(401);
    expect((await login('a brand new passphrase')).statusCode).toBe(200);

    const { entries } = await audit(viewer, { actor: m.email });
    expect(entries.map((e) => [e.action, e.actor.id, e.source]).reverse()).toEqual([
      ['session.login_failed', null, '203.0.113.50'],
      ['session.login', m.id, '203.0.113.50'],
      ['session.login', m.id, '127.0.0.1'],
      ['member.password_change', m.id, '127.0.0.1'],
      ['session.login_failed', null, '203.0.113.50'],
      ['session.login', m.id, '203.0.113.50'],
    ]);
    expect(entries.at(-1)?.actor.label).toBe(m.email);
  });

  it('aggregates wrong meeting passwords into one row per meeting, source and hour', async () => {
    const admin = await loggedIn();
    // The test clock's hour starts now; the meeting opens at once (starts in 10 minutes).
    t.clock.set('2030-03-01T10:00:00.000Z');
    const create = async (name: string) =>
      (
        await call(admin, 'POST', '/api/meetings', {
          name,
          startsAt: '2030-03-01T10:10:00+00:00',
          timeZone: 'UTC',
          password: '13572468',
        })
      ).json<Meeting>();
    const meeting = await create('Locked audit');
    const other = await create('Locked other');
    const tokenOf = (m: Meeting) => m.joinUrl.split('/m/')[1]!;

    /** Answers like a guest; waits out the slow-down first, as a patient guesser would. */
    async function answer(m: Meeting, password: string, ip: string) {
      for (;;) {
        const response = await t.app.inject({
          method: 'POST',
          url: `/api/join/${tokenOf(m)}`,
          payload: { displayName: 'Guesser', password },
          remoteAddress: ip,
        });
        if (response.statusCode !== 429) return response.statusCode;
        t.clock.advanceMs(Number(response.headers['retry-after']) * 1000);
      }
    }
    for (let i = 0; i < 7; i += 1)
      expect(await answer(meeting, `0000000${i}`, '192.0.2.1')).toBe(401);
    expect(await answer(meeting, '11111111', '2001:db8:1:2::5')).toBe(401);
    expect(await answer(meeting, '22222222', '2001:db8:1:2::6')).toBe(401);
    expect(await answer(other, '33333333', '192.0.2.1')).toBe(401);
    expect(await answer(meeting, '13572468', '192.0.2.9')).toBe(201);

    const rows = async () =>
      (await audit(admin, { action: 'lobby.password_wrong', pageSize: '200' })).entries.filter(
        (e) => e.target?.id === meeting.id || e.target?.id === other.id,
      );
    const summary = (entries: AuditEntry[]) =>
      entries
        .map((e) => [e.target!.label, e.source, e.count])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const first = await rows();
    expect(summary(first)).toEqual([
      ['Locked audit', '192.0.2.1', 7],
      ['Locked audit', '2001:db8:1:2::/64', 2],
      ['Locked other', '192.0.2.1', 1],
    ]);
    const burst = first.find((e) => e.count === 7)!;
    expect(burst.actor).toEqual({ id: null, label: '' });
    expect(Date.parse(burst.lastAt)).toBeGreaterThan(Date.parse(burst.at));

    // The next hour starts a new row for the same meeting and source.
    t.clock.set('2030-03-01T11:00:30.000Z');
    expect(await answer(meeting, '44444444', '192.0.2.1')).toBe(401);
    expect(summary(await rows())).toContainEqual(['Locked audit', '192.0.2.1', 1]);
    expect((await rows()).length).toBe(4);
    t.clock.set('2030-03-01T10:00:00.000Z');
  });

  it('filters by action, actor and since, a page at a time', async () => {
    const admin = await loggedIn();
    const tag = `page${Date.now()}`;
    for (let i = 0; i < 5; i += 1) {
      await call(admin, 'POST', '/api/members', {
        email: `${tag}.${i}@example.org`,
        username: `${tag}${i}`,
        displayName: `Paged ${i}`,
        role: 'member',
        password: 'a long enough password',
      });
    }
    const filter = { actor: admin.email.toUpperCase(), action: 'member.create' };
    const first = await audit(admin, { ...filter, pageSize: '2' });
    const third = await audit(admin, { ...filter, pageSize: '2', page: '3' });
    expect(first).toMatchObject({ page: 1, pageSize: 2, hasMore: true });
    expect(first.entries.map((e) => e.target?.label)).toEqual([
      `${tag}.4@example.org`,
      `${tag}.3@example.org`,
    ]);
    expect(third.hasMore).toBe(false);
    expect(third.entries.map((e) => e.target?.label)).toEqual([`${tag}.0@example.org`]);

    // LIKE's wildcards are matched as themselves.
    expect((await audit(admin, { actor: '%' })).entries).toEqual([]);
    expect((await audit(admin, { actor: '_' })).entries).toEqual([]);
    const later = new Date(t.clock.now().getTime() + 60_000).toISOString();
    expect((await audit(admin, { ...filter, since: later })).entries).toEqual([]);
    const bad = await t.app.inject({
      url: '/api/admin/audit?action=member.explode',
      headers: { cookie: admin.cookie },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('is for admins only', async () => {
    const member = await loggedIn('member');
    const response = await t.app.inject({
      url: '/api/admin/audit',
      headers: { cookie: member.cookie },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json<ErrorBody>().code).toBe('ADMIN_ONLY');
    expect((await t.app.inject({ url: '/api/admin/audit' })).statusCode).toBe(401);
  });

  it('purges entries whose last activity is older than AUDIT_RETENTION_DAYS', async () => {
    const admin = await loggedIn();
    const start = t.clock.now().toISOString();
    await t.services.audit.record(
      { id: admin.id, label: admin.email, source: null },
      { action: 'outbox.retry_all', details: { retried: 0, marker: 'old' } },
    );
    t.clock.advanceMs(29 * 86_400_000);
    await t.services.audit.record(
      { id: admin.id, label: admin.email, source: null },
      { action: 'outbox.retry_all', details: { retried: 0, marker: 'recent' } },
    );
    t.clock.advanceMs(2 * 86_400_000);
    expect(await t.services.audit.purgeExpired()).toBeGreaterThanOrEqual(1);
    // Read through the service: a month on, the admin's login has expired too.
    const { entries } = await t.services.audit.list(
      { actor: admin.email, action: 'outbox.retry_all' },
      { page: 1, pageSize: 10 },
    );
    expect(entries.map((e) => e.details.marker)).toEqual(['recent']);
    t.clock.set(start);
  });
});
