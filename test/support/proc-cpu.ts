/**
 * CPU seconds from the kernel's own accounting (proc(5)), for the figures #19 asks beside every
 * timing: a process tree's CPU (its own, and its children's, reaped or still running) and how
 * busy the whole machine was. On a shared 2-core machine wall times follow the neighbours' load;
 * these do not, and the machine's idle share says whether a run waited (idle cores: more
 * parallelism would help) or was starved (no idle core: only less CPU helps). Linux only.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Fields 14 to 17 of /proc/<pid>/stat (utime, stime, cutime, cstime) in seconds, and the parent's id. */
function stat(pid: number | 'self'): { own: number; reaped: number; ppid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone in between
  }
  // The command name may hold spaces: the fields after its closing parenthesis (state is index 0).
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const tick = (i: number) => Number(f[i]) / 100; // clock ticks of 1/100 s
  return { own: tick(11) + tick(12), reaped: tick(13) + tick(14), ppid: Number(f[1]) };
}

/**
 * A process's CPU seconds (`pid`, this one by default), and its children's: those it reaped, and
 * those still running with everything they reaped (a worker's shared chromium lives until the
 * worker ends, and its renderers are reaped by chromium's zygote, not by the worker).
 */
export function treeCpuSeconds(pid: number = process.pid): { own: number; children: number } {
  const self = stat(pid);
  if (!self) return { own: 0, children: 0 };
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (s) kids.set(s.ppid, [...(kids.get(s.ppid) ?? []), Number(d)]);
  }
  let live = 0;
  const walk = (p: number, depth: number) => {
    for (const k of kids.get(p) ?? []) {
      const s = stat(k);
      if (s) live += s.own + s.reaped;
      if (depth < 16) walk(k, depth + 1);
    }
  };
  walk(pid, 0);
  return { own: self.own, children: self.reaped + live };
}

/** The machine's CPU time since boot in clock ticks (all cores): idle (idle and iowait) and in all. */
export interface MachineCpu {
  idle: number;
  total: number;
}

/**
 * The first line of /proc/stat: `cpu  user nice system idle iowait irq softirq steal guest
 * guest_nice`. Guest time is counted in user and nice already (proc(5)), so it is left out.
 */
export function machineCpu(text: string = readFileSync('/proc/stat', 'utf8')): MachineCpu {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('no cpu line in /proc/stat');
  const n = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const at = (i: number) => n[i] ?? 0;
  return { idle: at(3) + at(4), total: n.reduce((a, b) => a + b, 0) };
}

/** The share of the machine's CPU time between two readings that no process used (0 to 1). */
export function idleShare(before: MachineCpu, after: MachineCpu): number {
  const total = after.total - before.total;
  return total > 0 ? (after.idle - before.idle) / total : 0;
}
