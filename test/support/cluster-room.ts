/**
 * A room across the nodes of a test cluster, through their real HTTP and WebSocket ports: the
 * admin logs in (ADMIN_EMAIL/ADMIN_PASSWORD), makes a quick meeting, and guests pass the lobby
 * on one node and connect to any node's room socket.
 */
import type { Meeting } from '../../src/shared/api.js';
import type { TestNode } from './cluster.js';
import { RoomClient, roomUrl } from './room-client.js';

export const ADMIN = { email: 'admin@tertulia.test', password: 'cluster-admin-password' };

/** The environment the cluster's nodes need for these helpers. */
export const adminEnv = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };

async function post(url: string, body: object, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

/** A quick meeting made by the admin through `node`: its id, join token, and the admin's cookie. */
export async function clusterMeeting(
  node: TestNode,
): Promise<{ id: string; token: string; cookie: string }> {
  const login = await post(`${node.url}/api/session`, ADMIN);
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c?.startsWith('tertulia_session='));
  if (!cookie) throw new Error('login set no session cookie');
  const created = await post(`${node.url}/api/meetings/quick`, {}, cookie);
  if (created.status !== 201) throw new Error(`meeting: ${created.status} ${await created.text()}`);
  const meeting = (await created.json()) as Meeting;
  const token = meeting.joinUrl.split('/m/')[1];
  if (!token) throw new Error('no join token');
  return { id: meeting.id, token, cookie };
}

/** `POST /api/join/:token` on `node`: the HTTP answer as it came. */
export function passLobby(node: TestNode, token: string, displayName: string): Promise<Response> {
  return post(`${node.url}/api/join/${token}`, { displayName });
}

/** A guest session's bearer token, from the lobby of `node`. */
export async function guestBearer(node: TestNode, token: string, name: string): Promise<string> {
  const response = await passLobby(node, token, name);
  const body = (await response.json()) as { token?: string };
  if (response.status !== 201 || !body.token) throw new Error(`join: ${JSON.stringify(body)}`);
  return body.token;
}

/** A socket to `node`'s room for this guest session, pinging as a browser does. */
export async function connectTo(node: TestNode, token: string, bearer: string) {
  const client = await RoomClient.connect(roomUrl(node.url.replace(/^http/, 'ws'), token), {
    bearer,
  });
  client.keepAlive(1_000);
  return client;
}
