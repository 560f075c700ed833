/**
 * This node's Prometheus metrics (`/metrics`). One registry per app, not prom-client's global
 * one: tests build many apps in one process. Every series carries `node` (NODE_ID), so one
 * Prometheus scraping N nodes keeps them apart. Counters and histograms are fed as things
 * happen; gauges read their source when Prometheus scrapes, so they cost nothing in between.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RoomStats {
  /** Rooms with at least one socket on this node. */
  rooms: number;
  /** Participants whose socket is on this node. */
  participants: number;
  /** The media servers (Janus) this node uses; undefined without one (p2p). */
  mediaServers: { up: number; total: number } | undefined;
}

export interface OutboxQueue {
  /** Messages waiting to be sent (due now or at a later retry). */
  queued: number;
  /** Age of the oldest of them, ms; 0 when none waits. */
  oldestQueuedAgeMs: number;
}

/** What the gauges read at scrape time; each source given to `watch` adds its gauges. */
export interface NodeSources {
  rooms: () => RoomStats;
  outbox: () => Promise<OutboxQueue>;
  /** WebSockets open on this node, joined to a room or not yet. */
  sockets: () => number;
  /** Only where several nodes share a Redis. */
  redisUp: () => boolean;
}

/** `skipped`: a reminder whose meeting had begun before it could be sent. */
export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'skipped';

/** Seconds; from a cached health check (~1 ms) to a slow upload or a meeting with many invitees. */
const HTTP_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds from publishing a room event to handing it to a socket on another node. */
const BUS_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export class NodeMetrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly deliveries: Counter<'channel' | 'result'>;
  private readonly busDelivery: Histogram;

  constructor(
    nodeId: string,
    /** Process metrics (CPU, memory, event loop lag, GC): only where someone scrapes them. */
    options: { processMetrics: boolean },
  ) {
    this.registry.setDefaultLabels({ node: nodeId });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.httpDuration = new Histogram({
      name: 'tertulia_http_request_duration_seconds',
      help: 'HTTP requests by route pattern (not the URL), method and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS_S,
      registers,
    });
    this.deliveries = new Counter({
      name: 'tertulia_deliveries_total',
      help: 'Invitation and reminder sends by channel (email, sms) and result (sent, retry, failed, skipped).',
      labelNames: ['channel', 'result'],
      registers,
    });
    this.busDelivery = new Histogram({
      name: 'tertulia_bus_delivery_seconds',
      help: 'Room bus: time from an event being published to its delivery on this node.',
      buckets: BUS_BUCKETS_S,
      registers,
    });
  }

  /** `route` is the pattern (`/api/meetings/:id`), so the series stay few. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  countDelivery(channel: 'email' | 'sms', result: DeliveryOutcome): void {
    this.deliveries.inc({ channel, result });
  }

  /** For the room bus: how long one of its messages took to reach this node. */
  observeBusDelivery(latencyMs: number): void {
    this.busDelivery.observe(latencyMs / 1000);
  }

  /** Adds the gauges of the sources given; each source is given once, by whoever owns it. */
  watch(sources: Partial<NodeSources>): void {
    const { rooms, outbox, sockets, redisUp } = sources;
    if (rooms) {
      this.gauge('tertulia_rooms', 'Rooms with a participant on this node.', () => rooms().rooms);
      this.gauge(
        'tertulia_room_participants',
        'Participants connected to this node.',
        () => rooms().participants,
      );
      this.gauge(
        'tertulia_janus_instances',
        'Janus instances this node uses (0 with p2p).',
        () => rooms().mediaServers?.total ?? 0,
      );
      this.gauge(
        'tertulia_janus_instances_up',
        'Janus instances this node sees up.',
        () => rooms().mediaServers?.up ?? 0,
      );
    }
    if (sockets) {
      this.gauge('tertulia_websockets_open', 'Room WebSockets open on this node.', sockets);
    }
    if (redisUp) {
      this.gauge('tertulia_redis_up', '1 while this node reaches Redis.', () =>
        redisUp() ? 1 : 0,
      );
    }
    if (outbox) {
      // Both gauges are collected at once (prom-client starts every collect before awaiting
      // any), so they share one query per scrape.
      let pending: Promise<OutboxQueue> | undefined;
      const queue = () => (pending ??= outbox().finally(() => (pending = undefined)));
      this.asyncGauge(
        'tertulia_outbox_queued',
        'Invitations waiting to be sent, due or retried later; the same on every node.',
        async () => (await queue()).queued,
      );
      this.asyncGauge(
        'tertulia_outbox_oldest_queued_seconds',
        'Age of the oldest invitation waiting to be sent (0 when none); the same on every node.',
        async () => (await queue()).oldestQueuedAgeMs / 1000,
      );
    }
  }

  /** The text Prometheus scrapes, and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /** A gauge watched again (a second app over the same services, in tests) reads the newest. */
  private gauge(name: string, help: string, read: () => number): void {
    this.registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** A source that fails (the database is down) reads NaN: the rest of the scrape goes on. */
  private asyncGauge(name: string, help: string, read: () => Promise<number>): void {
    this.registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read().catch(() => Number.NaN));
      },
    });
  }
}
