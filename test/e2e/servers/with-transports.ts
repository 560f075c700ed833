/**
 * For end-to-end tests of delivery: starts a real SMTP and a real SMPP test server on loopback,
 * then the built app wired to them, and stops all three together.
 */
import { spawn } from 'node:child_process';
import { SmppTestServer } from '../../support/smpp-server.js';
import { TestSmtpServer } from '../../support/smtp-server.js';

const smtp = await TestSmtpServer.start();
const smsc = await SmppTestServer.start();
const app = spawn(process.execPath, ['dist/server/main.js'], {
  stdio: 'inherit',
  env: { ...process.env, SMTP_URL: smtp.url(), SMS_URL: smsc.url() },
});

async function stop() {
  app.kill('SIGTERM');
  await Promise.allSettled([smtp.stop(), smsc.stop()]);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
app.on('exit', (code) => {
  void Promise.allSettled([smtp.stop(), smsc.stop()]).then(() => process.exit(code ?? 1));
});
