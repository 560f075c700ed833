/**
 * What the page shows of hands and reactions, outside React: the queue of raised hands and the
 * picture of each reaction (the wire carries names, docs/protocol.md).
 */
import type { Reaction, RoomParticipant } from '../../../shared/signaling.js';

export const REACTION_PICTURES: Record<Reaction, string> = {
  thumbsUp: '👍',
  clap: '👏',
  laugh: '😂',
  heart: '❤️',
  party: '🎉',
  surprised: '😮',
};

/** The participants with a hand up, earliest raised first (ties: in the order they joined). */
export function handsInOrder(participants: readonly RoomParticipant[]): RoomParticipant[] {
  return participants
    .filter((p) => p.handRaisedAt !== undefined)
    .map((p, index) => ({ p, index }))
    .sort(
      (a, b) => (a.p.handRaisedAt ?? '').localeCompare(b.p.handRaisedAt ?? '') || a.index - b.index,
    )
    .map(({ p }) => p);
}
