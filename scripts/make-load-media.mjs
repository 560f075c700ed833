// Makes the looping clips synthetic participants send (`npm run load`, tools/load/): a 3-second
// VP8 camera in three simulcast layers (1280x720 and 640x360 at 30 frames a second, 320x180 at
// 15, as browsers send them), a key frame every second in each, in IVF files; and 3 seconds of
// Opus (20 ms packets) in Ogg. Encoded once with Debian's ffmpeg, so nothing encodes at run time.
//
// node scripts/make-load-media.mjs [folder]     (default: data/load-media, git-ignored)
//
// Written into a temporary folder renamed at the end: two runs at once (test workers) never
// leave half a clip behind.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const target = path.resolve(process.argv[2] ?? path.join(root, 'data/load-media'));
const SECONDS = 3;

/** name, size, frames a second, target bitrate (bit/s): the browser's layers (sfu-connection.ts). */
const LAYERS = [
  ['h', '1280x720', 30, 1_000_000],
  ['m', '640x360', 30, 350_000],
  ['l', '320x180', 15, 100_000],
];

if (fs.existsSync(path.join(target, 'audio.ogg'))) process.exit(0);

const work = `${target}.tmp-${process.pid}`;
fs.mkdirSync(work, { recursive: true });

function ffmpeg(args) {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.error || result.status !== 0) {
    fs.rmSync(work, { recursive: true, force: true });
    console.error(
      result.error?.code === 'ENOENT'
        ? 'ffmpeg is not installed (Debian: apt-get install ffmpeg)'
        : `ffmpeg failed (${result.status})`,
    );
    process.exit(1);
  }
}

for (const [name, size, fps, bitrate] of LAYERS) {
  // prettier-ignore
  ffmpeg([
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}:duration=${SECONDS}`,
    '-c:v', 'libvpx', '-b:v', String(bitrate), '-deadline', 'realtime', '-cpu-used', '8',
    // A key frame every second, and no hidden alt-ref frames: every IVF frame is one shown picture.
    '-g', String(fps), '-keyint_min', String(fps), '-auto-alt-ref', '0', '-lag-in-frames', '0',
    path.join(work, `${name}.ivf`),
  ]);
}
// prettier-ignore
ffmpeg([
  '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`,
  '-c:a', 'libopus', '-b:a', '32000', '-frame_duration', '20', '-application', 'voip',
  path.join(work, 'audio.ogg'),
]);

try {
  fs.renameSync(work, target);
} catch {
  // Another run finished first: its clips are the same.
  fs.rmSync(work, { recursive: true, force: true });
}
