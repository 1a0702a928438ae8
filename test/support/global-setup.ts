/**
 * Before any test file: the `klachtflow` command the child processes run is compiled from the
 * working tree (test/support/cli-bundle.ts), and the CDK templates the checkers share
 * (test/support/synth.ts) start synthesising in a child process of their own, beside the first
 * test files. A test file that needs them before they are done waits for that synth (the lock in
 * synth.ts) instead of making its own; synthesising inside a test worker held that worker for the
 * whole synth while the files after it waited (cdk-deploy.test.ts waited 58 s on a busy machine).
 * A failed background synth leaves no lock and no templates: the first file that needs them
 * synthesises itself and reports the error there.
 *
 * vitest calls setup once for every project of the run and for the root (four times in a whole
 * run), with this module loaded afresh each time: what it starts is kept on globalThis, so the
 * command is compiled once and one synth runs (each further synth process waited for the first and
 * then read the templates again, 2.9 CPU seconds each).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { BUNDLES_ROOT, buildCli, removeStaleBundles } from './cli-bundle.js';

interface RunState {
  cli: Promise<string>;
  synth?: ChildProcess;
  /** Projects set up and not yet torn down. */
  projects: number;
}
const RUN = Symbol.for('klachtflow.test.global-setup');
const shared = globalThis as { [RUN]?: RunState };

/** The files that read the shared templates (`synthesised()`). */
const SYNTH_USERS = [
  'test/cdk.test.ts',
  'test/cfn-guard.test.ts',
  'test/cfn-lint.test.ts',
  'test/cdk-deploy.test.ts',
  'test/metrics-alarms.test.ts',
  'test/aws-permissions.test.ts',
];

/**
 * Whether this run may need the templates: a whole run, or one whose file filters (vitest's
 * arguments that are no option: parts of file paths) match a file that reads them. Only a
 * head start: a file that needs the templates synthesises them itself when they are missing.
 */
function needsSynth(argv: readonly string[]): boolean {
  const run = argv.findIndex((a) => a === 'run' || a === 'watch' || a === 'dev');
  const filters = argv.slice(run < 0 ? 2 : run + 1).filter((a) => !a.startsWith('-'));
  return filters.length === 0 || filters.some((f) => SYNTH_USERS.some((u) => u.includes(f.replace(/^\.\//, ''))));
}

export async function setup(project: TestProject): Promise<void> {
  let run = shared[RUN];
  if (!run) {
    removeStaleBundles();
    const outdir = join(BUNDLES_ROOT, String(process.pid));
    run = shared[RUN] = { cli: buildCli(outdir), synth: startSynth(), projects: 0 };
    // Watch mode: the sources may have changed since the last run; a rerun runs what they say now.
    project.onTestsRerun(async () => {
      await buildCli(outdir);
    });
  }
  run.projects++;
  project.provide('klachtflowCli', await run.cli);
}

function startSynth(): ChildProcess | undefined {
  if (process.env.KLACHTFLOW_NO_BACKGROUND_SYNTH || !needsSynth(process.argv)) return undefined;
  const root = join(import.meta.dirname, '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'support', 'synth-now.ts')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  child.once('exit', (code) => {
    if (code) process.stderr.write(`background CDK synth exited ${code}: ${err.slice(-2000)}\n`);
  });
  return child;
}

/**
 * After the last project: this run's compiled command goes, and the run does not end before the
 * synth: it finishes what it started (synth.ts leaves a lock behind when killed mid-way, and the
 * next run would wait for it to go stale).
 */
export async function teardown(): Promise<void> {
  const run = shared[RUN];
  if (!run || --run.projects > 0) return;
  shared[RUN] = undefined;
  rmSync(join(BUNDLES_ROOT, String(process.pid)), { recursive: true, force: true });
  const child = run.synth;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((r) => child.once('exit', r));
}
