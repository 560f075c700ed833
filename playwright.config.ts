import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from './test/support/chromium.js';
import { appPort as port, e2eAdmin, mailboxPort, transportsPort } from './test/e2e/fixtures.js';
import { janusAppPort, janusFailoverPort } from './test/e2e/support/janus.js';

// End-to-end tests drive Debian's Chromium (browser downloads are not used) against the built
// app started on its own port with a fresh data folder.
// Workers read this config again: they inherit the folder through the environment.
const dataDir = (process.env.E2E_DATA_DIR ??= `./data/e2e-${process.pid}`);
const serverEnv = {
  HOST: '127.0.0.1',
  ADMIN_EMAIL: e2eAdmin.email,
  ADMIN_PASSWORD: e2eAdmin.password,
  LOG_LEVEL: 'warn',
  DEFAULT_PHONE_REGION: 'ES',
  // Every guest of every spec joins from 127.0.0.1 (the limit is tested in join-rate-limit).
  JOIN_RATE_LIMIT_PER_MINUTE: '100000',
  // Specs log the admin in from 127.0.0.1 many times a minute (the limit: session.test.ts).
  LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
};

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunch,
  },
  webServer: [
    {
      // The app alone: no mail or SMS service, so messages are kept for the Outbox page.
      command: `rm -rf ${dataDir} && node dist/server/main.js`,
      url: `http://localhost:${port}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        ...serverEnv,
        PORT: String(port),
        PUBLIC_URL: `http://localhost:${port}`,
        DATA_DIR: dataDir,
        // Not MEDIA=auto: with `janus` installed it would start a local Janus.
        MEDIA: 'p2p',
      },
    },
    {
      // The app wired to real SMTP and SMPP test servers, for delivery states.
      command: `rm -rf ${dataDir}-transports && npx tsx test/e2e/servers/with-transports.ts`,
      url: `http://localhost:${transportsPort}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        ...serverEnv,
        PORT: String(transportsPort),
        PUBLIC_URL: `http://localhost:${transportsPort}`,
        DATA_DIR: `${dataDir}-transports`,
        DELIVERY_RETRY_BASE_MS: '500',
        E2E_MAILBOX_PORT: String(mailboxPort),
        MEDIA: 'p2p',
      },
    },
    {
      // The app with MEDIA=janus and its own loopback Janus (p2p when janus is not installed).
      command: `rm -rf ${dataDir}-janus && npx tsx test/e2e/servers/with-janus.ts`,
      url: `http://localhost:${janusAppPort}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        ...serverEnv,
        PORT: String(janusAppPort),
        PUBLIC_URL: `http://localhost:${janusAppPort}`,
        DATA_DIR: `${dataDir}-janus`,
      },
    },
    {
      // The same with two Janus instances, for the failover spec alone (its rooms start idle).
      command: `rm -rf ${dataDir}-janus2 && npx tsx test/e2e/servers/with-janus.ts`,
      url: `http://localhost:${janusFailoverPort}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        ...serverEnv,
        PORT: String(janusFailoverPort),
        PUBLIC_URL: `http://localhost:${janusFailoverPort}`,
        DATA_DIR: `${dataDir}-janus2`,
        JANUS_INSTANCES: '2',
      },
    },
  ],
});
