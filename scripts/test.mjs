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

const onPath = (binary) =>
  (process.env.PATH ?? '').split(':').some((dir) => fs.existsSync(`${dir}/${binary}`));

/**
 * Installs a Debian package the tests use when it is missing and we may (root on Debian).
 * `janus`: the janus media backend's tests, which skip without it, saying so. `ffmpeg`: the
 * synthetic participants' media clips (scripts/make-load-media.mjs), made once. `redis-server`
 * and `nginx`: the scale-out tests (several nodes, one Redis, a balancer).
 */
function ensureDebianPackage(binary, pkg, without) {
  if (onPath(binary)) return;
  if (process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const installed = spawnSync('apt-get', ['install', '-y', '-qq', pkg], {
      stdio: 'inherit',
      env,
    });
    if (installed.status === 0) return;
  }
  console.warn(`${binary} was not found: ${without} (Debian: sudo apt-get install ${pkg}).`);
}

ensureInstalled();
ensureChromium();
ensureDebianPackage('janus', 'janus', 'the janus media tests will skip');
ensureDebianPackage('ffmpeg', 'ffmpeg', 'the synthetic participants cannot make their media');
ensureDebianPackage('redis-server', 'redis-server', 'the scale-out tests will skip');
ensureDebianPackage('nginx', 'nginx', 'the scale-out tests behind a balancer will skip');
ensureBuilt();
run('npx', ['vitest', 'run']);
run('npx', ['playwright', 'test']);
