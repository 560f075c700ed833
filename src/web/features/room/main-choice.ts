/**
 * Who fills the main area for this viewer: the participant they clicked (while present), else
 * the latest screen sharer (a share is everyone's main view while it lasts), else, with "follow
 * the speaker" on, the speaker followed (speaker-hold.ts), else the last participant who
 * connected. The viewer sees themself only when alone.
 */
export interface MainCandidate {
  peerId: string;
  screen: boolean;
}

export interface MainChoiceInput {
  /** In the order they connected; a reconnection keeps its place. */
  participants: readonly MainCandidate[];
  selfId: string | null;
  pinnedId: string | null;
  /** Whose screen share started last (cleared when it ends). */
  latestSharerId: string | null;
  /** With "follow the speaker" on: whom it follows now (null: off, or nobody spoke yet). */
  speakerId?: string | null;
}

export function chooseMain({
  participants,
  selfId,
  pinnedId,
  latestSharerId,
  speakerId = null,
}: MainChoiceInput): string | null {
  const present = (id: string | null) => participants.some((p) => p.peerId === id);
  if (pinnedId && present(pinnedId)) return pinnedId;
  const sharer = participants.find((p) => p.peerId === latestSharerId && p.screen);
  if (sharer) return sharer.peerId;
  if (speakerId && speakerId !== selfId && present(speakerId)) return speakerId;
  const others = participants.filter((p) => p.peerId !== selfId);
  return others.at(-1)?.peerId ?? selfId;
}
