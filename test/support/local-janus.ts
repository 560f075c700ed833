/**
 * Debian's `janus` for tests, started by the same supervisor the app uses for MEDIA=janus
 * without JANUS_URLS (a generated loopback-only configuration, a random API secret, a free
 * port). Tests that need it skip themselves, saying why, when the binary is not installed.
 */
import { findExecutable } from '../../src/server/media/janus/find-executable.js';
import { LocalJanus } from '../../src/server/media/janus/local-janus.js';

export const JANUS_MISSING =
  'janus is not installed (Debian: apt-get install janus; .ci/run installs it)';

/** Where the `janus` binary is on the PATH, if anywhere. */
export function janusBinary(): string | undefined {
  return findExecutable('janus', process.env.PATH);
}

export interface StartedJanus {
  url: string;
  apiSecret: string;
  /** What to give the app: MEDIA=janus and how to reach this Janus. */
  env: Record<string, string>;
  janus: LocalJanus;
  stop(): Promise<void>;
}

const consoleLog = { warn: (obj: object, msg: string) => console.warn(msg, obj) };

/** Writes the configuration into `dir` and starts Janus; resolves once its port answers. */
export async function startLocalJanus(dir: string, apiSecret?: string): Promise<StartedJanus> {
  const binary = janusBinary();
  if (!binary) throw new Error(JANUS_MISSING);
  const janus = new LocalJanus(dir, consoleLog, binary, apiSecret);
  const url = await janus.url;
  return {
    url,
    apiSecret: janus.apiSecret,
    env: { MEDIA: 'janus', JANUS_URLS: url, JANUS_API_SECRET: janus.apiSecret },
    janus,
    stop: () => janus.stop(),
  };
}
