/**
 * Where a test file's time goes: `npx vitest run --reporter=default
 * --reporter=./test/support/timing-reporter.ts` writes test-results/timing.json and prints the
 * slowest files split into import (collect: importing the file and everything it imports),
 * hooks (beforeAll/afterAll and friends: the module's duration less its tests') and tests, with
 * each file's slowest imports. Used to keep `npm test` under five minutes on 2 cores (#19).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

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
  /** CPU seconds of the file's process and of its children (test/support/cpu-meter.ts), when measured. */
  cpu?: { process: number; children: number };
}

const round = (n: number) => Math.round(n);

export default class TimingReporter implements Reporter {
  onInit(): void {
    rmSync(join(process.cwd(), 'test-results', 'cpu'), { recursive: true, force: true });
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
    const lines = [
      `\ntiming: ${rows.length} files; summed ${sum('total')} s = import ${sum('import')} s + hooks ${sum('hooks')} s + tests ${sum('testTime')} s`,
      cpu.size
        ? `cpu: ${rows.reduce((s, r) => s + (r.cpu?.process ?? 0), 0).toFixed(0)} s in the files' processes, ${rows.reduce((s, r) => s + (r.cpu?.children ?? 0), 0).toFixed(0)} s in their children`
        : '',
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
