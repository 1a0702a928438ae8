import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
// Files that change what the process shares run in a process of their own; every other file shares
// its worker with the files before it (`isolate: false`): the modules they import (the runtime, the
// AWS SDK, hono, zod, CDK) are evaluated once per worker instead of once per file; 12 runtime files
// took 44 CPU seconds isolated and 21 shared. test/isolated.test.ts keeps the list complete.
import { ISOLATED } from './test/support/isolated.js';

// Every AWS call the local runtime's functions make during this run is recorded here
// (runtime/aws-calls.ts); test/aws-permissions.test.ts runs last and checks each against the
// function's synthesised role. One folder per run; the folders of earlier runs are removed.
const callsRoot = join(import.meta.dirname, 'test-results', 'aws-calls');
const calls = join(callsRoot, String(process.pid));
mkdirSync(callsRoot, { recursive: true });
for (const d of readdirSync(callsRoot))
  if (d !== String(process.pid)) rmSync(join(callsRoot, d), { recursive: true, force: true });

const PERMISSIONS = 'test/aws-permissions.test.ts';

/**
 * Files that run long for their size (child processes, a browser, many runtimes): started first,
 * so that no long file is left running alone at the end while the other core idles. Without
 * vitest's cache of earlier durations (a fresh clone in CI) the rest goes largest file first.
 */
const LONG_FIRST = [
  'test/reliability-crash.test.ts',
  'test/memory.test.ts',
  'test/browser-workplace.test.ts',
  'test/browser.test.ts',
  'test/properties.test.ts',
  'test/report-presets.test.ts',
  'test/cli.test.ts',
  'test/runtime.test.ts',
];

class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (s: TestSpecification) => {
      const i = LONG_FIRST.findIndex((f) => s.moduleId.endsWith(f));
      return i < 0 ? LONG_FIRST.length : i;
    };
    // Stable: within each project and group, the long files first, the rest as vitest ordered them.
    const key = (s: TestSpecification) => `${s.project.config.sequence.groupOrder} ${s.project.name}`;
    return sorted
      .map((s, i) => ({ s, i }))
      .sort((a, b) => (key(a.s) === key(b.s) ? rank(a.s) - rank(b.s) || a.i - b.i : a.i - b.i))
      .map(({ s }) => s);
  }
}

export default defineConfig({
  test: {
    // Every core: vitest's default in a run is one fewer, so on CI's 2 cores the files ran one
    // after another (86 files, 14 minutes). Much of the suite waits on child processes (the
    // runtime, chromium, cfn-lint), so a second worker gains even on a busy machine.
    // VITEST_MAX_WORKERS overrides it.
    maxWorkers: Math.max(2, availableParallelism()),
    // Tests that start processes or servers bound to 127.0.0.1 need more than the default 5 s on 2 cores.
    testTimeout: 60_000,
    // A CDK synth in beforeAll took over 60 s while the machine was busy (cdk-inbound.test.ts).
    hookTimeout: 180_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      KLACHTFLOW_AWS_CALLS: calls,
      // Every view the dossier store hands on without a fold is checked against one
      // (lambdas/adapters/dynamodb-store.ts handedOn): the whole suite judges the shortcut.
      KLACHTFLOW_CHECK_HAND_ON: '1',
    },
    // The shared CDK templates start synthesising in the background before the first file.
    globalSetup: ['test/support/global-setup.ts'],
    sequence: { sequencer: LongFirstSequencer },
    // KLACHTFLOW_TEST_CPU=1: each file's CPU seconds, its children's too, for
    // test/support/timing-reporter.ts (the machine is shared: wall times follow the neighbours).
    setupFiles: process.env.KLACHTFLOW_TEST_CPU ? ['test/support/cpu-meter.ts'] : [],
    projects: [
      {
        extends: true,
        test: {
          name: 'klachtflow',
          include: ['test/**/*.test.ts'],
          exclude: [PERMISSIONS, ...ISOLATED],
          isolate: false,
        },
      },
      { extends: true, test: { name: 'klachtflow-isolated', include: ISOLATED } },
      // After every other file: it reads what they recorded.
      { extends: true, test: { name: 'aws-permissions', include: [PERMISSIONS], sequence: { groupOrder: 1 } } },
    ],
  },
});
