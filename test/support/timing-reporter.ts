/**
 * Where a test file's time goes: `npx vitest run --reporter=default
 * --reporter=./test/support/timing-reporter.ts` writes test-results/timing.json and prints the
 * slowest files split into import (collect: importing the file and everything it imports),
 * hooks (beforeAll/afterAll and friends: the module's duration less its tests') and tests, with
 * each file's slowest imports. Used to keep `npm test` under five minutes on 2 cores (#19).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { idleShare, type MachineCpu, machineCpu, treeCpuSeconds } from './proc-cpu.js';

interface FileTiming {
  file: string;
  tests: number;
  /** Wall time from the start of its import to the end of its last hook, ms. */
  total: number;
  prepare: number;
  import: number;
  hooks: number;
  testTime: number;
  slowestTests: { name: string; ms: number }[];
  slowestImports: { module: string; ms: number; external: boolean }[];
  /** Seconds from the run's start to the file's queueing in a worker and to its end. */
  queued?: number;
  ended?: number;
  /** CPU seconds of the file's process and of its children (test/support/cpu-meter.ts), when measured. */
  cpu?: { process: number; children: number };
}

const round = (n: number) => Math.round(n);

/**
 * Where the workers waited: from the first file's queueing to the last file's end, the seconds in
 * which fewer files ran than there are workers, summed over the workers (a worker without a file is
 * a core the suite does not use), and the files running in the run's last such stretch.
 */
export function idleWorkers(
  spans: { file: string; queued: number; ended: number }[],
  workers: number,
): { wall: number; idle: number; tail: { from: number; files: string[] } } {
  const events = spans.flatMap((s) => [
    { t: s.queued, d: 1 },
    { t: s.ended, d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  const first = events[0]?.t ?? 0;
  const last = events.at(-1)?.t ?? 0;
  let running = 0;
  let at = first;
  let idle = 0;
  let tailFrom = first;
  for (const e of events) {
    if (running < workers) idle += (workers - running) * (e.t - at);
    const next = running + e.d;
    if (running >= workers && next < workers) tailFrom = e.t;
    if (next >= workers) tailFrom = last;
    running = next;
    at = e.t;
  }
  const files = spans.filter((s) => s.ended > tailFrom).map((s) => s.file);
  return { wall: last - first, idle, tail: { from: tailFrom - first, files } };
}

/** The machine's CPU counters, its load average and the CPU seconds of this process and all under it. */
function machine(): { cpu: MachineCpu; load: number; tree: number } | undefined {
  try {
    const t = treeCpuSeconds();
    return { cpu: machineCpu(), load: loadavg()[0] ?? 0, tree: t.own + t.children };
  } catch {
    return undefined; // no /proc: not Linux
  }
}

/**
 * What the run cost and what it shared the machine with (#19): the CPU seconds of vitest, its
 * workers and everything they started (runtimes, chromium, cfn-lint), as cores used on average,
 * the load average at both ends, and the share of the machine's CPU time nobody used. No idle
 * core means the run was starved (by its own work or a neighbour's): only less CPU makes it
 * shorter; idle cores mean it waited, and more parallelism could use them.
 */
export function machineLine(
  start: { cpu: MachineCpu; load: number; tree: number } | undefined,
  end: { cpu: MachineCpu; load: number; tree: number } | undefined,
  wall: number,
): string {
  if (!start || !end) return '';
  const cpu = end.tree - start.tree;
  return `machine: this run's processes used ${cpu.toFixed(0)} CPU s (${(cpu / wall).toFixed(2)} cores over ${wall.toFixed(0)} s); load average ${start.load.toFixed(1)} at the start, ${end.load.toFixed(1)} at the end; the machine's cores idle ${(idleShare(start.cpu, end.cpu) * 100).toFixed(0)} % of the time`;
}

export default class TimingReporter implements Reporter {
  private readonly started = Date.now();
  private readonly queued = new Map<string, number>();
  private readonly ended = new Map<string, number>();
  private workers = 1;
  /** The machine and this run's processes when the run began (Linux; undefined elsewhere). */
  private machineAtStart?: { cpu: MachineCpu; load: number; tree: number };

  onInit(vitest: Vitest): void {
    this.workers = vitest.config.maxWorkers;
    this.machineAtStart = machine();
    rmSync(join(process.cwd(), 'test-results', 'cpu'), { recursive: true, force: true });
  }

  onTestModuleQueued(m: TestModule): void {
    this.queued.set(m.moduleId, (Date.now() - this.started) / 1000);
  }

  onTestModuleEnd(m: TestModule): void {
    this.ended.set(m.moduleId, (Date.now() - this.started) / 1000);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const root = process.cwd();
    const cpuDir = join(root, 'test-results', 'cpu');
    const cpu = new Map<string, { own: number; children: number }>();
    if (existsSync(cpuDir))
      for (const f of readdirSync(cpuDir)) {
        const c = JSON.parse(readFileSync(join(cpuDir, f), 'utf8'));
        cpu.set(c.file, c);
      }
    const rows: FileTiming[] = modules.map((m) => {
      const d = m.diagnostic();
      const tests = [...m.children.allTests()];
      const testTime = tests.reduce((s, t) => s + (t.diagnostic()?.duration ?? 0), 0);
      const imports = Object.entries(d.importDurations ?? {})
        .map(([module, i]) => ({ module: relative(root, module), ms: round(i.totalTime), external: !!i.external }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 6);
      return {
        file: relative(root, m.moduleId),
        tests: tests.length,
        total: round(d.prepareDuration + d.collectDuration + d.setupDuration + d.duration),
        prepare: round(d.prepareDuration),
        import: round(d.collectDuration),
        hooks: round(Math.max(0, d.duration - testTime)),
        testTime: round(testTime),
        slowestTests: tests
          .map((t) => ({ name: t.name, ms: round(t.diagnostic()?.duration ?? 0) }))
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 5),
        slowestImports: imports,
        queued: this.queued.get(m.moduleId),
        ended: this.ended.get(m.moduleId),
        ...(cpu.has(relative(root, m.moduleId))
          ? {
              cpu: {
                process: cpu.get(relative(root, m.moduleId))?.own ?? 0,
                children: cpu.get(relative(root, m.moduleId))?.children ?? 0,
              },
            }
          : {}),
      };
    });
    rows.sort((a, b) => b.total - a.total);
    mkdirSync(join(root, 'test-results'), { recursive: true });
    writeFileSync(join(root, 'test-results', 'timing.json'), `${JSON.stringify(rows, null, 2)}\n`);
    const sum = (k: 'total' | 'import' | 'hooks' | 'testTime') => round(rows.reduce((s, r) => s + r[k], 0) / 1000);
    const spans = rows.flatMap((r) =>
      r.queued === undefined || r.ended === undefined ? [] : [{ file: r.file, queued: r.queued, ended: r.ended }],
    );
    const idle = idleWorkers(spans, this.workers);
    const lines = [
      `\ntiming: ${rows.length} files; summed ${sum('total')} s = import ${sum('import')} s + hooks ${sum('hooks')} s + tests ${sum('testTime')} s`,
      cpu.size
        ? `cpu: ${rows.reduce((s, r) => s + (r.cpu?.process ?? 0), 0).toFixed(0)} s in the files' processes, ${rows.reduce((s, r) => s + (r.cpu?.children ?? 0), 0).toFixed(0)} s in their children`
        : '',
      machineLine(this.machineAtStart, machine(), (Date.now() - this.started) / 1000),
      `workers: ${this.workers}; first file queued ${Math.min(...spans.map((x) => x.queued)).toFixed(1)} s after the start; ${idle.wall.toFixed(0)} s from it to the last file's end, ${idle.idle.toFixed(0)} s of it summed over the workers without a file; the last ${(idle.wall - idle.tail.from).toFixed(0)} s fewer files than workers: ${idle.tail.files.map((f) => f.replace(/^test\//, '')).join(', ')}`,
      '    total  import   hooks   tests  cpu(own+children)  file',
      ...rows
        .slice(0, 20)
        .map(
          (r) =>
            `${[r.total, r.import, r.hooks, r.testTime].map((n) => (n / 1000).toFixed(1).padStart(7)).join(' ')}  ${r.cpu ? `${r.cpu.process.toFixed(1).padStart(6)} + ${r.cpu.children.toFixed(1).padStart(6)}` : ' '.repeat(15)}  ${r.file}`,
        ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
