/**
 * The built app for browser benchmarks: `node dist/server/main.js` as `npm start` runs it
 * (NODE_ENV=production, a fresh SQLite data folder, ADMIN_EMAIL/ADMIN_PASSWORD) in a child
 * process on a free loopback port, plus the admin's API calls a benchmark needs (log in once,
 * start quick conferences). Media is p2p unless `env` says otherwise (bench/join.ts and
 * bench/sfu.ts pass MEDIA=janus and a Janus of their own).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const BENCH_ADMIN = {
  email: 'admin@bench.example',
  password: 'correct horse battery staple',
};

export interface AppProcess {
  /** http://127.0.0.1:port */
  url: string;
  /** The app's Node process (for its CPU time in /proc). */
  pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Newest modification time of any file under `dir` (0 if it does not exist). */
function newestMtime(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Throws when dist/ is missing; warns (stderr) when it is older than src/. */
export function checkBuild(root: string): void {
  const server = path.join(root, 'dist/server/main.js');
  const web = path.join(root, 'dist/web/index.html');
  if (!fs.existsSync(server) || !fs.existsSync(web)) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const src = (p: string) => newestMtime(path.join(root, p));
  const stale = [];
  if (Math.max(src('src/web'), src('src/shared')) > fs.statSync(web).mtimeMs)
    stale.push('dist/web');
  if (Math.max(src('src/server'), src('src/shared')) > fs.statSync(server).mtimeMs) {
    stale.push('dist/server');
  }
  if (stale.length > 0) {
    console.error(`! ${stale.join(' and ')} older than src/: run \`npm run build\` first.`);
  }
}

export async function startApp(
  root: string,
  env: Record<string, string> = {},
): Promise<AppProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // A clean environment: nothing from this shell (SMTP_URL, DATABASE_URL...) leaks in.
  const child = spawn(process.execPath, [path.join(root, 'dist/server/main.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      DATA_DIR: dataDir,
      ADMIN_EMAIL: BENCH_ADMIN.email,
      ADMIN_PASSWORD: BENCH_ADMIN.password,
      LOG_LEVEL: 'warn',
      DEFAULT_PHONE_REGION: 'ES',
      // Pinned: MEDIA=auto (the default) may start a local Janus whenever one is installed.
      MEDIA: 'p2p',
      // Every benchmark guest joins from 127.0.0.1.
      JOIN_RATE_LIMIT_PER_MINUTE: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the tail of the server's output to show if it dies.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`the app exited during start-up:\n${output}`);
    }
    const healthy = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return { url, pid: child.pid ?? 0, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the app did not answer /healthz within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Logs the admin in (once: logins are rate limited); the `name=value` session cookie. */
export async function adminCookie(appUrl: string): Promise<string> {
  const login = await fetch(`${appUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_ADMIN),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const session = login.headers.getSetCookie().find((c) => c.startsWith('tertulia_session='));
  if (!session) throw new Error('login set no session cookie');
  return session.split(';')[0] ?? '';
}

/** Starts a quick conference (open at once); its join token. */
export async function quickConference(
  appUrl: string,
  cookie: string,
  name: string,
): Promise<string> {
  const created = await fetch(`${appUrl}/api/meetings/quick`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name }),
  });
  const body = (await created.json()) as { joinUrl?: unknown };
  if (created.status !== 201 || typeof body.joinUrl !== 'string') {
    throw new Error(`quick conference not created: ${created.status} ${JSON.stringify(body)}`);
  }
  const token = /\/m\/([^/?#]+)/.exec(new URL(body.joinUrl).pathname)?.[1];
  if (!token) throw new Error(`no token in joinUrl ${body.joinUrl}`);
  return token;
}
