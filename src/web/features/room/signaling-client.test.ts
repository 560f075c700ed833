import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES, type Welcome } from '../../../shared/signaling.js';
import { SignalingClient, type SignalingListener } from './signaling-client.js';

/**
 * Just enough of a browser's WebSocket to drive the client by hand; the real socket against the
 * real server is exercised by the signaling integration tests and the room's end-to-end tests.
 */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  static opened: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  readonly sent: { type: string }[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: ((close: { code: number }) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.opened.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as { type: string });
  }

  close(): void {
    this.readyState = FakeSocket.CLOSED;
  }

  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }

  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The server (or the network) closes it with this code. */
  closeWith(code: number): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code });
  }

  pings(): number {
    return this.sent.filter((frame) => frame.type === 'ping').length;
  }
}

const HEARTBEAT_MS = 2000;

const welcome: Welcome = {
  type: 'welcome',
  peerId: 'peer-1',
  resumeToken: 'resume-token',
  seq: 0,
  resumed: false,
  participants: [],
  chat: [],
  media: { backend: 'p2p', iceServers: [], roomCap: 6 },
  heartbeatMs: HEARTBEAT_MS,
};

function listener(): SignalingListener {
  return {
    status: vi.fn(),
    welcome: vi.fn(),
    event: vi.fn(),
    signal: vi.fn(),
    error: vi.fn(),
    hostNotice: vi.fn(),
  };
}

/** A client welcomed into the room over its first socket. */
function welcomedClient(handlers: SignalingListener = listener(), serverAnswers = true) {
  const client = new SignalingClient(
    'ws://test/ws',
    { audio: true, video: true, screen: false },
    handlers,
    null,
    { serverAnswers: async () => serverAnswers },
  );
  client.start();
  const socket = FakeSocket.opened[0]!;
  socket.open();
  socket.receive(welcome);
  return { client, socket };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.opened = [];
  vi.stubGlobal('WebSocket', FakeSocket);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('SignalingClient heartbeat', () => {
  it('pings at the pace the welcome gives and keeps a server that answers', () => {
    const { client, socket } = welcomedClient();
    for (let period = 0; period < 10; period += 1) {
      vi.advanceTimersByTime(HEARTBEAT_MS);
      socket.receive({ type: 'pong' });
    }
    expect(socket.pings()).toBe(10);
    expect(FakeSocket.opened).toHaveLength(1);
    expect(client.connected).toBe(true);
  });

  it('reconnects, asking for its place back, once three pings in a row go unanswered', () => {
    const { socket } = welcomedClient();
    vi.advanceTimersByTime(3 * HEARTBEAT_MS);
    expect(socket.pings()).toBe(3);
    expect(FakeSocket.opened).toHaveLength(1);

    vi.advanceTimersByTime(HEARTBEAT_MS); // the fourth tick gives up on this socket
    expect(socket.readyState).toBe(FakeSocket.CLOSED);
    vi.advanceTimersByTime(250); // the first reconnection attempt
    const next = FakeSocket.opened[1];
    expect(next).toBeDefined();
    next!.open();
    expect(next!.sent[0]).toMatchObject({
      type: 'hello',
      resume: { peerId: 'peer-1', resumeToken: 'resume-token', lastSeq: 0 },
    });
  });

  it('keeps a healthy connection when its own timer ran late (a page starved of CPU)', () => {
    const { socket } = welcomedClient();
    vi.advanceTimersByTime(HEARTBEAT_MS);
    socket.receive({ type: 'pong' });
    // The page got no CPU for 8 s: its clock moved on, its next tick runs late, and the server's
    // pong still waits in the queue behind it.
    vi.setSystemTime(Date.now() + 8000);
    vi.advanceTimersByTime(HEARTBEAT_MS);
    expect(socket.readyState).toBe(FakeSocket.OPEN);
    socket.receive({ type: 'pong' });
    vi.advanceTimersByTime(2 * HEARTBEAT_MS);
    expect(socket.readyState).toBe(FakeSocket.OPEN);
    expect(FakeSocket.opened).toHaveLength(1);
  });
});

describe('SignalingClient listener', () => {
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  it('logs a welcome handler that throws, then still says connected and delivers events', () => {
    const handlers = listener();
    const failure = new Error('page bug');
    vi.mocked(handlers.welcome).mockImplementation(() => {
      throw failure;
    });
    const { socket } = welcomedClient(handlers);
    expect(handlers.status).toHaveBeenLastCalledWith('connected');
    expect(console.error).toHaveBeenCalledExactlyOnceWith('Signaling listener failed', failure);

    const chat = {
      type: 'chat',
      seq: 1,
      message: {
        id: 'm1',
        peerId: 'p',
        displayName: 'P',
        text: 'hi',
        sentAt: '2030-03-01T10:00:00.000Z',
      },
    };
    socket.receive(chat);
    expect(handlers.event).toHaveBeenCalledWith(chat);
  });

  it('still reconnects when the status handler throws on "reconnecting"', () => {
    const handlers = listener();
    vi.mocked(handlers.status).mockImplementation((status) => {
      if (status === 'reconnecting') throw new Error('page bug');
    });
    welcomedClient(handlers);
    vi.advanceTimersByTime(4 * HEARTBEAT_MS + 250); // three pings unanswered, then one retry
    expect(FakeSocket.opened).toHaveLength(2);
  });
});

describe('SignalingClient when its server drains (a deploy)', () => {
  const resume = { peerId: 'peer-1', resumeToken: 'resume-token', lastSeq: 0 };

  it('reconnects at once after NODE_DRAINING, asking for its place back', () => {
    const handlers = listener();
    const { socket } = welcomedClient(handlers);
    socket.closeWith(CLOSE_CODES.NODE_DRAINING);
    // No timer has run: the new socket is opened within the close handler.
    expect(FakeSocket.opened).toHaveLength(2);
    expect(handlers.status).toHaveBeenLastCalledWith('reconnecting');
    const next = FakeSocket.opened[1]!;
    next.open();
    expect(next.sent[0]).toMatchObject({ type: 'hello', resume });
  });

  it('waits for the backoff after a close without that code', () => {
    const { socket } = welcomedClient();
    socket.closeWith(1006);
    expect(FakeSocket.opened).toHaveLength(1);
    vi.advanceTimersByTime(250);
    expect(FakeSocket.opened).toHaveLength(2);
  });

  it('keeps trying, not the lobby, while servers refuse it for a while after NODE_DRAINING', async () => {
    const handlers = listener();
    const { socket } = welcomedClient(handlers);
    socket.closeWith(CLOSE_CODES.NODE_DRAINING);
    // The draining server (or a single one restarting) refuses five upgrades in a row.
    for (let refused = 0; refused < 5; refused += 1) {
      FakeSocket.opened.at(-1)!.closeWith(1006);
      await vi.advanceTimersByTimeAsync(3000);
    }
    expect(handlers.status).not.toHaveBeenCalledWith('refused', 'upgrade');
    const next = FakeSocket.opened.at(-1)!;
    expect(FakeSocket.opened).toHaveLength(7);
    next.open();
    expect(next.sent[0]).toMatchObject({ type: 'hello', resume });
  });

  it('takes three refusals in a row as "no session here" without a NODE_DRAINING first', async () => {
    const handlers = listener();
    const { socket } = welcomedClient(handlers);
    socket.closeWith(1006);
    for (let refused = 0; refused < 3; refused += 1) {
      await vi.advanceTimersByTimeAsync(3000);
      FakeSocket.opened.at(-1)!.closeWith(1006);
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(handlers.status).toHaveBeenLastCalledWith('refused', 'upgrade');
  });

  it('keeps trying, not the lobby, while no server answers at all (a lone server restarting)', async () => {
    const handlers = listener();
    const { socket } = welcomedClient(handlers, false);
    socket.closeWith(1006);
    for (let failed = 0; failed < 8; failed += 1) {
      await vi.advanceTimersByTimeAsync(3000);
      FakeSocket.opened.at(-1)!.closeWith(1006);
    }
    await vi.advanceTimersByTimeAsync(3000);
    expect(handlers.status).not.toHaveBeenCalledWith('refused', 'upgrade');
    const next = FakeSocket.opened.at(-1)!;
    expect(FakeSocket.opened).toHaveLength(10);
    next.open();
    expect(next.sent[0]).toMatchObject({ type: 'hello', resume });
  });
});
