/** Logging in and out, and who is logged in: calls every screen may make. */
import type { Language, Member } from '../../shared/api.js';
import { json, request } from './http.js';

export interface ProfileChanges {
  displayName?: string;
  avatarId?: string | null;
  language?: Language;
}

export const sessionApi = {
  logIn: (email: string, password: string) =>
    request<Member>('/api/session', json('POST', { email, password })),
  logOut: () => request<void>('/api/session', { method: 'DELETE' }),
  me: (signal?: AbortSignal) => request<Member>('/api/me', { signal }),
  updateMe: (changes: ProfileChanges) => request<Member>('/api/me', json('PATCH', changes)),
};
