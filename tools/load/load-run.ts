/**
 * One run of `npm run load`: checks the meeting link as a browser's lobby would, joins N
 * synthetic participants (a few at a time), keeps them in the room for a while, makes them
 * leave, and returns what each one sent and received. Bounded: at most MAX_PARTICIPANTS, for at
 * most MAX_SECONDS, and it stops early when `stop` settles (Ctrl-C).
 */
import { performance } from 'node:perf_hooks';
import { LoadInputError, meetingInfo, parseJoinUrl } from './lobby.js';
import { loadMediaClips } from './media-clip.js';
import { joinSynthetic, type SyntheticParticipant, type SyntheticStats } from './synthetic.js';

export const MAX_PARTICIPANTS = 200;
export const MAX_SECONDS = 3600;
/** Joins in flight at once: a crowd arriving, without a single burst of N. */
const JOIN_CONCURRENCY = 4;
/** How long the stay waits for everyone's media to be up before it starts anyway. */
const MEDIA_WAIT_MS = 15_000;

export interface LoadOptions {
  joinUrl: string;
  participants: number;
  seconds: number;
  video: boolean;
  subscribe: 'all' | 'none';
  password: string | undefined;
  /** Settles to end the run before its time (a signal). */
  stop: Promise<void>;
  /** Progress lines, for a person watching. */
  say: (line: string) => void;
}

export interface LoadResult {
  backend: string;
  /** Seconds spent in the room, from everyone's media up to the first leave. */
  seconds: number;
  participants: SyntheticStats[];
  /** The participants the room turned away, and why. */
  failures: { name: string; error: string }[];
  /** This process's CPU time over the run, in percent of one core. */
  cpuPercent: number;
}

/** Refuses bad input with LoadInputError before anyone joins. */
export async function checkInput(options: LoadOptions): Promise<void> {
  const { participants, seconds } = options;
  if (!Number.isInteger(participants) || participants < 1 || participants > MAX_PARTICIPANTS) {
    throw new LoadInputError(
      `--participants must be a whole number from 1 to ${MAX_PARTICIPANTS} (got ${participants}).`,
    );
  }
  if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
    throw new LoadInputError(`--seconds must be more than 0 and at most ${MAX_SECONDS}.`);
  }
  const info = await meetingInfo(parseJoinUrl(options.joinUrl));
  if (info.passwordRequired && !options.password) {
    throw new LoadInputError(`The meeting "${info.name}" is password-protected: give --password.`);
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  await checkInput(options);
  loadMediaClips();
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const names = Array.from({ length: options.participants }, (_, i) => syntheticName(i));
  const joined: SyntheticParticipant[] = [];
  const failures: LoadResult['failures'] = [];
  const join = (name: string) =>
    joinSynthetic({
      joinUrl: options.joinUrl,
      name,
      video: options.video,
      subscribe: options.subscribe,
      password: options.password,
    });

  // The first one tells the room's cap: more than it holds is bad input, not a failed run.
  const first = await join(names[0]!);
  joined.push(first);
  const room = first.room;
  if (room.size - 1 + options.participants > room.cap) {
    await first.leave();
    throw new LoadInputError(
      `The room holds ${room.cap} (${room.size - 1} already there): ` +
        `${options.participants} participants are above its cap.`,
    );
  }
  options.say(`${first.name} joined a ${first.backend} room (cap ${room.cap})`);

  let next = 1;
  let stopped = false;
  void options.stop.then(() => (stopped = true));
  const lane = async () => {
    while (next < names.length && !stopped) {
      const name = names[next++]!;
      try {
        joined.push(await join(name));
      } catch (error) {
        failures.push({ name, error: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: JOIN_CONCURRENCY }, lane));
  // The stay counts from when media flows (a participant still without it is reported).
  await Promise.race([
    options.stop,
    Promise.all(joined.map((participant) => participant.mediaUp)),
    sleep(MEDIA_WAIT_MS),
  ]);
  options.say(`${joined.length} joined; staying ${options.seconds} s (Ctrl-C to end sooner)`);

  const inRoomAt = performance.now();
  await Promise.race([options.stop, sleep(options.seconds * 1000)]);
  const seconds = (performance.now() - inRoomAt) / 1000;
  const stats = joined.map((participant) => participant.stats());
  await Promise.all(joined.map((participant) => participant.leave()));

  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - startedAt;
  return {
    backend: first.backend,
    seconds,
    participants: stats,
    failures,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function syntheticName(index: number): string {
  return `Synthetic ${String(index + 1).padStart(3, '0')}`;
}
