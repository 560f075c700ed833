/** The machine a benchmark ran on, as every benchmark's report opens with it. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';

export interface MachineReport {
  cpu: string;
  cores: number;
  /** The load average (1/5/15 min) as the run ended. */
  loadAfter: number[];
  /** "Machine: ..., load average ... before, ... after (1/5/15 min)", after a blank line. */
  line: string;
}

export const formatLoad = (load: number[]) => load.map((n) => n.toFixed(2)).join(' ');

/** Reads the machine now that the run is over; `loadBefore` was read as it began. */
export function machineReport(loadBefore: number[]): MachineReport {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const cores = os.availableParallelism();
  const loadAfter = os.loadavg();
  const line =
    `\nMachine: ${cpu}, ${cores} cores, Node ${process.version}, ${os.platform()} ` +
    `${os.release()}; load average ${formatLoad(loadBefore)} before, ${formatLoad(loadAfter)} ` +
    `after (1/5/15 min)`;
  return { cpu, cores, loadAfter, line };
}

/** What `uptime` prints now (its load average is what the reports quote), or the load average. */
export function uptimeLine(): string {
  const { stdout } = spawnSync('uptime', { encoding: 'utf8' });
  return stdout?.trim() || `load average: ${formatLoad(os.loadavg())}`;
}
