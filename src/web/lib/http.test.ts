import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-error.js';
import { onUnauthenticated, request } from './http.js';

describe('request when the session is gone', () => {
  beforeEach(() => {
    const body = JSON.stringify({ code: 'UNAUTHENTICATED', message: 'Log in again.' });
    vi.stubGlobal('fetch', async () => new Response(body, { status: 401 }));
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('logs a listener that throws, tells the next one and rejects with the ApiError', async () => {
    const failure = new Error('listener bug');
    const next = vi.fn();
    const unsubscribe = [
      onUnauthenticated(() => {
        throw failure;
      }),
      onUnauthenticated(next),
    ];

    const answer = request('/api/session');

    await expect(answer).rejects.toBeInstanceOf(ApiError);
    await expect(answer).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(next).toHaveBeenCalledTimes(1);
    expect(console.error).toHaveBeenCalledExactlyOnceWith(
      'Unauthenticated listener failed',
      failure,
    );
    for (const stop of unsubscribe) stop();
  });
});
