/**
 * Simulated room participants for bench/signaling.ts, run in a worker thread of the parent
 * process (never in the server's process). Each is a `ws` client speaking the room protocol as
 * the web client does: hello, a ping every `heartbeatMs`, chat, leave. Whole rooms live in one
 * worker, so a chat's send time (`performance.now()` in its text) and its receipt by the other
 * members are read on the same clock.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import WebSocket from 'ws';
import type { ServerFrame } from '../../src/shared/signaling.js';

export interface Seat {
  room: number;
  joinToken: string;
  /** Guest token, sent as `Authorization: Bearer`. */
  bearer: string;
  /** Which node's URL (index into the join command's `urls`) this participant connects to. */
  node: number;
}

export type WorkerCommand =
  | { type: 'join'; urls: string[]; seats: Seat[]; concurrency: number }
  | {
      type: 'chat';
      sendsPerSecond: number;
      seconds: number;
      warmupSeconds: number;
      drainMs: number;
    }
  | { type: 'leave'; concurrency: number }
  | { type: 'stop' };

export type WorkerReport =
  | { type: 'joined'; joinMs: Float64Array; failures: string[] }
  | {
      type: 'chatted';
      /** Send-to-receipt times at the other members, for messages sent after the warm-up. */
      latencyMs: Float64Array;
      sent: number;
      /** Receipts the room sizes call for (each send, to every other member). */
      expected: number;
      received: number;
      receivedInWindow: number;
      /** Messages per second each participant sent (all send at the same pace). */
      perClientRate: number;
      /** This worker's event-loop delay p99 while chatting: time a receipt may have waited here. */
      loopDelayP99Ms: number;
      errors: string[];
    }
  | { type: 'left'; leaveMs: Float64Array; failures: string[] };

const CHAT_PREFIX = 'bench ';

class BenchParticipant {
  peerId = '';
  /** Other members in the room, once everyone has joined. */
  others = 0;
  private socket: WebSocket | undefined;
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    readonly seat: Seat,
    private readonly onChat: (sentAt: number, receivedAt: number) => void,
    private readonly onError: (what: string) => void,
  ) {}

  /** Connects and joins; resolves on `welcome`. */
  join(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${url}/api/rooms/${this.seat.joinToken}/ws`, {
        headers: { authorization: `Bearer ${this.seat.bearer}` },
      });
      this.socket = socket;
      socket.once('open', () =>
        socket.send(
          JSON.stringify({ type: 'hello', media: { audio: true, video: true, screen: false } }),
        ),
      );
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`HTTP ${res.statusCode}`)),
      );
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as ServerFrame;
        if (frame.type === 'welcome') {
          this.peerId = frame.peerId;
          this.startPinging(frame.heartbeatMs);
          resolve();
        } else if (frame.type === 'chat' && frame.message.peerId !== this.peerId) {
          this.onChat(Number(frame.message.text.slice(CHAT_PREFIX.length)), performance.now());
        } else if (frame.type === 'error') {
          this.onError(frame.code);
        }
      });
      socket.on('close', (code) => {
        clearInterval(this.pinger);
        if (code !== 4000) this.onError(`closed ${code}`);
      });
    });
  }

  chat(): void {
    this.socket?.send(JSON.stringify({ type: 'chat', text: `${CHAT_PREFIX}${performance.now()}` }));
  }

  /** Sends `leave`; resolves when the server has closed the socket. */
  leave(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.send(JSON.stringify({ type: 'leave' }));
    });
  }

  terminate(): void {
    clearInterval(this.pinger);
    this.socket?.terminate();
  }

  /** As a browser does, at the server's pace, each participant at its own phase. */
  private startPinging(heartbeatMs: number): void {
    const start = setTimeout(() => {
      this.pinger = setInterval(() => {
        if (this.socket?.readyState === WebSocket.OPEN) {
          this.socket.send(JSON.stringify({ type: 'ping', at: performance.now() }));
        }
      }, heartbeatMs);
    }, Math.random() * heartbeatMs);
    start.unref();
  }
}

let participants: BenchParticipant[] = [];
let latencies: number[] = [];
let measureFrom = Infinity;
let received = 0;
/** Receipts (of any message) that arrived between the end of the warm-up and the last send. */
let receivedInWindow = 0;
let windowEnd = -Infinity;
let errors: string[] = [];

const recordChat = (sentAt: number, receivedAt: number) => {
  received += 1;
  if (sentAt >= measureFrom) latencies.push(receivedAt - sentAt);
  if (receivedAt >= measureFrom && receivedAt <= windowEnd) receivedInWindow += 1;
};
const recordError = (what: string) => {
  if (errors.length < 100) errors.push(what);
};

/** Runs `task` over `items` with at most `concurrency` in flight; returns each one's duration. */
async function timed<T>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
  failures: string[],
): Promise<Float64Array> {
  const durations = new Float64Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      const started = performance.now();
      try {
        await task(items[index] as T);
      } catch (error) {
        failures.push(String(error));
      }
      durations[index] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return durations;
}

async function join(urls: string[], seats: Seat[], concurrency: number): Promise<WorkerReport> {
  participants = seats.map((seat) => new BenchParticipant(seat, recordChat, recordError));
  const failures: string[] = [];
  const joinMs = await timed(
    participants,
    concurrency,
    (p) => p.join(urls[p.seat.node] as string),
    failures,
  );
  const roomSizes = new Map<number, number>();
  for (const p of participants) roomSizes.set(p.seat.room, (roomSizes.get(p.seat.room) ?? 0) + 1);
  for (const p of participants) p.others = (roomSizes.get(p.seat.room) ?? 1) - 1;
  return { type: 'joined', joinMs, failures };
}

/** Sends at a steady total rate, round-robin over a shuffled order of the participants. */
async function chat(command: Extract<WorkerCommand, { type: 'chat' }>): Promise<WorkerReport> {
  const order = shuffled(participants);
  latencies = [];
  received = 0;
  receivedInWindow = 0;
  errors = [];
  let sent = 0;
  let expected = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const start = performance.now();
  measureFrom = start + command.warmupSeconds * 1000;
  const end = start + command.seconds * 1000;
  windowEnd = end;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.floor(((Math.min(now, end) - start) / 1000) * command.sendsPerSecond);
      while (sent < due) {
        const sender = order[sent % order.length] as BenchParticipant;
        sender.chat();
        expected += sender.others;
        sent += 1;
      }
      if (now >= end) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  // Messages still on their way when sending stopped: wait for every receipt the room sizes
  // call for, or until nothing has arrived for drainMs (then some are missing).
  let last = received;
  let quietSince = performance.now();
  while (received < expected && performance.now() - quietSince < command.drainMs) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (received !== last) {
      last = received;
      quietSince = performance.now();
    }
  }
  measureFrom = Infinity;
  loopDelay.disable();
  return {
    type: 'chatted',
    latencyMs: Float64Array.from(latencies),
    sent,
    expected,
    received,
    receivedInWindow,
    perClientRate: command.sendsPerSecond / Math.max(1, order.length),
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    errors,
  };
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

async function leave(concurrency: number): Promise<WorkerReport> {
  const failures: string[] = [];
  const leaveMs = await timed(participants, concurrency, (p) => p.leave(), failures);
  return { type: 'left', leaveMs, failures };
}

parentPort?.on('message', (command: WorkerCommand) => {
  const run = async (): Promise<WorkerReport | null> => {
    switch (command.type) {
      case 'join':
        return join(command.urls, command.seats, command.concurrency);
      case 'chat':
        return chat(command);
      case 'leave':
        return leave(command.concurrency);
      case 'stop':
        for (const p of participants) p.terminate();
        parentPort?.close();
        return null;
    }
  };
  void run().then((report) => {
    if (report) parentPort?.postMessage(report);
  });
});
