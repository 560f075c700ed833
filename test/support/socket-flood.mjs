// A fuzzing participant in its own process, so its CPU is not the server's: sends the frames in
// FRAMES_FILE (JSON: strings, {b64} for binary, or {oversized, bytes} to build here) to the
// room at URL as fast as the server lets it, in bursts of 20, reconnecting (same guest, via BEARER) whenever it is cut, for DURATION_MS.
// An opening the server refuses (429 past the reconnect limit) is retried after its Retry-After,
// as a persistent attacker would: refused at once, it would send no frames at all.
// Prints one JSON line: frames sent, connections, refused openings by status, close codes, error
// codes, frames outside the protocol (anything not JSON with a `type`).
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import WebSocket from 'ws';

const [url, bearer, framesFile, durationMs] = process.argv.slice(2);
const oversized = {
  chat: (bytes) => JSON.stringify({ type: 'chat', text: 'x'.repeat(bytes) }),
  text: (bytes) => 'x'.repeat(bytes),
  binary: (bytes) => Buffer.alloc(bytes, 0x41),
};
const built = new Map();
const frames = JSON.parse(fs.readFileSync(framesFile, 'utf8')).map((f) => {
  if (typeof f === 'string') return f;
  if (f.b64 !== undefined) return Buffer.from(f.b64, 'base64');
  const key = `${f.oversized}:${f.bytes}`;
  if (!built.has(key)) built.set(key, oversized[f.oversized](f.bytes));
  return built.get(key);
});
const until = Date.now() + Number(durationMs);
const result = {
  framesSent: 0,
  connections: 0,
  refused: {},
  closes: {},
  errors: {},
  outsideProtocol: 0,
};
let next = 0;

function once() {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${bearer}` } });
    result.connections += 1;
    let endedByUs = false;
    socket.on('message', (data) => {
      let frame;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        result.outsideProtocol += 1;
        return;
      }
      if (typeof frame?.type !== 'string') result.outsideProtocol += 1;
      if (frame.type === 'error') result.errors[frame.code] = (result.errors[frame.code] ?? 0) + 1;
    });
    socket.on('error', () => {});
    socket.on('unexpected-response', (request, response) => {
      result.connections -= 1;
      result.refused[response.statusCode] = (result.refused[response.statusCode] ?? 0) + 1;
      const waitMs = Number(response.headers['retry-after'] ?? 1) * 1000;
      request.destroy();
      setTimeout(resolve, Math.max(0, Math.min(waitMs, until - Date.now())));
    });
    socket.on('close', (code) => {
      if (!endedByUs) result.closes[code] = (result.closes[code] ?? 0) + 1;
      resolve();
    });
    socket.on('open', () => {
      if (result.connections % 3 !== 0) {
        socket.send(
          JSON.stringify({ type: 'hello', media: { audio: true, video: false, screen: false } }),
        );
      }
      const burst = () => {
        if (socket.readyState !== WebSocket.OPEN) return;
        if (Date.now() > until) {
          endedByUs = true;
          return socket.terminate();
        }
        for (let i = 0; i < 20 && socket.readyState === WebSocket.OPEN; i += 1) {
          socket.send(frames[next % frames.length]);
          next += 1;
          result.framesSent += 1;
        }
        setTimeout(burst, 5);
      };
      burst();
    });
  });
}

while (Date.now() < until) await once();
process.stdout.write(`${JSON.stringify(result)}\n`);
