/**
 * For end-to-end tests of the janus media backend: starts Debian's `janus` with a generated
 * loopback-only configuration in `$DATA_DIR/janus` (the app's own supervisor, through
 * test/support/local-janus.ts), then the built app with MEDIA=janus pointed at it, and stops
 * both together. Without a `janus` binary the app starts with p2p media and the Janus specs
 * skip themselves, saying why.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { JANUS_MISSING, janusBinary, startLocalJanus } from '../../support/local-janus.js';

const env: NodeJS.ProcessEnv = { ...process.env };
// Inside the app's data folder, which the Playwright command empties before each run.
const janus = janusBinary()
  ? await startLocalJanus(path.resolve(process.env.DATA_DIR ?? './data', 'janus'))
  : null;
if (janus) {
  Object.assign(env, janus.env);
} else {
  console.error(`${JANUS_MISSING}: the janus specs will skip.`);
  env.MEDIA = 'p2p';
}

const app = spawn(process.execPath, ['dist/server/main.js'], { stdio: 'inherit', env });

async function stop(code: number): Promise<never> {
  app.kill('SIGTERM');
  await janus?.stop();
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
app.on('exit', (code) => void stop(code ?? 1));
