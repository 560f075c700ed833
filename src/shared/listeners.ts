/**
 * Calls each listener in turn; one that throws is handed to `onError` (to be logged) and the
 * others still run. A bug in one subscriber must neither silence the rest nor break the caller's
 * own work after the call (mediasoup's `safeEmit` guards its events the same way). Used by the
 * server and the browser alike, so it logs nothing itself.
 */
export function callEach<Listener>(
  listeners: Iterable<Listener>,
  call: (listener: Listener) => void,
  onError: (error: unknown) => void,
): void {
  for (const listener of listeners) {
    try {
      call(listener);
    } catch (error) {
      onError(error);
    }
  }
}
