/**
 * A join link's page (`/m/<token>`) carries the lobby's first answers and preloads its code
 * (src/server/http/lobby-page.ts): the same facts as GET /api/join/:token and GET /api/me, in
 * a JSON script element that cannot run, under the same CSP; nothing for a token the lobby
 * cannot show, so the lobby asks and shows the error as before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOBBY_BOOT_ELEMENT_ID, type LobbyBoot } from '../../src/shared/lobby-boot.js';
import { startAppWithWeb, type AppWithWeb } from '../support/app-with-web.js';
import { quickMeeting } from '../support/room-client.js';

const MANIFEST = {
  'index.html': { file: 'assets/index-1.js', isEntry: true, imports: ['_runtime.js'] },
  '_runtime.js': { file: 'assets/runtime-1.js' },
  'features/lobby/LobbyPage.tsx': {
    file: 'assets/LobbyPage-1.js',
    imports: ['_runtime.js', '_Field.js'],
    css: ['assets/LobbyPage-1.css'],
  },
  '_Field.js': { file: 'assets/Field-1.js', css: ['assets/Field-1.css'] },
  'i18n/en-start.ts': { file: 'assets/en-start-1.js' },
  'i18n/es-start.ts': { file: 'assets/es-start-1.js' },
};

function bootOf(html: string): LobbyBoot | null {
  const match = new RegExp(
    `<script type="application/json" id="${LOBBY_BOOT_ELEMENT_ID}">(.*?)</script>`,
  ).exec(html);
  return match?.[1] ? (JSON.parse(match[1]) as LobbyBoot) : null;
}

describe("a join link's page", () => {
  let t: AppWithWeb;
  let admin: Awaited<ReturnType<AppWithWeb['member']>>;

  beforeAll(async () => {
    t = await startAppWithWeb();
    const webDir = path.join(t.config.dataDir, 'web');
    fs.mkdirSync(path.join(webDir, '.vite'), { recursive: true });
    fs.writeFileSync(path.join(webDir, '.vite', 'manifest.json'), JSON.stringify(MANIFEST));
    fs.writeFileSync(
      path.join(webDir, 'index.html'),
      '<!doctype html><html><head><title>Tertulia</title></head><body></body></html>',
    );
    admin = await t.member('admin');
  });
  afterAll(() => t.close());

  const quick = (name: string) =>
    quickMeeting({ app: t.app } as Parameters<typeof quickMeeting>[0], admin.cookie, { name });

  it('carries what the lobby would ask the API first, in the same shapes', async () => {
    const { token } = await quick('Coffee');
    const page = await t.app.inject({ url: `/m/${token}?username=Ana` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('private, no-cache');
    const boot = bootOf(page.body);
    const api = await t.app.inject({ url: `/api/join/${token}` });
    // Everything but the clock reading, which differs by the milliseconds between the two.
    const withoutClock = (info: LobbyBoot['info']) => ({ ...info, serverTime: '' });
    expect(boot).toMatchObject({ token, member: null });
    expect(withoutClock(boot!.info)).toEqual(withoutClock(api.json()));
  });

  it('says who is logged in, as GET /api/me does, and the lobby facts as that member sees them', async () => {
    const { token } = await quick('Standup');
    const headers = { cookie: admin.cookie };
    const boot = bootOf((await t.app.inject({ url: `/m/${token}`, headers })).body);
    const me = await t.app.inject({ url: '/api/me', headers });
    expect(boot?.member).toEqual(me.json());
    expect(boot?.info.viewer).not.toBeNull();
  });

  it('cannot be ended early by a meeting name: every < is escaped inside the JSON', async () => {
    const name = '</script><script>alert(1)</script><!--';
    const { token } = await quick(name);
    const html = (await t.app.inject({ url: `/m/${token}` })).body;
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(bootOf(html)?.info.name).toBe(name);
  });

  it('brings nothing for a token the lobby cannot show: the lobby asks and shows the error', async () => {
    for (const url of ['/m/unknown-token-0123456789abcdef', '/m/short']) {
      const page = await t.app.inject({ url });
      expect(page.statusCode).toBe(200);
      expect(bootOf(page.body)).toBeNull();
    }
  });

  it("preloads the lobby's chunks, styles and the asked-for language's texts, not the entry's", async () => {
    const { token } = await quick('Preloads');
    const page = await t.app.inject({
      url: `/m/${token}`,
      headers: { 'accept-language': 'es-ES,es;q=0.9,en;q=0.8' },
    });
    const links = [...page.body.matchAll(/<link rel="(\w+)"[^>]* href="([^"]+)">/g)].map(
      ([, rel, href]) => `${rel} ${href}`,
    );
    expect(links).toEqual([
      'stylesheet /assets/LobbyPage-1.css',
      'stylesheet /assets/Field-1.css',
      'modulepreload /assets/LobbyPage-1.js',
      'modulepreload /assets/Field-1.js',
      'modulepreload /assets/es-start-1.js',
    ]);
  });

  it('keeps the CSP without inline script, and the room page stays the plain app page', async () => {
    const { token } = await quick('Room');
    const lobby = await t.app.inject({ url: `/m/${token}` });
    expect(lobby.headers['content-security-policy']).toContain("script-src 'self'");
    expect(lobby.headers['content-security-policy']).not.toContain('unsafe-inline');
    const room = await t.app.inject({ url: `/m/${token}/room` });
    expect(bootOf(room.body)).toBeNull();
    expect(room.headers['cache-control']).toBe('no-cache');
  });
});
