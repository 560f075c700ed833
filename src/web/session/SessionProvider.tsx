import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Language, Member } from '../../shared/api.js';
import { sessionApi } from '../lib/session-api.js';
import { isApiError } from '../lib/api-error.js';
import { onUnauthenticated } from '../lib/http.js';
import { takeBootSession } from '../lib/lobby-boot.js';
import { currentLanguage, setLanguage } from '../i18n/index.js';
import { SessionContext, type Session, type SessionState } from './session-context.js';

/** Loads who is logged in once, and keeps it current across login, logout and expiry. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  // A language picked on the login page is a fresh, explicit choice: it beats the saved one.
  const anonymousChoice = useRef<Language | null>(null);

  const setMember = useCallback((member: Member) => {
    const choice = anonymousChoice.current;
    anonymousChoice.current = null;
    if (choice && choice !== member.language) {
      setState({ status: 'member', member: { ...member, language: choice } });
      sessionApi.updateMe({ language: choice }).then(
        (saved) => setState({ status: 'member', member: saved }),
        () => undefined, // still shown in the chosen language; saved next time it is switched
      );
      return;
    }
    setState({ status: 'member', member });
    // Otherwise the language saved in the profile follows the member from device to device.
    if (member.language !== currentLanguage()) void setLanguage(member.language);
  }, []);

  useEffect(() => {
    // A join link's page says who is logged in: no need to ask on the first load.
    const boot = attempt === 0 ? takeBootSession() : null;
    if (boot) {
      if (boot.member) setMember(boot.member);
      else setState({ status: 'anonymous' });
      return;
    }
    const controller = new AbortController();
    sessionApi.me(controller.signal).then(setMember, (error: unknown) => {
      if (controller.signal.aborted) return;
      if (isApiError(error, 'UNAUTHENTICATED')) setState({ status: 'anonymous' });
      else setState({ status: 'unavailable', error });
    });
    return () => controller.abort();
  }, [attempt, setMember]);

  useEffect(() => onUnauthenticated(() => setState({ status: 'anonymous' })), []);

  const logOut = useCallback(async () => {
    try {
      await sessionApi.logOut();
    } finally {
      setState({ status: 'anonymous' });
    }
  }, []);

  const member = state.status === 'member' ? state.member : null;

  const changeLanguage = useCallback(
    async (language: Language) => {
      await setLanguage(language);
      if (!member) anonymousChoice.current = language;
      else if (member.language !== language) {
        setState({ status: 'member', member: await sessionApi.updateMe({ language }) });
      }
    },
    [member],
  );

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const session = useMemo<Session>(
    () => ({ state, member, setMember, logOut, changeLanguage, retry }),
    [state, member, setMember, logOut, changeLanguage, retry],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
