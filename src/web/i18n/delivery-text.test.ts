import { describe, expect, it } from 'vitest';
import {
  channelText,
  deliveryKindText,
  deliveryStatusLabel,
  deliveryStatusText,
} from './delivery-text.js';
import { en } from './en.js';
import { es } from './es.js';
import { translator } from './translate.js';

const t = translator('en', en);
const tEs = translator('es', es);

const email = { channel: 'email' as const, lastError: null };

describe('deliveryStatusText', () => {
  it('names the plain states', () => {
    expect(deliveryStatusText(t, { ...email, status: 'queued' })).toBe('Queued');
    expect(deliveryStatusText(t, { ...email, status: 'sent' })).toBe('Sent');
  });

  it('gives the reason of a failure and of a retry', () => {
    const reason = '550 mailbox unavailable';
    expect(deliveryStatusText(t, { ...email, status: 'failed', lastError: reason })).toBe(
      'Failed: 550 mailbox unavailable',
    );
    expect(deliveryStatusText(t, { ...email, status: 'queued', lastError: 'timeout' })).toBe(
      'Retrying: timeout',
    );
    expect(deliveryStatusText(t, { ...email, status: 'failed' })).toBe('Failed: no reason given');
  });

  it('says which service is missing for a kept message, in each language', () => {
    expect(deliveryStatusText(t, { ...email, status: 'kept' })).toBe(
      'Not sent: no email service configured (see Outbox)',
    );
    expect(deliveryStatusText(t, { channel: 'sms', lastError: null, status: 'kept' })).toBe(
      'Not sent: no SMS service configured (see Outbox)',
    );
    expect(deliveryStatusText(tEs, { ...email, status: 'kept' })).toMatch(/^No enviado: /);
  });
});

describe('short delivery words', () => {
  it('labels states, kinds and channels', () => {
    expect(deliveryStatusLabel(t, { ...email, status: 'queued', lastError: 'timeout' })).toBe(
      'Retrying',
    );
    expect(deliveryStatusLabel(tEs, { ...email, status: 'kept' })).toBe('Guardado');
    expect(deliveryKindText(t, { kind: 'cancel' })).toBe('Cancellation');
    expect(channelText(t, { channel: 'sms' })).toBe('SMS');
  });
});
