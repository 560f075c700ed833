import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../shared/api.js';
import {
  changedDeliveries,
  deliveryState,
  hasQueued,
  parseDeliveryStatus,
} from './delivery-state.js';

function delivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    id: 'd1',
    participant: { kind: 'email', address: 'bob@example.com' },
    channel: 'email',
    kind: 'invite',
    status: 'queued',
    attempts: 0,
    lastError: null,
    notBefore: null,
    to: 'bob@example.com',
    updatedAt: '2025-06-10T10:00:00.000Z',
    sentAt: null,
    ...overrides,
  };
}

describe('deliveryState', () => {
  it('tells a queued message whose last try failed apart as retrying', () => {
    expect(deliveryState(delivery())).toBe('queued');
    expect(deliveryState(delivery({ lastError: 'connection refused' }))).toBe('retrying');
  });

  it('keeps the server status for sent, failed and kept messages', () => {
    expect(deliveryState(delivery({ status: 'sent' }))).toBe('sent');
    expect(deliveryState(delivery({ status: 'failed', lastError: '550 no such user' }))).toBe(
      'failed',
    );
    expect(deliveryState(delivery({ status: 'kept' }))).toBe('kept');
  });
});

describe('hasQueued', () => {
  it('is true only while some message waits, retrying ones included', () => {
    expect(hasQueued([])).toBe(false);
    expect(hasQueued([delivery({ status: 'sent' }), delivery({ status: 'kept' })])).toBe(false);
    expect(hasQueued([delivery({ status: 'sent' }), delivery({ lastError: 'timeout' })])).toBe(
      true,
    );
  });
});

describe('parseDeliveryStatus', () => {
  it('accepts the four states and nothing else', () => {
    expect(parseDeliveryStatus('failed')).toBe('failed');
    expect(parseDeliveryStatus('kept')).toBe('kept');
    expect(parseDeliveryStatus('retrying')).toBeUndefined();
    expect(parseDeliveryStatus('')).toBeUndefined();
    expect(parseDeliveryStatus(null)).toBeUndefined();
  });
});

describe('changedDeliveries', () => {
  const ana = delivery({
    id: 'a1',
    participant: { kind: 'member', address: 'ana' },
    to: 'ana@example.com',
  });
  const bob = delivery({ id: 'b1' });

  it('reports nothing when no state changed', () => {
    expect(changedDeliveries([ana, bob], [{ ...ana }, { ...bob }])).toEqual([]);
  });

  it('reports a participant whose message was sent or started retrying', () => {
    const sent = { ...bob, status: 'sent' as const };
    expect(changedDeliveries([ana, bob], [ana, sent])).toEqual([sent]);
    const retrying = { ...ana, lastError: 'timeout' };
    expect(changedDeliveries([ana, bob], [retrying, bob])).toEqual([retrying]);
  });

  it('reports a new retry reason and a newly added participant', () => {
    const before = { ...bob, lastError: 'timeout' };
    const after = { ...bob, lastError: 'connection refused' };
    expect(changedDeliveries([before], [after])).toEqual([after]);
    expect(changedDeliveries([bob], [bob, ana])).toEqual([ana]);
  });

  it('reports a resent message even when its state reads the same', () => {
    const resent = { ...bob, id: 'b2' };
    expect(changedDeliveries([bob], [resent])).toEqual([resent]);
  });

  it('ignores a change of attempt count or time alone', () => {
    const later = { ...bob, attempts: 2, updatedAt: '2025-06-10T10:05:00.000Z' };
    expect(changedDeliveries([bob], [later])).toEqual([]);
  });
});
