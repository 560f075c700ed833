/**
 * Leaving by closing the page: the `leave` frame with `pageClosing`, the beacon endpoint for a
 * page whose socket is down, and the reload that takes the place back before it is given up.
 */
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, PAGE_CLOSE_GRACE_MS, type ServerFrame } from '../../src/shared/signaling.js';
import { databaseKinds } from '../support/harness.js';
import { MEDIA_ON } from '../support/room-client.js';
import { roomEnvironment } from '../support/room-environment.js';

/** The hold of a closing page, plus the time the test's own frames take on a busy machine. */
const DEPARTURE_DEADLINE_MS = PAGE_CLOSE_GRACE_MS + 1000;

const reconnecting = (peerId: string, value: boolean) => (f: ServerFrame & { type: 'updated' }) =>
  f.participant.peerId === peerId && f.participant.reconnecting === value;

describe.each(databaseKinds)('room: leaving by closing the page (%s)', (kind) => {
  const room = roomEnvironment(kind);
  const { connect } = room;
  const guest = (token: string, name: string) => room.guest(token, name);

  async function twoGuests() {
    const token = await room.meeting();
    const ana = await guest(token, 'Ana');
    const bob = await guest(token, 'Bob');
    await ana.client.next('joined', (f) => f.participant.displayName === 'Bob');
    return { token, ana, bob };
  }

  const beacon = (token: string, body: object, headers: Record<string, string> = {}) =>
    room.app.inject({
      method: 'POST',
      url: `/api/rooms/${token}/leave`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });

  it('shows a closing page leaving to the others within the hold, as left', async () => {
    const { ana, bob } = await twoGuests();
    const bobId = bob.client.peerId;
    const sentAt = Date.now();
    bob.client.send({ type: 'leave', pageClosing: true });
    expect((await bob.client.closed).code).toBe(CLOSE_CODES.LEFT);
    await ana.client.next('updated', reconnecting(bobId, true));
    const left = await ana.client.next('left', (f) => f.peerId === bobId, DEPARTURE_DEADLINE_MS);
    expect(left.reason).toBe('left');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(PAGE_CLOSE_GRACE_MS - 50);
    expect(Date.now() - sentAt).toBeLessThan(DEPARTURE_DEADLINE_MS);
  });

  it('gives the place back to a reload within the hold; the others renegotiate with it', async () => {
    const { token, ana, bob } = await twoGuests();
    const place = {
      peerId: bob.client.peerId,
      resumeToken: bob.client.resumeToken,
      lastSeq: bob.client.lastSeq,
    };
    const closingAt = Date.now();
    bob.client.send({ type: 'leave', pageClosing: true });
    await bob.client.closed;

    const reloaded = await connect(token, bob.bearer);
    const welcome = await reloaded.hello(MEDIA_ON, { ...place, reload: true });
    expect(welcome).toMatchObject({ resumed: true, peerId: place.peerId });
    const restarted = await ana.client.next('restarted');
    expect(restarted.peerId).toBe(place.peerId);
    await ana.client.next('updated', reconnecting(place.peerId, false));

    // The claim is about time: once the hold is over, Bob is still there for Ana.
    await new Promise((resolve) =>
      setTimeout(resolve, closingAt + PAGE_CLOSE_GRACE_MS + 200 - Date.now()),
    );
    await ana.client.roundTrip();
    expect(ana.client.frames.some((f) => f.type === 'left')).toBe(false);
    ana.client.send({ type: 'chat', text: 'still here?' });
    expect((await reloaded.next('chat')).message.text).toBe('still here?');
  });

  it('lets a reload slower than the hold join again in the same place, with its join time', async () => {
    const { token, ana, bob } = await twoGuests();
    const place = {
      peerId: bob.client.peerId,
      resumeToken: bob.client.resumeToken,
      lastSeq: bob.client.lastSeq,
    };
    const before = ana.client.frames
      .flatMap((f) => (f.type === 'joined' ? [f.participant] : []))
      .find((p) => p.peerId === place.peerId);
    bob.client.send({ type: 'leave', pageClosing: true });
    await ana.client.next('left', (f) => f.peerId === place.peerId, DEPARTURE_DEADLINE_MS);

    const late = await connect(token, bob.bearer);
    const welcome = await late.hello(MEDIA_ON, { ...place, reload: true });
    expect(welcome).toMatchObject({
      resumed: false,
      peerId: place.peerId,
      resumeToken: place.resumeToken,
    });
    const back = await ana.client.next('joined', (f) => f.participant.peerId === place.peerId);
    expect(back.participant.joinedAt).toBe(before?.joinedAt);

    // Never for another secret: that reload joins as someone new.
    late.send({ type: 'leave', pageClosing: true });
    await ana.client.next('left', (f) => f.peerId === place.peerId, DEPARTURE_DEADLINE_MS);
    const forged = await connect(token, bob.bearer);
    const other = await forged.hello(MEDIA_ON, { ...place, resumeToken: 'wrong', reload: true });
    expect(other.peerId).not.toBe(place.peerId);
  });

  it('keeps the media of a plain resume: no restarted event without reload', async () => {
    const { token, ana, bob } = await twoGuests();
    const place = {
      peerId: bob.client.peerId,
      resumeToken: bob.client.resumeToken,
      lastSeq: bob.client.lastSeq,
    };
    bob.client.terminate();
    await ana.client.next('updated', reconnecting(place.peerId, true));
    const back = await connect(token, bob.bearer);
    await back.hello(MEDIA_ON, place);
    await ana.client.next('updated', reconnecting(place.peerId, false));
    await ana.client.roundTrip();
    expect(ana.client.frames.some((f) => f.type === 'restarted')).toBe(false);
  });

  it('takes a beacon from a page whose socket is down: the others see it leave within the hold', async () => {
    const { token, ana, bob } = await twoGuests();
    const { peerId, resumeToken } = bob.client;
    bob.client.terminate();
    await ana.client.next('updated', reconnecting(peerId, true));
    const sentAt = Date.now();
    const response = await beacon(token, { peerId, resumeToken });
    expect(response.statusCode).toBe(204);
    const left = await ana.client.next('left', (f) => f.peerId === peerId, DEPARTURE_DEADLINE_MS);
    // Left, not timeout: the reconnect grace (32 s) did not run out.
    expect(left.reason).toBe('left');
    expect(Date.now() - sentAt).toBeLessThan(DEPARTURE_DEADLINE_MS);
  });

  it('takes a beacon while the socket is still open: the server closes it and the place goes', async () => {
    const { token, ana, bob } = await twoGuests();
    const { peerId, resumeToken } = bob.client;
    expect((await beacon(token, { peerId, resumeToken })).statusCode).toBe(204);
    expect((await bob.client.closed).code).toBe(CLOSE_CODES.LEFT);
    const left = await ana.client.next('left', (f) => f.peerId === peerId, DEPARTURE_DEADLINE_MS);
    expect(left.reason).toBe('left');
  });

  it('refuses a beacon with the wrong secret (404 ROOM_PLACE_NOT_FOUND) and changes nothing', async () => {
    const { token, ana, bob } = await twoGuests();
    const response = await beacon(token, {
      peerId: bob.client.peerId,
      resumeToken: ana.client.resumeToken,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'ROOM_PLACE_NOT_FOUND' });
    await bob.client.roundTrip();
    expect(bob.client.isOpen).toBe(true);
    await ana.client.roundTrip();
    expect(ana.client.frames.some((f) => f.type === 'updated' || f.type === 'left')).toBe(false);
  });

  it.each([
    [
      'an unknown meeting',
      'unknown',
      { peerId: 'abc', resumeToken: 'x' },
      404,
      'MEETING_NOT_FOUND',
    ],
    ['a body without the secret', 'known', { peerId: 'abc' }, 400, 'VALIDATION'],
    [
      'a place nobody holds',
      'known',
      { peerId: 'nobody', resumeToken: 'x' },
      404,
      'ROOM_PLACE_NOT_FOUND',
    ],
  ])('answers a beacon for %s with %i %s', async (_what, meeting, body, status, code) => {
    const token = await room.meeting();
    const response = await beacon(meeting === 'known' ? token : 'x'.repeat(22), body);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ code });
  });

  it("refuses a beacon from another site's page with 403 FOREIGN_ORIGIN", async () => {
    const { token, bob } = await twoGuests();
    const response = await beacon(
      token,
      { peerId: bob.client.peerId, resumeToken: bob.client.resumeToken },
      { origin: 'https://evil.example' },
    );
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'FOREIGN_ORIGIN' });
    await bob.client.roundTrip();
    expect(bob.client.isOpen).toBe(true);
  });
});
