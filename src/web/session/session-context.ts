import { createContext, useContext } from 'react';
import type { Language, Member } from '../../shared/api.js';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'member'; member: Member }
  /** /api/me failed for another reason than "not logged in" (server down, network). */
  | { status: 'unavailable'; error: unknown };

export interface Session {
  state: SessionState;
  /** The logged-in member, or null. */
  member: Member | null;
  /** After logging in or editing the profile. */
  setMember: (member: Member) => void;
  logOut: () => Promise<void>;
  /** Switches the interface language and, for a member, saves it to their profile. */
  changeLanguage: (language: Language) => Promise<void>;
  retry: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession is used outside <SessionProvider>');
  return session;
}

/** The logged-in member; only for screens behind <RequireMember>. */
export function useMember(): Member {
  const { member } = useSession();
  if (!member) throw new Error('useMember is used on a screen that does not require a member');
  return member;
}
