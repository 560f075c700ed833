/**
 * "Add to calendar" links for people who will not open an .ics file: Google Calendar's and
 * Outlook on the web's forms to create an event, prefilled. Both take UTC instants; Google also
 * takes the zone (`ctz`) to show the event in. Neither keeps the event in step with later
 * changes (only the .ics, with its UID, and the emailed updates do), which the page says.
 * Shared: the server gives them on the answer page, the lobby makes them from its own link
 * (so no API answer carries the join token).
 */
/** Ways to put a meeting in a calendar: the .ics file, or a prefilled web calendar form. */
export interface CalendarLinks {
  icsUrl: string;
  googleUrl: string;
  outlookUrl: string;
}

export interface CalendarEventFacts {
  name: string;
  /** UTC instant, ISO 8601. */
  startsAt: string;
  durationMinutes: number;
  timeZone: string;
  joinUrl: string;
  /** Plain text for the event's notes. */
  details: string;
}

/** 20300305T090000Z: the compact UTC form Google's `dates` wants. */
function compactUtc(instant: Date): string {
  return instant
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function calendarLinks(facts: CalendarEventFacts, icsUrl: string): CalendarLinks {
  const start = new Date(facts.startsAt);
  const end = new Date(start.getTime() + facts.durationMinutes * 60_000);
  const google = new URL('https://calendar.google.com/calendar/render');
  google.search = new URLSearchParams({
    action: 'TEMPLATE',
    text: facts.name,
    dates: `${compactUtc(start)}/${compactUtc(end)}`,
    ctz: facts.timeZone,
    details: facts.details,
    location: facts.joinUrl,
  }).toString();
  // outlook.live.com serves personal accounts; work accounts are sent on to outlook.office.com.
  const outlook = new URL('https://outlook.live.com/calendar/0/deeplink/compose');
  outlook.search = new URLSearchParams({
    path: '/calendar/action/compose',
    rru: 'addevent',
    subject: facts.name,
    startdt: start.toISOString(),
    enddt: end.toISOString(),
    body: facts.details,
    location: facts.joinUrl,
  }).toString();
  return { icsUrl, googleUrl: google.toString(), outlookUrl: outlook.toString() };
}
