// `npm test`: every test, end-to-end included. Installs dependencies; on Debian as root it
// installs Debian's chromium for the browser tests, elsewhere it stops with one line saying how.
// It never skips the browser tests silently.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { ensureBuilt, ensureInstalled, run } from './lib/prepare.mjs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function ensureChromium() {
  if (fs.existsSync(chromium)) return;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && fs.existsSync('/usr/bin/apt-get')) {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return;
  }
  console.error(
    `Chromium is needed for the end-to-end tests and was not found at ${chromium}: install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(1);
}

// The janus media backend's tests need Debian's `janus`; without it they skip, saying so.
function ensureJanus() {
  const found = (process.env.PATH ?? '').split(':').some((dir) => fs.existsSync(`${dir}/janus`));
  if (found) return;
  if (process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const installed = spawnSync('apt-get', ['install', '-y', '-qq', 'janus'], {
      stdio: 'inherit',
      env,
    });
    if (installed.status === 0) return;
  }
  console.warn(
    'janus was not found: the janus media tests will skip (Debian: sudo apt-get install janus).',
  );
}

ensureInstalled();
ensureChromium();
ensureJanus();
ensureBuilt();
run('npx', ['vitest', 'run']);
run('npx', ['playwright', 'test']);
