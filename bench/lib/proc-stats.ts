import { readFileSync } from 'node:fs';

const clockTicks = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Peak resident set size in MB (VmHWM), from /proc/<pid>/status. */
export function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** Samples CPU of processes between `start()` and `stop()`, as % of one core. */
export function cpuMeter(pids: Record<string, number>) {
  let started = 0;
  const before = new Map<string, number>();
  return {
    start() {
      started = performance.now();
      for (const [name, pid] of Object.entries(pids)) before.set(name, cpuSeconds(pid));
    },
    stop(): Record<string, number> {
      const seconds = (performance.now() - started) / 1000;
      const result: Record<string, number> = {};
      for (const [name, pid] of Object.entries(pids)) {
        result[name] = Math.round(((cpuSeconds(pid) - (before.get(name) ?? 0)) / seconds) * 1000) / 10;
      }
      return result;
    },
  };
}

/** CPU-µs per event from a meter's % of one core over `seconds` that handled `events`. */
export function microsPerEvent(cpuPercent: Record<string, number>, seconds: number, events: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(cpuPercent).map(([name, percent]) => [
      name,
      Math.round(((percent / 100) * seconds * 1e6) / Math.max(1, events)),
    ]),
  );
}
