/**
 * Raised hands and reactions through real WebSocket clients: hands kept in the roster in the
 * order raised (late joiners see them), a host lowers anyone's, nobody else touches another's,
 * reactions reach the whole room, and a flood of gestures is dropped without cutting the sender.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GESTURE_LIMIT, type RoomParticipant } from '../../src/shared/signaling.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';
import { RoomClient, guestToken, listen, quickMeeting, roomUrl } from '../support/room-client.js';

/** Who has a hand up, earliest first, as a page orders them. */
function handsInOrder(participants: RoomParticipant[]): string[] {
  return participants
    .filter((p) => p.handRaisedAt !== undefined)
    .sort((a, b) => (a.handRaisedAt ?? '').localeCompare(b.handRaisedAt ?? ''))
    .map((p) => p.displayName);
}

describe.each(databaseKinds)('room gestures: hands and reactions (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  let organizerCookie: string;
  let token: string;
  let clients: RoomClient[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind);
    const member = await t.createMember({ displayName: 'Olga Organizer' });
    organizerCookie = await t.login(member.email, member.password);
    base = await listen(t);
  });
  beforeEach(async () => {
    t.clock.set('2030-03-01T10:00:00.000Z');
    token = (await quickMeeting(t, organizerCookie)).token;
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    for (const client of clients) client.terminate();
    clients = [];
  });

  async function joined(who: string | { cookie: string }) {
    const options = typeof who === 'string' ? { bearer: await guestToken(t, token, who) } : who;
    const client = await RoomClient.connect(roomUrl(base, token), options);
    clients.push(client);
    const welcome = await client.hello();
    return { client, welcome };
  }

  /** The participant's next `updated` event as `observer` receives it. */
  const updateOf = (observer: RoomClient, peerId: string) =>
    observer.next('updated', (e) => e.participant.peerId === peerId);

  it('keeps hands in the order raised, for the host and for a late joiner, and marks the host', async () => {
    const host = await joined({ cookie: organizerCookie });
    expect(host.welcome.participants[0]?.host).toBe(true);
    const ana = await joined('Ana');
    const ben = await joined('Ben');
    expect(ana.welcome.participants.find((p) => p.peerId === ana.client.peerId)?.host).toBe(
      undefined,
    );

    ben.client.send({ type: 'hand', raised: true });
    const benUp = await updateOf(host.client, ben.client.peerId);
    t.clock.advanceMs(1000);
    ana.client.send({ type: 'hand', raised: true });
    const anaUp = await updateOf(host.client, ana.client.peerId);
    expect(benUp.participant.handRaisedAt).toBe('2030-03-01T10:00:00.000Z');
    expect(anaUp.participant.handRaisedAt).toBe('2030-03-01T10:00:01.000Z');

    // Raising again changes nothing: the first time keeps Ben's place in the queue.
    t.clock.advanceMs(1000);
    ben.client.send({ type: 'hand', raised: true });
    await ben.client.roundTrip();

    const late = await joined('Carla');
    expect(handsInOrder(late.welcome.participants)).toEqual(['Ben', 'Ana']);
    expect(host.client.pending().filter((f) => f.type === 'updated')).toEqual([]);

    ana.client.send({ type: 'hand', raised: false });
    const anaDown = await updateOf(late.client, ana.client.peerId);
    expect(anaDown.participant.handRaisedAt).toBeUndefined();
  });

  it("lets a host lower anyone's hand, and refuses a guest's with FORBIDDEN", async () => {
    const host = await joined({ cookie: organizerCookie });
    const ana = await joined('Ana');
    const ben = await joined('Ben');
    ana.client.send({ type: 'hand', raised: true });
    await updateOf(host.client, ana.client.peerId);
    await updateOf(ana.client, ana.client.peerId);

    ben.client.send({ type: 'hand', raised: false, peerId: ana.client.peerId });
    expect((await ben.client.next('error')).code).toBe('FORBIDDEN');
    ben.client.send({ type: 'hand', raised: true, peerId: host.client.peerId });
    expect((await ben.client.next('error')).code).toBe('FORBIDDEN');
    // Nobody raises another's hand, a host neither.
    host.client.send({ type: 'hand', raised: true, peerId: ben.client.peerId });
    expect((await host.client.next('error')).code).toBe('FORBIDDEN');
    await ben.client.roundTrip();
    await host.client.roundTrip();
    expect(ana.client.pending().filter((f) => f.type === 'updated')).toEqual([]);

    host.client.send({ type: 'hand', raised: false, peerId: ana.client.peerId });
    const lowered = await updateOf(ana.client, ana.client.peerId);
    expect(lowered.participant.handRaisedAt).toBeUndefined();
    expect(ben.client.isOpen).toBe(true);
  });

  it('answers a host lowering the hand of someone who left with NOT_IN_ROOM', async () => {
    const host = await joined({ cookie: organizerCookie });
    const ana = await joined('Ana');
    const gone = ana.client.peerId;
    ana.client.send({ type: 'leave' });
    await host.client.next('left', (e) => e.peerId === gone);
    host.client.send({ type: 'hand', raised: false, peerId: gone });
    expect((await host.client.next('error')).code).toBe('NOT_IN_ROOM');
    await host.client.roundTrip();
    expect(host.client.isOpen).toBe(true);
  });

  it('shows a reaction to everyone, the sender too, without numbering it', async () => {
    const host = await joined({ cookie: organizerCookie });
    const ana = await joined('Ana');
    ana.client.send({ type: 'reaction', reaction: 'party' });
    for (const observer of [host.client, ana.client]) {
      const shown = await observer.next('reaction');
      expect(shown).toEqual({ type: 'reaction', peerId: ana.client.peerId, reaction: 'party' });
    }
    ana.client.send({ type: 'reaction', reaction: 'fireworks' } as never);
    expect((await ana.client.next('error')).code).toBe('BAD_FRAME');
  });

  it('drops a flood of reactions and hand raises with THROTTLED and keeps the sender in', async () => {
    const host = await joined({ cookie: organizerCookie });
    const ana = await joined('Ana');
    const sent = 40;
    for (let i = 0; i < sent; i += 1) ana.client.send({ type: 'reaction', reaction: 'clap' });
    for (let i = 0; i < 10; i += 1) ana.client.send({ type: 'hand', raised: i % 2 === 0 });
    await ana.client.roundTrip();
    await host.client.roundTrip();
    const throttled = ana.client.pending().filter((f) => f.type === 'error');
    expect(throttled.length).toBeGreaterThan(sent - 2 * GESTURE_LIMIT.burst);
    expect(throttled.every((f) => f.type === 'error' && f.code === 'THROTTLED')).toBe(true);
    const shown = host.client.pending().filter((f) => f.type === 'reaction');
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThanOrEqual(2 * GESTURE_LIMIT.burst);
    expect(ana.client.isOpen).toBe(true);
    // The sender is still in the room: its next reaction, a while later, goes through.
    await expect
      .poll(
        async () => {
          ana.client.send({ type: 'reaction', reaction: 'heart' });
          await ana.client.roundTrip();
          return ana.client.pending().some((f) => f.type === 'reaction' && f.reaction === 'heart');
        },
        { timeout: 5000, interval: 600 },
      )
      .toBe(true);
  });
});
