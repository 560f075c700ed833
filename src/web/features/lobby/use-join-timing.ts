import { useEffect, useState } from 'react';
import type { JoinInfo } from '../../../shared/api.js';
import { joinTiming, type JoinTiming } from '../../lib/join-timing.js';

const TICK_MS = 30_000;
/** setTimeout's limit; a change further away is caught by a later tick. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The join window's state on the server's clock, refreshed every 30 s and right at the moment
 * the window opens or closes, so Join turns on without a reload.
 */
export function useJoinTiming(info: JoinInfo, offsetMs: number): JoinTiming {
  const [now, setNow] = useState(() => Date.now() + offsetMs);
  const timing = joinTiming(info, now);
  const changeAt =
    timing.state === 'not_open_yet'
      ? Date.parse(info.opensAt)
      : timing.state === 'open'
        ? Date.parse(info.closesAt)
        : null;

  useEffect(() => {
    const tick = () => setNow(Date.now() + offsetMs);
    tick();
    const interval = window.setInterval(tick, TICK_MS);
    return () => window.clearInterval(interval);
  }, [offsetMs]);

  useEffect(() => {
    if (changeAt === null) return;
    const delayMs = changeAt - (Date.now() + offsetMs) + 50;
    if (delayMs > MAX_TIMER_MS) return;
    const timer = window.setTimeout(() => setNow(Date.now() + offsetMs), Math.max(0, delayMs));
    return () => window.clearTimeout(timer);
  }, [changeAt, offsetMs]);

  return timing;
}
