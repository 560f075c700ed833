/**
 * `npm run load` as an operator runs it (tools/load/cli.ts in its own process) against the real
 * app on a loopback port: bad input is refused with one line and exit code 2 before anyone
 * joins; two synthetic participants in a p2p room, and in a Janus room, send and receive media
 * (packets, whole frames, key frames) for a few seconds and leave the room empty.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/harness.js';
import { janusBinary, startLocalJanus, type StartedJanus } from '../support/local-janus.js';
import { RoomClient, guestToken, listen, quickMeeting, roomUrl } from '../support/room-client.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with these arguments; resolves when it exits by itself. */
function load(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/load/cli.ts', ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The run's last line: the JSON summary. */
function summary(run: Run) {
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as {
    backend: string;
    joined: number;
    failed: number;
    problems: number;
    participants: {
      sent: { packets: number; frames: number };
      received: { packets: number; frames: number; keyframes: number; lost: number };
    }[];
  };
}

/** Exit code 2 and one line naming what is wrong; nothing on stdout. */
function expectRefused(run: Run, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(pattern);
}

/** An administrator: only they may protect a quick conference with a password. */
async function organizer(t: TestApp): Promise<string> {
  const member = await t.createMember({ role: 'admin' });
  return t.login(member.email, member.password);
}

describe('npm run load on a p2p room', () => {
  let t: TestApp;
  let http: string;
  let cookie: string;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { MEDIA: 'p2p' });
    cookie = await organizer(t);
    http = (await listen(t)).replace(/^ws/, 'http');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a URL that is not a meeting link, and a link no meeting has', async () => {
    expectRefused(
      await load('--join-url', `${http}/meetings`, '--participants', '2'),
      /not a Tertulia meeting link/,
    );
    expectRefused(
      await load('--join-url', `${http}/m/${'A'.repeat(22)}`, '--participants', '2'),
      /No meeting has this link/,
    );
  });

  it('refuses a cancelled meeting and a protected one without --password', async () => {
    const closed = await quickMeeting(t, cookie);
    await t.app.inject({
      method: 'DELETE',
      url: `/api/meetings/${closed.id}`,
      headers: { cookie },
    });
    expectRefused(
      await load('--join-url', `${http}/m/${closed.token}`, '--participants', '2'),
      /closed for joining now \(cancelled\)/,
    );
    const locked = await quickMeeting(t, cookie, { passwordProtected: true });
    expectRefused(
      await load('--join-url', `${http}/m/${locked.token}`, '--participants', '2'),
      /password-protected: give --password/,
    );
  });

  it("refuses more participants than the tool's cap and than the room's", async () => {
    const { token } = await quickMeeting(t, cookie);
    expectRefused(
      await load('--join-url', `${http}/m/${token}`, '--participants', '201'),
      /from 1 to 200/,
    );
    expectRefused(
      await load('--join-url', `${http}/m/${token}`, '--participants', '7', '--seconds', '1'),
      /holds 6 .* above its cap/,
    );
    // The one that found out left: a newcomer finds the room empty.
    const ws = await listen(t);
    const client = await RoomClient.connect(roomUrl(ws, token), {
      bearer: await guestToken(t, token, 'Observer'),
    });
    expect((await client.hello()).participants.map((p) => p.displayName)).toEqual(['Observer']);
    client.close();
  });

  it('two synthetic participants send and receive audio and video, with a password', async () => {
    const { token, password } = await quickMeeting(t, cookie, { passwordProtected: true });
    const run = await load(
      ...['--join-url', `${http}/m/${token}`, '--participants', '2', '--seconds', '3'],
      ...['--password', password!],
    );
    expect(run.code, run.stderr).toBe(0);
    const result = summary(run);
    expect(result).toMatchObject({ backend: 'p2p', joined: 2, failed: 0, problems: 0 });
    for (const { sent, received } of result.participants) {
      expect(sent.packets).toBeGreaterThan(100);
      expect(received.packets).toBeGreaterThan(100);
      expect(received.frames).toBeGreaterThan(30);
      expect(received.keyframes).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe.skipIf(!janusBinary())('npm run load on a Janus room', () => {
  let janus: StartedJanus;
  let t: TestApp;
  let http: string;
  let cookie: string;

  beforeAll(async () => {
    janus = await startLocalJanus(mkdtempSync(path.join(os.tmpdir(), 'tertulia-load-test-')));
    t = await startTestApp('sqlite', janus.env);
    cookie = await organizer(t);
    http = (await listen(t)).replace(/^ws/, 'http');
  });
  afterAll(async () => {
    await t?.close();
    await janus?.stop();
  });

  // Five seconds, not three: on a loaded 2-core machine the subscription alone can take two.
  it('two synthetic participants publish simulcast and receive each other through Janus', async () => {
    const { token } = await quickMeeting(t, cookie);
    const run = await load(
      '--join-url',
      `${http}/m/${token}`,
      '--participants',
      '2',
      '--seconds',
      '5',
    );
    expect(run.code, run.stderr).toBe(0);
    const result = summary(run);
    expect(result).toMatchObject({ backend: 'janus', joined: 2, failed: 0, problems: 0 });
    for (const { sent, received } of result.participants) {
      expect(sent.packets).toBeGreaterThan(100);
      expect(received.packets).toBeGreaterThan(100);
      expect(received.frames).toBeGreaterThan(30);
      expect(received.keyframes).toBeGreaterThan(0);
    }
  }, 60_000);
});
