/**
 * Who an invitee is, independent of edits to the meeting's participant list and of a member's
 * address changes: `email:<addr>`, `phone:<e164>` or `member:<userId>`. Outbox rows, answer
 * links and answers all use it (invitations/plan.ts `Recipient.key`).
 */
export function recipientKeyOf(p: {
  kind: 'email' | 'phone' | 'member';
  address: string;
  userId: string | null;
}): string {
  return p.kind === 'member' ? `member:${p.userId ?? p.address}` : `${p.kind}:${p.address}`;
}
