import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../src/shared/api.js';
import { databaseKinds } from '../support/harness.js';
import { startInvitationEnv, type InvitationEnv } from '../support/invitation-env.js';

describe.each(databaseKinds)('outbox retry (%s)', (kind) => {
  let env: InvitationEnv;
  beforeEach(async () => {
    env = await startInvitationEnv(kind, 'admin');
  });
  afterEach(async () => {
    await env.close();
  });

  async function createMeeting(participants: string[]): Promise<string> {
    const response = await env.t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: env.organizer.cookie },
      payload: {
        name: 'Weekly sync',
        participants,
        startsAt: '2030-03-05T10:00:00+01:00',
        timeZone: 'Europe/Madrid',
        // Invitations only here: reminders have tests of their own (reminders.test.ts).
        emailReminderMinutes: null,
        smsReminderMinutes: null,
      },
    });
    expect(response.statusCode).toBe(201);
    return (response.json() as { id: string }).id;
  }

  async function items(query = ''): Promise<OutboxItem[]> {
    const response = await env.t.app.inject({
      url: `/api/outbox${query}`,
      headers: { cookie: env.organizer.cookie },
    });
    expect(response.statusCode).toBe(200);
    return (response.json() as { items: OutboxItem[] }).items;
  }

  function retry(id: string, cookie: string | null = env.organizer.cookie) {
    return env.t.app.inject({
      method: 'POST',
      url: `/api/outbox/${id}/retry`,
      headers: cookie ? { cookie } : {},
    });
  }

  function retryAll(cookie: string | null = env.organizer.cookie) {
    return env.t.app.inject({
      method: 'POST',
      url: '/api/outbox/retry-failed',
      headers: cookie ? { cookie } : {},
    });
  }

  it('queues a refused message again and delivers it once, with its Message-ID', async () => {
    env.smtp.refuseNext(1, 550, 'Mailbox unavailable');
    const meetingId = await createMeeting(['guest@example.com']);
    await env.deliver();
    const [failed] = await items('?status=failed');
    expect(failed).toMatchObject({ to: 'guest@example.com', attempts: 1 });
    expect(env.smtp.messages).toHaveLength(0);

    const response = await retry(failed!.id);
    expect(response.statusCode).toBe(200);
    const queued = response.json() as OutboxItem;
    expect(queued).toMatchObject({ id: failed!.id, status: 'queued', attempts: 1 });
    // The reason stays visible until the next attempt replaces it.
    expect(queued.lastError).toContain('550');
    const row = await env.t.services.outbox.get(failed!.id);
    const now = env.t.clock.now().getTime();
    expect(Date.parse(row!.next_attempt_at)).toBe(now);
    expect(Date.parse(row!.give_up_at)).toBe(now + env.t.config.delivery.retryWindowMs);

    await env.deliver();
    await env.deliver();
    expect(env.smtp.messages).toHaveLength(1);
    expect(env.smtp.messages[0]!.parsed.messageId).toBe(`<${failed!.id}@tertulia.test>`);
    const [sent] = await items();
    expect(sent).toMatchObject({ id: failed!.id, status: 'sent', attempts: 2, lastError: null });
    expect(await env.deliveries(meetingId)).toMatchObject([
      { id: failed!.id, status: 'sent', attempts: 2 },
    ]);
  });

  it('wakes the delivery worker when something was queued again, and only then', async () => {
    env.smtp.refuseNext(2, 550, 'Mailbox unavailable');
    await createMeeting(['a@example.com', 'b@example.com']);
    await env.deliver();
    const [first] = await items('?status=failed');
    let wakes = 0;
    env.t.services.invitations.onQueued(() => (wakes += 1));
    expect((await retry(first!.id)).statusCode).toBe(200);
    expect(wakes).toBe(1);
    expect((await retry(first!.id)).statusCode).toBe(409);
    expect(wakes).toBe(1);
    expect((await retryAll()).json()).toEqual({ retried: 1 });
    expect(wakes).toBe(2);
    expect((await retryAll()).json()).toEqual({ retried: 0 });
    expect(wakes).toBe(2);
  });

  it('refuses to retry a message that is not failed with NOT_RETRYABLE', async () => {
    await createMeeting(['guest@example.com']);
    const [queued] = await items();
    expect(queued!.status).toBe('queued');
    const whileQueued = await retry(queued!.id);
    expect(whileQueued.statusCode).toBe(409);
    expect(whileQueued.json()).toMatchObject({ code: 'NOT_RETRYABLE' });

    await env.deliver();
    const response = await retry(queued!.id);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      code: 'NOT_RETRYABLE',
      message: 'Only failed messages can be retried.',
    });
    await env.deliver();
    expect(env.smtp.messages).toHaveLength(1);
  });

  it('answers 404 NOT_FOUND for an unknown message', async () => {
    const response = await retry('no-such-message');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('retry-failed queues only the failed messages again and counts them', async () => {
    env.smtp.refuseNext(2, 550, 'Mailbox unavailable');
    await createMeeting(['a@example.com', 'b@example.com', 'c@example.com']);
    await env.deliver();
    const failed = await items('?status=failed');
    expect(failed).toHaveLength(2);
    expect(await items('?status=sent')).toHaveLength(1);
    await createMeeting(['d@example.com']);
    const waiting = await items('?status=queued');
    expect(waiting.map((i) => i.to)).toEqual(['d@example.com']);

    const response = await retryAll();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ retried: 2 });
    expect(await items('?status=failed')).toEqual([]);
    expect((await items('?status=queued')).map((i) => i.id).sort()).toEqual(
      [...failed, ...waiting].map((i) => i.id).sort(),
    );

    await env.deliver();
    expect((await items()).map((i) => i.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    // One message per recipient: the one already sent was not sent again.
    expect(env.smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
      'd@example.com',
    ]);
    expect((await retryAll()).json()).toEqual({ retried: 0 });
  });

  it('is for admins only: 403 for a member, 401 without a session', async () => {
    env.smtp.refuseNext(1, 550, 'Mailbox unavailable');
    await createMeeting(['guest@example.com']);
    await env.deliver();
    const [failed] = await items('?status=failed');
    const member = await env.t.createMember();
    const memberCookie = await env.t.login(member.email, member.password);

    expect((await retry(failed!.id, memberCookie)).statusCode).toBe(403);
    expect((await retryAll(memberCookie)).statusCode).toBe(403);
    expect((await retry(failed!.id, null)).statusCode).toBe(401);
    expect((await retryAll(null)).statusCode).toBe(401);
    expect((await items('?status=failed')).map((i) => i.id)).toEqual([failed!.id]);
  });
});
