/**
 * The CPU one test file costs, its own and its children's (runtime processes, chromium, cfn-lint),
 * from /proc/self/stat: on a shared 2-core machine wall times follow the neighbours' load, CPU
 * seconds do not. On when KLACHTFLOW_TEST_CPU is set (vitest.config.ts adds this file as a setup
 * file then); test/support/timing-reporter.ts prints what it wrote. Linux only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, expect } from 'vitest';
import { treeCpuSeconds } from './proc-cpu.js';

const cpuSeconds = () => treeCpuSeconds();

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
