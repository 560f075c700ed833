/**
 * Where a meeting's join window stands, measured on the server's clock (the visitor's clock may be
 * wrong by minutes): `offsetMs` is added to Date.now() to get the server's time.
 */
import type { JoinInfo, JoinState } from '../../shared/api.js';

type TimedInfo = Pick<JoinInfo, 'status' | 'startsAt' | 'opensAt' | 'closesAt'>;

/** Server time minus local time, from the `serverTime` of an answer received at `localMs`. */
export function clockOffsetMs(serverTime: string, localMs: number): number {
  const server = Date.parse(serverTime);
  return Number.isNaN(server) ? 0 : server - localMs;
}

export interface JoinTiming {
  state: JoinState;
  /** Until the announced start; negative once it has started. */
  startsInMs: number;
  /** Until joining opens; negative once open. */
  opensInMs: number;
  /** How long before the start joining opens, in whole minutes. */
  opensBeforeStartMinutes: number;
  /** True between the opening and the start, and after the start while open. */
  started: boolean;
}

export function joinTiming(info: TimedInfo, serverNowMs: number): JoinTiming {
  const startsAt = Date.parse(info.startsAt);
  const opensAt = Date.parse(info.opensAt);
  const closesAt = Date.parse(info.closesAt);
  const state: JoinState =
    info.status === 'cancelled'
      ? 'cancelled'
      : serverNowMs < opensAt
        ? 'not_open_yet'
        : serverNowMs >= closesAt
          ? 'ended'
          : 'open';
  return {
    state,
    startsInMs: startsAt - serverNowMs,
    opensInMs: opensAt - serverNowMs,
    opensBeforeStartMinutes: Math.max(0, Math.round((startsAt - opensAt) / 60_000)),
    started: serverNowMs >= startsAt,
  };
}

export type RelativeUnit = 'minute' | 'hour' | 'day';

/**
 * A future duration as one value and unit for Intl.RelativeTimeFormat: minutes (rounded up, so
 * "in 1 minute" until the start) below 90 minutes, hours below 36 hours, then days.
 */
export function relativeParts(ms: number): { value: number; unit: RelativeUnit } {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 90) return { value: minutes, unit: 'minute' };
  const hours = Math.round(minutes / 60);
  if (hours < 36) return { value: hours, unit: 'hour' };
  return { value: Math.round(hours / 24), unit: 'day' };
}

/** The next moment the state changes (opening, closing), or null; for a timer. */
export function nextChangeInMs(timing: JoinTiming, info: TimedInfo, serverNowMs: number) {
  if (timing.state === 'not_open_yet') return timing.opensInMs;
  if (timing.state === 'open') return Date.parse(info.closesAt) - serverNowMs;
  return null;
}
