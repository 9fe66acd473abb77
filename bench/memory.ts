// Resident memory and CPU time of a process, from /proc: VmRSS now, VmHWM the kernel's peak.
import { readFileSync } from 'node:fs';

export interface Memory {
  rssKb: number;
  hwmKb: number;
}

export function readMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** Samples every `everyMs` until stopped; returns the highest VmRSS seen and the last VmHWM. */
export function sampleMemory(pid: number, everyMs = 100): { stop(): Memory & { samples: number } } {
  let peakRss = 0;
  let hwm = 0;
  let samples = 0;
  const take = () => {
    try {
      const m = readMemory(pid);
      peakRss = Math.max(peakRss, m.rssKb);
      hwm = m.hwmKb;
      samples++;
    } catch {
      // the process ended; the caller notices on its own
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { rssKb: peakRss, hwmKb: hwm, samples };
    },
  };
}

export const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;

/** CPU time the process has used so far, in seconds (/proc/<pid>/stat utime + stime). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userHz = 100; // the unit /proc reports ticks in on Linux, whatever the kernel's HZ
  return (Number(fields[11]) + Number(fields[12])) / userHz;
}
