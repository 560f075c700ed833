/**
 * Every environment variable Tertulia reads is read here, once, into a frozen, typed Config.
 * A wrong value stops start-up with a message naming the variable.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { IceServerConfig } from '../shared/signaling.js';
import { SETTINGS_LIMITS } from '../shared/settings-limits.js';
import { parseIceServers } from './media/ice-servers.js';
import { findExecutable } from './media/janus/find-executable.js';
import { isValidCountry, isValidTimeZone } from './meetings/zones.js';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'must start with postgres://, postgresql:// or sqlite:')
    .optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(10, 'must have at least 10 characters').optional(),
  DEFAULT_PHONE_REGION: z
    .string()
    .toUpperCase()
    .refine(isValidCountry, 'must be an ISO 3166-1 alpha-2 region such as ES or US')
    .default('ES'),
  DEFAULT_TIME_ZONE: z
    .string()
    .refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Madrid')
    .default('UTC'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24 * 14),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  JOIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  JOIN_OPENS_MINUTES_BEFORE: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(30),
  JOIN_CLOSES_MINUTES_AFTER: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(240),
  MEETING_PASSWORD_LENGTH: z.coerce.number().int().min(6).max(12).default(8),
  P2P_ROOM_CAP: z.coerce.number().int().min(2).max(50).default(6),
  ORGANIZATION_NAME: z.string().trim().min(1).max(80).default('Tertulia'),
  // Minutes before a scheduled start, or `none`; admins may change them in Settings.
  EMAIL_REMINDER_MINUTES: reminderMinutes(1440),
  SMS_REMINDER_MINUTES: reminderMinutes(15),
  AUDIT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 365)
    .default(365),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(8),
  SMS_URL: z
    .string()
    .regex(/^(smpp|https?):\/\//, 'must start with smpp://, https:// or http://')
    .optional(),
  // GSM 03.40: an alphanumeric sender has at most 11 characters; a numeric one up to 15 digits.
  SMS_FROM: z
    .string()
    .regex(
      /^(\+?\d{1,15}|[A-Za-z0-9 ]{1,11})$/,
      'must be up to 11 letters/digits or a phone number',
    )
    .default('Tertulia'),
  DELIVERY_RETRY_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 14)
    .default(24),
  DELIVERY_RETRY_BASE_MS: z.coerce.number().int().min(1).default(5_000),
  // Calendar replies by mail (iMIP): an SMTP listener for REPLY_ADDRESS, off unless a port is set.
  INBOUND_SMTP_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  INBOUND_SMTP_HOST: z.string().min(1).default('0.0.0.0'),
  REPLY_ADDRESS: z.email().toLowerCase().optional(),
  INBOUND_SMTP_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(4 * 1024)
    .max(50 * 1024 * 1024)
    .default(256 * 1024),
  INBOUND_SMTP_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  // Renewed every third of it while a node sends; a dead node's messages wait this long.
  DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(3).max(3_600).default(30),
  ICE_SERVERS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseIceServers(value);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a JSON array of ICE servers or comma-separated stun:/turn: URLs (${String(error)})`,
        });
        return z.NEVER;
      }
    }),
  TURN_SECRET: z.string().min(16, 'must have at least 16 characters').optional(),
  TURN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(12 * 3_600),
  ROOM_RECONNECT_GRACE_SECONDS: z.coerce.number().min(1).max(600).default(32),
  ROOM_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  MEDIA: z.enum(['auto', 'p2p', 'janus']).default('auto'),
  JANUS_URLS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^wss?:\/\/\S+$/, 'must be ws:// or wss:// URLs'))),
  JANUS_API_SECRET: z.string().min(1).optional(),
  JANUS_ROOM_CAP: z.coerce.number().int().min(2).max(1000).default(50),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes, colons')
    .optional(),
  METRICS_TOKEN: z.string().min(16, 'must have at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  NODE_ENV: z.string().optional(),
});

export type Config = Readonly<{
  port: number;
  host: string;
  /** Base of every link we hand out (join links, avatar URLs), without a trailing slash. */
  publicUrl: string;
  /** True when PUBLIC_URL is https: cookies get the Secure flag. */
  secureCookies: boolean;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  /**
   * Set when several nodes serve one deployment: rooms, rate limits, settings changes and the
   * Janus placement are shared through this Redis. Unset: all of it lives in this process.
   */
  redisUrl: string | undefined;
  /** This node's name in logs, metrics and the room bus (default: host name and port). */
  nodeId: string;
  /** `/metrics` on the main port needs this bearer token; unset, it is not served there. */
  metricsToken: string | undefined;
  /** `/metrics` also (or only) on this port, bound to loopback. */
  metricsPort: number | undefined;
  admin: { email: string | undefined; password: string | undefined };
  defaultPhoneRegion: string;
  defaultTimeZone: string;
  logLevel: string;
  sessionTtlMs: number;
  loginRateLimitPerMinute: number;
  /**
   * Lobby passes (POST /api/join) per minute and source address: each makes a guest session,
   * a credential of its own (its own room reconnect allowance), so they must not be free.
   */
  joinRateLimitPerMinute: number;
  /** Believe X-Forwarded-For: only behind a proxy that sets it, or clients could forge it. */
  trustProxy: boolean;
  production: boolean;
  /** Digits in a generated meeting password (6 to 12). */
  meetingPasswordLength: number;
  /** Joining opens this long before a scheduled start and closes this long after its end. */
  joinWindow: { opensBeforeMs: number; closesAfterMs: number };
  /** Most people in one peer-to-peer room (2 to 50); admins may change it in Settings. */
  p2pRoomCap: number;
  /** Shown in invitations and the lobby unless an admin sets another in Settings. */
  organizationName: string;
  /** Default reminder lead times of new meetings, in minutes; null sends none. */
  reminders: { emailMinutes: number | null; smsMinutes: number | null };
  /** Audit log entries older than this are deleted by the hourly purge. */
  auditRetentionMs: number;
  room: {
    /** STUN/TURN servers for browsers; TURN ones get HMAC credentials when turnSecret is set. */
    iceServers: IceServerConfig[];
    turnSecret: string | undefined;
    turnTtlSeconds: number;
    /** How long a dropped participant keeps their place (from their last frame). */
    reconnectGraceMs: number;
    heartbeatMs: number;
  };
  /** Where room media flows: a browser mesh (p2p) or Janus VideoRoom (an SFU). */
  media:
    | { backend: 'p2p' }
    | {
        backend: 'janus';
        /** Janus WebSocket API endpoints; each room is placed on one of them. None: `local`. */
        urls: string[];
        /** Janus's `api_secret`; sent to Janus only, never logged nor given to browsers. */
        apiSecret: string | undefined;
        /** Most people in one Janus room. */
        roomCap: number;
        /** Set when `urls` is empty: this node starts and supervises this `janus` binary on
         *  loopback (with its own random API secret). */
        local?: {
          binary: string;
          /** MEDIA=auto: rooms use p2p when this Janus cannot start. */
          fallbackToP2p: boolean;
        };
      };
  delivery: {
    /** nodemailer URL; undefined keeps email in the outbox for admins to read. */
    smtpUrl: string | undefined;
    mailFrom: string;
    /** Pooled SMTP connections; 8 delivers 225 invitations/s in bench/invitations.ts, 3 only 140. */
    smtpMaxConnections: number;
    /** smpp:// or http(s):// provider; undefined keeps SMS in the outbox. */
    smsUrl: string | undefined;
    smsFrom: string;
    retryWindowMs: number;
    retryBaseMs: number;
    /** How long a claimed outbox row stays with its node without renewal (outbox.ts). */
    leaseMs: number;
  };
  /** Calendar replies (iMIP REPLY) by SMTP to REPLY_ADDRESS; undefined when not listening. */
  inbound:
    | {
        port: number;
        host: string;
        replyAddress: string;
        /** Larger messages are refused (SIZE in EHLO, 552 after DATA). */
        maxBytes: number;
        /** Per client address; more are refused with 421 until the minute has passed. */
        messagesPerMinute: number;
      }
    | undefined;
}>;

export class ConfigError extends Error {}

/** Where the `janus` binary is, given `$PATH`; tests pass their own answer. */
export type FindJanus = (searchPath: string | undefined) => string | undefined;

const findJanusOnPath: FindJanus = (searchPath) => findExecutable('janus', searchPath);

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  findJanus: FindJanus = findJanusOnPath,
): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const dataDir = path.resolve(e.DATA_DIR);
  // PATH is read only to look for `janus`, and only when the media choice depends on it.
  const media = mediaOf(e, () => findJanus(env.PATH));
  const database: Config['database'] =
    e.DATABASE_URL && !e.DATABASE_URL.startsWith('sqlite:')
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : {
          kind: 'sqlite',
          file: e.DATABASE_URL
            ? e.DATABASE_URL.slice('sqlite:'.length)
            : path.join(dataDir, 'tertulia.db'),
        };
  if (e.REDIS_URL && database.kind === 'sqlite') {
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_URL: several nodes need one shared PostgreSQL database; ' +
        'set DATABASE_URL=postgres://... (SQLite serves a single node, without REDIS_URL).',
    );
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    secureCookies: publicUrl.startsWith('https:'),
    dataDir,
    database,
    redisUrl: e.REDIS_URL,
    nodeId: e.NODE_ID ?? `${os.hostname()}:${e.PORT}`,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    admin: { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD },
    defaultPhoneRegion: e.DEFAULT_PHONE_REGION,
    defaultTimeZone: e.DEFAULT_TIME_ZONE,
    logLevel: e.LOG_LEVEL,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    loginRateLimitPerMinute: e.LOGIN_RATE_LIMIT_PER_MINUTE,
    joinRateLimitPerMinute: e.JOIN_RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    production: e.NODE_ENV === 'production',
    meetingPasswordLength: e.MEETING_PASSWORD_LENGTH,
    joinWindow: {
      opensBeforeMs: e.JOIN_OPENS_MINUTES_BEFORE * 60_000,
      closesAfterMs: e.JOIN_CLOSES_MINUTES_AFTER * 60_000,
    },
    p2pRoomCap: e.P2P_ROOM_CAP,
    organizationName: e.ORGANIZATION_NAME,
    reminders: { emailMinutes: e.EMAIL_REMINDER_MINUTES, smsMinutes: e.SMS_REMINDER_MINUTES },
    auditRetentionMs: e.AUDIT_RETENTION_DAYS * 86_400_000,
    room: {
      iceServers: e.ICE_SERVERS,
      turnSecret: e.TURN_SECRET,
      turnTtlSeconds: e.TURN_TTL_SECONDS,
      reconnectGraceMs: e.ROOM_RECONNECT_GRACE_SECONDS * 1000,
      heartbeatMs: e.ROOM_HEARTBEAT_MS,
    },
    media,
    delivery: {
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM ?? `Tertulia <meetings@${new URL(publicUrl).hostname}>`,
      smtpMaxConnections: e.SMTP_MAX_CONNECTIONS,
      smsUrl: e.SMS_URL,
      smsFrom: e.SMS_FROM,
      retryWindowMs: e.DELIVERY_RETRY_HOURS * 3_600_000,
      retryBaseMs: e.DELIVERY_RETRY_BASE_MS,
      leaseMs: e.DELIVERY_LEASE_SECONDS * 1000,
    },
    inbound: inboundOf(e),
  });
}

/** The listener needs both a port and the address it receives for; one without the other is an error. */
function inboundOf(e: z.infer<typeof envSchema>): Config['inbound'] {
  if (e.INBOUND_SMTP_PORT === undefined) {
    if (e.REPLY_ADDRESS !== undefined) {
      throw new ConfigError(
        'REPLY_ADDRESS is set but INBOUND_SMTP_PORT is not: replies would go nowhere',
      );
    }
    return undefined;
  }
  if (e.REPLY_ADDRESS === undefined) {
    throw new ConfigError('INBOUND_SMTP_PORT needs REPLY_ADDRESS, the address calendars reply to');
  }
  return {
    port: e.INBOUND_SMTP_PORT,
    host: e.INBOUND_SMTP_HOST,
    replyAddress: e.REPLY_ADDRESS,
    maxBytes: e.INBOUND_SMTP_MAX_BYTES,
    messagesPerMinute: e.INBOUND_SMTP_MESSAGES_PER_MINUTE,
  };
}

/**
 * MEDIA=p2p: p2p. With JANUS_URLS: those Janus instances. Otherwise a local Janus, which
 * MEDIA=janus always asks for and MEDIA=auto only when `janus` is on the PATH (p2p if not).
 */
function mediaOf(
  e: z.infer<typeof envSchema>,
  findJanus: () => string | undefined,
): Config['media'] {
  if (e.MEDIA === 'p2p') return { backend: 'p2p' };
  const janus = {
    backend: 'janus',
    urls: e.JANUS_URLS,
    apiSecret: e.JANUS_API_SECRET,
    roomCap: e.JANUS_ROOM_CAP,
  } as const;
  if (e.JANUS_URLS.length > 0) return janus;
  const binary = findJanus();
  if (e.MEDIA === 'auto' && !binary) return { backend: 'p2p' };
  // MEDIA=janus without the binary: the spawn fails and start-up says how to install it.
  return { ...janus, local: { binary: binary ?? 'janus', fallbackToP2p: e.MEDIA === 'auto' } };
}

/** A reminder lead time: whole minutes within the Settings page's bounds, or `none`. */
function reminderMinutes(fallback: number) {
  const { min, max } = SETTINGS_LIMITS.emailReminderMinutes;
  return z
    .union([z.literal('none').transform(() => null), z.coerce.number().int().min(min).max(max)])
    .default(fallback);
}
