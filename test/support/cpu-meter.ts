/**
 * The CPU one test file costs, its own and its children's (runtime processes, chromium, cfn-lint),
 * from /proc/self/stat: on a shared 2-core machine wall times follow the neighbours' load, CPU
 * seconds do not. On when KLACHTFLOW_TEST_CPU is set (vitest.config.ts adds this file as a setup
 * file then); test/support/timing-reporter.ts prints what it wrote. Linux only.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, expect } from 'vitest';

/** utime, stime, cutime and cstime of this process, in seconds (clock ticks of 1/100 s). */
function cpuSeconds(): { own: number; children: number } {
  // The command name may hold spaces: the fields after its closing parenthesis.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 to 17 of proc(5) are at 11 to 14 here (state is field 3, index 0).
  const tick = (i: number) => Number(f[i]) / 100;
  return { own: tick(11) + tick(12), children: tick(13) + tick(14) };
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
