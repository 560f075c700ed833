/** A room test's world: a started app, an organizer, fresh meetings and clients per test. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startTestApp, type TestApp } from './harness.js';
import { RoomClient, guestToken, listen, quickMeeting, roomUrl } from './room-client.js';

/** Starts an app with these settings and gives each test fresh meetings and clients. */
export function roomEnvironment(kind: 'sqlite' | 'postgres', env: Record<string, string> = {}) {
  let t: TestApp;
  let base: string;
  let organizerCookie: string;
  let clients: RoomClient[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind, env);
    const member = await t.createMember();
    organizerCookie = await t.login(member.email, member.password);
    base = await listen(t);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    for (const client of clients) client.terminate();
    clients = [];
  });

  return {
    /** The app, for HTTP calls beside the sockets (`app.inject`). */
    get app(): TestApp['app'] {
      return t.app;
    },
    async meeting(): Promise<string> {
      return (await quickMeeting(t, organizerCookie)).token;
    },
    async session(token: string, name: string): Promise<string> {
      return guestToken(t, token, name);
    },
    async connect(token: string, bearer: string): Promise<RoomClient> {
      const client = await RoomClient.connect(roomUrl(base, token), { bearer });
      clients.push(client);
      return client;
    },
    /** A guest connected and joined; `bearer` to connect again as the same session. */
    async guest(token: string, name: string) {
      const bearer = await guestToken(t, token, name);
      const client = await this.connect(token, bearer);
      await client.hello();
      return { client, bearer };
    },
  };
}
