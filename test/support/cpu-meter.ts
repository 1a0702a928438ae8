/**
 * The CPU one test file costs, its own and its children's (runtime processes, chromium, cfn-lint),
 * from /proc/self/stat: on a shared 2-core machine wall times follow the neighbours' load, CPU
 * seconds do not. On when KLACHTFLOW_TEST_CPU is set (vitest.config.ts adds this file as a setup
 * file then); test/support/timing-reporter.ts prints what it wrote. Linux only.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, expect } from 'vitest';

/** Fields 14 to 17 of proc(5) (utime, stime, cutime, cstime) of /proc/<pid>/stat, in seconds, and the parent's id. */
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
 * This process's CPU seconds, and its children's: those it reaped, and those still running with
 * everything they reaped (a worker's shared chromium lives until the worker ends, and its
 * renderers are reaped by chromium's zygote, not by this process: they counted nowhere before).
 */
function cpuSeconds(): { own: number; children: number } {
  const self = stat('self');
  if (!self) return { own: 0, children: 0 };
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (s) kids.set(s.ppid, [...(kids.get(s.ppid) ?? []), Number(d)]);
  }
  let live = 0;
  const walk = (pid: number, depth: number) => {
    for (const k of kids.get(pid) ?? []) {
      const s = stat(k);
      if (s) live += s.own + s.reaped;
      if (depth < 16) walk(k, depth + 1);
    }
  };
  walk(process.pid, 0);
  return { own: self.own, children: self.reaped + live };
}

// Evaluated before each test file is imported (also when workers are shared): its import counts.
const start = cpuSeconds();
afterAll(() => {
  const end = cpuSeconds();
  const file = relative(process.cwd(), expect.getState().testPath ?? 'unknown');
  const dir = join(process.cwd(), 'test-results', 'cpu');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${file.replace(/[^a-z0-9.-]/gi, '_')}.json`),
    JSON.stringify({
      file,
      pid: process.pid,
      own: end.own - start.own,
      children: end.children - start.children,
    }),
  );
});
