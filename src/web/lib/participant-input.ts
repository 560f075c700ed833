/**
 * Client-side handling of what people type into the participants field. The server decides what
 * is valid (POST /api/participants/check); this only splits text and guesses a kind to show
 * while the check is on its way.
 */
import type { InviteeKind } from '../../shared/api.js';

/** Splits pasted or typed text on commas, semicolons and line breaks; drops empty pieces. */
export function splitParticipants(text: string): string[] {
  return text
    .split(/[,;\r\n]+/)
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0);
}

/** Whether the text holds a separator, so a paste or a typed comma should become chips. */
export function hasSeparator(text: string): boolean {
  return /[,;\r\n]/.test(text);
}

/** A first guess of the kind, from the shape of the text alone. */
export function guessKind(input: string): InviteeKind {
  if (input.includes('@')) return 'email';
  if (/^\+?[\d\s().-]{5,}$/.test(input)) return 'phone';
  return 'member';
}

/** Key under which two entries count as the same person before the server normalizes them. */
export function roughKey(input: string): string {
  const kind = guessKind(input);
  const trimmed = input.trim().toLowerCase();
  return `${kind}:${kind === 'phone' ? trimmed.replace(/[^\d+]/g, '') : trimmed}`;
}

/** Key under which two server-normalized participants are the same person. */
export function participantKey(participant: { kind: InviteeKind; address: string }): string {
  return `${participant.kind}:${participant.address.toLowerCase()}`;
}
