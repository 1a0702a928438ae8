import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsEndpoint } from '../runtime/aws-endpoint.js';
import { RuntimeClock } from '../runtime/clock.js';
import { LocalMailbox } from '../runtime/mailbox.js';
import { LocalScheduler } from '../runtime/scheduler.js';
import { LocalStepFunctions } from '../runtime/stepfunctions.js';
import type { AslDocument } from '../statemachines/compile.js';

const FN = 'arn:aws:lambda:eu-west-1:000000000000:function:t';

/** A machine with a Wait of 30 days (beyond Node's timer limit) and a callback with a 6-week timeout. */
const MACHINE: AslDocument = {
  Comment: 'test',
  StartAt: 'wait',
  States: {
    wait: { Type: 'Wait', TimestampPath: '$.until', Next: 'ask' },
    ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN, Payload: { 'token.$': '$$.Task.Token', 'timeoutSeconds.$': '$.timeout' } },
      TimeoutSecondsPath: '$.timeout',
      ResultPath: '$.answer',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: 'late' }],
      Next: 'done',
    },
    late: { Type: 'Pass', Result: 'te laat', ResultPath: '$.verdict', Next: 'done' },
    done: { Type: 'Succeed' },
  },
};

let dir: string;
const tokens: string[] = [];
function engine(clock: RuntimeClock, d = dir) {
  const sfn = new LocalStepFunctions({ dir: d, clock });
  const arn = sfn.register('t', MACHINE, {
    [FN]: async (p: unknown) => {
      tokens.push((p as { token: string }).token);
      return null;
    },
  });
  return { sfn, arn };
}
const start = new Date('2026-09-03T07:00:00Z');
const input = { until: '2026-10-03T07:00:00Z', timeout: 6 * 7 * 86400 };

afterEach(() => {
  tokens.length = 0;
});

describe('local step functions: waits and timeouts on the one clock', () => {
  it('a Wait of 30 days neither fires early nor is lost across a restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kf-sfn-'));
    const clock = new RuntimeClock('manual', 1, start);
    const { sfn, arn } = engine(clock);
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: arn,
      name: 'e1',
      input: JSON.stringify(input),
    });
    await sfn.idle();
    await clock.advanceTo(new Date('2026-10-03T06:59:00Z'));
    await sfn.idle();
    expect(sfn.execution(executionArn)?.pause?.kind).toBe('wait');
    // A new runtime on the same folder, its clock where the old one stopped.
    const clock2 = new RuntimeClock('manual', 1, clock.now());
    const again = engine(clock2);
    await again.sfn.recover();
    await clock2.advanceTo(new Date('2026-10-03T07:00:00Z'));
    await again.sfn.idle();
    expect(again.sfn.execution(executionArn)?.pause?.kind).toBe('callback');
    expect(tokens).toHaveLength(1);
  });

  it('a six-week callback timeout fires at six weeks, not before, and the catch takes it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kf-sfn-'));
    const clock = new RuntimeClock('manual', 1, start);
    const { sfn, arn } = engine(clock);
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: arn,
      name: 'e2',
      input: JSON.stringify({ ...input, until: start.toISOString() }),
    });
    await sfn.idle();
    await clock.advanceTo(new Date(start.getTime() + 42 * 86400_000 - 1000));
    await sfn.idle();
    expect(sfn.execution(executionArn)?.status).toBe('RUNNING');
    await clock.advanceTo(new Date(start.getTime() + 42 * 86400_000));
    await sfn.idle();
    const rec = sfn.execution(executionArn);
    expect(rec?.status).toBe('SUCCEEDED');
    expect(rec?.output).toMatchObject({ verdict: 'te laat', timedOut: { Error: 'States.Timeout' } });
    // States entered: wait, ask, late, done (the resumed callback state counts once).
    expect(rec?.transitions).toBe(4);
  });

  it('stopped while in a Wait: ABORTED, and the wake does nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kf-sfn-'));
    const clock = new RuntimeClock('manual', 1, start);
    const { sfn, arn } = engine(clock);
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: arn,
      name: 'e3',
      input: JSON.stringify(input),
    });
    await sfn.idle();
    await sfn.stopExecution({ executionArn, cause: 'ingetrokken' });
    await clock.advanceTo(new Date('2026-11-01T00:00:00Z'));
    await sfn.idle();
    expect(sfn.execution(executionArn)?.status).toBe('ABORTED');
    expect(tokens).toHaveLength(0);
  });

  it('a real clock sped up fires a one-day Wait within a second', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kf-sfn-'));
    const clock = new RuntimeClock('real', 200_000);
    const { sfn, arn } = engine(clock);
    const until = new Date(clock.now().getTime() + 86400_000).toISOString();
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: arn,
      name: 'e4',
      input: JSON.stringify({ ...input, until }),
    });
    for (let i = 0; i < 100 && sfn.execution(executionArn)?.pause?.kind !== 'callback'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(sfn.execution(executionArn)?.pause?.kind).toBe('callback');
    clock.stop();
  });

  it('a real clock does not fire a 30-day entry at once (Node timers overflow past 24.8 days)', async () => {
    const clock = new RuntimeClock('real', 1);
    let fired = false;
    clock.at('far', new Date(Date.now() + 30 * 86400_000), async () => {
      fired = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(fired).toBe(false);
    clock.stop();
  });
});

describe('local step functions: the pause of a callback state (#19, session 10)', () => {
  // The pause is signalled without a stack trace (its capture cost 0.3 % of a simulated year): the
  // limit it lowers for that moment must be back as it was, for every error made after it.
  it('pauses at the callback and leaves every other error its stack trace', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kf-sfn-'));
    const clock = new RuntimeClock('manual', 1, start);
    const { sfn, arn } = engine(clock);
    const before = Error.stackTraceLimit;
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: arn,
      name: 'p1',
      input: JSON.stringify({ ...input, until: '2026-09-03T07:00:00Z' }),
    });
    await sfn.idle();
    await clock.advanceTo(new Date('2026-09-03T07:00:01Z'));
    await sfn.idle();
    expect(sfn.execution(executionArn)?.pause?.kind).toBe('callback');
    expect(tokens).toHaveLength(1);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('elders').stack).toMatch(/\n\s+at /);
  });
});

describe('local step functions: the SDK client speaks to it as to AWS', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('start, callback, and the AWS error names for a used or unknown token and an unknown execution', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kf-sfn-'));
    const clock = new RuntimeClock('manual', 1, start);
    const { sfn, arn } = engine(clock);
    const scheduler = new LocalScheduler(join(dir, 'schedules.json'), clock, {});
    server = createAwsEndpoint({
      stepFunctions: sfn,
      scheduler,
      mailbox: new LocalMailbox(join(dir, 'mail.jsonl'), clock),
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const client = new SFNClient({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const started = await client.send(
      new StartExecutionCommand({
        stateMachineArn: arn,
        name: 'e5',
        input: JSON.stringify({ ...input, until: start.toISOString() }),
      }),
    );
    expect(started.startDate).toBeInstanceOf(Date);
    await sfn.idle();
    const token = tokens.at(-1) ?? '';
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ ok: true }) }));
    await sfn.idle();
    expect(sfn.execution(started.executionArn ?? '')?.output).toMatchObject({ answer: { ok: true } });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: 'nope', output: '{}' }))).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
    await expect(client.send(new StopExecutionCommand({ executionArn: `${arn}:none` }))).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
    });
    client.destroy();
  });
});

// Keep the http import used for the type only.
void createServer;

describe('local step functions and scheduler: what a year leaves behind (#19)', () => {
  it('a finished execution leaves memory for done/; it is still described, and a restart does not load it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kf-sfn-'));
    const clock = new RuntimeClock('manual', 1, start);
    const { sfn, arn } = engine(clock);
    const names = ['y1', 'y2', 'y3'];
    for (const name of names)
      await sfn.startExecution({
        stateMachineArn: arn,
        name,
        input: JSON.stringify({ ...input, until: start.toISOString() }),
      });
    await sfn.idle();
    await clock.advanceTo(new Date(start.getTime() + 1000));
    await sfn.idle();
    expect(sfn.running()).toBe(3);
    const used = [...tokens];
    expect(used).toHaveLength(3);
    for (const token of used.slice(0, 2)) await sfn.sendTaskSuccess({ taskToken: token, output: '{}' });
    await sfn.idle();
    // Two finished: only the one still waiting is held.
    expect(sfn.running()).toBe(1);
    expect(readdirSync(join(dir, 'done')).sort()).toEqual(['y1.json', 'y2.json']);
    expect(sfn.execution(`${arn.replace(':stateMachine:', ':execution:')}:y1`)?.status).toBe('SUCCEEDED');
    // An answer to a closed task is TaskTimedOut, as in AWS, without a table of every token.
    await expect(sfn.sendTaskSuccess({ taskToken: used[0] ?? '', output: '{}' })).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    const again = engine(new RuntimeClock('manual', 1, clock.now()));
    await again.sfn.recover();
    expect(again.sfn.running()).toBe(1);
    expect(
      again.sfn
        .executionsOf()
        .map((e) => e.name)
        .sort(),
    ).toEqual(names);
  });

  it('a schedule is a file of its own; the list of an earlier version is taken over', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kf-sched-'));
    const clock = new RuntimeClock('manual', 1, start);
    const fired: unknown[] = [];
    const target = 'arn:aws:lambda:eu-west-1:000000000000:function:r';
    const body = (at: string) => ({
      GroupName: 'klachtflow',
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: 'Europe/Amsterdam',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: target, Input: JSON.stringify({ at }) },
      ActionAfterCompletion: 'DELETE',
    });
    // What an earlier version wrote: one list of every pending schedule.
    writeFileSync(
      join(dir, 'schedules.json'),
      JSON.stringify([
        {
          name: 'old',
          groupName: 'klachtflow',
          expression: 'at(2026-09-05T09:00:00)',
          timezone: 'Europe/Amsterdam',
          at: '2026-09-05T07:00:00.000Z',
          target: { Arn: target, Input: '{"old":true}' },
          deleteAfter: true,
        },
      ]),
    );
    const scheduler = new LocalScheduler(join(dir, 'schedules'), clock, {
      [target]: async (p) => {
        fired.push(p);
      },
    });
    scheduler.recover();
    expect(existsSync(join(dir, 'schedules.json'))).toBe(false);
    await scheduler.create('a', body('2026-09-04T09:00:00'));
    await scheduler.create('b', body('2026-09-06T09:00:00'));
    expect(readdirSync(join(dir, 'schedules', 'klachtflow')).sort()).toEqual(['a.json', 'b.json', 'old.json']);
    scheduler.delete('b', 'klachtflow');
    await clock.advanceTo(new Date('2026-09-07T00:00:00Z'));
    expect(fired).toEqual([{ at: '2026-09-04T09:00:00' }, { old: true }]);
    expect(readdirSync(join(dir, 'schedules', 'klachtflow'))).toEqual([]);
    expect(scheduler.size()).toBe(0);
  });
});

describe('local step functions: Retry without the real wait (#19)', () => {
  /** A task with the retriers every committed ASL gives its tasks, caught at the end. */
  const retrying = (intervals: [number, number]): AslDocument => ({
    Comment: 'retry',
    StartAt: 'work',
    States: {
      work: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: FN, 'Payload.$': '$' },
        Retry: [
          {
            ErrorEquals: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'],
            IntervalSeconds: intervals[0],
            MaxAttempts: 2,
            BackoffRate: 2,
          },
          { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: intervals[1], MaxAttempts: 3, BackoffRate: 2 },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'done' }],
        ResultSelector: { 'answer.$': '$.Payload' },
        ResultPath: '$.result',
        Next: 'done',
      },
      done: { Type: 'Succeed' },
    },
  });

  /**
   * Each case's attempts and its execution's end: `failures` errors thrown before the function
   * answers. Once on the ASL's own intervals scaled down to milliseconds (the library's real
   * timers), once on the committed intervals with `retryIntervalMs: 0`.
   */
  async function run(retryIntervalMs: number | undefined, machine: AslDocument) {
    const cases: [string, number][] = [
      ['Crash', 9],
      ['Lambda.ServiceException', 9],
      ['Lambda.ServiceException', 1],
      ['Lambda.TooManyRequestsException', 2],
      ['States.TaskFailed', 3],
    ];
    const out: unknown[] = [];
    for (const [error, failures] of cases) {
      const clock = new RuntimeClock('manual', 1, start);
      const sfn = new LocalStepFunctions({ dir: mkdtempSync(join(tmpdir(), 'kf-sfn-retry-')), clock, retryIntervalMs });
      let calls = 0;
      const arn = sfn.register('r', machine, {
        [FN]: async () => {
          calls++;
          if (calls <= failures) throw Object.assign(new Error(`poging ${calls}`), { name: error });
          return { calls };
        },
      });
      const { executionArn } = await sfn.startExecution({ stateMachineArn: arn, name: 'r1', input: '{}' });
      await sfn.idle();
      const d = await sfn.describeExecution({ executionArn });
      out.push({ error, failures, calls, status: d.status, output: JSON.parse(d.output ?? 'null') });
    }
    return out;
  }

  it('retries the ASL’s errors as often as its retriers say, with the same outcome as after the real waits', async () => {
    const real = await run(undefined, retrying([0.001, 0.003]));
    const quick = await run(0, retrying([1, 3]));
    expect(quick).toEqual(real);
    // What the ASL says, case by case: the first retrier that names the error, its MaxAttempts.
    expect(quick.map((c: any) => c.calls)).toEqual([4, 3, 2, 3, 4]);
    expect(quick.map((c: any) => c.output.caught?.Error ?? c.output.result?.answer)).toEqual([
      'Crash',
      'Lambda.ServiceException',
      { calls: 2 },
      { calls: 3 },
      { calls: 4 },
    ]);
  });
});
