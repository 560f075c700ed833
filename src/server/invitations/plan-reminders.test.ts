import { describe, expect, it } from 'vitest';
import { planReminders, type ExistingReminder, type ReminderMeeting } from './plan-reminders.js';
import type { Recipient } from './plan.js';

const NOW = new Date('2030-03-01T10:00:00.000Z');
const START = '2030-03-05T09:00:00.000Z';

const guest: Recipient = {
  key: 'email:guest@example.com',
  participantKind: 'email',
  participantAddress: 'guest@example.com',
  channel: 'email',
  to: 'guest@example.com',
};
const phone: Recipient = {
  key: 'phone:+34612345678',
  participantKind: 'phone',
  participantAddress: '+34612345678',
  channel: 'sms',
  to: '+34612345678',
};

function meeting(overrides: Partial<ReminderMeeting> = {}): ReminderMeeting {
  return {
    kind: 'scheduled',
    status: 'scheduled',
    startsAt: START,
    emailReminderMinutes: 1440,
    smsReminderMinutes: 15,
    ...overrides,
  };
}

function row(overrides: Partial<ExistingReminder> = {}): ExistingReminder {
  return {
    id: 'r1',
    recipientKey: guest.key,
    channel: 'email',
    notBefore: '2030-03-04T09:00:00.000Z',
    status: 'queued',
    ...overrides,
  };
}

describe('planReminders', () => {
  it('plans one reminder per invitee and channel, its lead before the start', () => {
    const plan = planReminders(meeting(), [guest, phone], [], NOW);
    expect(plan.add).toEqual([
      { recipient: guest, notBefore: '2030-03-04T09:00:00.000Z' },
      { recipient: phone, notBefore: '2030-03-05T08:45:00.000Z' },
    ]);
    expect(plan.refresh).toEqual([]);
    expect(plan.drop).toEqual([]);
  });

  it('plans none for a channel whose lead is null, nor for quick or cancelled meetings', () => {
    expect(planReminders(meeting({ smsReminderMinutes: null }), [phone], [], NOW).add).toEqual([]);
    expect(planReminders(meeting({ kind: 'quick' }), [guest, phone], [], NOW).add).toEqual([]);
    expect(planReminders(meeting({ status: 'cancelled' }), [guest], [], NOW).add).toEqual([]);
  });

  it('keeps a pending reminder that is still wanted, to refresh, not to write twice', () => {
    const plan = planReminders(meeting(), [guest], [row()], NOW);
    expect(plan).toEqual({ add: [], refresh: ['r1'], drop: [] });
  });

  it('never writes again a reminder already sent, skipped or failed for that time', () => {
    for (const status of ['sent', 'skipped', 'failed'] as const) {
      expect(planReminders(meeting(), [guest], [row({ status })], NOW)).toEqual({
        add: [],
        refresh: [],
        drop: [],
      });
    }
  });

  it('drops the pending reminders of a cancelled meeting, and leaves sent ones as they are', () => {
    const existing = [row(), row({ id: 'r2', status: 'sent' })];
    const plan = planReminders(meeting({ status: 'cancelled' }), [guest], existing, NOW);
    expect(plan).toEqual({ add: [], refresh: [], drop: ['r1'] });
  });

  it('moves a reminder with its meeting: the old one dropped, one at the new time added', () => {
    const plan = planReminders(
      meeting({ startsAt: '2030-03-06T09:00:00.000Z' }),
      [guest],
      [row()],
      NOW,
    );
    expect(plan.drop).toEqual(['r1']);
    expect(plan.add).toEqual([{ recipient: guest, notBefore: '2030-03-05T09:00:00.000Z' }]);
  });

  it("drops a removed invitee's reminder and re-plans a changed lead", () => {
    expect(planReminders(meeting(), [], [row()], NOW).drop).toEqual(['r1']);
    const plan = planReminders(meeting({ emailReminderMinutes: 60 }), [guest], [row()], NOW);
    expect(plan.drop).toEqual(['r1']);
    expect(plan.add).toEqual([{ recipient: guest, notBefore: '2030-03-05T08:00:00.000Z' }]);
  });

  it('writes no reminder whose time has passed when it is planned (the invitation says it)', () => {
    const soon = meeting({ startsAt: '2030-03-01T10:10:00.000Z' });
    expect(planReminders(soon, [guest, phone], [], NOW).add).toEqual([]);
    const inTwentyMinutes = meeting({ startsAt: '2030-03-01T10:20:00.000Z' });
    expect(planReminders(inTwentyMinutes, [guest, phone], [], NOW).add).toEqual([
      { recipient: phone, notBefore: '2030-03-01T10:05:00.000Z' },
    ]);
  });
});
