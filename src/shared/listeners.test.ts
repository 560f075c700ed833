import { describe, expect, it, vi } from 'vitest';
import { callEach } from './listeners.js';

describe('callEach', () => {
  it('calls every listener, in order, with what the caller passes', () => {
    const seen: string[] = [];
    const listeners = [(n: number) => seen.push(`a${n}`), (n: number) => seen.push(`b${n}`)];
    callEach(listeners, (listener) => listener(1), vi.fn());
    expect(seen).toEqual(['a1', 'b1']);
  });

  it('hands a throwing listener to onError and still calls the ones after it', () => {
    const failure = new Error('listener bug');
    const second = vi.fn();
    const onError = vi.fn();
    const listeners = new Set([
      () => {
        throw failure;
      },
      second,
    ]);
    callEach(listeners, (listener) => listener(), onError);
    expect(second).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledExactlyOnceWith(failure);
  });

  it('reports nothing when no listener throws', () => {
    const onError = vi.fn();
    callEach([() => {}, () => {}], (listener) => listener(), onError);
    expect(onError).not.toHaveBeenCalled();
  });
});
