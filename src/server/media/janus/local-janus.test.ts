import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { janusBinary } from '../../../../test/support/local-janus.js';
import { LocalJanus } from './local-janus.js';

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'tertulia-local-janus-'));

function answers(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('LocalJanus', () => {
  it('says clearly when janus cannot be started', async () => {
    const log = { warn: vi.fn() };
    const janus = new LocalJanus(tempDir(), log, '/nonexistent/janus');
    await expect(janus.url).rejects.toThrow();
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalled());
    expect(String(log.warn.mock.calls[0]?.[1])).toMatch(/apt-get install janus.*JANUS_URLS/);
    await janus.stop();
  });

  it.skipIf(!janusBinary())(
    'starts janus on a loopback port and starts it again when it dies',
    async () => {
      const log = { warn: vi.fn() };
      const janus = new LocalJanus(tempDir(), log, janusBinary());
      try {
        const url = await janus.url;
        expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
        expect(await answers(url)).toBe(true);
        const first = janus.pid;
        process.kill(first!, 'SIGKILL');
        await vi.waitFor(
          async () => {
            expect(janus.pid).not.toBe(first);
            expect(await answers(url)).toBe(true);
          },
          { timeout: 20_000, interval: 200 },
        );
        expect(log.warn).toHaveBeenCalledWith(expect.anything(), expect.stringMatching(/again/));
      } finally {
        await janus.stop();
      }
      expect(alive(janus.pid)).toBe(false);
    },
    40_000,
  );
});
