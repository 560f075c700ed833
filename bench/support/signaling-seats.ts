/**
 * The signaling benchmark's setup through the HTTP API, as browsers get there: the bench member
 * logs in once (the login rate limit is not a concern), starts one quick conference per room
 * (`POST /api/meetings/quick`) and passes each lobby once per participant as a guest
 * (`POST /api/join/:token`, not rate limited), keeping the guest token as the room's bearer.
 */
import type { Seat } from './signaling-clients.js';
import type { ServerReady } from './signaling-server.js';

async function post(url: string, body: object, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>) {
  const results: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, k) => make(start + k));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

/**
 * One quick conference per room and a guest session per participant. Seats come in joining
 * order: the first of every room, then the second of every room, and so on; the k-th member of
 * a room connects to node k mod `nodes`, so with several nodes every room spans all of them.
 */
export async function seatEveryone(
  { url, member }: Pick<ServerReady, 'url' | 'member'>,
  rooms: number,
  perRoom: number,
  nodes = 1,
): Promise<Seat[]> {
  const login = await post(`${url}/api/session`, member);
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const session = login.headers.getSetCookie().find((c) => c.startsWith('tertulia_session='));
  if (!session) throw new Error('login set no session cookie');
  const cookie = session.split(';')[0] as string;

  const tokens = await inBatches(rooms, 20, async (room) => {
    const response = await post(`${url}/api/meetings/quick`, { name: `Room ${room}` }, cookie);
    if (response.status !== 201) throw new Error(`quick meeting: ${await response.text()}`);
    const { joinUrl } = (await response.json()) as { joinUrl: string };
    return joinUrl.split('/m/')[1] as string;
  });
  return inBatches(rooms * perRoom, 50, async (i) => {
    const room = i % rooms;
    const memberIndex = Math.floor(i / rooms);
    const joinToken = tokens[room] as string;
    const response = await post(`${url}/api/join/${joinToken}`, {
      displayName: `Guest ${room}-${memberIndex}`,
    });
    const reply = (await response.json()) as { token?: string };
    if (response.status !== 201 || !reply.token) throw new Error(`join: ${response.status}`);
    return { room, joinToken, bearer: reply.token, node: memberIndex % nodes };
  });
}
