import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminSettings, ErrorBody, JoinInfo, Meeting } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';
import { fileUpload } from '../support/multipart.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

function logoPicture(): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 100, channels: 3, background: '#c2410c' } })
    .png()
    .toBuffer();
}

describe.each(databaseKinds)('admin settings (%s)', (kind) => {
  let t: TestApp;
  let admin: string;
  let member: string;

  beforeAll(async () => {
    t = await startTestApp(kind, { P2P_ROOM_CAP: '8', MEETING_PASSWORD_LENGTH: '9' });
    const a = await t.createMember({ role: 'admin' });
    const m = await t.createMember();
    admin = await t.login(a.email, a.password);
    member = await t.login(m.email, m.password);
  });
  afterAll(async () => {
    await t.close();
  });

  const read = (cookie: string | null = admin) =>
    t.app.inject({ url: '/api/admin/settings', headers: cookie ? { cookie } : {} });
  const patch = (payload: object, cookie: string | null = admin) =>
    t.app.inject({
      method: 'PATCH',
      url: '/api/admin/settings',
      headers: cookie ? { cookie } : {},
      payload,
    });
  async function change(payload: object): Promise<AdminSettings> {
    const response = await patch(payload);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<AdminSettings>();
  }
  const createMeeting = (payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/meetings', headers: { cookie: admin }, payload });
  const joinInfo = (token: string) => t.app.inject({ url: `/api/join/${token}` });
  const uploadLogo = (bytes: Buffer | string, cookie: string = admin) => {
    const upload = fileUpload(bytes, { filename: 'logo.png', contentType: 'image/png' });
    return t.app.inject({
      method: 'POST',
      url: '/api/admin/settings/logo',
      headers: { cookie, ...upload.headers },
      payload: upload.payload,
    });
  };

  it('answers the configuration as defaults, with nothing set here', async () => {
    await change({
      meetingPasswordLength: null,
      joinOpensMinutesBefore: null,
      joinClosesMinutesAfter: null,
      p2pRoomCap: null,
      defaultPhoneRegion: null,
      organizationName: null,
      emailReminderMinutes: 'default',
      smsReminderMinutes: 'default',
    });
    const response = await read();
    expect(response.statusCode).toBe(200);
    const defaults = {
      meetingPasswordLength: 9,
      joinOpensMinutesBefore: 30,
      joinClosesMinutesAfter: 240,
      p2pRoomCap: 8,
      defaultPhoneRegion: 'ES',
      organizationName: 'Tertulia',
      emailReminderMinutes: 1440,
      smsReminderMinutes: 15,
      waitingRoomDefault: false,
    };
    expect(response.json<AdminSettings>()).toEqual({
      settings: { ...defaults, organizationLogoUrl: null },
      defaults,
      overridden: [],
    });
    expect((await t.services.settings.get()).p2pRoomCap).toBe(8);
  });

  it('generates meeting passwords of the new length at once, and of the default after a reset', async () => {
    const schedule = { name: 'Board', startsAt: '2030-03-05T10:00:00+00:00', timeZone: 'UTC' };
    expect((await change({ meetingPasswordLength: 11 })).overridden).toEqual([
      'meetingPasswordLength',
    ]);
    const long = (await createMeeting({ ...schedule, passwordProtected: true })).json<Meeting>();
    expect(long.password).toMatch(/^\d{11}$/);

    await change({ meetingPasswordLength: null });
    const back = (await createMeeting({ ...schedule, passwordProtected: true })).json<Meeting>();
    expect(back.password).toMatch(/^\d{9}$/);
  });

  it('moves the join window of existing meetings in the lobby at once', async () => {
    // The test clock stands at 10:00; the meeting runs from 10:45 to 11:45 (60 minutes).
    const meeting = (
      await createMeeting({ name: 'Soon', startsAt: '2030-03-01T10:45:00+00:00', timeZone: 'UTC' })
    ).json<Meeting>();
    const token = meeting.joinUrl.split('/m/')[1]!;
    const before = (await joinInfo(token)).json<JoinInfo>();
    expect(before).toMatchObject({ state: 'not_open_yet', opensAt: '2030-03-01T10:15:00.000Z' });

    await change({ joinOpensMinutesBefore: 60, joinClosesMinutesAfter: 15 });
    const after = (await joinInfo(token)).json<JoinInfo>();
    expect(after).toMatchObject({
      state: 'open',
      opensAt: '2030-03-01T09:45:00.000Z',
      closesAt: '2030-03-01T12:00:00.000Z',
    });
    const joined = await t.app.inject({
      method: 'POST',
      url: `/api/join/${token}`,
      payload: { displayName: 'Guest' },
    });
    expect(joined.statusCode).toBe(201);
    await change({ joinOpensMinutesBefore: null, joinClosesMinutesAfter: null });
  });

  it('classifies phone numbers typed without +country by the new default region', async () => {
    const check = async (participants: string[]) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/participants/check',
          headers: { cookie: member },
          payload: { participants },
        })
      ).json<{ results: Array<{ ok: boolean; participant?: { address: string } }> }>().results;

    expect(await check(['612 345 678'])).toEqual([
      expect.objectContaining({
        ok: true,
        participant: expect.objectContaining({ address: '+34612345678' }),
      }),
    ]);
    await change({ defaultPhoneRegion: 'us' });
    const [spanish, american] = await check(['612 345 678', '(201) 555-0123']);
    expect(spanish).toMatchObject({ ok: false, issue: { code: 'INVALID_PHONE' } });
    expect(american).toMatchObject({ ok: true, participant: { address: '+12015550123' } });
    await change({ defaultPhoneRegion: null });
  });

  it('gives the p2p room cap to the room through services.settings', async () => {
    await change({ p2pRoomCap: 12 });
    expect((await t.services.settings.get()).p2pRoomCap).toBe(12);
    await change({ p2pRoomCap: null });
    expect((await t.services.settings.get()).p2pRoomCap).toBe(8);
  });

  it('shows the organization name and logo in the lobby, and keeps them after a restart', async () => {
    const meeting = (
      await createMeeting({
        name: 'Branded',
        startsAt: '2030-03-05T10:00:00+00:00',
        timeZone: 'UTC',
      })
    ).json<Meeting>();
    const token = meeting.joinUrl.split('/m/')[1]!;
    await change({ organizationName: '  Acme Ibérica\u202e ' });
    const uploaded = await uploadLogo(await logoPicture());
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    const logoUrl = uploaded.json<AdminSettings>().settings.organizationLogoUrl!;
    expect(logoUrl).toMatch(new RegExp(`^/logos/${UUID}\\.png$`));

    expect((await joinInfo(token)).json<JoinInfo>().organization).toEqual({
      name: 'Acme Ibérica',
      logoUrl,
    });
    const served = await t.app.inject({ url: logoUrl });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(await sharp(served.rawPayload).metadata()).toMatchObject({
      format: 'png',
      width: 600,
      height: 200,
    });

    await t.restart();
    expect((await joinInfo(token)).json<JoinInfo>().organization.name).toBe('Acme Ibérica');

    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/api/admin/settings/logo',
      headers: { cookie: admin },
    });
    expect(removed.json<AdminSettings>().settings.organizationLogoUrl).toBeNull();
    expect((await t.app.inject({ url: logoUrl })).statusCode).toBe(404);
    expect((await joinInfo(token)).json<JoinInfo>().organization.logoUrl).toBeNull();
    await change({ organizationName: null });
  });

  it('refuses a logo that is not a picture with 400 UNSUPPORTED_IMAGE', async () => {
    const response = await uploadLogo('<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().code).toBe('UNSUPPORTED_IMAGE');
  });

  it.each([
    [{ meetingPasswordLength: 5 }, 'meetingPasswordLength', 6, 12],
    [{ meetingPasswordLength: 13 }, 'meetingPasswordLength', 6, 12],
    [{ joinOpensMinutesBefore: -1 }, 'joinOpensMinutesBefore', 0, 10080],
    [{ joinClosesMinutesAfter: 10081 }, 'joinClosesMinutesAfter', 0, 10080],
    [{ p2pRoomCap: 1 }, 'p2pRoomCap', 2, 50],
    [{ p2pRoomCap: 51 }, 'p2pRoomCap', 2, 50],
    [{ organizationName: '   ' }, 'organizationName', 1, 80],
    [{ organizationName: 'x'.repeat(81) }, 'organizationName', 1, 80],
  ])(
    'refuses %j with 400 SETTING_OUT_OF_RANGE naming the field',
    async (payload, field, min, max) => {
      // With a valid p2pRoomCap beside it, to show that nothing of a refused change applies.
      const response = await patch({ p2pRoomCap: 20, ...payload });
      expect(response.statusCode).toBe(400);
      const body = response.json<ErrorBody>();
      expect(body.code).toBe('SETTING_OUT_OF_RANGE');
      expect(body.details).toEqual({
        issues: [expect.objectContaining({ field, min, max })],
      });
      expect((await t.services.settings.get()).p2pRoomCap).toBe(8);
    },
  );

  it('refuses an unknown region with 400 UNKNOWN_REGION', async () => {
    const response = await patch({ defaultPhoneRegion: 'XX' });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().code).toBe('UNKNOWN_REGION');
  });

  it.each([[{ p2pRoomCap: 'many' }], [{ meetingPasswordLength: 7.5 }], [{ colour: 'blue' }]])(
    'refuses a malformed body %j with 400 VALIDATION',
    async (payload) => {
      const response = await patch(payload);
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe('VALIDATION');
    },
  );

  it('refuses members with 403 ADMIN_ONLY and anonymous requests with 401', async () => {
    const logo = fileUpload(await logoPicture());
    const requests = [
      { method: 'GET', url: '/api/admin/settings' },
      { method: 'PATCH', url: '/api/admin/settings', payload: { p2pRoomCap: 10 } },
      { method: 'POST', url: '/api/admin/settings/logo', ...logo },
      { method: 'DELETE', url: '/api/admin/settings/logo' },
    ] as const;
    for (const request of requests) {
      const headers = 'headers' in request ? request.headers : {};
      const asMember = await t.app.inject({ ...request, headers: { ...headers, cookie: member } });
      expect(asMember.statusCode, `${request.method} ${request.url}`).toBe(403);
      expect(asMember.json<ErrorBody>().code).toBe('ADMIN_ONLY');
      const anonymous = await t.app.inject({ ...request, headers });
      expect(anonymous.statusCode).toBe(401);
    }
    expect((await t.services.settings.get()).p2pRoomCap).toBe(8);
  });
});
