/**
 * CPU time of processes over a window, from Linux's /proc: `utime + stime` of
 * /proc/<pid>/stat (every thread of the process, in clock ticks) at the start and at the end,
 * for groups of processes given by pid; and the whole machine's busy share from /proc/stat.
 * Figures are percent of one core (a process busy on both of 2 cores shows 200%).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

/** USER_HZ: 100 on every Linux we run on; asked of getconf in case. */
function clockTicksPerSecond(): number {
  const { stdout } = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number((stdout ?? '').trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

const TICKS_PER_SECOND = clockTicksPerSecond();

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // gone
  }
}

/** utime + stime in ticks (fields 14 and 15 of proc(5); 3 is the first after the name). */
function processTicks(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[11]) + Number(fields[12]) : null;
}

/** CPU seconds (user + system, every thread) a process has used so far; null when it is gone. */
export function cpuSecondsOf(pid: number): number | null {
  const ticks = processTicks(pid);
  return ticks === null ? null : ticks / TICKS_PER_SECOND;
}

/** Every process below `root` in the process tree (not `root` itself). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const parent = Number(statFields(pid)?.[1]);
    if (!Number.isInteger(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

/** [busy, total] ticks of all cores since boot (the first line of /proc/stat). */
function machineTicks(): [number, number] {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, n) => sum + n, 0);
  // idle and iowait are the 4th and 5th.
  return [total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total];
}

export interface CpuWindow<G extends string> {
  seconds: number;
  /** Percent of one core per group, over the window. */
  groups: Record<G, number>;
  /** Busy share of all the machine's cores, percent. */
  machineBusy: number;
}

/**
 * Samples `groups` (pids, read at the start; a process that ends meanwhile is left out) over
 * `seconds`.
 */
export async function cpuWindow<G extends string>(
  groups: Record<G, number[]>,
  seconds: number,
): Promise<CpuWindow<G>> {
  const names = Object.keys(groups) as G[];
  const before = names.map((name) => groups[name].map((pid) => processTicks(pid)));
  const [busyBefore, totalBefore] = machineTicks();
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = names.map((name) => groups[name].map((pid) => processTicks(pid)));
  const [busyAfter, totalAfter] = machineTicks();
  const elapsedS = (performance.now() - startedAt) / 1000;
  const result = {} as Record<G, number>;
  names.forEach((name, g) => {
    let ticks = 0;
    groups[name].forEach((_, i) => {
      const start = before[g]?.[i];
      const end = after[g]?.[i];
      if (typeof start === 'number' && typeof end === 'number') ticks += end - start;
    });
    result[name] = (ticks / TICKS_PER_SECOND / elapsedS) * 100;
  });
  return {
    seconds: elapsedS,
    groups: result,
    machineBusy: ((busyAfter - busyBefore) / Math.max(1, totalAfter - totalBefore)) * 100,
  };
}

/**
 * Starts counting the CPU time of `groups` (pids read now); the returned function gives each
 * group's percent of one core since then, each time it is called.
 */
export function startCpuMeter<G extends string>(
  groups: Record<G, number[]>,
): () => Record<G, number> {
  const names = Object.keys(groups) as G[];
  const before = names.map((name) => groups[name].map((pid) => processTicks(pid)));
  const startedAt = performance.now();
  return () => {
    const elapsedS = Math.max(1e-3, (performance.now() - startedAt) / 1000);
    const result = {} as Record<G, number>;
    names.forEach((name, g) => {
      let ticks = 0;
      groups[name].forEach((pid, i) => {
        const start = before[g]?.[i];
        const end = processTicks(pid);
        if (typeof start === 'number' && typeof end === 'number') ticks += end - start;
      });
      result[name] = (ticks / TICKS_PER_SECOND / elapsedS) * 100;
    });
    return result;
  };
}

/** utime + stime of each thread of `pid` now, by thread id, with the thread's name. */
function threadTicks(pid: number): Map<number, { name: string; ticks: number }> {
  const threads = new Map<number, { name: string; ticks: number }>();
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads; // gone
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(Number(tid), { name, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return threads;
}

/**
 * Starts counting the CPU time of each thread of `pid` (what `top -H` shows); the returned
 * function gives the threads' percent of one core since then, grouped by thread name with
 * digits dropped (Janus names a thread per handle or loop, e.g. "hloop 123"), busiest first.
 */
export function startThreadMeter(
  pid: number,
): () => { name: string; threads: number; percent: number }[] {
  const before = threadTicks(pid);
  const startedAt = performance.now();
  return () => {
    const elapsedS = Math.max(1e-3, (performance.now() - startedAt) / 1000);
    const groups = new Map<string, { threads: number; ticks: number }>();
    for (const [tid, { name, ticks }] of threadTicks(pid)) {
      const key = name.replace(/\d+/g, '#').trim();
      const group = groups.get(key) ?? { threads: 0, ticks: 0 };
      group.threads += 1;
      group.ticks += ticks - (before.get(tid)?.ticks ?? 0);
      groups.set(key, group);
    }
    return [...groups]
      .map(([name, g]) => ({
        name,
        threads: g.threads,
        percent: (g.ticks / TICKS_PER_SECOND / elapsedS) * 100,
      }))
      .sort((a, b) => b.percent - a.percent);
  };
}
