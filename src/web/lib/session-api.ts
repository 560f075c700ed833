/** Logging in and out, and who is logged in: calls every screen may make. */
import type { Language, Me, Member } from '../../shared/api.js';
import { json, request } from './http.js';

export interface ProfileChanges {
  displayName?: string;
  avatarId?: string | null;
  language?: Language;
  notifyOnAnswers?: boolean;
}

export const sessionApi = {
  logIn: (email: string, password: string) =>
    request<Member>('/api/session', json('POST', { email, password })),
  logOut: () => request<void>('/api/session', { method: 'DELETE' }),
  me: (signal?: AbortSignal) => request<Me>('/api/me', { signal }),
  updateMe: (changes: ProfileChanges) => request<Me>('/api/me', json('PATCH', changes)),
};
