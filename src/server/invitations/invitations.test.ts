import { describe, expect, it, vi } from 'vitest';
import type { Db } from '../storage/database.js';
import { InvitationsService } from './invitations.js';
import type { OutboxStore } from './outbox.js';

// Only the queued-rows notification: rendering and storing are covered by the integration tests
// (test/integration/invitations.test.ts, outbox-retry.test.ts) against a real database.
function service(log = { error: vi.fn() }) {
  return new InvitationsService({} as Db, {} as OutboxStore, { now: () => new Date() }, log, {
    publicUrl: 'http://tertulia.test',
    channels: { email: true, sms: false },
    retryWindowMs: 60_000,
    organization: async () => ({ name: 'Tertulia', logoUrl: null }),
  });
}

describe('InvitationsService.notifyQueued', () => {
  it('logs a listener that throws and still wakes the next one', () => {
    const log = { error: vi.fn() };
    const invitations = service(log);
    const failure = new Error('worker bug');
    const wake = vi.fn();
    invitations.onQueued(() => {
      throw failure;
    });
    invitations.onQueued(wake);

    invitations.notifyQueued();

    expect(wake).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledExactlyOnceWith({ err: failure }, 'outbox listener failed');
  });
});
