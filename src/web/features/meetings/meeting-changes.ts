import type { CreateMeetingBody, UpdateMeetingBody } from '../../../shared/api.js';

/**
 * Only the fields that differ from the saved meeting, so editing the name of a meeting that has
 * already started does not resend (and fail on) its start time, and unchanged invitees are not
 * notified again.
 */
export function meetingChanges(
  before: CreateMeetingBody,
  after: CreateMeetingBody,
): UpdateMeetingBody {
  const changes: UpdateMeetingBody = {};
  if (after.name !== before.name) changes.name = after.name;
  if (
    Date.parse(after.startsAt) !== Date.parse(before.startsAt) ||
    after.timeZone !== before.timeZone
  ) {
    changes.startsAt = after.startsAt;
    changes.timeZone = after.timeZone;
  }
  if (after.durationMinutes !== before.durationMinutes) {
    changes.durationMinutes = after.durationMinutes;
  }
  const same = (a: string[] = [], b: string[] = []) =>
    a.length === b.length && a.every((value, index) => value === b[index]);
  if (!same(before.participants, after.participants)) changes.participants = after.participants;
  if (after.emailReminderMinutes !== before.emailReminderMinutes) {
    changes.emailReminderMinutes = after.emailReminderMinutes;
  }
  if (after.smsReminderMinutes !== before.smsReminderMinutes) {
    changes.smsReminderMinutes = after.smsReminderMinutes;
  }
  if (after.waitingRoom !== undefined && after.waitingRoom !== before.waitingRoom) {
    changes.waitingRoom = after.waitingRoom;
  }
  const sorted = (list: string[] = []) => [...list].sort();
  if (after.cohosts !== undefined && !same(sorted(before.cohosts), sorted(after.cohosts))) {
    changes.cohosts = after.cohosts;
  }
  return changes;
}
