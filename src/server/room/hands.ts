/**
 * Raised hands. The raise time lives on the participant record (`handRaisedAt`), changed through
 * the bus like any other participant state: every node, and a late joiner's `welcome`, see the
 * same hands in the same order, and a resumed page finds its hand still up.
 */
import type { ClientFrame, SignalingErrorCode } from '../../shared/signaling.js';
import type { PlaceHolder, RoomBus } from './room-bus.js';

export type HandFrame = Extract<ClientFrame, { type: 'hand' }>;

/** Who sends the frame: their place, and whether they host the meeting. */
export interface HandSender {
  peerId: string;
  host: boolean;
  holder: PlaceHolder | undefined;
}

/**
 * Raises or lowers a hand. Anyone raises or lowers their own; only a host lowers another's, and
 * nobody raises another's. A raise keeps the first time (the queue order); a frame that changes
 * nothing announces nothing. Resolves with the error code to send back, or null.
 */
export async function changeHand(
  bus: RoomBus,
  roomId: string,
  sender: HandSender,
  frame: HandFrame,
  now: Date,
): Promise<SignalingErrorCode | null> {
  const target = frame.peerId ?? sender.peerId;
  const own = target === sender.peerId;
  if (!own && (frame.raised || !sender.host)) return 'FORBIDDEN';
  const member = await bus.member(roomId, target);
  if (!member) return own ? null : 'NOT_IN_ROOM';
  if ((member.participant.handRaisedAt !== undefined) === frame.raised) return null;
  const at = now.toISOString();
  const changed = await bus.update(
    roomId,
    target,
    ({ handRaisedAt, ...rest }) =>
      frame.raised ? { ...rest, handRaisedAt: handRaisedAt ?? at } : rest,
    // One's own hand changes only while this connection holds the place (not after a resume elsewhere).
    own ? sender.holder : undefined,
  );
  return changed || own ? null : 'NOT_IN_ROOM';
}
