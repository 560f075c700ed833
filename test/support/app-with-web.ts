/**
 * The real app over a fresh SQLite database, serving a small built web app (an index page and
 * one hashed asset), for tests about every kind of answer: pages and assets as well as the API.
 * The harness's app has no web build, so its page paths answer 503.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { createServices, openStorage, type Services } from '../../src/server/compose.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import { buildApp } from '../../src/server/http/app.js';
import type { Role } from '../../src/shared/api.js';
import { TestClock } from './harness.js';

/** The one script the small web build has, as a path under the app. */
export const WEB_ASSET = 'assets/index-3f2a9c.js';

export interface AppWithWeb {
  app: FastifyInstance;
  services: Services;
  config: Config;
  /** Creates a member and logs them in through the API; the Cookie header value to send. */
  member(role?: Role): Promise<{ id: string; email: string; password: string; cookie: string }>;
  close(): Promise<void>;
}

let counter = 0;

export async function startAppWithWeb(
  options: {
    publicUrl?: string;
    env?: Record<string, string>;
    onRoute?: (route: RouteOptions) => void;
  } = {},
): Promise<AppWithWeb> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-web-app-'));
  const webDir = path.join(dataDir, 'web');
  fs.mkdirSync(path.join(webDir, 'assets'), { recursive: true });
  fs.writeFileSync(
    path.join(webDir, 'index.html'),
    `<!doctype html><title>Tertulia</title><script type="module" src="/${WEB_ASSET}"></script>`,
  );
  fs.writeFileSync(path.join(webDir, WEB_ASSET), 'console.log("tertulia")');
  const config = loadConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: options.publicUrl ?? 'http://tertulia.test',
    LOG_LEVEL: 'silent',
    MEDIA: 'p2p',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    JOIN_RATE_LIMIT_PER_MINUTE: '100000',
    ...options.env,
  });
  const db = await openStorage(config);
  const services = createServices(db, config, new TestClock());
  const app = await buildApp({
    config,
    services,
    logger: false,
    webDir,
    ...(options.onRoute ? { onRoute: options.onRoute } : {}),
  });
  await app.ready();
  return {
    app,
    services,
    config,
    async member(role = 'member') {
      counter += 1;
      const email = `${role}${counter}@example.org`;
      const password = `correct horse battery staple ${counter}`;
      const created = await services.members.create({
        email,
        username: `${role}${counter}`,
        displayName: `${role} ${counter}`,
        role,
        password,
      });
      const login = await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email, password },
      });
      const session = login.cookies.find((c) => c.name === 'tertulia_session');
      if (!session) throw new Error(`login failed: ${login.body}`);
      return { id: created.id, email, password, cookie: `tertulia_session=${session.value}` };
    },
    async close() {
      await services.worker.stop();
      await app.close();
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
