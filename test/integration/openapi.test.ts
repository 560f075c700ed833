import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { securitySchemes?: Record<string, unknown> };
}
interface OpenApiOperation {
  requestBody?: { content: Record<string, { schema: { required?: string[] } }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

const DOCUMENTED: Array<[string, string[]]> = [
  ['/healthz', ['get']],
  ['/readyz', ['get']],
  ['/metrics', ['get']],
  ['/api/session', ['delete', 'post']],
  ['/api/me', ['get', 'patch']],
  ['/api/members', ['get', 'post']],
  ['/api/members/{id}', ['patch']],
  ['/api/meetings', ['get', 'post']],
  ['/api/meetings/quick', ['post']],
  ['/api/meetings/{id}', ['delete', 'get', 'patch']],
  ['/api/participants/check', ['post']],
  ['/api/join/{token}', ['get', 'post']],
  ['/api/join/{token}/me', ['get']],
  ['/api/avatars', ['post']],
];

describe.concurrent.each(databaseKinds)('OpenAPI document (%s)', (kind) => {
  let t: TestApp;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    t = await startTestApp(kind);
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    doc = response.json<OpenApiDocument>();
  });
  afterAll(async () => {
    await t.close();
  });

  it('GET /api/openapi.json serves an OpenAPI 3 document without a session', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components?.securitySchemes).toHaveProperty('session');
  });

  it.each(DOCUMENTED)('documents %s with exactly the methods %j', (path, methods) => {
    expect(Object.keys(doc.paths[path] ?? {}).sort()).toEqual(methods);
  });

  it.each(['/api/openapi.json', '/avatars/{file}'])(
    'does not list the internal route %s',
    (path) => {
      expect(doc.paths).not.toHaveProperty([path]);
    },
  );

  it('documents both answers of /readyz: 200 ready and 503 with the failed part', () => {
    const responses = doc.paths['/readyz']?.get?.responses ?? {};
    expect(Object.keys(responses).sort()).toEqual(['200', '503']);
    expect(JSON.stringify(responses['503'])).toContain('draining');
  });

  it.each(['/api/meetings', '/api/admin/meetings'])(
    'documents %s as paged (limit, cursor, nextCursor) with a 304 answer',
    (path) => {
      const operation = doc.paths[path]?.get as
        (OpenApiOperation & { parameters?: Array<{ name: string; in: string }> }) | undefined;
      const query = (operation?.parameters ?? []).filter((p) => p.in === 'query');
      expect(query.map((p) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor']));
      expect(Object.keys(operation?.responses ?? {})).toEqual(
        expect.arrayContaining(['200', '304', '400']),
      );
      expect(JSON.stringify(operation?.responses['200'])).toContain('nextCursor');
    },
  );

  it('describes the body POST /api/meetings requires and the meeting it returns', () => {
    const operation = doc.paths['/api/meetings']?.post;
    const body = operation?.requestBody?.content['application/json']?.schema;
    expect(body?.required).toEqual(expect.arrayContaining(['name', 'startsAt', 'timeZone']));
    expect(JSON.stringify(operation?.responses['201'])).toContain('joinUrl');
    expect(Object.keys(operation?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '401']),
    );
  });
});
