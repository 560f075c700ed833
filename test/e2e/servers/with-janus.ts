/**
 * For end-to-end tests of the janus media backend: starts Debian's `janus` with a generated
 * loopback-only configuration in `$DATA_DIR/janus` (the app's own supervisor, through
 * test/support/local-janus.ts), then the built app with MEDIA=janus pointed at it, and stops
 * both together. With JANUS_INSTANCES=2 it starts two, sharing one API secret, and writes
 * `$DATA_DIR/janus-instances.json` (each one's URL and process id, in JANUS_URLS order) so a
 * failover test can kill one. Without a `janus` binary the app starts with p2p media and the
 * Janus specs skip themselves, saying why.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { JANUS_MISSING, janusBinary, startLocalJanus } from '../../support/local-janus.js';

const env: NodeJS.ProcessEnv = { ...process.env };
// Inside the app's data folder, which the Playwright command empties before each run.
const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
const count = Number(process.env.JANUS_INSTANCES ?? 1);
const secret = randomBytes(24).toString('base64url');
const instances = janusBinary()
  ? await Promise.all(
      Array.from({ length: count }, (_, i) =>
        startLocalJanus(path.join(dataDir, `janus-${i}`), secret),
      ),
    )
  : [];
if (instances.length > 0) {
  Object.assign(env, {
    MEDIA: 'janus',
    JANUS_URLS: instances.map((janus) => janus.url).join(','),
    JANUS_API_SECRET: secret,
  });
  writeFileSync(
    path.join(dataDir, 'janus-instances.json'),
    JSON.stringify(instances.map((janus) => ({ url: janus.url, pid: janus.janus.pid }))),
  );
} else {
  console.error(`${JANUS_MISSING}: the janus specs will skip.`);
  env.MEDIA = 'p2p';
}

const app = spawn(process.execPath, ['dist/server/main.js'], { stdio: 'inherit', env });

async function stop(code: number): Promise<never> {
  app.kill('SIGTERM');
  await Promise.all(instances.map((janus) => janus.stop()));
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
app.on('exit', (code) => void stop(code ?? 1));
