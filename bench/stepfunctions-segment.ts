/**
 * `npx tsx bench/stepfunctions-segment.ts [regulation]`: CPU per paused segment of the Step
 * Functions library alone (#19): ONS's `admissibility.wait` entered and paused, as the local runtime
 * pauses every callback state (its handler throws a pause that no Retry or Catch takes; the run
 * ends in an ExecutionError). The ladder's own ASL, its Parameters, Retry and Catch; no task runs.
 * Prints the median of five blocks and the load average beside it. Session 15: 20.9-26.4 µs with
 * patches/aws-local-stepfunctions' stackless errors and templates read once, against 27.0-31.8 µs
 * without them (five alternated pairs, load 21-23).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
// Provides Promise.withResolvers on Node 20 before the library is loaded.
import '../runtime/stepfunctions.js';

const { StateMachine } = await import('aws-local-stepfunctions');
const regulation = process.argv[2] ?? 'ons-welzijn';
const asl = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'statemachines', `${regulation}.asl.json`), 'utf8'),
);
const state = Object.keys(asl.States).find((name) => name.endsWith('.wait')) as string;
const sm = new StateMachine({ ...asl, StartAt: state } as never, { validationOptions: { noValidate: true } });

/** What the runtime throws at a callback state (runtime/stepfunctions.ts PauseSignal): no stack, not caught or retried. */
class Pause extends Error {
  readonly isCatchable = false;
  readonly isRetryable = false;
  constructor() {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super('pause');
    Error.stackTraceLimit = limit;
    this.name = 'LocalRuntime.Pause';
  }
}
const input = {
  dossierId: 'd',
  regulationId: regulation,
  startRung: null,
  resumeAt: null,
  result: { step: 'x', outcome: 'y' },
  cursor: { timeoutSeconds: 100, dueAt: '2026-10-01T10:00:00.000Z' },
};
const context = {
  Execution: { Id: 'arn:x', Name: 'n', StartTime: '2026-09-01T10:00:00.000Z' },
  Orig: { StartTime: '2026-09-01T10:00:00.000Z' },
  Task: { Token: 'token' },
};

async function segment() {
  const run = sm.run(
    input as never,
    {
      overrides: {
        taskResourceLocalHandlers: {
          [state]: () => {
            throw new Pause();
          },
        },
      },
      context,
      eventListener: () => undefined,
      stacklessErrors: true,
    } as never,
  );
  try {
    await run.result;
  } catch (e) {
    if (!((e as { cause?: unknown }).cause instanceof Pause)) throw e;
  }
}

for (let i = 0; i < 2000; i++) await segment();
const N = 20_000;
const blocks: number[] = [];
for (let b = 0; b < 5; b++) {
  const t = process.cpuUsage();
  for (let i = 0; i < N; i++) await segment();
  const u = process.cpuUsage(t);
  blocks.push((u.user + u.system) / N);
}
blocks.sort((a, b) => a - b);
console.log(
  `${regulation} ${state}: ${blocks[2]?.toFixed(2)} µs of CPU a paused segment (median of 5 blocks of ${N}), load ${(loadavg()[0] ?? 0).toFixed(1)}`,
);
