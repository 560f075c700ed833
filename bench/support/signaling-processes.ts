/**
 * The two sides of bench/signaling.ts as processes: the app in a child process, the simulated
 * participants in worker threads of the bench's own process, so neither shares the other's
 * event loop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerCommand, WorkerReport } from './signaling-clients.js';
// Types only: importing that module would start a second app in this process.
import type { MemorySample, ServerReady, ServerReply, ServerRequest } from './signaling-server.js';

/** The app in a child process (signaling-server.ts), asked over IPC for memory and CPU. */
export class ServerProcess {
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: ServerReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: ServerReady,
  ) {
    child.on('message', (message: ServerReply) => {
      if (message.type === 'ready') return;
      this.waiting.get(message.id)?.(message);
      this.waiting.delete(message.id);
    });
  }

  static async start(options: {
    roomCap: number;
    databaseUrl: string | undefined;
    /** Writes a V8 CPU profile of the server here. */
    profileDir: string | undefined;
    /** One of several nodes: they share rooms through this Redis. */
    redisUrl?: string;
    nodeId?: string;
    /** False on every node but the first (they share the database). */
    createMember?: boolean;
  }): Promise<ServerProcess> {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const child = fork(path.join(here, 'signaling-server.ts'), [], {
      execArgv: [
        ...process.execArgv,
        '--expose-gc',
        ...(options.profileDir
          ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.profileDir)}`]
          : []),
      ],
      env: {
        ...process.env,
        BENCH_ROOM_CAP: String(options.roomCap),
        ...(options.databaseUrl ? { BENCH_DATABASE_URL: options.databaseUrl } : {}),
        ...(options.redisUrl ? { BENCH_REDIS_URL: options.redisUrl } : {}),
        ...(options.nodeId ? { BENCH_NODE_ID: options.nodeId } : {}),
        BENCH_CREATE_MEMBER: options.createMember === false ? '0' : '1',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<ServerReady>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`server process exited early (${code})`)));
      child.on('message', (message: ServerReply) => {
        if (message.type === 'ready') resolve(message);
      });
    });
    child.removeAllListeners('exit');
    return new ServerProcess(child, ready);
  }

  private ask(type: 'memory' | 'cpu'): Promise<ServerReply> {
    const id = (this.nextId += 1);
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ type, id } satisfies ServerRequest);
    });
  }

  async memory(): Promise<MemorySample> {
    const reply = await this.ask('memory');
    if (reply.type !== 'memory') throw new Error('unexpected reply');
    return reply.memory;
  }

  async cpu(): Promise<NodeJS.CpuUsage> {
    const reply = await this.ask('cpu');
    if (reply.type !== 'cpu') throw new Error('unexpected reply');
    return reply.usage;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' } satisfies ServerRequest);
    await exited;
  }
}

/** The simulated participants: worker threads running signaling-clients.ts. */
export class ClientWorkers {
  private constructor(private readonly workers: Worker[]) {}

  static start(count: number): ClientWorkers {
    const script = new URL('./signaling-clients.ts', import.meta.url).href;
    // Node 20 workers do not inherit tsx's loader: register it in the worker, then load.
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap =
      `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); ` +
      `return import(${JSON.stringify(script)}); });`;
    return new ClientWorkers(
      Array.from({ length: count }, () => new Worker(bootstrap, { eval: true })),
    );
  }

  /** Sends each worker its command and waits for every report. */
  async run(command: (index: number) => WorkerCommand): Promise<WorkerReport[]> {
    return Promise.all(
      this.workers.map(
        (worker, index) =>
          new Promise<WorkerReport>((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
            worker.postMessage(command(index));
          }),
      ),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(async (worker) => {
        worker.postMessage({ type: 'stop' } satisfies WorkerCommand);
        await worker.terminate();
      }),
    );
  }
}
