/**
 * The lobby's open camera and microphone, handed to the room page so joining does not stop
 * and restart them (the camera light would blink and the first frame would come later).
 * Kept in memory only; a stream the room does not take is stopped by whoever holds it.
 */
let handed: { token: string; stream: MediaStream } | null = null;
/** Every stream ever handed off: the room may take one before the lobby has closed. */
const handedOff = new WeakSet<MediaStream>();

export function handOffStream(token: string, stream: MediaStream): void {
  handed = { token, stream };
  handedOff.add(stream);
}

/** Whether the lobby must leave this stream running when it closes. */
export function isHandedOff(stream: MediaStream | null): boolean {
  return stream !== null && handedOff.has(stream);
}

/** The stream handed over for this meeting, if its tracks still run; taken once. */
export function takeHandedOffStream(token: string): MediaStream | null {
  const offered = handed;
  handed = null;
  if (!offered || offered.token !== token) return null;
  const live = offered.stream.getTracks().every((track) => track.readyState === 'live');
  return live ? offered.stream : null;
}
