/** The lobby's and the room's calls about a join link (src/shared/api.ts has their shapes). */
import type { JoinInfo, JoinReply, ParticipantSession } from '../../shared/api.js';
import { json, request } from './http.js';

/** What the lobby sends; a logged-in member sends nothing and joins under their account. */
export interface JoinRequest {
  displayName?: string;
  avatarId?: string | null;
  password?: string;
}

const id = encodeURIComponent;

export const joinApi = {
  joinInfo: (token: string, signal?: AbortSignal) =>
    request<JoinInfo>(`/api/join/${id(token)}`, { signal }),
  /** Enters the meeting; the server sets the guest cookie the room then uses. */
  join: (token: string, body: JoinRequest, signal?: AbortSignal) =>
    request<JoinReply>(`/api/join/${id(token)}`, { ...json('POST', body), signal }),
  /** Who the current guest (cookie) or member is in this meeting; 401 when neither. */
  joinSession: (token: string, signal?: AbortSignal) =>
    request<ParticipantSession>(`/api/join/${id(token)}/me`, { signal }),
  /** A guest's picture, allowed by the join link instead of a login. */
  uploadGuestAvatar: (token: string, file: Blob, fileName: string) => {
    const form = new FormData();
    form.append('file', file, fileName);
    return request<{ id: string; url: string }>('/api/avatars', {
      method: 'POST',
      body: form,
      headers: { 'x-join-token': token },
    });
  },
};
