/**
 * The composition root's wiring: the one place that picks concrete adapters (the database, the
 * delivery transports, the media backend, the room bus) and builds the services over them.
 * main.ts runs it for the real process; the tests and benchmarks build the same app with it.
 */
import path from 'node:path';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { systemClock, type Clock } from './clock.js';
import { MembersService } from './accounts/members.js';
import { AuditService, DEFAULT_BURST_WINDOW_MS } from './audit/audit.js';
import { SessionsService } from './accounts/sessions.js';
import { AvatarsService } from './avatars/avatars.js';
import { importPictureFiles } from './avatars/import-picture-files.js';
import { InvitationsService } from './invitations/invitations.js';
import { OutboxStore } from './invitations/outbox.js';
import { AnswersService } from './replies/answers.js';
import { CalendarFeeds } from './calendar/calendar-feeds.js';
import { HttpSmsTransport } from './invitations/transports/http-sms.js';
import { SmppTransport } from './invitations/transports/smpp.js';
import { SmtpTransport } from './invitations/transports/smtp.js';
import { DeliveryWorker, type Transports } from './invitations/worker.js';
import { HostingStore } from './hosting/hosting-store.js';
import { LobbyService } from './lobby/lobby.js';
import { InMemoryPasswordAttempts } from './lobby/password-attempts.js';
import { RedisPasswordAttempts } from './lobby/redis-password-attempts.js';
import { iceServersFor } from './media/ice-servers.js';
import { JanusBackend } from './media/janus/janus-backend.js';
import { LocalJanus } from './media/janus/local-janus.js';
import { RedisRoomPlacements } from './media/janus/redis-room-placements.js';
import { InProcessRoomPlacements } from './media/janus/room-placements.js';
import { LocalJanusOrP2p } from './media/local-janus-or-p2p.js';
import type { MediaBackend, SignalSink } from './media/media-backend.js';
import { P2pBackend } from './media/p2p.js';
import { MeetingsService } from './meetings/meetings.js';
import { ChatStore } from './room/chat-store.js';
import { InProcessRoomBus, type RoomBus } from './room/room-bus.js';
import { RedisRoomBus } from './room/redis-room-bus.js';
import { RoomHub } from './room/room-hub.js';
import { RosterFile } from './room/roster-file.js';
import { Logos } from './settings/logo.js';
import { RedisSettingsNotices } from './settings/redis-settings-notices.js';
import { SettingsService, settingsDefaults } from './settings/settings.js';
import { NodeMetrics } from './metrics/node-metrics.js';
import { Readiness } from './readiness.js';
import { RedisLink } from './redis/redis-link.js';
import { migrateToLatest, openDatabase, type Db } from './storage/database.js';
import { backupBeforeMigrating } from './storage/pre-migration-backup.js';

/** What the HTTP routes (http/context.ts) and the process (main.ts) are given. */
export interface Services {
  members: MembersService;
  sessions: SessionsService;
  meetings: MeetingsService;
  avatars: AvatarsService;
  lobby: LobbyService;
  invitations: InvitationsService;
  /** Invitees' answers (RSVP): personal links and calendar replies. */
  answers: AnswersService;
  /** Members' calendar feeds and the lobby's .ics. */
  calendar: CalendarFeeds;
  outbox: OutboxStore;
  /** Delivers outbox rows; started by main.ts (tests drive it by hand). */
  worker: DeliveryWorker;
  /** Admin settings in effect (`get()`), e.g. `p2pRoomCap` for the room. */
  settings: SettingsService;
  audit: AuditService;
  /** The meeting rooms' signaling on this node. */
  rooms: RoomHub;
  /** Hosts' decisions: waiting room, lock, co-hosts, admissions (shared by every node). */
  hosting: HostingStore;
  /** The Redis several nodes share (REDIS_URL); undefined on a single node. */
  redis: RedisLink | undefined;
  /** `/readyz`, and whether this node is draining (main.ts starts that on SIGTERM). */
  readiness: Readiness;
  /** `/metrics`; the room bus reports its delivery times with `observeBusDelivery`. */
  metrics: NodeMetrics;
}

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

const silent = { info() {}, warn() {}, error() {} };

/**
 * The database the config names (SQLite file or PostgreSQL URL), migrated to the latest schema.
 * A SQLite database with migrations pending is first copied into `DATA_DIR/backups`; pictures
 * still in DATA_DIR's files are then moved into the database.
 */
export async function openStorage(
  config: Config,
  log: Log = silent,
  clock: Clock = systemClock,
): Promise<Db> {
  const db = openDatabase(config.database);
  const backupsDir = path.join(config.dataDir, 'backups');
  const copy = await backupBeforeMigrating(db, config.database, backupsDir, clock.now());
  if (copy) log.info(`database copied to ${copy} before migrating`);
  await migrateToLatest(db);
  const pictures = await importPictureFiles(db, config.dataDir);
  if (pictures.imported + pictures.unused > 0) {
    log.info(
      `pictures: ${pictures.imported} copied from DATA_DIR into the database, ${pictures.unused} unused; the files are now in DATA_DIR/backups/pictures-before-database`,
    );
  }
  return db;
}

/**
 * The Redis that several nodes share, when REDIS_URL is set; undefined on a single node, where
 * everything shared lives in this process. Fails start-up when Redis cannot be reached.
 */
export async function openRedis(config: Config, log: Log = silent): Promise<RedisLink | undefined> {
  if (!config.redisUrl) return undefined;
  const link = await RedisLink.open(config.redisUrl, {
    info: (msg) => log.info(msg),
    warn: (obj, msg) => log.warn(obj, msg),
  });
  log.info(`cluster: node ${config.nodeId}, sharing rooms and limits through Redis`);
  return link;
}

/** Picks the delivery transports from config; a channel left unset keeps its messages for admins. */
export function createTransports(config: Config, log: Logger): Transports {
  const { smtpUrl, mailFrom, smtpMaxConnections, smsUrl, smsFrom } = config.delivery;
  const smsLog = log.child({ component: 'sms' });
  return {
    email: smtpUrl
      ? new SmtpTransport({ url: smtpUrl, from: mailFrom, maxConnections: smtpMaxConnections })
      : undefined,
    sms: !smsUrl
      ? undefined
      : smsUrl.startsWith('smpp:')
        ? new SmppTransport({ url: smsUrl, source: smsFrom, logger: smsLog })
        : new HttpSmsTransport({ url: smsUrl, from: smsFrom }),
  };
}

/** The domain services over one database; without transports, messages wait for an admin. */
export function createServices(
  db: Db,
  config: Config,
  clock: Clock,
  transports: Transports = { email: undefined, sms: undefined },
  log: Log = silent,
  /** Set when several nodes share this deployment (REDIS_URL); see openRedis. */
  redis?: RedisLink,
): Services {
  const members = new MembersService(db, clock);
  const audit = new AuditService(db, clock, {
    retentionMs: config.auditRetentionMs,
    burstWindowMs: DEFAULT_BURST_WINDOW_MS,
  });
  const settings = new SettingsService(
    db,
    clock,
    audit,
    new Logos(db, clock),
    settingsDefaults(config),
    redis && new RedisSettingsNotices(redis, log),
  );
  // Process metrics only where someone may scrape them: they keep timers of their own.
  const metrics = new NodeMetrics(config.nodeId, {
    processMetrics: config.metricsToken !== undefined || config.metricsPort !== undefined,
  });
  const outbox = new OutboxStore(db, clock, config.database.kind, {
    leaseMs: config.delivery.leaseMs,
  });
  const invitations = new InvitationsService(db, outbox, clock, log, {
    publicUrl: config.publicUrl,
    channels: { email: transports.email !== undefined, sms: transports.sms !== undefined },
    retryWindowMs: config.delivery.retryWindowMs,
    replyAddress: config.inbound?.replyAddress,
    organization: async (tx) => {
      const s = await settings.get(tx);
      const logo = s.organizationLogoUrl;
      return { name: s.organizationName, logoUrl: logo && `${config.publicUrl}${logo}` };
    },
  });
  const worker = new DeliveryWorker(outbox, transports, clock, log, {
    retryBaseMs: config.delivery.retryBaseMs,
    retryMaxMs: 10 * 60_000,
    // An idle worker wakes when its next row is due (worker.ts); this only bounds the sleep.
    pollMs: 5_000,
    concurrency: 16,
    onOutcome: (channel, outcome) => metrics.countDelivery(channel, outcome),
  });
  invitations.onQueued(() => worker.wake());
  const hosting = new HostingStore(db, clock);
  const pageOrganization = async () => {
    const s = await settings.get();
    return { name: s.organizationName, logoUrl: s.organizationLogoUrl };
  };
  const replyAddress = config.inbound?.replyAddress ?? null;
  const answers = new AnswersService(db, clock, invitations, {
    publicUrl: config.publicUrl,
    replyAddress,
    organization: pageOrganization,
  });
  const calendar = new CalendarFeeds(db, clock, {
    publicUrl: config.publicUrl,
    replyAddress,
    organization: pageOrganization,
  });
  const rooms = createRoomHub(
    db,
    config,
    clock,
    log,
    async () => (await settings.get()).p2pRoomCap,
    redis,
    metrics,
    hosting,
    audit,
  );
  metrics.watch({
    rooms: () => rooms.stats(),
    outbox: () => outbox.queue(),
    ...(redis ? { redisUp: () => redis.isUp } : {}),
  });
  return {
    members,
    sessions: new SessionsService(db, clock, config.sessionTtlMs),
    meetings: new MeetingsService(
      db,
      members,
      invitations,
      clock,
      {
        publicUrl: config.publicUrl,
        defaultTimeZone: config.defaultTimeZone,
        policy: async () => {
          const s = await settings.get();
          return {
            passwordLength: s.meetingPasswordLength,
            // Checked when set (config.ts, settings.ts), so always one of libphonenumber's regions.
            defaultPhoneRegion: s.defaultPhoneRegion as CountryCode,
            emailReminderMinutes: s.emailReminderMinutes,
            smsReminderMinutes: s.smsReminderMinutes,
            waitingRoomDefault: s.waitingRoomDefault,
          };
        },
      },
      hosting,
    ),
    avatars: new AvatarsService(db, clock),
    lobby: new LobbyService(
      db,
      clock,
      redis ? new RedisPasswordAttempts(redis, clock) : new InMemoryPasswordAttempts(clock),
      async () => {
        const s = await settings.get();
        return {
          joinWindow: {
            opensBeforeMs: s.joinOpensMinutesBefore * 60_000,
            closesAfterMs: s.joinClosesMinutesAfter * 60_000,
          },
          organization: { name: s.organizationName, logoUrl: s.organizationLogoUrl },
        };
      },
      audit,
      hosting,
    ),
    invitations,
    answers,
    calendar,
    outbox,
    worker,
    settings,
    audit,
    rooms,
    hosting,
    redis,
    readiness: new Readiness(db, redis),
    metrics,
  };
}

/**
 * The room over its bus (Redis when several nodes share it, else this process), its chat store
 * and the media backend the config asks for.
 */
function createRoomHub(
  db: Db,
  config: Config,
  clock: Clock,
  log: Log,
  /** Read on every join, so an admin's change applies to the next participant. */
  p2pRoomCap: () => Promise<number>,
  redis: RedisLink | undefined,
  metrics: NodeMetrics,
  hosting: HostingStore,
  audit: AuditService,
): RoomHub {
  const bus: RoomBus = redis
    ? new RedisRoomBus(redis, log, {
        nodeId: config.nodeId,
        // Publish on one node to delivery on this one: what Redis adds to every event.
        onDelivered: (latencyMs) => metrics.observeBusDelivery(latencyMs),
      })
    : // Alone: the rosters are kept in DATA_DIR, so a restart does not forget the rooms.
      new InProcessRoomBus(log, new RosterFile(path.join(config.dataDir, 'rooms'), log));
  // Never rejects: media backends send notices without waiting (`void sink(...)`), and a
  // signal lost while Redis is down is negotiated again (RedisLink logs the outage once).
  const sink: SignalSink = (roomId, to, from, payload) =>
    bus.signal(roomId, to, from, payload).catch((error: unknown) => {
      if (bus.available) log.warn({ err: error, roomId }, 'signal not relayed');
    });
  const media = createMediaBackend(config, clock, sink, p2pRoomCap, log, redis);
  const options = {
    heartbeatMs: config.room.heartbeatMs,
    reconnectGraceMs: config.room.reconnectGraceMs,
  };
  return new RoomHub(bus, new ChatStore(db, log), media, clock, log, options, hosting, audit);
}

/** p2p, the configured Janus instances, or a Janus this node runs itself (maybe p2p behind it). */
function createMediaBackend(
  config: Config,
  clock: Clock,
  sink: SignalSink,
  p2pRoomCap: () => Promise<number>,
  log: Log,
  redis: RedisLink | undefined,
): MediaBackend {
  const ice = (peerId: string) => iceServersFor(config.room, { peerId }, clock.now());
  const p2p = () => new P2pBackend(sink, p2pRoomCap, ice);
  const settings = config.media;
  if (settings.backend === 'p2p') {
    const media = p2p();
    log.info('media: p2p');
    return media;
  }
  if (!settings.local) {
    // Several nodes agree in Redis on where each room is, and on which instances are down.
    const placements = redis ? new RedisRoomPlacements(redis, log) : new InProcessRoomPlacements();
    const media = new JanusBackend(settings, sink, ice, log, placements);
    log.info(`media: janus (${settings.urls.map((url) => new URL(url).host).join(', ')})`);
    return media;
  }
  // No JANUS_URLS: this node runs Janus itself, on loopback.
  const local = new LocalJanus(path.join(config.dataDir, 'janus'), log, settings.local.binary);
  // A loopback Janus is this node's alone: other nodes cannot reach it, so nothing is shared.
  if (redis) log.warn({}, 'media: each node runs its own Janus; set JANUS_URLS for shared rooms');
  const janus = new JanusBackend(settings, sink, ice, log, new InProcessRoomPlacements(), local);
  const media = settings.local.fallbackToP2p
    ? new LocalJanusOrP2p(janus, local, p2p(), log)
    : janus;
  // A failure is LocalJanus's warning (how to install it), and LocalJanusOrP2p's line.
  local.url.then((url) => log.info(`media: janus (local, ${new URL(url).host})`)).catch(() => {});
  return media;
}
