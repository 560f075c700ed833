/**
 * The STUN/TURN servers handed to browsers. With `TURN_SECRET`, TURN entries get time-limited
 * credentials by the TURN REST convention coturn implements as `use-auth-secret`: the user name
 * is `<expiry unix time>:<peer id>` and the password base64(HMAC-SHA1(secret, user name)), so
 * the secret never leaves the server and a leaked credential stops working by itself.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { iceServerSchema, type IceServerConfig } from '../../shared/signaling.js';

export interface IceSettings {
  iceServers: IceServerConfig[];
  turnSecret: string | undefined;
  turnTtlSeconds: number;
}

/**
 * `ICE_SERVERS` is either a JSON array of RTCIceServer objects or a comma-separated list of
 * URLs (`stun:stun.example.org:3478,turn:turn.example.org:3478?transport=udp`).
 */
export function parseIceServers(value: string | undefined): IceServerConfig[] {
  const text = value?.trim();
  if (!text) return [];
  const servers = text.startsWith('[')
    ? z.array(iceServerSchema).parse(JSON.parse(text))
    : text
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean)
        .map((urls) => ({ urls }));
  // Checked in the JSON form too: one bad URL makes every browser's RTCPeerConnection throw.
  for (const url of servers.flatMap(urlsOf)) {
    if (!/^(stun|stuns|turn|turns):/.test(url)) {
      throw new Error(`"${url}" is not a stun:, stuns:, turn: or turns: URL`);
    }
  }
  return servers;
}

export function iceServersFor(
  settings: IceSettings,
  { peerId }: { peerId: string },
  now: Date,
): IceServerConfig[] {
  const { turnSecret } = settings;
  if (!turnSecret) return settings.iceServers;
  const expiry = Math.floor(now.getTime() / 1000) + settings.turnTtlSeconds;
  const username = `${expiry}:${peerId}`;
  const credential = createHmac('sha1', turnSecret).update(username).digest('base64');
  return settings.iceServers.map((server) =>
    isTurn(server) && server.credential === undefined
      ? { ...server, username, credential }
      : server,
  );
}

function isTurn(server: IceServerConfig): boolean {
  return urlsOf(server).some((url) => url.startsWith('turn:') || url.startsWith('turns:'));
}

function urlsOf(server: IceServerConfig): string[] {
  return Array.isArray(server.urls) ? server.urls : [server.urls];
}
