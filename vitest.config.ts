import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Every AWS call the local runtime's functions make during this run is recorded here
// (runtime/aws-calls.ts); test/aws-permissions.test.ts runs last and checks each against the
// function's synthesised role. One folder per run; the folders of earlier runs are removed.
const callsRoot = join(import.meta.dirname, 'test-results', 'aws-calls');
const calls = join(callsRoot, String(process.pid));
mkdirSync(callsRoot, { recursive: true });
for (const d of readdirSync(callsRoot))
  if (d !== String(process.pid)) rmSync(join(callsRoot, d), { recursive: true, force: true });

const PERMISSIONS = 'test/aws-permissions.test.ts';

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
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', KLACHTFLOW_AWS_CALLS: calls },
    projects: [
      { extends: true, test: { name: 'klachtflow', include: ['test/**/*.test.ts'], exclude: [PERMISSIONS] } },
      // After every other file: it reads what they recorded.
      { extends: true, test: { name: 'aws-permissions', include: [PERMISSIONS], sequence: { groupOrder: 1 } } },
    ],
  },
});
