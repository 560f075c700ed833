/**
 * MEDIA=auto without JANUS_URLS, through the real app: with a `janus` on the PATH this node
 * starts it and rooms use it; when that Janus cannot start, rooms use p2p instead of failing.
 * The first join waits for the outcome, so the welcome already names the backend in use.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/harness.js';
import { JANUS_MISSING, janusBinary } from '../support/local-janus.js';
import {
  MEDIA_ON,
  RoomClient,
  guestToken,
  listen,
  quickMeeting,
  roomUrl,
} from '../support/room-client.js';

/** A folder for PATH holding a `janus` that exits at once, as a broken installation would. */
function brokenJanusFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tertulia-broken-janus-'));
  const file = path.join(dir, 'janus');
  writeFileSync(file, '#!/bin/sh\nexit 1\n');
  chmodSync(file, 0o755);
  return dir;
}

async function joinAs(t: TestApp, token: string, name: string): Promise<RoomClient> {
  const base = await listen(t);
  return RoomClient.connect(roomUrl(base, token), { bearer: await guestToken(t, token, name) });
}

describe('MEDIA=auto without JANUS_URLS', () => {
  let t: TestApp | undefined;
  let clients: RoomClient[] = [];

  afterEach(async () => {
    for (const client of clients) client.terminate();
    clients = [];
    await t?.close();
    t = undefined;
  });

  async function roomOf(env: Record<string, string>): Promise<string> {
    t = await startTestApp('sqlite', { MEDIA: 'auto', ...env });
    const member = await t.createMember();
    const { token } = await quickMeeting(t, await t.login(member.email, member.password));
    return token;
  }

  it('uses p2p rooms when the installed janus cannot start', async () => {
    const token = await roomOf({ PATH: brokenJanusFolder() });
    const ana = await joinAs(t!, token, 'Ana');
    const bea = await joinAs(t!, token, 'Bea');
    clients.push(ana, bea);
    expect((await ana.hello(MEDIA_ON)).media.backend).toBe('p2p');
    expect((await bea.hello(MEDIA_ON)).media.backend).toBe('p2p');
  });

  it.skipIf(!janusBinary())(
    'starts the installed janus and uses it for rooms',
    async () => {
      const token = await roomOf({ PATH: process.env.PATH ?? '' });
      const ana = await joinAs(t!, token, 'Ana');
      clients.push(ana);
      ana.send({ type: 'hello', media: MEDIA_ON });
      // The first join waits for Janus to start (LocalJanus gives it at most 15 s).
      const welcome = await ana.next('welcome', () => true, 20_000);
      expect(welcome.media.backend).toBe('janus');
    },
    30_000,
  );
});

if (!janusBinary())
  console.warn(`media-auto.test.ts: the local Janus test skips: ${JANUS_MISSING}`);
