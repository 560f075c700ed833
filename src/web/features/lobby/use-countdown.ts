import { useCallback, useEffect, useState } from 'react';
import { secondsLeft } from '../../lib/retry-countdown.js';

/** Seconds left until a retry is allowed, ticking down once a second to zero. */
export function useCountdown() {
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (until <= now) return;
    // Wake at the next whole-second boundary before `until`, when the shown number changes.
    const delayMs = (until - now) % 1000 || 1000;
    const timer = window.setTimeout(() => setNow(Date.now()), delayMs);
    return () => window.clearTimeout(timer);
  }, [until, now]);

  const start = useCallback((delayMs: number) => {
    const current = Date.now();
    setNow(current);
    setUntil(current + delayMs);
  }, []);

  return { seconds: secondsLeft(until, now), start };
}
