/** CPU and memory of this process's children (the stack's apps, redis-server, mosquitto) from /proc (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  readonly pid: number;
  readonly name: string;
  /** user + system CPU, ms. */
  readonly cpuMs: number;
  readonly rssKb: number;
  /** Peak resident set (VmHWM), kB. */
  readonly peakKb: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function read(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
    const script = cmd.find((c) => /apps\/(api|worker|virtual-lab)\//.test(c));
    const name = script ? /apps\/([a-z-]+)\//.exec(script)![1] : (cmd[0]?.split('/').pop() ?? String(pid));
    return { pid, name, cpuMs, rssKb: kb('VmRSS'), peakKb: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Direct children of this process. */
export function children(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
    } catch {
      continue;
    }
    const info = read(Number(entry));
    if (info && info.name !== 'socat') out.push(info);
  }
  return out;
}

/** This process (the benchmark with the in-process virtual lab). */
export function self(): ProcInfo {
  const u = process.cpuUsage();
  return {
    pid: process.pid,
    name: 'bench + virtual lab',
    cpuMs: (u.user + u.system) / 1000,
    rssKb: Math.round(process.memoryUsage().rss / 1024),
    peakKb: process.resourceUsage().maxRSS,
  };
}
