import { describe, expect, it } from 'vitest';
import { planDeliveries, type MeetingState, type Recipient } from './plan.js';

const ana: Recipient = {
  key: 'email:ana@example.org',
  participantKind: 'email',
  participantAddress: 'ana@example.org',
  channel: 'email',
  to: 'ana@example.org',
};
const phone: Recipient = {
  key: 'phone:+34612345678',
  participantKind: 'phone',
  participantAddress: '+34612345678',
  channel: 'sms',
  to: '+34612345678',
};
const bob: Recipient = {
  key: 'member:u-bob',
  participantKind: 'member',
  participantAddress: 'bob',
  channel: 'email',
  to: 'bob@example.org',
};

function state(change: Partial<MeetingState> = {}): MeetingState {
  return {
    name: 'Weekly sync',
    startsAt: '2030-03-02T09:00:00.000Z',
    durationMinutes: 60,
    status: 'scheduled',
    password: null,
    recipients: [ana, phone],
    ...change,
  };
}

const summary = (before: MeetingState | null, after: MeetingState) =>
  planDeliveries(before, after).map((d) => `${d.kind}:${d.recipient.key}`);

describe('planDeliveries', () => {
  it('invites every recipient of a new meeting', () => {
    expect(summary(null, state({ recipients: [ana, phone, bob] }))).toEqual([
      'invite:email:ana@example.org',
      'invite:phone:+34612345678',
      'invite:member:u-bob',
    ]);
  });

  it('sends nothing for a new meeting without participants', () => {
    expect(summary(null, state({ recipients: [] }))).toEqual([]);
  });

  it('updates email recipients only when just the name changes', () => {
    expect(summary(state(), state({ name: 'Renamed' }))).toEqual(['update:email:ana@example.org']);
  });

  it('updates everyone when the start time changes', () => {
    expect(summary(state(), state({ startsAt: '2030-03-02T10:00:00.000Z' }))).toEqual([
      'update:email:ana@example.org',
      'update:phone:+34612345678',
    ]);
  });

  it('updates email only when just the duration changes', () => {
    expect(summary(state(), state({ durationMinutes: 30 }))).toEqual([
      'update:email:ana@example.org',
    ]);
  });

  it('cancels for a removed participant and invites an added one, nothing for the rest', () => {
    expect(summary(state(), state({ recipients: [ana, bob] }))).toEqual([
      'cancel:phone:+34612345678',
      'invite:member:u-bob',
    ]);
  });

  it('re-invites a member whose email address changed', () => {
    const moved = { ...bob, to: 'bob@new.example.org' };
    expect(summary(state({ recipients: [bob] }), state({ recipients: [moved] }))).toEqual([
      'invite:member:u-bob',
    ]);
  });

  it('updates everyone, by email and SMS, when the password changes', () => {
    expect(summary(state({ password: '11112222' }), state({ password: '33334444' }))).toEqual([
      'update:email:ana@example.org',
      'update:phone:+34612345678',
    ]);
  });

  it('sends nothing when nothing invitees care about changed', () => {
    expect(summary(state(), state())).toEqual([]);
  });

  it('cancels for everyone when the meeting is cancelled, once', () => {
    const cancelled = state({ status: 'cancelled' });
    expect(summary(state(), cancelled)).toEqual([
      'cancel:email:ana@example.org',
      'cancel:phone:+34612345678',
    ]);
    expect(summary(cancelled, cancelled)).toEqual([]);
  });
});
