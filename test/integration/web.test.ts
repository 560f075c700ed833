import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/http/app.js';
import { startTestApp, type TestApp } from '../support/harness.js';

describe('serving the built web app', () => {
  let t: TestApp;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let webDir: string;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-web-'));
    fs.mkdirSync(path.join(webDir, 'assets'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Tertulia</title>');
    fs.writeFileSync(path.join(webDir, 'assets', 'main-abc123.js'), 'console.log(1)');
    app = await buildApp({ config: t.config, services: t.services, logger: false, webDir });
  });
  afterAll(async () => {
    await app.close();
    await t.close();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it.each(['/', '/login', '/meetings/123', '/m/someToken?username=Bob'])(
    'GET %s answers the app page, not cached',
    async (url) => {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('<title>Tertulia</title>');
      // A join link's page may carry who is logged in (lobby-page.ts): private to the browser.
      expect(response.headers['cache-control']).toBe(
        url.startsWith('/m/') ? 'private, no-cache' : 'no-cache',
      );
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    },
  );

  it('serves hashed assets with a long immutable cache', async () => {
    const response = await app.inject({ url: '/assets/main-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('answers unknown API paths with JSON 404, never the page', async () => {
    const response = await app.inject({ url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers a POST to a page path with JSON 404', async () => {
    const response = await app.inject({ method: 'POST', url: '/login' });
    expect(response.statusCode).toBe(404);
  });
});
