/**
 * The link that opens a meeting's lobby, `/m/<token>`. Meetings show it to their organizer and
 * invitees; invitations put it in every email and SMS.
 */
export function joinUrl(publicUrl: string, joinToken: string): string {
  return `${publicUrl}/m/${joinToken}`;
}
