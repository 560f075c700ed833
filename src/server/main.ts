/**
 * The composition root: config -> storage -> services -> http -> listen. The adapters (database,
 * delivery transports, media backend, room bus) are picked by compose.ts, which the tests share.
 */
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { systemClock } from './clock.js';
import { ensureFirstAdmin } from './accounts/first-admin.js';
import { createServices, createTransports, openRedis, openStorage } from './compose.js';
import { buildApp } from './http/app.js';
import { listenForMetrics } from './http/metrics-listener.js';
import { ReplyListener } from './replies/reply-listener.js';

const PURGE_INTERVAL_MS = 60 * 60_000;
/** How long a node of several answers 503 on /readyz before its port closes. */
const DRAIN_NOTICE_MS = 2_000;
/** A shutdown that takes longer (a hung send or database) ends the process anyway. */
const SHUTDOWN_DEADLINE_MS = 9_000;
/** Lobby uploads no guest ended up using are kept this long (the lobby issue's rule). */
const UNREFERENCED_AVATAR_TTL_MS = 24 * 60 * 60_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const log = pino({ level: config.logLevel, base: { node: config.nodeId, pid: process.pid } });
  const db = await openStorage(config, log);
  const redis = await openRedis(config, log);
  const transports = createTransports(config, log);
  const services = createServices(db, config, systemClock, transports, log, redis);
  const firstAdmin = await ensureFirstAdmin(services.members, config.admin);
  const app = await buildApp({ config, services });

  const purge = setInterval(() => {
    Promise.all([
      services.sessions.purgeExpired(),
      services.lobby.purgeExpired(),
      services.avatars.purgeUnreferenced(UNREFERENCED_AVATAR_TTL_MS),
      services.audit.purgeExpired(),
    ]).catch((err: unknown) => app.log.warn({ err }, 'purge failed'));
  }, PURGE_INTERVAL_MS);
  purge.unref();

  services.worker.start();
  // Calendar replies by mail (iMIP), when INBOUND_SMTP_PORT and REPLY_ADDRESS are set.
  const replies =
    config.inbound &&
    new ReplyListener(
      { ...config.inbound, domain: new URL(config.publicUrl).hostname },
      services.answers,
      {
        info: (msg) => log.info(msg),
        warn: (obj, msg) => log.warn(obj, msg),
      },
    );
  await replies?.listen();
  const metricsListener =
    config.metricsPort === undefined
      ? undefined
      : await listenForMetrics(services.metrics, config.metricsPort, (err) =>
          log.warn({ err }, 'metrics failed'),
        );

  /**
   * Draining: `/readyz` says 503 and new GETs and WebSocket upgrades get 503 NODE_DRAINING at
   * once (http/draining.ts); with other nodes (REDIS_URL) this lasts DRAIN_NOTICE_MS, so a
   * balancer that polls `/readyz` takes this node out before its port closes. Then every room
   * socket is told NODE_DRAINING (the browser reconnects at once, elsewhere, and keeps its
   * place), the port closes, requests and sends under way finish, chat is flushed, and the
   * process exits: within SHUTDOWN_DEADLINE_MS, hung or not.
   */
  const shutdown = async (signal: string) => {
    log.info(`${signal} received, draining`);
    const deadline = setTimeout(() => {
      log.error(`still shutting down after ${SHUTDOWN_DEADLINE_MS} ms: exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    services.readiness.drain();
    clearInterval(purge);
    // Sends under way finish; claimed rows not yet sent go back to the queue for the next start.
    const deliveries = services.worker.stop();
    if (redis) await new Promise((resolve) => setTimeout(resolve, DRAIN_NOTICE_MS));
    await app.close();
    await replies?.close();
    await metricsListener?.close();
    await deliveries;
    await db.destroy();
    await redis?.close();
    log.info('shut down');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  printWelcome(config, firstAdmin);
}

function printWelcome(
  config: Config,
  firstAdmin: Awaited<ReturnType<typeof ensureFirstAdmin>>,
): void {
  const lines = [`Tertulia is running at ${config.publicUrl}`];
  if (firstAdmin) {
    lines.push(`First admin account: ${firstAdmin.email}`);
    lines.push(
      firstAdmin.generatedPassword
        ? `Password (shown only this once; change it after logging in): ${firstAdmin.generatedPassword}`
        : 'Password: the one in ADMIN_PASSWORD',
    );
  }
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '='.repeat(width + 4);
  // Written straight to stdout, not the JSON log, so a person sees it at once.
  process.stdout.write(`\n${bar}\n${lines.map((l) => `  ${l}`).join('\n')}\n${bar}\n\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
