/**
 * Synthetic participants for benchmarks, spread round-robin over `count` child processes
 * (bench/support/synthetic-worker.ts, run with tsx). Their CPU time is read apart from the
 * app's and Janus's through `pids()`, so a benchmark can say what the load tool itself cost.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SyntheticOptions, SyntheticStats } from '../../tools/load/synthetic.js';

export type WorkerCommand =
  | { op: 'join'; options: SyntheticOptions; mediaWaitMs: number }
  | { op: 'stats' }
  | { op: 'leave' };

export type WorkerRequest = { id: number } & WorkerCommand;

export type WorkerReply = { id: number } & (
  | { ok: true; peerId?: string; mediaUp?: boolean; stats?: SyntheticStats[] }
  | { ok: false; error: string }
);

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'synthetic-worker.ts');
/** How long a join waits for the participant's first media connection to be up. */
const MEDIA_WAIT_MS = 20_000;

class Worker {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: WorkerReply) => void>();
  private exited = false;

  constructor() {
    this.child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    this.child.on('message', (reply: WorkerReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
    this.child.once('exit', (code) => {
      this.exited = true;
      for (const answer of this.pending.values()) {
        answer({ id: 0, ok: false, error: `the worker exited (${code})` });
      }
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async ask(request: WorkerCommand): Promise<WorkerReply & { ok: true }> {
    if (this.exited) throw new Error('the worker has exited');
    const id = this.nextId++;
    const reply = await new Promise<WorkerReply>((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ ...request, id });
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exit = new Promise((resolve) => this.child.once('exit', resolve));
    await this.ask({ op: 'leave' }).catch(() => undefined);
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  }
}

export interface JoinedSynthetic {
  name: string;
  peerId: string;
  /** Its first media connection was up within MEDIA_WAIT_MS. */
  mediaUp: boolean;
}

export class SyntheticWorkers {
  private readonly workers: Worker[];
  private joined = 0;

  constructor(count: number) {
    if (!Number.isInteger(count) || count < 1) throw new Error('workers: a whole number >= 1');
    this.workers = Array.from({ length: count }, () => new Worker());
  }

  /**
   * Joins one participant in the next worker; resolves once its media is up (or not, in time),
   * or at once with `waitForMedia` false (alone in a p2p room, it has nobody to connect to).
   */
  async join(options: SyntheticOptions, waitForMedia = true): Promise<JoinedSynthetic> {
    const worker = this.workers[this.joined++ % this.workers.length] as Worker;
    const mediaWaitMs = waitForMedia ? MEDIA_WAIT_MS : 0;
    const reply = await worker.ask({ op: 'join', options, mediaWaitMs });
    return { name: options.name, peerId: reply.peerId ?? '', mediaUp: reply.mediaUp === true };
  }

  /** Every participant's stats now. */
  async stats(): Promise<SyntheticStats[]> {
    const replies = await Promise.all(this.workers.map((w) => w.ask({ op: 'stats' })));
    return replies.flatMap((reply) => reply.stats ?? []);
  }

  /** Everyone leaves; the workers stay for the next room. */
  async leaveAll(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ask({ op: 'leave' })));
    this.joined = 0;
  }

  pids(): number[] {
    return this.workers.map((w) => w.pid).filter((pid): pid is number => pid !== undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}
