import { useEffect, useRef } from 'react';

/** How long the page may stay busy before the work runs anyway. */
const IDLE_TIMEOUT_MS = 200;

/**
 * Runs `work` once, the first time `ready` is true (the Join button is enabled), after the
 * browser has painted that button and when it is next idle: whatever `work` fetches then never
 * competes with what the lobby needs to become usable.
 */
export function useAfterJoinReady(ready: boolean, work: (() => void) | undefined): void {
  const done = useRef(false);
  useEffect(() => {
    if (!ready || !work || done.current) return;
    done.current = true;
    if (typeof requestIdleCallback === 'function') {
      requestIdleCallback(() => work(), { timeout: IDLE_TIMEOUT_MS });
    } else {
      setTimeout(work, 0); // Safari before 18.x: no idle callbacks
    }
  }, [ready, work]);
}
