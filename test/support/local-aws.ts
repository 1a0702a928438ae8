/**
 * Local Step Functions, Scheduler and mailbox of a test's own, as the runtime makes them (a manual
 * clock, records in memory), for the tests that hold one way of reaching them to another: the
 * SDK over the endpoint's port against the simulation's in-process clients
 * (test/in-process-aws.test.ts) and against the socketless handler (test/socketless-aws.test.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeClock } from '../../runtime/clock.js';
import { LocalMailbox } from '../../runtime/mailbox.js';
import { LocalScheduler } from '../../runtime/scheduler.js';
import { LocalStepFunctions } from '../../runtime/stepfunctions.js';
import type { AslDocument } from '../../statemachines/compile.js';

/** The function every task of `waitingMachine` invokes. */
export const TASK_FN = 'arn:aws:lambda:eu-west-1:000000000000:function:t';

/** A machine of `waits` tasks in a row, each waiting for its token (an hour at most), then done. */
export function waitingMachine(waits: number): AslDocument {
  const names = Array.from({ length: waits }, (_, i) => (i === 0 ? 'ask' : i === 1 ? 'again' : `again${i}`));
  const States: AslDocument['States'] = { done: { Type: 'Succeed' } };
  names.forEach((name, i) => {
    States[name] = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: TASK_FN, Payload: { 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: 3600,
      Next: names[i + 1] ?? 'done',
    };
  });
  return { Comment: 'test', StartAt: names[0] as string, States };
}

/**
 * The services in a fresh folder under the system's temp folder (`dir`, for the caller to remove):
 * machine `t` (`waitingMachine(waits)`) whose tasks record their tokens, a Scheduler, a mailbox,
 * and SES's events as their types. `task` replaces the tasks' function.
 */
export function localAwsServices(prefix: string, waits: number, task?: (payload: unknown) => Promise<unknown>) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const clock = new RuntimeClock('manual', 1, new Date('2026-09-03T07:00:00Z'));
  const tokens: string[] = [];
  const stepFunctions = new LocalStepFunctions({ dir: join(dir, 'executions'), clock, records: 'memory' });
  const machine = stepFunctions.register('t', waitingMachine(waits), {
    [TASK_FN]:
      task ??
      (async (p) => {
        tokens.push((p as { token: string }).token);
        return null;
      }),
  });
  const scheduler = new LocalScheduler(join(dir, 'schedules'), clock, {}, false, 'memory');
  const mailbox = new LocalMailbox(join(dir, 'mailbox.jsonl'), clock);
  const events: unknown[] = [];
  const publishMailEvent = (e: Record<string, unknown>) => {
    events.push((e.detail as { eventType: string }).eventType);
  };
  return { dir, clock, stepFunctions, machine, tokens, scheduler, mailbox, events, publishMailEvent };
}
