/**
 * Two real nodes (`node dist/server/main.js`) over one PostgreSQL database and one Redis: what
 * one node learns, the other knows at once. Needs `npm run build:server` after changing
 * src/server.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinInfo, Meeting } from '../../src/shared/api.js';
import { clusterMissing, startCluster, type Cluster, type TestNode } from '../support/cluster.js';
import { fileUpload } from '../support/multipart.js';

const ADMIN = { email: 'admin@cluster.test', password: 'cluster admin password' };
const LOGIN_LIMIT_PER_MINUTE = 6;
const missing = clusterMissing();

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe.skipIf(missing !== undefined)(
  `two nodes share their state (${missing ?? 'ready'})`,
  () => {
    let cluster: Cluster;
    let a: TestNode;
    let b: TestNode;
    let cookie: string;

    beforeAll(async () => {
      cluster = await startCluster(2, {
        env: {
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT_PER_MINUTE),
        },
      });
      [a, b] = cluster.nodes as [TestNode, TestNode];
      // The one successful login of this file: it counts towards the login limit.
      const login = await call(a, 'POST', '/api/session', ADMIN);
      expect(login.status).toBe(200);
      cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    }, 120_000);
    afterAll(async () => {
      await cluster?.stop();
    });

    function call(node: TestNode, method: string, path: string, body?: object, headers = {}) {
      return fetch(`${node.url}${path}`, {
        method,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
      });
    }
    const asAdmin = (node: TestNode, method: string, path: string, body?: object) =>
      call(node, method, path, body, { cookie });

    /** A meeting open for joining now, behind `password`; answers its join token. */
    async function openMeeting(password: string): Promise<string> {
      const created = await asAdmin(a, 'POST', '/api/meetings/quick', { password });
      expect(created.status).toBe(201);
      return (await json<Meeting>(created)).joinUrl.split('/m/')[1]!;
    }

    it('slows down wrong meeting passwords sent alternately to node A and node B as one source', async () => {
      const token = await openMeeting('24681357');
      const answers: { status: number; code: string; retryAfter: string | null }[] = [];
      // Counted per node, ten answers would all be taken (five free ones on each node).
      for (let i = 0; i < 10 && answers.at(-1)?.status !== 429; i += 1) {
        const node = i % 2 === 0 ? a : b;
        const response = await call(node, 'POST', `/api/join/${token}`, {
          displayName: 'Eve',
          password: '00000000',
        });
        const body = await json<{ code: string }>(response);
        answers.push({
          status: response.status,
          code: body.code,
          retryAfter: response.headers.get('retry-after'),
        });
      }
      // Five wrong answers are taken at once. The next one waits 100 ms after the fifth, the one
      // after 200 ms...: the sixth is refused unless this machine took that long to send it.
      expect(answers.slice(0, 5).map((x) => x.code)).toEqual(Array(5).fill('PASSWORD_WRONG'));
      expect(answers.length).toBeLessThanOrEqual(8);
      expect(answers.at(-1)).toEqual({ status: 429, code: 'TOO_MANY_ATTEMPTS', retryAfter: '1' });
    });

    it('applies a settings change made on node A on node B at the very next request', async () => {
      const token = await openMeeting('13572468');
      for (const name of ['Acme North', 'Acme South', 'Acme East']) {
        // Node B has the settings in its cache (kept 5 s) before the change.
        expect((await call(b, 'GET', `/api/join/${token}`)).status).toBe(200);
        const changed = await asAdmin(a, 'PATCH', '/api/admin/settings', {
          organizationName: name,
        });
        expect(changed.status).toBe(200);
        const lobby = await json<JoinInfo>(await call(b, 'GET', `/api/join/${token}`));
        expect(lobby.organization.name).toBe(name);
      }
    });

    it('serves on node B an avatar uploaded through node A, with the same caching', async () => {
      const png = await sharp({
        create: { width: 64, height: 64, channels: 3, background: '#2a6f97' },
      })
        .png()
        .toBuffer();
      const upload = fileUpload(png, { filename: 'me.png', contentType: 'image/png' });
      const stored = await fetch(`${a.url}/api/avatars`, {
        method: 'POST',
        headers: { ...upload.headers, cookie },
        body: upload.payload,
      });
      expect(stored.status).toBe(201);
      const { url } = await json<{ url: string }>(stored);
      const [fromA, fromB] = await Promise.all([fetch(`${a.url}${url}`), fetch(`${b.url}${url}`)]);
      expect(fromB.status).toBe(200);
      expect(fromB.headers.get('content-type')).toBe('image/webp');
      expect(fromB.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const bytes = Buffer.from(await fromB.arrayBuffer());
      expect(bytes.equals(Buffer.from(await fromA.arrayBuffer()))).toBe(true);
      expect((await sharp(bytes).metadata()).format).toBe('webp');
    });

    it('counts logins from one client across both nodes against one per-minute limit', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < LOGIN_LIMIT_PER_MINUTE + 1; i += 1) {
        const node = i % 2 === 0 ? b : a;
        const response = await call(node, 'POST', '/api/session', {
          email: ADMIN.email,
          password: 'not the password',
        });
        statuses.push(response.status);
      }
      // The admin's login in beforeAll was the first of the minute.
      const allowed = LOGIN_LIMIT_PER_MINUTE - 1;
      expect(statuses).toEqual([...Array(allowed).fill(401), 429, 429]);
    });
  },
);
