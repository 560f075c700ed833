/**
 * The app with MEDIA=janus for browser benchmarks: Debian's `janus` on loopback, started in a
 * temporary folder by the app's own supervisor (through test/support/local-janus.ts, as the
 * end-to-end tests do), and the built app (bench/support/app-process.ts) pointed at it. Janus
 * is this process's child, not the app's, so its CPU time is apart from the app's.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { janusBinary, startLocalJanus } from '../../test/support/local-janus.js';
import { startApp, type AppProcess } from './app-process.js';

export interface JanusApp {
  app: AppProcess;
  /** Janus's process id now (its supervisor starts it again if it dies). */
  janusPid(): number | undefined;
  /** As `janus --version` says it, e.g. "1.1.2". */
  janusVersion: string;
  stop(): Promise<void>;
}

function versionOf(binary: string): string {
  // It prints the version, then complains about the option and exits non-zero.
  const { stdout } = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 5000 });
  return /^Janus version: \d+ \(([^)]+)\)/m.exec(stdout ?? '')?.[1] ?? 'unknown';
}

/**
 * Throws test/support/local-janus.ts's JANUS_MISSING when `janus` is not installed. `env`: more
 * for the app (bench/room-capacity.ts raises JANUS_ROOM_CAP).
 */
export async function startJanusApp(
  root: string,
  env: Record<string, string> = {},
): Promise<JanusApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-bench-janus-'));
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  const janus = await startLocalJanus(dir).catch((error: unknown) => {
    removeDir();
    throw error;
  });
  const app = await startApp(root, { ...janus.env, ...env }).catch(async (error: unknown) => {
    await janus.stop();
    removeDir();
    throw error;
  });
  return {
    app,
    janusPid: () => janus.janus.pid,
    janusVersion: versionOf(janusBinary() ?? 'janus'),
    stop: async () => {
      await app.stop();
      await janus.stop();
      removeDir();
    },
  };
}
