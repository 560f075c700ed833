/**
 * Turns what an organizer typed into meeting participants: an email address, a mobile phone
 * number (normalized to E.164) or a member's user name. Pure, apart from the member lookup
 * passed in, so the rules are easy to test table by table.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Invitee, InviteeIssue } from '../../shared/api.js';
import type { ParticipantErrorCode } from '../../shared/errors.js';

/** One typed entry before member lookup: either final, a user name to look up, or refused. */
export type Classified =
  | { ok: true; kind: 'email' | 'phone'; address: string }
  | { ok: true; kind: 'member'; address: string }
  | { ok: false; code: ParticipantErrorCode };

const emailSchema = z.email();
// User names start with a letter, so an entry of digits is always read as a phone number.
const USERNAME = /^[a-z][a-z0-9._-]{1,31}$/;
// Only digits and the usual separators, optionally led by +: what people paste as a phone.
const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;
// Types a text message can reach; FIXED_LINE_OR_MOBILE is how several regions label mobiles.
const TEXTABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER', undefined]);

export const PARTICIPANT_MESSAGES: Record<ParticipantErrorCode, string> = {
  INVALID_EMAIL: 'This is not a valid email address.',
  INVALID_PHONE: 'This is not a valid phone number.',
  NOT_A_MOBILE: 'This number cannot receive text messages; use a mobile number.',
  UNKNOWN_MEMBER: 'There is no member with this user name.',
  UNRECOGNIZED: 'Type an email address, a mobile number or a member user name.',
};

export function classifyParticipant(raw: string, defaultRegion: CountryCode): Classified {
  const input = raw.trim();
  if (input.includes('@')) {
    const email = input.toLowerCase();
    return emailSchema.safeParse(email).success && email.length <= 254
      ? { ok: true, kind: 'email', address: email }
      : { ok: false, code: 'INVALID_EMAIL' };
  }
  if (PHONE_LIKE.test(input)) {
    if (input.length > 32) return { ok: false, code: 'INVALID_PHONE' };
    const international = input.startsWith('00') ? `+${input.slice(2)}` : input;
    const phone = parsePhoneNumberFromString(international, defaultRegion);
    if (!phone?.isValid()) return { ok: false, code: 'INVALID_PHONE' };
    if (!TEXTABLE.has(phone.getType())) return { ok: false, code: 'NOT_A_MOBILE' };
    return { ok: true, kind: 'phone', address: phone.number };
  }
  const username = input.toLowerCase();
  if (USERNAME.test(username)) return { ok: true, kind: 'member', address: username };
  return { ok: false, code: 'UNRECOGNIZED' };
}

export type Resolved =
  | { ok: true; participant: Invitee & { userId: string | null } }
  | { ok: false; issue: InviteeIssue };

/**
 * Classifies every entry, looks members up, and merges duplicates (same kind and normalized
 * address) keeping the first. Results keep the order typed, one per distinct entry.
 */
export async function resolveParticipants(
  inputs: readonly string[],
  defaultRegion: CountryCode,
  findMembers: (usernames: string[]) => Promise<Map<string, { id: string; display_name: string }>>,
): Promise<Resolved[]> {
  const classified = inputs.map((input) => classifyParticipant(input, defaultRegion));
  const usernames = classified.flatMap((c) => (c.ok && c.kind === 'member' ? [c.address] : []));
  const members = await findMembers([...new Set(usernames)]);
  const seen = new Set<string>();
  const results: Resolved[] = [];
  classified.forEach((c, index) => {
    const input = inputs[index] ?? '';
    if (!c.ok) {
      results.push({ ok: false, issue: issue(index, input, c.code) });
      return;
    }
    const key = `${c.kind}:${c.address}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (c.kind === 'member') {
      const member = members.get(c.address);
      results.push(
        member
          ? {
              ok: true,
              participant: {
                kind: 'member',
                address: c.address,
                displayName: member.display_name,
                userId: member.id,
              },
            }
          : { ok: false, issue: issue(index, input, 'UNKNOWN_MEMBER') },
      );
      return;
    }
    results.push({
      ok: true,
      participant: { kind: c.kind, address: c.address, displayName: null, userId: null },
    });
  });
  return results;
}

function issue(index: number, input: string, code: ParticipantErrorCode): InviteeIssue {
  return { index, input, code, message: PARTICIPANT_MESSAGES[code] };
}
