/**
 * The Task handlers of a segment (runtime/stepfunctions.ts runSegment) made once per state machine
 * and resume state, not for every segment: the ladders' machines have some 36 Task states, each a
 * closure per segment (#19, session 17). Only the resumed callback's answer (success, failure or
 * timeout) is the run's own. The judges are executions whose answers must not meet: two executions
 * of one machine resumed at the same state with different answers, interleaved; a state answered
 * and entered again in the same segment (it waits again, not answered twice); a task that fails on
 * purpose and is caught; a machine registered again with other functions (its new executions
 * run the new ones); and two machines of the same states, each with its own functions.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuntimeClock } from '../runtime/clock.js';
import { LocalStepFunctions } from '../runtime/stepfunctions.js';
import type { AslDocument } from '../statemachines/compile.js';

const ASK = 'arn:aws:lambda:eu-west-1:000000000000:function:ask';
const ADD = 'arn:aws:lambda:eu-west-1:000000000000:function:add';

/** ask (a callback) → again? back to ask : add (request/response) → done. */
const MACHINE: AslDocument = {
  Comment: 'test',
  StartAt: 'ask',
  States: {
    ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: ASK, Payload: { 'token.$': '$$.Task.Token', 'who.$': '$.who' } },
      TimeoutSeconds: 3600,
      ResultPath: '$.answer',
      Catch: [{ ErrorEquals: ['Geweigerd'], ResultPath: '$.refused', Next: 'add' }],
      Next: 'again',
    },
    again: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.answer.again', IsPresent: true },
            { Variable: '$.answer.again', BooleanEquals: true },
          ],
          Next: 'ask',
        },
      ],
      Default: 'add',
    },
    add: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: ADD, 'Payload.$': '$' },
      ResultSelector: { 'sum.$': '$.Payload.sum' },
      ResultPath: '$.result',
      End: true,
    },
  },
};

function engine() {
  const clock = new RuntimeClock('manual', 1, new Date('2026-12-04T09:00:00Z'));
  // Records on disk: a finished execution's output is read back from its file.
  const sfn = new LocalStepFunctions({ dir: mkdtempSync(join(tmpdir(), 'kf-sfn-kept-')), clock, durable: false });
  const tokens: Record<string, string[]> = {};
  const functions = (offset: number) => ({
    [ASK]: async (p: unknown) => {
      const { token, who } = p as { token: string; who: string };
      tokens[who] = [...(tokens[who] ?? []), token];
      return null;
    },
    [ADD]: async (p: unknown) => {
      const { answer, who } = p as { answer?: { n: number }; who: string };
      return { sum: offset + (answer?.n ?? -1) + who.length };
    },
  });
  return { sfn, tokens, functions, arn: sfn.register('m', MACHINE, functions(0)) };
}

const output = (sfn: LocalStepFunctions, arn: string, name: string) =>
  sfn.execution(`${arn.replace(':stateMachine:', ':execution:')}:${name}`);

describe('local Step Functions: task handlers made once per resume state', () => {
  it('keeps each execution its own answer, a state entered again waits again, a failure is caught', async () => {
    const { sfn, tokens, arn } = engine();
    for (const who of ['a', 'bb', 'ccc'])
      await sfn.startExecution({ stateMachineArn: arn, name: who, input: JSON.stringify({ who }) });
    await sfn.idle();
    // Interleaved: bb first, then a (who asks again), then ccc refused.
    await sfn.sendTaskSuccess({ taskToken: tokens.bb?.[0] as string, output: JSON.stringify({ n: 20 }) });
    await sfn.sendTaskSuccess({ taskToken: tokens.a?.[0] as string, output: JSON.stringify({ n: 10, again: true }) });
    await sfn.sendTaskFailure({ taskToken: tokens.ccc?.[0] as string, error: 'Geweigerd', cause: 'nee' });
    await sfn.idle();
    // a entered ask again in the same segment: a new token, and it waits.
    expect(tokens.a).toHaveLength(2);
    expect(output(sfn, arn, 'a')?.status).toBe('RUNNING');
    await sfn.sendTaskSuccess({ taskToken: tokens.a?.[1] as string, output: JSON.stringify({ n: 7 }) });
    // The first token of a is closed.
    await expect(
      sfn.sendTaskSuccess({ taskToken: tokens.a?.[0] as string, output: JSON.stringify({ n: 1 }) }),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await sfn.idle();
    expect(output(sfn, arn, 'a')).toMatchObject({ status: 'SUCCEEDED', output: { result: { sum: 8 } } });
    expect(output(sfn, arn, 'bb')).toMatchObject({ status: 'SUCCEEDED', output: { result: { sum: 22 } } });
    expect(output(sfn, arn, 'ccc')).toMatchObject({
      status: 'SUCCEEDED',
      output: { refused: { Error: 'Geweigerd', Cause: 'nee' }, result: { sum: 2 } },
    });
  });

  it('runs the functions of the latest registration', async () => {
    const { sfn, tokens, functions, arn } = engine();
    await sfn.startExecution({ stateMachineArn: arn, name: 'x', input: JSON.stringify({ who: 'x' }) });
    await sfn.idle();
    await sfn.sendTaskSuccess({ taskToken: tokens.x?.[0] as string, output: JSON.stringify({ n: 1 }) });
    await sfn.idle();
    expect(output(sfn, arn, 'x')?.output).toMatchObject({ result: { sum: 2 } });
    sfn.register('m', MACHINE, functions(100));
    await sfn.startExecution({ stateMachineArn: arn, name: 'y', input: JSON.stringify({ who: 'y' }) });
    await sfn.idle();
    await sfn.sendTaskSuccess({ taskToken: tokens.y?.[0] as string, output: JSON.stringify({ n: 1 }) });
    await sfn.idle();
    expect(output(sfn, arn, 'y')?.output).toMatchObject({ result: { sum: 102 } });
    // Another machine of the same states, its own functions, run beside it.
    const other = sfn.register('n', MACHINE, functions(1000));
    await sfn.startExecution({ stateMachineArn: other, name: 'z', input: JSON.stringify({ who: 'z' }) });
    await sfn.startExecution({ stateMachineArn: arn, name: 'w', input: JSON.stringify({ who: 'w' }) });
    await sfn.idle();
    await sfn.sendTaskSuccess({ taskToken: tokens.z?.[0] as string, output: JSON.stringify({ n: 1 }) });
    await sfn.sendTaskSuccess({ taskToken: tokens.w?.[0] as string, output: JSON.stringify({ n: 1 }) });
    await sfn.idle();
    expect(output(sfn, other, 'z')?.output).toMatchObject({ result: { sum: 1002 } });
    expect(output(sfn, arn, 'w')?.output).toMatchObject({ result: { sum: 102 } });
  });
});
