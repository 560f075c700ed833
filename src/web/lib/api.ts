/** Typed functions for every HTTP endpoint the web app uses; see src/shared/api.ts. */
import type {
  AdminMeetingsFilter,
  AdminSettings,
  AuditAction,
  AuditList,
  CreateMeetingBody,
  Delivery,
  DeliveryStatus,
  Meeting,
  MeetingDefaults,
  Me,
  MeetingPage,
  Member,
  MemberImportReport,
  InviteeResponse,
  RsvpPage,
  NewMember,
  OutboxDetail,
  OutboxItem,
  InviteeIssue,
  Invitee,
  Role,
  UpdateMeetingBody,
  UpdateSettingsBody,
} from '../../shared/api.js';
import { json, request } from './http.js';
import { joinApi } from './join-api.js';
import { sessionApi } from './session-api.js';

export type { JoinRequest } from './join-api.js';
export type { ProfileChanges } from './session-api.js';

export type MeetingScope = 'upcoming' | 'past';

export type ParticipantCheck =
  { ok: true; participant: Invitee } | { ok: false; issue: InviteeIssue };

/** Everything is optional; `passwordProtected` is for admins only (403 ADMIN_ONLY otherwise). */
export interface QuickMeetingRequest {
  name?: string;
  passwordProtected?: boolean;
}

export interface AuditFilter {
  page: number;
  action?: AuditAction | undefined;
  /** Part of the actor's email. */
  actor?: string | undefined;
  since?: string | undefined;
}

const id = encodeURIComponent;

/**
 * Every endpoint. The session's and the lobby's calls live apart (session-api.ts, join-api.ts),
 * so a guest's first screen does not download the member app's.
 */
export const api = {
  ...sessionApi,
  ...joinApi,
  rotateCalendarFeed: () => request<Me>('/api/me/calendar-feed', { method: 'POST' }),
  rsvp: (token: string, signal?: AbortSignal) =>
    request<RsvpPage>(`/api/rsvp/${id(token)}`, { signal }),
  answer: (token: string, response: InviteeResponse) =>
    request<RsvpPage>(`/api/rsvp/${id(token)}`, { method: 'PUT', body: { response } }),

  uploadAvatar: (file: Blob) => {
    const form = new FormData();
    form.append('file', file);
    return request<{ id: string; url: string }>('/api/avatars', { method: 'POST', body: form });
  },

  checkParticipants: async (participants: string[], signal?: AbortSignal) => {
    const reply = await request<{ results: ParticipantCheck[] }>('/api/participants/check', {
      ...json('POST', { participants }),
      signal,
    });
    return reply.results;
  },

  /** One page of the member's meetings; `cursor` is the previous page's `nextCursor`. */
  listMeetings: (scope: MeetingScope, cursor: string | null, signal?: AbortSignal) => {
    const search = new URLSearchParams({ scope });
    if (cursor !== null) search.set('cursor', cursor);
    return request<MeetingPage>(`/api/meetings?${search}`, { signal });
  },
  meeting: (meetingId: string, signal?: AbortSignal) =>
    request<Meeting>(`/api/meetings/${id(meetingId)}`, { signal }),
  meetingDefaults: (signal?: AbortSignal) =>
    request<MeetingDefaults>('/api/meetings/defaults', { signal }),
  createMeeting: (body: CreateMeetingBody) => request<Meeting>('/api/meetings', json('POST', body)),
  createQuickMeeting: (body: QuickMeetingRequest = {}) =>
    request<Meeting>('/api/meetings/quick', json('POST', body)),
  updateMeeting: (meetingId: string, body: UpdateMeetingBody) =>
    request<Meeting>(`/api/meetings/${id(meetingId)}`, json('PATCH', body)),
  cancelMeeting: (meetingId: string) =>
    request<Meeting>(`/api/meetings/${id(meetingId)}`, { method: 'DELETE' }),

  deliveries: async (meetingId: string, signal?: AbortSignal) => {
    const reply = await request<{ deliveries: Delivery[] }>(
      `/api/meetings/${id(meetingId)}/deliveries`,
      { signal },
    );
    return reply.deliveries;
  },
  /** Queues the current invitation again for one participant; answers with the refreshed list. */
  resendDelivery: async (meetingId: string, deliveryId: string) => {
    const reply = await request<{ deliveries: Delivery[] }>(
      `/api/meetings/${id(meetingId)}/deliveries/${id(deliveryId)}/resend`,
      { method: 'POST' },
    );
    return reply.deliveries;
  },

  /**
   * Admins: every meeting of the organization (403 ADMIN_ONLY otherwise); `query` matches the
   * meeting or organizer name, in any case; empty lists all of the filter.
   */
  listAllMeetings: (
    filter: AdminMeetingsFilter,
    query: string,
    cursor: string | null,
    signal?: AbortSignal,
  ) => {
    const search = new URLSearchParams({ filter });
    if (query.trim()) search.set('q', query.trim());
    if (cursor !== null) search.set('cursor', cursor);
    return request<MeetingPage>(`/api/admin/meetings?${search}`, { signal });
  },
  /** `query` filters by email, user name or display name, in any case; empty lists all. */
  listMembers: async (signal?: AbortSignal, query = '') => {
    const search = query.trim() ? `?q=${encodeURIComponent(query.trim())}` : '';
    const reply = await request<{ members: Member[] }>(`/api/members${search}`, { signal });
    return reply.members;
  },
  createMember: (member: NewMember) => request<Member>('/api/members', json('POST', member)),
  updateMember: (memberId: string, changes: { disabled?: boolean; role?: Role }) =>
    request<Member>(`/api/members/${id(memberId)}`, json('PATCH', changes)),
  /** A new random password, answered once; the member's sessions end. */
  resetMemberPassword: async (memberId: string) => {
    const reply = await request<{ password: string }>(
      `/api/members/${id(memberId)}/reset-password`,
      { method: 'POST' },
    );
    return reply.password;
  },
  /** Creates members from a CSV file (email, username, displayName); a report per row. */
  importMembers: (file: Blob, fileName: string) => {
    const form = new FormData();
    form.append('file', file, fileName);
    return request<MemberImportReport>('/api/members/import', { method: 'POST', body: form });
  },

  /** Newest first; `status` narrows to one delivery state. */
  listOutbox: async (status: DeliveryStatus | undefined, signal?: AbortSignal) => {
    const query = status ? `?status=${status}` : '';
    const reply = await request<{ items: OutboxItem[] }>(`/api/outbox${query}`, { signal });
    return reply.items;
  },
  outboxMessage: (messageId: string, signal?: AbortSignal) =>
    request<OutboxDetail>(`/api/outbox/${id(messageId)}`, { signal }),
  /** A plain link target (the server answers with a download), not a JSON call. */
  outboxIcsUrl: (messageId: string) => `/api/outbox/${id(messageId)}/invite.ics`,
  outboxPreviewUrl: (messageId: string) => `/api/outbox/${id(messageId)}/preview.html`,
  /** Queues a failed message again (409 NOT_RETRYABLE in any other state). */
  retryOutboxMessage: (messageId: string) =>
    request<OutboxItem>(`/api/outbox/${id(messageId)}/retry`, { method: 'POST' }),
  /** Queues every failed message again; answers how many. */
  retryFailedOutbox: async () => {
    const reply = await request<{ retried: number }>('/api/outbox/retry-failed', {
      method: 'POST',
    });
    return reply.retried;
  },

  /** Admins: settings in effect, their defaults, and which are set here. */
  adminSettings: (signal?: AbortSignal) =>
    request<AdminSettings>('/api/admin/settings', { signal }),
  /** null puts a setting back to its default; 400 SETTING_OUT_OF_RANGE / UNKNOWN_REGION. */
  updateSettings: (changes: UpdateSettingsBody) =>
    request<AdminSettings>('/api/admin/settings', json('PATCH', changes)),
  uploadLogo: (file: Blob, fileName: string) => {
    const form = new FormData();
    form.append('file', file, fileName);
    return request<AdminSettings>('/api/admin/settings/logo', { method: 'POST', body: form });
  },
  removeLogo: () => request<AdminSettings>('/api/admin/settings/logo', { method: 'DELETE' }),

  /** Admins: the audit log, newest first; `since` is an ISO instant. */
  auditLog: (filter: AuditFilter, signal?: AbortSignal) => {
    const search = new URLSearchParams({ page: String(filter.page) });
    if (filter.action) search.set('action', filter.action);
    if (filter.actor?.trim()) search.set('actor', filter.actor.trim());
    if (filter.since) search.set('since', filter.since);
    return request<AuditList>(`/api/admin/audit?${search}`, { signal });
  },

  /** 400 CURRENT_PASSWORD_WRONG when the current password is not right. */
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('/api/me/password', json('POST', { currentPassword, newPassword })),
};
