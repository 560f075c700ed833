import { describe, expect, it } from 'vitest';
import type { RoomParticipant } from '../../../shared/signaling.js';
import { handsInOrder } from './gestures.js';

function person(peerId: string, handRaisedAt?: string): RoomParticipant {
  return {
    peerId,
    displayName: peerId,
    avatarUrl: null,
    kind: 'guest',
    joinedAt: '2030-03-01T10:00:00.000Z',
    media: { audio: true, video: true, screen: false },
    reconnecting: false,
    ...(handRaisedAt ? { handRaisedAt } : {}),
  };
}

describe('handsInOrder', () => {
  it('lists raised hands earliest first, ties in joining order, and leaves out the rest', () => {
    const hands = handsInOrder([
      person('ana', '2030-03-01T10:00:05.000Z'),
      person('ben'),
      person('eva', '2030-03-01T10:00:01.000Z'),
      person('noa', '2030-03-01T10:00:05.000Z'),
    ]);
    expect(hands.map((p) => p.peerId)).toEqual(['eva', 'ana', 'noa']);
  });
});
