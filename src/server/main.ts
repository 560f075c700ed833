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

const PURGE_INTERVAL_MS = 60 * 60_000;
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

  const shutdown = async (signal: string) => {
    app.log.info(`${signal} received, shutting down`);
    clearInterval(purge);
    await app.close();
    // Sends under way finish; claimed rows not yet sent go back to the queue for the next start.
    await services.worker.stop();
    await db.destroy();
    await redis?.close();
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
