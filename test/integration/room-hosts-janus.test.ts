/**
 * A host's mute with the janus backend, against a real Janus: the media server takes the
 * VideoRoom `moderate` request for the participant's audio mid (a refused request would reach
 * the host as an error), and the participant is told by whom.
 */
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
import { RoomClient, guestToken, listen, quickMeeting, roomUrl } from '../support/room-client.js';

if (!janusBinary()) console.warn(`room-hosts-janus: skipped: ${JANUS_MISSING}`);

describe.skipIf(!janusBinary())('host actions with the janus backend', () => {
  let janus: StartedJanus;
  let t: TestApp;
  let base: string;
  let clients: RoomClient[] = [];

  beforeAll(async () => {
    janus = await startLocalJanus(mkdtempSync(path.join(os.tmpdir(), 'tertulia-janus-hosts-')));
    t = await startTestApp('sqlite', janus.env);
    base = await listen(t);
  });
  afterAll(async () => {
    await t?.close();
    await janus?.stop();
  });
  afterEach(() => {
    for (const client of clients) client.terminate();
    clients = [];
  });

  async function connect(token: string, options: { bearer?: string; cookie?: string }) {
    const client = await RoomClient.connect(roomUrl(base, token), options);
    clients.push(client);
    return client;
  }

  it('mutes a publishing guest through Janus, tells them by whom, and lifts it when they unmute', async () => {
    const member = await t.createMember({ displayName: 'Olga Organizer' });
    const cookie = await t.login(member.email, member.password);
    const { token } = await quickMeeting(t, cookie);
    const olga = await connect(token, { cookie });
    await olga.hello();
    const ana = await connect(token, { bearer: await guestToken(t, token, 'Ana') });
    const welcome = await ana.hello();
    ana.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: {
        kind: 'description',
        connection: 'publish',
        description: { type: 'offer', sdp: audioOffer() },
        streams: [{ mid: '0', peerId: welcome.peerId, slot: 'audio' }],
      },
    });
    expect((await ana.next('signal')).payload).toMatchObject({ connection: 'publish' });

    olga.send({ type: 'mute', peerId: welcome.peerId, what: 'audio' });
    expect(await ana.next('moderated')).toEqual({
      type: 'moderated',
      action: 'muted',
      by: 'Olga Organizer',
    });
    expect((await olga.next('updated')).participant.media.audio).toBe(false);
    ana.send({ type: 'media', media: { audio: true, video: false, screen: false } });
    expect((await olga.next('updated')).participant.media.audio).toBe(true);
    for (const client of [olga, ana]) {
      await client.roundTrip();
      expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
    }
  });

  it('answers NOT_IN_ROOM for a participant who left, and FORBIDDEN to a guest', async () => {
    const member = await t.createMember();
    const cookie = await t.login(member.email, member.password);
    const { token } = await quickMeeting(t, cookie);
    const olga = await connect(token, { cookie });
    const olgaWelcome = await olga.hello();
    const ana = await connect(token, { bearer: await guestToken(t, token, 'Ana') });
    const welcome = await ana.hello();
    ana.send({ type: 'mute', peerId: olgaWelcome.peerId, what: 'audio' });
    expect((await ana.next('error')).code).toBe('FORBIDDEN');
    ana.send({ type: 'leave' });
    await olga.next('left');
    olga.send({ type: 'mute', peerId: welcome.peerId, what: 'audio' });
    expect((await olga.next('error')).code).toBe('NOT_IN_ROOM');
  });
});
