/** ICE candidates between the browser's JSON form (RTCIceCandidateInit) and Janus's trickle. */
export interface BrowserCandidate {
  candidate: string;
  sdpMid?: string | null | undefined;
  sdpMLineIndex?: number | null | undefined;
}

/** Janus takes `{ completed: true }` for the end of candidates. */
export function janusCandidate(candidate: BrowserCandidate | null): object {
  if (!candidate) return { completed: true };
  const { candidate: line, sdpMid, sdpMLineIndex } = candidate;
  return {
    candidate: line,
    ...(sdpMid != null ? { sdpMid } : {}),
    ...(sdpMLineIndex != null ? { sdpMLineIndex } : {}),
  };
}

/** janode's HANDLE_TRICKLE event data: a candidate, or `completed`. */
export function toBrowserCandidate(event: {
  completed?: boolean;
  candidate?: string;
  sdpMid?: string;
  sdpMLineIndex?: number;
}): BrowserCandidate | null {
  if (event.completed || typeof event.candidate !== 'string') return null;
  return { candidate: event.candidate, sdpMid: event.sdpMid, sdpMLineIndex: event.sdpMLineIndex };
}
