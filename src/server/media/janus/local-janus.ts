/**
 * The embedded convenience: with no JANUS_URLS and MEDIA=janus (or MEDIA=auto with `janus`
 * installed), this node starts Debian's `janus` itself with a generated loopback-only
 * configuration (local-config.ts) in `$DATA_DIR/janus`, a random API secret and a free port,
 * and starts it again if it dies.
 * Janus dies with this process (an `exit` hook); a crashed Janus loses its rooms' media, which
 * browsers renegotiate when rooms can move between instances (a later step).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { writeJanusConfig } from './local-config.js';

type Log = { warn(obj: object, msg: string): void };

/** How long Janus gets to open its WebSocket port after starting. */
const START_TIMEOUT_MS = 15_000;
/** Wait before starting a dead Janus again; it doubles up to a minute while it keeps dying. */
const RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 60_000;
/** A Janus that ran this long resets the restart delay. */
const HEALTHY_AFTER_MS = 30_000;

export class LocalJanus {
  /** The WebSocket URL once Janus first answers; rejects when it cannot start at all. */
  readonly url: Promise<string>;
  private child: ChildProcess | null = null;
  private stopping = false;
  private restartDelayMs = RESTART_DELAY_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly killOnExit = () => this.child?.kill('SIGTERM');

  constructor(
    private readonly dir: string,
    private readonly log: Log,
    private readonly binary = 'janus',
    /** Several instances behind one JANUS_API_SECRET share it (tests of failover). */
    readonly apiSecret = randomBytes(24).toString('base64url'),
  ) {
    process.once('exit', this.killOnExit);
    this.url = this.start();
    this.url.catch((error: unknown) =>
      log.warn(
        { err: error },
        'Could not start a local Janus: install it (apt-get install janus) or set JANUS_URLS',
      ),
    );
  }

  /** The running Janus's process id (tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    process.removeListener('exit', this.killOnExit);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  private async start(): Promise<string> {
    const port = await freePort();
    const args = await writeJanusConfig({
      dir: this.dir,
      wsPort: port,
      apiSecret: this.apiSecret,
    });
    await this.run([...args, '--disable-colors'], port);
    return `ws://127.0.0.1:${port}`;
  }

  private async run(args: string[], port: number): Promise<void> {
    const child = spawn(this.binary, args, { stdio: 'ignore' });
    this.child = child;
    const startedAt = Date.now();
    let up = false;
    const failed = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`janus exited (${code ?? signal})`)));
    });
    failed.catch(() => {});
    child.once('exit', (code, signal) => {
      if (this.stopping || this.child !== child || !up) return;
      if (Date.now() - startedAt > HEALTHY_AFTER_MS) this.restartDelayMs = RESTART_DELAY_MS;
      this.log.warn({ code, signal }, 'The local Janus stopped; starting it again');
      this.restart(args, port);
    });
    await Promise.race([waitForPort(port, START_TIMEOUT_MS), failed]);
    up = true;
  }

  private restart(args: string[], port: number): void {
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.run(args, port).catch((error: unknown) => {
        this.log.warn({ err: error }, 'The local Janus did not start again');
        this.child?.kill('SIGKILL');
        this.restart(args, port);
      });
    }, this.restartDelayMs);
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, MAX_RESTART_DELAY_MS);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`janus did not open port ${port} within ${timeoutMs} ms`);
}
