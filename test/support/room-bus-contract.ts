/**
 * What every RoomBus does, run against each implementation (in-process, Redis): the hub may
 * rely on exactly this and nothing else.
 */
import { describe, expect, it, vi } from 'vitest';
import type { RoomParticipant } from '../../src/shared/signaling.js';
import type {
  BusMessage,
  KeptSignal,
  PlaceHolder,
  RoomBus,
  RoomMember,
} from '../../src/server/room/room-bus.js';

export function testMember(peerId: string, holder: PlaceHolder = { node: 'n1', epoch: 1 }) {
  const participant: RoomParticipant = {
    peerId,
    displayName: peerId,
    avatarUrl: null,
    kind: 'guest',
    joinedAt: '2030-03-01T10:00:00.000Z',
    media: { audio: true, video: true, screen: false },
    reconnecting: false,
  };
  return { participant, identity: `guest:${peerId}`, resumeTokenHash: 'x', holder } as RoomMember;
}

export interface BusFixture {
  /** A new bus over an empty store; `log.error` is what it logs listener failures with. */
  open(log: { error: (obj: object, msg: string) => void; warn: () => void }): Promise<RoomBus>;
  /** A fresh room id (a shared Redis keeps rooms of earlier tests). */
  room(): string;
}

/** Collects a room's messages; `until` waits for a count (delivery may be asynchronous). */
async function listen(bus: RoomBus, roomId: string) {
  const seen: BusMessage[] = [];
  const stop = await bus.subscribe(roomId, (m) => seen.push(m));
  return {
    seen,
    stop,
    until: (count: number) => expect.poll(() => seen.length).toBeGreaterThanOrEqual(count),
  };
}

const log = () => ({ error: vi.fn(), warn: vi.fn() });

export function roomBusContract(name: string, fixture: () => BusFixture) {
  describe(`${name} (RoomBus contract)`, () => {
    it('numbers events per room and delivers them to listeners in order', async () => {
      const { open, room } = fixture();
      const bus = await open(log());
      const [r1, r2] = [room(), room()];
      const listener = await listen(bus, r1);
      await bus.join(r1, testMember('a'), 6);
      await bus.join(r2, testMember('z'), 6);
      await bus.update(r1, 'a', (p) => ({ ...p, media: { ...p.media, video: false } }));
      await bus.leave(r1, 'a', 'left');
      await listener.until(3);
      expect(
        listener.seen.map((m) => (m.kind === 'event' ? [m.event.type, m.event.seq] : m.kind)),
      ).toEqual([
        ['joined', 1],
        ['updated', 2],
        ['left', 3],
      ]);
      listener.stop();
    });

    it('shows a reaction to listeners unnumbered, outside the log, and keeps a raised hand in the roster', async () => {
      const { open, room } = fixture();
      const bus = await open(log());
      const r = room();
      const listener = await listen(bus, r);
      await bus.join(r, testMember('a'), 6);
      await bus.react(r, 'a', 'clap');
      await bus.update(r, 'a', (p) => ({ ...p, handRaisedAt: '2030-03-01T10:01:00.000Z' }));
      await listener.until(3);
      expect(listener.seen[1]).toEqual({ kind: 'reaction', peerId: 'a', reaction: 'clap' });
      expect(await bus.eventsSince(r, 0)).toHaveLength(2);
      const { members } = await bus.snapshot(r);
      expect(members[0]?.participant.handRaisedAt).toBe('2030-03-01T10:01:00.000Z');
      listener.stop();
    });

    it('refuses a join over the cap and counts only present members', async () => {
      const { open, room } = fixture();
      const bus = await open(log());
      const r = room();
      expect(await bus.join(r, testMember('a'), 2)).not.toBe('full');
      expect(await bus.join(r, testMember('b'), 2)).not.toBe('full');
      expect(await bus.join(r, testMember('c'), 2)).toBe('full');
      await bus.leave(r, 'a', 'left');
      expect(await bus.join(r, testMember('c'), 2)).not.toBe('full');
      const { members } = await bus.snapshot(r);
      expect(members.map((m) => m.participant.peerId).sort()).toEqual(['b', 'c']);
    });

    it('replays the events after a sequence number, and says when it cannot', async () => {
      const { open, room } = fixture();
      const bus = await open(log());
      const r = room();
      expect(await bus.eventsSince(r, 0)).toEqual([]);
      expect(await bus.eventsSince(r, 3)).toBeNull();
      await bus.join(r, testMember('a'), 6);
      for (let i = 0; i < 1100; i += 1) {
        await bus.update(r, 'a', (p) => ({ ...p, media: { ...p.media, audio: i % 2 === 0 } }));
      }
      const recent = await bus.eventsSince(r, 1090);
      expect(recent?.map((e) => e.seq)).toEqual([
        1091, 1092, 1093, 1094, 1095, 1096, 1097, 1098, 1099, 1100, 1101,
      ]);
      expect(recent?.at(-1)).toMatchObject({ type: 'updated', participant: { peerId: 'a' } });
      expect(await bus.eventsSince(r, 1101)).toEqual([]);
      expect(await bus.eventsSince(r, 5)).toBeNull();
    });

    it('ignores updates and leaves for someone not in the room', async () => {
      const { open, room } = fixture();
      const bus = await open(log());
      const r = room();
      expect(await bus.update(r, 'ghost', (p) => p)).toBeUndefined();
      expect(await bus.leave(r, 'ghost', 'timeout')).toBeUndefined();
      expect(await bus.restarted(r, 'ghost')).toBeUndefined();
      expect(await bus.member(r, 'ghost')).toBeUndefined();
      expect((await bus.snapshot(r)).members).toEqual([]);
    });

    it('changes a place on behalf of a holder only while that holder holds it', async () => {
      const { open, room } = fixture();
      const bus = await open(log());
      const r = room();
      const first = { node: 'node-a', epoch: 1 };
      const second = { node: 'node-b', epoch: 7 };
      await bus.join(r, testMember('a', first), 6);
      const listener = await listen(bus, r);
      const taken = await bus.takeOver(r, 'a', second);
      expect(taken).toMatchObject({ type: 'updated', seq: 2 });
      await listener.until(2);
      expect(listener.seen).toContainEqual({
        kind: 'taken',
        peerId: 'a',
        holder: second,
        seq: 2,
        adopted: false,
      });
      const marked = (p: RoomParticipant) => ({ ...p, reconnecting: true });
      expect(await bus.update(r, 'a', marked, first)).toBeUndefined();
      expect(await bus.leave(r, 'a', 'timeout', first)).toBeUndefined();
      expect(await bus.member(r, 'a')).toMatchObject({
        holder: second,
        participant: { reconnecting: false },
      });
      expect(await bus.update(r, 'a', marked, second)).toMatchObject({
        participant: { reconnecting: true },
      });
      expect(await bus.takeOver(r, 'a', first)).toMatchObject({
        participant: { reconnecting: false },
      });
      expect(await bus.leave(r, 'a', 'timeout', first)).toMatchObject({ type: 'left' });
      listener.stop();
    });

    it('logs chat and restarts as events, and a snapshot numbers up to them', async () => {
      const { open, room } = fixture();
      const bus = await open(log());
      const r = room();
      await bus.join(r, testMember('a'), 6);
      const message = { id: 'm1', peerId: 'a', displayName: 'a', text: 'hi', sentAt: 'now' };
      expect(await bus.chat(r, message)).toEqual({ type: 'chat', message, seq: 2 });
      expect(await bus.restarted(r, 'a')).toEqual({ type: 'restarted', peerId: 'a', seq: 3 });
      const snapshot = await bus.snapshot(r);
      expect(snapshot.seq).toBe(3);
      expect(snapshot.members).toEqual([testMember('a')]);
    });

    it('keeps signals for a participant until they are taken, oldest first', async () => {
      const { open, room } = fixture();
      const bus = await open(log());
      const r = room();
      await bus.join(r, testMember('a'), 6);
      const offer: KeptSignal = {
        from: 'b',
        payload: { kind: 'description', description: { type: 'offer', sdp: 'v=0' } },
      };
      const candidate: KeptSignal = { from: 'c', payload: { kind: 'candidate', candidate: null } };
      await bus.keepSignal(r, 'a', offer, 5_000);
      await bus.keepSignal(r, 'a', candidate, 5_000);
      expect(await bus.takeSignals(r, 'a')).toEqual([offer, candidate]);
      expect(await bus.takeSignals(r, 'a')).toEqual([]);
      await bus.keepSignal(r, 'a', offer, 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await bus.takeSignals(r, 'a')).toEqual([]);
    });

    it('relays signals and the closing of a room to listeners', async () => {
      const { open, room } = fixture();
      const bus = await open(log());
      const r = room();
      await bus.join(r, testMember('a'), 6);
      const listener = await listen(bus, r);
      const payload = { kind: 'candidate', candidate: null } as const;
      await bus.signal(r, 'a', 'b', payload);
      await bus.close(r);
      await listener.until(2);
      expect(listener.seen).toEqual([
        { kind: 'signal', to: 'a', from: 'b', payload },
        { kind: 'closed' },
      ]);
      listener.stop();
    });

    it('has nothing to put back or adopt when no node stopped and nothing was lost', async () => {
      const { open, room } = fixture();
      const bus = await open(log());
      const r = room();
      const holder = { node: bus.node, epoch: 1 };
      await bus.join(r, testMember('a', holder), 6);
      expect(await bus.refresh(r, [testMember('a', holder)])).toBe(0);
      expect(await bus.adoptOrphans(() => ({ node: bus.node, epoch: 2 }))).toEqual([]);
      expect(bus.available).toBe(true);
    });

    it('logs a listener that throws and still delivers the event to the next one', async () => {
      const { open, room } = fixture();
      const logger = log();
      const bus = await open(logger);
      const r = room();
      const stopFaulty = await bus.subscribe(r, () => {
        throw new Error('listener bug');
      });
      const listener = await listen(bus, r);
      const joined = await bus.join(r, testMember('a'), 6);
      await listener.until(1);
      expect(listener.seen).toEqual([{ kind: 'event', event: joined }]);
      expect(logger.error).toHaveBeenCalledExactlyOnceWith(
        { err: new Error('listener bug'), kind: 'event' },
        'room bus listener failed',
      );
      stopFaulty();
      listener.stop();
    });
  });
}
