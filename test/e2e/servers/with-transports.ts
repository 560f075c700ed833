/**
 * For end-to-end tests of delivery: starts a real SMTP and a real SMPP test server on loopback,
 * then the built app wired to them, and stops all three together. What the servers received is
 * readable as JSON at http://127.0.0.1:$E2E_MAILBOX_PORT/ (emails and SMS), so a spec can open
 * a link from an email as its recipient would.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { SmppTestServer } from '../../support/smpp-server.js';
import { TestSmtpServer } from '../../support/smtp-server.js';

const smtp = await TestSmtpServer.start();
const smsc = await SmppTestServer.start();
const mailbox = http.createServer((_request, response) => {
  const body = {
    emails: smtp.messages.map((m) => ({
      to: m.envelope.to,
      subject: m.parsed.subject ?? '',
      text: m.parsed.text ?? '',
    })),
    sms: smsc.submits.map((s) => ({ to: s.destination, text: s.text })),
  };
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
});
mailbox.listen(Number(process.env.E2E_MAILBOX_PORT), '127.0.0.1');

const app = spawn(process.execPath, ['dist/server/main.js'], {
  stdio: 'inherit',
  env: { ...process.env, SMTP_URL: smtp.url(), SMS_URL: smsc.url() },
});

async function stop() {
  app.kill('SIGTERM');
  mailbox.close();
  await Promise.allSettled([smtp.stop(), smsc.stop()]);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
app.on('exit', (code) => {
  mailbox.close();
  void Promise.allSettled([smtp.stop(), smsc.stop()]).then(() => process.exit(code ?? 1));
});
