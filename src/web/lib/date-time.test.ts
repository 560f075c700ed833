import { describe, expect, it } from 'vitest';
import { formatDateTime } from './date-time.js';

describe('formatDateTime', () => {
  it('writes an instant in the given language and zone', () => {
    const iso = '2025-06-10T13:04:00.000Z';
    expect(formatDateTime(iso, 'en', 'UTC')).toBe('Jun 10, 2025, 1:04 PM');
    expect(formatDateTime(iso, 'es', 'Europe/Madrid')).toMatch(/10 jun 2025.*15:04/);
  });

  it('shows a value that is not a date as it came', () => {
    expect(formatDateTime('soon', 'en')).toBe('soon');
  });
});
