import { describe, expect, it, vi } from 'vitest';
import type { RoomParticipant } from '../../shared/signaling.js';
import { InProcessRoomBus, type BusMessage, type RoomMember } from './room-bus.js';

function member(peerId: string): RoomMember {
  const participant: RoomParticipant = {
    peerId,
    displayName: peerId,
    avatarUrl: null,
    kind: 'guest',
    joinedAt: '2030-03-01T10:00:00.000Z',
    media: { audio: true, video: true, screen: false },
    reconnecting: false,
  };
  return { participant, identity: `guest:${peerId}`, resumeTokenHash: 'x' };
}

const newBus = (log = { error: vi.fn() }) => new InProcessRoomBus(log);

describe('InProcessRoomBus', () => {
  it('numbers events per room and delivers them to listeners in order', async () => {
    const bus = newBus();
    const seen: BusMessage[] = [];
    bus.subscribe('r1', (m) => seen.push(m));
    await bus.join('r1', member('a'), 6);
    await bus.join('r2', member('z'), 6);
    await bus.update('r1', 'a', (p) => ({ ...p, media: { ...p.media, video: false } }));
    await bus.leave('r1', 'a', 'left');
    expect(seen.map((m) => (m.kind === 'event' ? [m.event.type, m.event.seq] : m.kind))).toEqual([
      ['joined', 1],
      ['updated', 2],
      ['left', 3],
    ]);
  });

  it('refuses a join over the cap and counts only present members', async () => {
    const bus = newBus();
    expect(await bus.join('r', member('a'), 2)).not.toBe('full');
    expect(await bus.join('r', member('b'), 2)).not.toBe('full');
    expect(await bus.join('r', member('c'), 2)).toBe('full');
    await bus.leave('r', 'a', 'left');
    expect(await bus.join('r', member('c'), 2)).not.toBe('full');
  });

  it('replays the events after a sequence number, and says when it cannot', async () => {
    const bus = newBus();
    const unsubscribe = bus.subscribe('r', () => {});
    await bus.join('r', member('a'), 6);
    for (let i = 0; i < 1100; i += 1) {
      await bus.update('r', 'a', (p) => ({ ...p, media: { ...p.media, audio: i % 2 === 0 } }));
    }
    const recent = await bus.eventsSince('r', 1090);
    expect(recent?.map((e) => e.seq)).toEqual([
      1091, 1092, 1093, 1094, 1095, 1096, 1097, 1098, 1099, 1100, 1101,
    ]);
    expect(await bus.eventsSince('r', 1101)).toEqual([]);
    expect(await bus.eventsSince('r', 5)).toBeNull();
    unsubscribe();
  });

  it('ignores updates and leaves for someone not in the room', async () => {
    const bus = newBus();
    expect(await bus.update('r', 'ghost', (p) => p)).toBeUndefined();
    expect(await bus.leave('r', 'ghost', 'timeout')).toBeUndefined();
    expect((await bus.snapshot('r')).members).toEqual([]);
  });

  it('logs a listener that throws and still delivers the event to the next one', async () => {
    const log = { error: vi.fn() };
    const bus = newBus(log);
    const seen: BusMessage[] = [];
    bus.subscribe('r', () => {
      throw new Error('listener bug');
    });
    bus.subscribe('r', (m) => seen.push(m));
    const joined = await bus.join('r', member('a'), 6);
    expect(seen).toEqual([{ kind: 'event', event: joined }]);
    expect(log.error).toHaveBeenCalledExactlyOnceWith(
      { err: new Error('listener bug'), kind: 'event' },
      'room bus listener failed',
    );
  });
});
