import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, Member, MemberImportReport } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

const BOUNDARY = '----tertulia-import-test';
let counter = 0;

/** A multipart/form-data body with one file field, built by hand so the test controls every byte. */
function csvUpload(content: string | Buffer, field = 'file') {
  const head =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="members.csv"\r\n` +
    'Content-Type: text/csv\r\n\r\n';
  return {
    payload: Buffer.concat([
      Buffer.from(head),
      Buffer.from(content),
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  };
}

/** A tag unique to one test, so its members do not meet another test's. */
function tag(): string {
  counter += 1;
  return `t${counter}x${Math.random().toString(36).slice(2, 6)}`;
}

describe.each(databaseKinds)('members admin API (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function loggedIn(role: 'admin' | 'member') {
    const member = await t.createMember({ role });
    return { ...member, cookie: await t.login(member.email, member.password) };
  }

  const search = (cookie: string, q?: string) =>
    t.app.inject({
      method: 'GET',
      url: '/api/members',
      headers: { cookie },
      ...(q === undefined ? {} : { query: { q } }),
    });
  const resetPassword = (cookie: string, id: string) =>
    t.app.inject({ method: 'POST', url: `/api/members/${id}/reset-password`, headers: { cookie } });
  const importCsv = (cookie: string, content: string | Buffer, field?: string) => {
    const upload = csvUpload(content, field);
    return t.app.inject({
      method: 'POST',
      url: '/api/members/import',
      headers: { cookie, ...upload.headers },
      payload: upload.payload,
    });
  };
  const loginStatus = async (email: string, password: string) =>
    (await t.app.inject({ method: 'POST', url: '/api/session', payload: { email, password } }))
      .statusCode;

  describe('GET /api/members?q=', () => {
    it('matches email, user name and display name as a substring in any case', async () => {
      const admin = await loggedIn('admin');
      const k = tag();
      const byEmail = await t.createMember({ email: `ana.${k}@mail.example`, username: `u1${k}` });
      const byUsername = await t.createMember({ username: `bea${k}` });
      const byName = await t.createMember({ displayName: `Ángela ${k.toUpperCase()}` });
      await t.createMember({ displayName: 'Someone Else' });

      const ids = async (q: string) => {
        const response = await search(admin.cookie, q);
        expect(response.statusCode).toBe(200);
        return response
          .json<{ members: Member[] }>()
          .members.map((m) => m.id)
          .sort();
      };

      expect(await ids(k.toUpperCase())).toEqual([byEmail.id, byUsername.id, byName.id].sort());
      expect(await ids(`ANA.${k}@MAIL`)).toEqual([byEmail.id]);
      expect(await ids(`BEA${k}`)).toEqual([byUsername.id]);
      expect(await ids(`áNGELA ${k}`)).toEqual([byName.id]);
      expect(await ids(`nobody-${k}`)).toEqual([]);
    });

    it('lists every member without q, or with a blank q', async () => {
      const admin = await loggedIn('admin');
      const all = await t.services.members.list();
      for (const q of [undefined, '   ']) {
        const response = await search(admin.cookie, q);
        expect(response.statusCode).toBe(200);
        expect(response.json<{ members: Member[] }>().members).toHaveLength(all.length);
      }
    });

    it('refuses a member who is not an admin with 403 ADMIN_ONLY', async () => {
      const member = await loggedIn('member');
      const response = await search(member.cookie, 'a');
      expect(response.statusCode).toBe(403);
      expect(response.json<ErrorBody>().code).toBe('ADMIN_ONLY');
    });
  });

  describe('POST /api/members/:id/reset-password', () => {
    it('answers a new password once; the old one and the old sessions stop working', async () => {
      const admin = await loggedIn('admin');
      const target = await loggedIn('member');

      const response = await resetPassword(admin.cookie, target.id);

      expect(response.statusCode).toBe(200);
      const { password } = response.json<{ password: string }>();
      expect(password).toMatch(/^[A-Za-z0-9_-]{16,}$/);
      const me = await t.app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { cookie: target.cookie },
      });
      expect(me.statusCode).toBe(401);
      expect(await loginStatus(target.email, target.password)).toBe(401);
      expect(await loginStatus(target.email, password)).toBe(200);
      // The admin's own session is untouched.
      expect((await search(admin.cookie)).statusCode).toBe(200);
    });

    it('gives a different password every time', async () => {
      const admin = await loggedIn('admin');
      const target = await t.createMember();
      const first = (await resetPassword(admin.cookie, target.id)).json<{ password: string }>();
      const second = (await resetPassword(admin.cookie, target.id)).json<{ password: string }>();
      expect(first.password).not.toBe(second.password);
    });

    it('answers 404 MEMBER_NOT_FOUND for an unknown member', async () => {
      const admin = await loggedIn('admin');
      const response = await resetPassword(admin.cookie, '00000000-0000-4000-8000-000000000000');
      expect(response.statusCode).toBe(404);
      expect(response.json<ErrorBody>().code).toBe('MEMBER_NOT_FOUND');
    });

    it('refuses a member who is not an admin with 403, leaving the password as it was', async () => {
      const member = await loggedIn('member');
      const target = await t.createMember();
      const response = await resetPassword(member.cookie, target.id);
      expect(response.statusCode).toBe(403);
      expect(await loginStatus(target.email, target.password)).toBe(200);
    });
  });

  describe('POST /api/members/import', () => {
    it('creates the good rows and refuses the bad ones, with a report per row', async () => {
      const admin = await loggedIn('admin');
      const k = tag();
      const existing = await t.createMember({ username: `taken${k}` });
      const csv = [
        'Email,User Name,Display_Name',
        `good1.${k}@example.org,good1${k},"Smith, Ann"`,
        `not-an-email,bad${k},Bad Email`,
        `GOOD1.${k}@example.org,other${k},Same Email Again`,
        `fresh.${k}@example.org,${existing.username},Taken User Name`,
        `short.${k}@example.org,short${k}`,
        '',
        `good2.${k}@example.org,Good2${k},"Quote ""Q"" Person"`,
      ].join('\r\n');

      const response = await importCsv(admin.cookie, csv);

      expect(response.statusCode).toBe(200);
      const report = response.json<MemberImportReport>();
      expect(report.created).toBe(2);
      expect(report.refused).toBe(4);
      expect(report.rows.map((r) => [r.line, r.status, r.code])).toEqual([
        [2, 'created', undefined],
        [3, 'refused', 'VALIDATION'],
        [4, 'refused', 'EMAIL_TAKEN'],
        [5, 'refused', 'USERNAME_TAKEN'],
        [6, 'refused', 'VALIDATION'],
        [8, 'created', undefined],
      ]);
      const [good1, badEmail, dupEmail, , short, good2] = report.rows;
      expect(good1).toMatchObject({ email: `good1.${k}@example.org`, username: `good1${k}` });
      expect(good1?.password).toMatch(/^[A-Za-z0-9_-]{16,}$/);
      expect(badEmail?.message).toMatch(/^email: /);
      expect(badEmail?.password).toBeUndefined();
      expect(dupEmail?.message).toMatch(/line 2/);
      expect(short?.message).toBe('displayName: missing');
      expect(good2?.username).toBe(`good2${k}`);

      // Created members can log in with the password from the report; refused ones do not exist.
      expect(await loginStatus(`good1.${k}@example.org`, good1?.password ?? '')).toBe(200);
      const imported = (await t.services.members.list(k)).filter((m) => m.id !== existing.id);
      expect(imported.map((m) => m.displayName).sort()).toEqual(['Quote "Q" Person', 'Smith, Ann']);
      expect(imported.every((m) => m.role === 'member')).toBe(true);
    });

    it('reads semicolon-separated files with a byte order mark and quoted separators', async () => {
      const admin = await loggedIn('admin');
      const k = tag();
      const csv = `\uFEFFemail;username;display name\n"semi.${k}@example.org";semi${k};"Pérez; Ana, Jr."\n`;

      const response = await importCsv(admin.cookie, Buffer.from(csv, 'utf8'));

      expect(response.statusCode).toBe(200);
      const report = response.json<MemberImportReport>();
      expect(report).toMatchObject({ created: 1, refused: 0 });
      expect(report.rows[0]).toMatchObject({ line: 2, email: `semi.${k}@example.org` });
      const [member] = await t.services.members.list(`semi${k}`);
      expect(member?.displayName).toBe('Pérez; Ana, Jr.');
    });

    it('answers 400 CSV_INVALID when the header row lacks a column, creating nobody', async () => {
      const admin = await loggedIn('admin');
      const k = tag();
      const response = await importCsv(
        admin.cookie,
        `nohead.${k}@example.org,nohead${k},No Head\n`,
      );
      expect(response.statusCode).toBe(400);
      const body = response.json<ErrorBody>();
      expect(body.code).toBe('CSV_INVALID');
      expect(body.message).toMatch(/lacks the columns email, username, displayName/);
      expect(await t.services.members.list(k)).toEqual([]);
    });

    it('answers 400 CSV_INVALID for a quote never closed and for bytes that are not UTF-8', async () => {
      const admin = await loggedIn('admin');
      const open = await importCsv(admin.cookie, 'email,username,displayName\n"a@b.org,x,y\n');
      expect(open.statusCode).toBe(400);
      expect(open.json<ErrorBody>()).toMatchObject({ code: 'CSV_INVALID', message: /^Line 2/ });
      const binary = await importCsv(admin.cookie, Buffer.from([0xff, 0xfe, 0x00, 0xd8, 0x41]));
      expect(binary.statusCode).toBe(400);
      expect(binary.json<ErrorBody>().code).toBe('CSV_INVALID');
    });

    it('answers 413 CSV_TOO_LARGE for a file over 1 MB or over 1,000 rows', async () => {
      const admin = await loggedIn('admin');
      const big = await importCsv(
        admin.cookie,
        `email,username,displayName\n${'x'.repeat(1024 * 1024 + 1)}`,
      );
      expect(big.statusCode).toBe(413);
      expect(big.json<ErrorBody>().code).toBe('CSV_TOO_LARGE');

      const k = tag();
      const rows = Array.from(
        { length: 1001 },
        (_, i) => `r${i}.${k}@example.org,r${i}${k},R ${i}`,
      );
      const many = await importCsv(
        admin.cookie,
        ['email,username,displayName', ...rows].join('\n'),
      );
      expect(many.statusCode).toBe(413);
      expect(many.json<ErrorBody>().code).toBe('CSV_TOO_LARGE');
      expect(await t.services.members.list(k)).toEqual([]);
    });

    it('answers 400 VALIDATION without a "file" field and 415 for a body that is not multipart', async () => {
      const admin = await loggedIn('admin');
      const missing = await importCsv(admin.cookie, 'email,username,displayName\n', 'other');
      expect(missing.statusCode).toBe(400);
      expect(missing.json<ErrorBody>().code).toBe('VALIDATION');
      const json = await t.app.inject({
        method: 'POST',
        url: '/api/members/import',
        headers: { cookie: admin.cookie },
        payload: { file: 'email,username,displayName' },
      });
      expect(json.statusCode).toBe(415);
      expect(json.json<ErrorBody>().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses a member who is not an admin with 403, creating nobody', async () => {
      const member = await loggedIn('member');
      const k = tag();
      const response = await importCsv(
        member.cookie,
        `email,username,displayName\nno.${k}@example.org,no${k},No\n`,
      );
      expect(response.statusCode).toBe(403);
      expect(response.json<ErrorBody>().code).toBe('ADMIN_ONLY');
      expect(await t.services.members.list(k)).toEqual([]);
    });
  });
});
