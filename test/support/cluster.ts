/**
 * Several real Tertulia nodes for the scale-out tests: each a separate `node dist/server/main.js`
 * process on its own port, over one PostgreSQL database and one Redis; a private `redis-server`
 * the test may stop and start; and Debian's nginx balancing across the nodes with the shipped
 * `deploy/nginx.conf`. Nothing here is simulated: a `kill -9` is a real SIGKILL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createPostgresDatabase } from './harness.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const mainJs = path.join(repoRoot, 'dist/server/main.js');

/**
 * Every process started here, killed when the test process exits however it ends (a failed
 * hook skips the cleanup; an interrupted run skips everything), so none is left running.
 */
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** Why the scale-out tests cannot run here, or undefined when they can. */
export function clusterMissing(): string | undefined {
  if (!process.env.TEST_DATABASE_URL) return 'TEST_DATABASE_URL (PostgreSQL) is not set';
  if (!fs.existsSync(mainJs)) return 'dist/server/main.js is not built (npm run build)';
  if (!onPath('redis-server')) return 'redis-server is not installed';
  return undefined;
}

export function nginxMissing(): string | undefined {
  return fs.existsSync('/usr/sbin/nginx') || onPath('nginx') ? undefined : 'nginx is not installed';
}

/** Why a private Redis (TestRedis) cannot run here, or undefined when it can. */
export function redisMissing(): string | undefined {
  return onPath('redis-server') ? undefined : 'redis-server is not installed';
}

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => fs.existsSync(path.join(dir, binary)));
}

/** A port the OS says is free now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 100 ms until it answers true; fails after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms`);
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves with the exit code once the process is gone (at once when it already is). */
export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** A private redis-server (no persistence) that a test can stop and start on the same port. */
export class TestRedis {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number) {}

  static async start(): Promise<TestRedis> {
    const redis = new TestRedis(await freePort());
    await redis.startAgain();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** The redis-server process, for CPU readings (undefined while stopped). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async startAgain(): Promise<void> {
    this.child = track(
      spawn(
        'redis-server',
        ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      ),
    );
    await waitFor('redis-server', () => portOpen(this.port), 10_000);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGKILL');
    await exitOf(child);
  }
}

export interface NodeOptions {
  port: number;
  /** Unset: SQLite in `dataDir`. */
  databaseUrl?: string;
  /** Unset: no Redis (one node, rooms in the process). */
  redisUrl?: string;
  dataDir: string;
  /** Where links point (the balancer, when there is one). */
  publicUrl: string;
  env?: Record<string, string>;
}

/**
 * One app node: `node dist/server/main.js` with the cluster's database and Redis, or alone on
 * SQLite in its data folder.
 */
export class TestNode {
  /** Everything the process printed, for failure messages and log assertions. */
  output = '';
  private constructor(
    readonly options: NodeOptions,
    private child: ChildProcess,
  ) {
    this.capture();
  }

  static async start(options: NodeOptions): Promise<TestNode> {
    const node = new TestNode(options, TestNode.spawn(options));
    await node.ready();
    return node;
  }

  private static spawn(options: NodeOptions): ChildProcess {
    return track(
      spawn(process.execPath, [mainJs], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          HOST: '127.0.0.1',
          PORT: String(options.port),
          PUBLIC_URL: options.publicUrl,
          DATA_DIR: options.dataDir,
          ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
          ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
          NODE_ID: `node-${options.port}`,
          MEDIA: 'p2p',
          LOG_LEVEL: 'info',
          LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
          // Every test guest joins from 127.0.0.1.
          JOIN_RATE_LIMIT_PER_MINUTE: '100000',
          ...options.env,
        },
      }),
    );
  }

  private capture(): void {
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private async ready(): Promise<void> {
    try {
      await waitFor(
        `node on port ${this.options.port}`,
        async () => {
          if (!this.running) throw new Error('exited');
          return (await fetch(`${this.url}/healthz`)).ok;
        },
        60_000,
      );
    } catch (error) {
      throw new Error(`${String(error)}\n--- node output ---\n${this.output}`, { cause: error });
    }
  }

  /** Sends `signal` and resolves with the exit code once the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const exited = exitOf(this.child);
    this.child.kill(signal);
    return exited;
  }

  /** Starts the process again with the same options (after a kill). */
  async restart(): Promise<void> {
    if (this.running) await this.kill('SIGKILL');
    this.child = TestNode.spawn(this.options);
    this.capture();
    await this.ready();
  }
}

/** nginx in front of the nodes with deploy/nginx.conf, in a temporary folder of its own. */
export class TestBalancer {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(upstreamPorts: number[], port?: number): Promise<TestBalancer> {
    port ??= await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-nginx-'));
    const site = fs
      .readFileSync(path.join(repoRoot, 'deploy/nginx.conf'), 'utf8')
      .replace(
        /^upstream tertulia \{[^}]*\}/m,
        `upstream tertulia {\n${upstreamPorts.map((p) => `  server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n')}\n}`,
      )
      .replace(/^ {2}listen 80;/m, `  listen 127.0.0.1:${port};`)
      .replace(/^ {2}server_name [^;]+;/m, '  server_name localhost;');
    fs.writeFileSync(path.join(dir, 'tertulia.conf'), site);
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      [
        'daemon off;',
        'worker_processes 1;',
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log warn;`,
        'events { worker_connections 1024; }',
        'http {',
        `  access_log off;`,
        `  client_body_temp_path ${dir}/body;`,
        `  proxy_temp_path ${dir}/proxy;`,
        `  fastcgi_temp_path ${dir}/fastcgi;`,
        `  uwsgi_temp_path ${dir}/uwsgi;`,
        `  scgi_temp_path ${dir}/scgi;`,
        `  include ${dir}/tertulia.conf;`,
        '}',
      ].join('\n'),
    );
    const binary = fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
    const check = spawnSync(binary, ['-t', '-p', dir, '-c', `${dir}/nginx.conf`], {
      encoding: 'utf8',
    });
    if (check.status !== 0) throw new Error(`nginx refused its configuration:\n${check.stderr}`);
    const child = track(spawn(binary, ['-p', dir, '-c', `${dir}/nginx.conf`], { stdio: 'ignore' }));
    const listening = port;
    await waitFor('nginx', () => portOpen(listening), 10_000);
    return new TestBalancer(listening, dir, child);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const exited = exitOf(this.child);
    this.child.kill('SIGQUIT');
    await exited;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Cluster {
  redis: TestRedis;
  nodes: TestNode[];
  databaseUrl: string;
  stop(): Promise<void>;
}

/** `count` nodes over a fresh PostgreSQL database and a private Redis. */
export async function startCluster(
  count: number,
  options: { env?: Record<string, string>; publicUrl?: (port: number) => string } = {},
): Promise<Cluster> {
  const redis = await TestRedis.start();
  const database = await createPostgresDatabase();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-cluster-'));
  const nodes: TestNode[] = [];
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  // One after the other: the first migrates the database, the others find it migrated.
  for (const [index, port] of ports.entries()) {
    nodes.push(
      await TestNode.start({
        port,
        databaseUrl: database.url,
        redisUrl: redis.url,
        dataDir: path.join(root, `node-${index}`),
        publicUrl: options.publicUrl?.(port) ?? `http://127.0.0.1:${port}`,
        env: options.env,
      }),
    );
  }
  return {
    redis,
    nodes,
    databaseUrl: database.url,
    async stop() {
      await Promise.all(nodes.map((node) => (node.running ? node.kill('SIGKILL') : null)));
      await redis.stop();
      await database.drop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
