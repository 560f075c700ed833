import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';
import {
  MEDIA_ON,
  RoomClient,
  guestToken,
  listen,
  quickMeeting,
  roomUrl,
} from '../support/room-client.js';

describe.each(databaseKinds)('GET /readyz (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 200 when the database answers (no Redis on a single node)', async () => {
    const response = await t.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { database: 'up' } });
  });
});

describe('GET /readyz with the database gone', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t.app.close();
  });

  it('answers 503 naming the database, while /healthz (liveness) still answers 200', async () => {
    await t.db.destroy();
    const response = await t.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable', checks: { database: 'down' } });
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe.each(databaseKinds)('a draining node (%s)', (kind) => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    const member = await t.createMember();
    cookie = await t.login(member.email, member.password);
  });
  afterAll(async () => {
    await t.close();
  });

  it('says draining on /readyz and refuses GETs and room sockets with NODE_DRAINING', async () => {
    const base = await listen(t);
    const meeting = await quickMeeting(t, cookie);
    const bearer = await guestToken(t, meeting.token, 'Ana');
    const before = await RoomClient.connect(roomUrl(base, meeting.token), { bearer });
    await before.hello(MEDIA_ON);

    t.services.readiness.drain();

    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'draining' });
    const me = await t.app.inject({ url: '/api/me', headers: { cookie } });
    expect(me.statusCode).toBe(503);
    expect(me.json()).toMatchObject({ code: 'NODE_DRAINING' });
    expect(me.headers.connection).toBe('close');
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect(await RoomClient.refusal(roomUrl(base, meeting.token), { bearer })).toEqual({
      status: 503,
      code: 'NODE_DRAINING',
    });
    // A socket already in the room stays until the node closes it (main.ts, after the notice).
    await before.roundTrip();
    before.close();
  });

  it('still serves a POST: a balancer would not retry it elsewhere, and this node can do it', async () => {
    expect(t.services.readiness.draining).toBe(true);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/meetings/quick',
      headers: { cookie },
      payload: {},
    });
    expect(created.statusCode).toBe(201);
  });
});
