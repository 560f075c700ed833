// Shared by `npm start` and `npm test`: install dependencies and build only when needed, so a
// fresh clone works with one command and a second run starts at once. Node built-ins only,
// because this runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export function run(command, args, options = {}) {
  console.log(`> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`Command failed: ${command} ${args.join(' ')}`);
    process.exit(result.status ?? 1);
  }
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function newestUnder(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(full) : mtime(full));
  }
  return newest;
}

/** Runs `npm ci` when node_modules is missing or older than the lock file. */
export function ensureInstalled() {
  const installed = mtime(path.join(root, 'node_modules', '.package-lock.json'));
  if (installed === 0 || installed < mtime(path.join(root, 'package-lock.json'))) {
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
}

/** Builds server and web when a source or build file changed since the last build. */
export function ensureBuilt() {
  const stamp = path.join(root, 'dist', '.build-stamp');
  const sources = Math.max(
    newestUnder(path.join(root, 'src')),
    mtime(path.join(root, 'package-lock.json')),
    mtime(path.join(root, 'vite.config.ts')),
    mtime(path.join(root, 'scripts', 'vite-precompress.ts')),
    mtime(path.join(root, 'tsconfig.json')),
    mtime(path.join(root, 'tsconfig.base.json')),
    mtime(path.join(root, 'tsconfig.server.json')),
    mtime(path.join(root, 'tsconfig.web.json')),
  );
  const built =
    fs.existsSync(path.join(root, 'dist', 'server', 'main.js')) &&
    fs.existsSync(path.join(root, 'dist', 'web', 'index.html'));
  if (!built || mtime(stamp) < sources) {
    run('npm', ['run', 'build']);
    fs.writeFileSync(stamp, new Date().toISOString());
  }
}
