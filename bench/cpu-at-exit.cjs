/**
 * `node -r ./bench/cpu-at-exit.cjs ...` with KLACHTFLOW_CPU_AT_EXIT=<file>: when the process ends,
 * its CPU time (user + system, every thread's) and its wall time since it started are written to
 * <file> as JSON, for bench/bench.ts's cold starts (a child's CPU is not otherwise told its parent).
 */
const { writeFileSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const file = process.env.KLACHTFLOW_CPU_AT_EXIT;
if (file && isMainThread)
  process.once('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (user + system) / 1000, wallMs: performance.now() }));
  });
