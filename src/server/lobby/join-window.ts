/**
 * When a meeting can be joined: from a while before a scheduled start until a while after its
 * end; a quick conference from its creation until its 24 hours are over.
 */
import type { JoinState } from '../../shared/api.js';

export interface JoinWindowRules {
  opensBeforeMs: number;
  closesAfterMs: number;
}

export interface WindowMeeting {
  kind: 'scheduled' | 'quick';
  status: 'scheduled' | 'cancelled';
  starts_at: string;
  ends_at: string;
}

export interface JoinWindow {
  opensAt: Date;
  closesAt: Date;
  state: JoinState;
}

export function joinWindow(meeting: WindowMeeting, rules: JoinWindowRules, now: Date): JoinWindow {
  const start = Date.parse(meeting.starts_at);
  const end = Date.parse(meeting.ends_at);
  const opensAt = new Date(meeting.kind === 'quick' ? start : start - rules.opensBeforeMs);
  const closesAt = new Date(meeting.kind === 'quick' ? end : end + rules.closesAfterMs);
  const state: JoinState =
    meeting.status === 'cancelled'
      ? 'cancelled'
      : now < opensAt
        ? 'not_open_yet'
        : now >= closesAt
          ? 'ended'
          : 'open';
  return { opensAt, closesAt, state };
}
