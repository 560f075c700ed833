/**
 * `kill -9` of a real server during a stream of picture uploads (POST /api/avatars, the member
 * then making each new picture their avatar), then a restart on the same data, a few times
 * over: no half-written picture is ever served. Every picture the database holds decodes
 * fully, every upload answered 201 is served, and the member's avatar is the last one they
 * were told was set or the one being set at the kill, never a broken one.
 */
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/cluster.js';
import {
  loginAdmin,
  loneNodeMissing,
  startLoneNode,
  type LoneNode,
} from '../support/crash-node.js';
import { databaseKinds } from '../support/harness.js';

const UPLOADERS = 3;
const KILL_AFTER = [3, 8, 5];
const AVATAR_PX = 256;

/** A large noisy photo-like PNG (about 700 kB), different for each `seed`: re-encoding takes a while. */
async function picture(seed: number): Promise<Buffer> {
  const side = 480;
  const pixels = Buffer.alloc(side * side * 3);
  let state = seed * 2654435761 + 1;
  for (let i = 0; i < pixels.length; i += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    pixels[i] = (state >>> 16) & 0xff;
  }
  return sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
}

/** Decodes every byte of a served WebP; throws on a truncated or corrupt one. */
async function decodesFully(bytes: Buffer): Promise<void> {
  const { info } = await sharp(bytes, { failOn: 'truncated' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== AVATAR_PX || info.height !== AVATAR_PX) {
    throw new Error(`decoded as ${info.width}×${info.height}`);
  }
}

function upload(url: string, cookie: string, bytes: Buffer, from: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'photo.png');
  // Each uploader its own address (TRUST_PROXY): the per-address upload limit is not the subject.
  return fetch(`${url}/api/avatars`, {
    method: 'POST',
    headers: { cookie, 'x-forwarded-for': from },
    body: form,
  });
}

describe.skipIf(loneNodeMissing())('picture uploads across kill -9', () => {
  const running: LoneNode[] = [];
  afterAll(async () => {
    await Promise.all(running.map((lone) => lone.stop()));
  });

  it.each(databaseKinds)(
    '%s: every served picture decodes, the avatar is the old or the new one',
    async (kind) => {
      const photos = await Promise.all(Array.from({ length: 6 }, (_, i) => picture(i + 1)));
      const lone = await startLoneNode(kind, { env: { TRUST_PROXY: 'true' } });
      running.push(lone);
      const answered = new Set<string>();
      let avatar: string | null = null;
      for (const [round, killAfter] of KILL_AFTER.entries()) {
        const cookie = await loginAdmin(lone.node.url);
        let uploads = 0;
        let stop = false;
        /** The avatar being set when the process died: it may or may not have been. */
        let settingAvatar: string | null = null;
        const uploader = async (u: number) => {
          for (let n = 0; !stop; n += 1) {
            try {
              const from = `10.${round}.${u}.${(n % 250) + 1}`;
              const response = await upload(lone.node.url, cookie, photos[(u + n) % 6]!, from);
              if (response.status !== 201) throw new Error(await response.text());
              const { id } = (await response.json()) as { id: string };
              answered.add(id);
              uploads += 1;
              if (u !== 0) continue;
              // The first uploader is the member changing their avatar to each new picture.
              settingAvatar = id;
              const set = await fetch(`${lone.node.url}/api/me`, {
                method: 'PATCH',
                headers: { cookie, 'content-type': 'application/json' },
                body: JSON.stringify({ avatarId: id }),
              });
              if (set.status !== 200) throw new Error(await set.text());
              avatar = id;
              settingAvatar = null;
            } catch {
              return; // the process is gone
            }
          }
        };
        const uploaders = Array.from({ length: UPLOADERS }, (_, u) => uploader(u));
        await waitFor(`${killAfter} uploads`, async () => uploads >= killAfter, 60_000);
        await lone.node.kill('SIGKILL');
        stop = true;
        await Promise.all(uploaders);
        await lone.node.restart();

        // The avatar after the restart: the one last confirmed, or the one under way.
        const me = await fetch(`${lone.node.url}/api/me`, {
          headers: { cookie: await loginAdmin(lone.node.url) },
        });
        const { avatarUrl } = (await me.json()) as { avatarUrl: string | null };
        const current = avatarUrl && /\/avatars\/(.+)\.webp$/.exec(avatarUrl)?.[1];
        expect([avatar, settingAvatar], `round ${round}: avatar`).toContain(current ?? null);
        avatar = current ?? null;
        if (avatarUrl) {
          const served = await fetch(new URL(avatarUrl, lone.node.url));
          expect(served.status).toBe(200);
          await decodesFully(Buffer.from(await served.arrayBuffer()));
        }
      }

      // Every picture in the database, answered or cut off: served whole or not at all.
      const rows = await lone.query<{ id: string; size_bytes: number }>(
        "SELECT id, size_bytes FROM pictures WHERE kind = 'avatar'",
      );
      const stored = new Set(rows.map((r) => r.id));
      const lost = [...answered].filter((id) => !stored.has(id));
      let broken = 0;
      for (const row of rows) {
        const served = await fetch(`${lone.node.url}/avatars/${row.id}.webp`);
        expect(served.status, `picture ${row.id}`).toBe(200);
        const bytes = Buffer.from(await served.arrayBuffer());
        if (bytes.length !== Number(row.size_bytes)) broken += 1;
        await decodesFully(bytes).catch(() => (broken += 1));
      }
      console.log(
        `crash-pictures (${kind}): ${KILL_AFTER.length} kills, ${answered.size} uploads ` +
          `answered 201, ${rows.length} stored, ${lost.length} lost, ${broken} broken`,
      );
      expect(lost).toEqual([]);
      expect(broken).toBe(0);
    },
    120_000,
  );
});
