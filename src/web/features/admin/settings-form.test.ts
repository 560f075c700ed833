import { describe, expect, it } from 'vitest';
import type { AdminSettings } from '../../../shared/api.js';
import { checkSettings, formValues, serverProblems, settingsChanges } from './settings-form.js';

const defaults = {
  meetingPasswordLength: 8,
  joinOpensMinutesBefore: 30,
  joinClosesMinutesAfter: 240,
  p2pRoomCap: 6,
  defaultPhoneRegion: 'ES',
  organizationName: 'Tertulia',
  emailReminderMinutes: 1440,
  smsReminderMinutes: 15,
  waitingRoomDefault: false,
};
const admin: AdminSettings = {
  settings: {
    ...defaults,
    p2pRoomCap: 10,
    organizationName: 'Acme',
    organizationLogoUrl: null,
    smsReminderMinutes: null,
    waitingRoomDefault: true,
  },
  defaults,
  overridden: ['p2pRoomCap', 'organizationName', 'smsReminderMinutes', 'waitingRoomDefault'],
};
const empty = {
  meetingPasswordLength: '',
  joinOpensMinutesBefore: '',
  joinClosesMinutesAfter: '',
  p2pRoomCap: '',
  defaultPhoneRegion: '',
  organizationName: '',
  emailReminderMinutes: '',
  smsReminderMinutes: '',
  waitingRoomDefault: '',
};

describe('settings form', () => {
  it('shows stored settings and leaves the ones that follow the default empty', () => {
    expect(formValues(admin)).toEqual({
      ...empty,
      p2pRoomCap: '10',
      organizationName: 'Acme',
      emailReminderMinutes: '1440',
      waitingRoomDefault: 'on',
    });
  });

  it('shows reminder leads in effect, a lead of none as an empty field', () => {
    expect(formValues(admin).emailReminderMinutes).toBe('1440');
    expect(formValues(admin).smsReminderMinutes).toBe('');
  });

  it('sends empty fields as null, numbers as numbers and the region in capitals', () => {
    expect(
      settingsChanges({
        ...empty,
        p2pRoomCap: ' 12 ',
        defaultPhoneRegion: 'us',
        organizationName: ' A ',
        emailReminderMinutes: '60',
        waitingRoomDefault: 'off',
      }),
    ).toEqual({
      meetingPasswordLength: null,
      joinOpensMinutesBefore: null,
      joinClosesMinutesAfter: null,
      p2pRoomCap: 12,
      defaultPhoneRegion: 'US',
      organizationName: 'A',
      emailReminderMinutes: 60,
      smsReminderMinutes: null,
      waitingRoomDefault: false,
    });
  });

  it('names each field out of range, with its limits', () => {
    expect(
      checkSettings({
        ...empty,
        meetingPasswordLength: '5',
        joinOpensMinutesBefore: '1.5',
        p2pRoomCap: '51',
        defaultPhoneRegion: 'ESP',
        organizationName: 'x'.repeat(81),
        smsReminderMinutes: '0',
      }),
    ).toEqual({
      meetingPasswordLength: { kind: 'range', min: 6, max: 12 },
      joinOpensMinutesBefore: { kind: 'range', min: 0, max: 10080 },
      p2pRoomCap: { kind: 'range', min: 2, max: 50 },
      defaultPhoneRegion: { kind: 'region' },
      organizationName: { kind: 'length', min: 1, max: 80 },
      smsReminderMinutes: { kind: 'range', min: 1, max: 10080 },
    });
    expect(checkSettings({ ...empty, joinClosesMinutesAfter: '0', p2pRoomCap: '50' })).toEqual({});
  });

  it("reads the server's refusals into field problems", () => {
    expect(
      serverProblems('SETTING_OUT_OF_RANGE', {
        issues: [{ field: 'p2pRoomCap', message: 'x', min: 2, max: 50 }],
      }),
    ).toEqual({ p2pRoomCap: { kind: 'range', min: 2, max: 50 } });
    expect(serverProblems('UNKNOWN_REGION', undefined)).toEqual({
      defaultPhoneRegion: { kind: 'region' },
    });
    expect(serverProblems('INTERNAL', undefined)).toEqual({});
  });
});
