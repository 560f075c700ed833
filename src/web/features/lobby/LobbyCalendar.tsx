import type { JoinInfo } from '../../../shared/api.js';
import { calendarLinks, type CalendarLinks } from '../../../shared/calendar-links.js';
import { AddToCalendar } from '../../ui/AddToCalendar.js';

/** The lobby's "Add to calendar", fetched after Join works (MeetingSummary): no guest waits on it. */
export function LobbyCalendar({ info }: { info: JoinInfo }) {
  return <AddToCalendar links={lobbyCalendarLinks(info)} />;
}

/**
 * From the lobby's own address: the join link is the page's, and the .ics is the lobby's file
 * (no password in it; the invitation told invitees the password).
 */
function lobbyCalendarLinks(info: JoinInfo): CalendarLinks {
  const token = window.location.pathname.replace(/^\/m\/([^/]+).*$/, '$1');
  const joinUrl = `${window.location.origin}/m/${token}`;
  return calendarLinks(
    { ...info, joinUrl, details: joinUrl },
    `/api/join/${encodeURIComponent(token)}/invite.ics`,
  );
}
