/**
 * The looping clips synthetic participants send, read into memory once per process: VP8 frames
 * of each camera layer (IVF) and Opus packets (Ogg), each with its time from the clip's start.
 * scripts/make-load-media.mjs makes them with ffmpeg the first time they are missing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OggParser } from 'werift/nonstandard';

export type CameraLayerName = 'h' | 'm' | 'l';

export interface ClipFrame {
  /** Time from the clip's start, in the codec's RTP clock (90 kHz video, 48 kHz Opus). */
  rtpTime: number;
  data: Buffer;
  keyframe: boolean;
}

export interface Clip {
  frames: ClipFrame[];
  /** The clip's length in its RTP clock: the next loop starts this much later. */
  rtpLength: number;
  clockRate: number;
  width: number;
  height: number;
}

export interface MediaClips {
  camera: Record<CameraLayerName, Clip>;
  audio: Clip;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_MEDIA_DIR = path.join(root, 'data/load-media');

const VIDEO_CLOCK = 90_000;
const OPUS_CLOCK = 48_000;
/** Samples in one 20 ms Opus packet (the script asks ffmpeg for 20 ms frames). */
const OPUS_PACKET_SAMPLES = 960;

let loaded: { dir: string; clips: MediaClips } | undefined;

/** The clips in `dir`, made there first when missing (a few seconds of ffmpeg, once). */
export function loadMediaClips(dir = DEFAULT_MEDIA_DIR): MediaClips {
  if (loaded?.dir === dir) return loaded.clips;
  if (!fs.existsSync(path.join(dir, 'audio.ogg'))) {
    const script = path.join(root, 'scripts/make-load-media.mjs');
    const made = spawnSync(process.execPath, [script, dir], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error(`could not make the load media clips in ${dir}`);
  }
  const camera = {
    h: readIvf(fs.readFileSync(path.join(dir, 'h.ivf'))),
    m: readIvf(fs.readFileSync(path.join(dir, 'm.ivf'))),
    l: readIvf(fs.readFileSync(path.join(dir, 'l.ivf'))),
  };
  const clips = { camera, audio: readOggOpus(fs.readFileSync(path.join(dir, 'audio.ogg'))) };
  loaded = { dir, clips };
  return clips;
}

/**
 * IVF: a 32-byte file header (DKIF, frame size, time base) then, per frame, its size (u32 LE),
 * its time in time-base units (u64 LE) and the VP8 frame.
 */
export function readIvf(file: Buffer): Clip {
  if (file.toString('ascii', 0, 4) !== 'DKIF') throw new Error('not an IVF file');
  const headerBytes = file.readUInt16LE(6);
  const width = file.readUInt16LE(12);
  const height = file.readUInt16LE(14);
  const rate = file.readUInt32LE(16);
  const scale = file.readUInt32LE(20);
  const toRtp = (pts: number) => Math.round((pts * scale * VIDEO_CLOCK) / rate);
  const frames: ClipFrame[] = [];
  let offset = headerBytes;
  let lastPts = 0;
  while (offset + 12 <= file.length) {
    const size = file.readUInt32LE(offset);
    lastPts = Number(file.readBigUInt64LE(offset + 4));
    const data = file.subarray(offset + 12, offset + 12 + size);
    // The first bit of a VP8 frame tag is 0 for a key frame (RFC 6386, 9.1).
    frames.push({ rtpTime: toRtp(lastPts), data, keyframe: (data[0]! & 1) === 0 });
    offset += 12 + size;
  }
  if (frames.length === 0) throw new Error('the IVF file holds no frame');
  return { frames, rtpLength: toRtp(lastPts + 1), clockRate: VIDEO_CLOCK, width, height };
}

/**
 * Ogg Opus: the packets after the two header packets (OpusHead, OpusTags). A packet is the
 * segments up to the first one shorter than 255 bytes (Ogg lacing), across pages.
 */
export function readOggOpus(file: Buffer): Clip {
  const segments = new OggParser().read(file).exportSegments();
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  for (const segment of segments) {
    pending.push(segment);
    if (segment.length < 255) {
      packets.push(Buffer.concat(pending));
      pending = [];
    }
  }
  if (packets[0]?.toString('ascii', 0, 8) !== 'OpusHead') throw new Error('not an Ogg Opus file');
  const frames = packets.slice(2).map((data, index) => ({
    rtpTime: index * OPUS_PACKET_SAMPLES,
    data,
    keyframe: true,
  }));
  if (frames.length === 0) throw new Error('the Ogg file holds no Opus packet');
  return {
    frames,
    rtpLength: frames.length * OPUS_PACKET_SAMPLES,
    clockRate: OPUS_CLOCK,
    width: 0,
    height: 0,
  };
}
