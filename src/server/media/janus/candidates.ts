/** ICE candidates between the browser's JSON form (RTCIceCandidateInit) and Janus's trickle. */
export interface BrowserCandidate {
  candidate: string;
  sdpMid?: string | null | undefined;
  sdpMLineIndex?: number | null | undefined;
}

/**
 * An ICE candidate line as browsers write it (RFC 8839's candidate-attribute, without `a=`):
 * foundation, component, transport, priority, address, port, `typ` and type, then extensions.
 * The address is left loose (IPv4, IPv6 or an mDNS name). Janus acknowledges any trickle and
 * drops one it cannot parse in its log only, so without this the browser never hears of it.
 */
const CANDIDATE_LINE =
  /^candidate:[A-Za-z0-9+/]{1,32} (\d{1,3}) [A-Za-z]{1,16} \d{1,10} [^\s]{1,255} (\d{1,5}) typ [a-z]{1,16}( [^\s]{1,255})*$/;

/** Whether a trickled candidate is one Janus can take: a candidate line, or empty (the end). */
export function isCandidateLine(line: string): boolean {
  if (line === '') return true;
  const match = CANDIDATE_LINE.exec(line);
  if (!match) return false;
  const component = Number(match[1]);
  const port = Number(match[2]);
  return component >= 1 && component <= 256 && port <= 65_535;
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
