/**
 * Rooms on two Janus instances (JANUS_URLS lists both, one API secret): new rooms go to the
 * instance with the fewest publishers; when one instance stops, its rooms are opened again on
 * the other and their participants are told to `reset` (start both connections again, without
 * leaving the room), while rooms elsewhere are left alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_PEER_ID } from '../../src/shared/signaling.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { audioOffer } from '../support/janus-offer.js';
import {
  JANUS_MISSING,
  janusBinary,
  startLocalJanus,
  type StartedJanus,
} from '../support/local-janus.js';
import { parseMetrics, valueOf } from '../support/prometheus.js';
import { RoomClient, guestToken, listen, quickMeeting, roomUrl } from '../support/room-client.js';

if (!janusBinary()) console.warn(`room-janus-failover: ${JANUS_MISSING}`);

describe.skipIf(!janusBinary())('rooms on two Janus instances', () => {
  let first: StartedJanus;
  let second: StartedJanus;
  let t: TestApp;
  let base: string;
  let cookie: string;
  const clients: RoomClient[] = [];

  beforeAll(async () => {
    const secret = randomBytes(24).toString('base64url');
    const dir = () => mkdtempSync(path.join(os.tmpdir(), 'tertulia-janus-failover-'));
    [first, second] = await Promise.all([
      startLocalJanus(dir(), secret),
      startLocalJanus(dir(), secret),
    ]);
    t = await startTestApp('sqlite', {
      MEDIA: 'janus',
      JANUS_URLS: `${first.url},${second.url}`,
      JANUS_API_SECRET: secret,
    });
    const member = await t.createMember();
    cookie = await t.login(member.email, member.password);
    base = await listen(t);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([first?.stop(), second?.stop()]);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.terminate();
  });

  /** A guest in a new meeting who publishes (audio) and gets Janus's answer. */
  async function publisherInNewRoom(name: string): Promise<RoomClient> {
    const { token } = await quickMeeting(t, cookie);
    const client = await RoomClient.connect(roomUrl(base, token), {
      bearer: await guestToken(t, token, name),
    });
    clients.push(client);
    await client.hello();
    await publishAndExpectAnswer(client);
    return client;
  }

  async function publishAndExpectAnswer(client: RoomClient): Promise<void> {
    client.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: {
        kind: 'description',
        connection: 'publish',
        description: { type: 'offer', sdp: audioOffer() },
      },
    });
    const answer = await client.next('signal', (f) => f.payload.kind === 'description', 10_000);
    expect(answer.payload).toMatchObject({
      connection: 'publish',
      description: { type: 'answer' },
    });
  }

  /** What /metrics says of the Janus instances: [up, total]. */
  async function janusInMetrics(): Promise<[number, number]> {
    const samples = parseMetrics((await t.services.metrics.render()).text);
    return [
      valueOf(samples, 'tertulia_janus_instances_up'),
      valueOf(samples, 'tertulia_janus_instances'),
    ];
  }

  it('spreads rooms over both and moves the rooms of an instance that stops', async () => {
    // Both idle: the first room goes to the first instance, the second to the other one.
    const ana = await publisherInNewRoom('Ana');
    const bob = await publisherInNewRoom('Bob');
    expect(await janusInMetrics()).toEqual([2, 2]);

    await first.stop();
    // Ana's room was on the stopped instance: her browser is told to start again...
    const reset = await ana.next('signal', (f) => f.payload.kind === 'reset', 10_000);
    expect(reset).toMatchObject({ from: MEDIA_PEER_ID, payload: { kind: 'reset' } });
    // ...and publishing again works, now on the second instance.
    await publishAndExpectAnswer(ana);
    // Bob's room was on the second instance all along: nothing happened to it.
    await bob.roundTrip();
    expect(bob.pending().filter((f) => f.type === 'signal')).toEqual([]);
    // New rooms go to the instance that is still up.
    await publisherInNewRoom('Carol');
    expect(await janusInMetrics()).toEqual([1, 2]);
  }, 60_000);
});
