/**
 * The intake recovery (#19). A complaint is committed in one transaction and its ladder started
 * right after; a crash in between (in AWS: the API function's container ended, a throttled call)
 * left a dossier that nobody acknowledged and no deadline watched. Locally the runtime repaired it
 * at its next start; in AWS nothing did. Now a scheduled function (lambdas/recover-intake.ts, every
 * five minutes) finds such dossiers through their index and starts each ladder under the dossier's
 * own execution name, so a second start is the same execution: the ladder runs once, the
 * acknowledgement goes out once. The same function runs here, as the function it is in AWS (its
 * calls recorded for the IAM simulation in test/aws-permissions.test.ts).
 *
 * Before: the dossier below stayed without a ladder and without an acknowledgement for as long as
 * the service ran (nothing but a restart of the local runtime started it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LadderInput, Workflow } from '../lambdas/domain/ports.js';
import { dossier } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
let workflow: Workflow;
/** The next StartExecution "crashes": the process ends between the commit and the call. */
let crashNextStart = false;

beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
  const deps = rt.procedure.deps as { workflow: Workflow };
  workflow = deps.workflow;
  const real = workflow;
  deps.workflow = {
    start: (input: LadderInput, name: string) => {
      if (crashNextStart) {
        crashNextStart = false;
        return Promise.reject(Object.assign(new Error('the API function ended here'), { name: 'Crash' }));
      }
      return real.start(input, name);
    },
    succeed: (token, output) => real.succeed(token, output),
    stop: (arn, cause) => real.stop(arn, cause),
  };
});
afterAll(async () => rt?.stop());

const acknowledgements = async (reference: string) =>
  ((await rt.mail()) as { subject: string }[]).filter(
    (m) => m.subject === `[${reference}] Wij hebben uw klacht ontvangen`,
  );

const executionsOf = (id: string) =>
  rt.stepFunctions
    .executionsOf(rt.endpoints.stateMachineArn)
    .filter((e) => e.name === id || e.name.startsWith(`${id}-`));

describe('intake recovery: a crash between the commit and StartExecution', () => {
  it('starts the ladder once, after the grace, and the acknowledgement goes out once', async () => {
    crashNextStart = true;
    const first = await rt.call('POST', '/complaints', {
      body: { ...SANNE, description: 'Na de opslag, voor de start.' },
      headers: { 'idempotency-key': 'crash-tussen-opslag-en-start' },
    });
    // The answer is an error (never a 500), but the complaint was stored: the key keeps its answer.
    expect(first.status).toBeGreaterThanOrEqual(500);
    expect(first.status).not.toBe(500);
    const retry = await rt.call('POST', '/complaints', {
      body: { ...SANNE, description: 'Na de opslag, voor de start.' },
      headers: { 'idempotency-key': 'crash-tussen-opslag-en-start' },
    });
    expect(retry.status).toBe(201);
    const { id, reference } = retry.json as { id: string; reference: string };
    await rt.advance('PT0S');
    // Stored, but no ladder: no execution, no acknowledgement, no step under way.
    expect(executionsOf(id)).toHaveLength(0);
    expect(await acknowledgements(reference)).toHaveLength(0);
    expect((await dossier(rt, id)).currentStep).toBeFalsy();

    // Within the grace (two minutes) the recovery leaves it: its StartExecution may be on its way.
    expect(await rt.intakeRecovery(120)).toMatchObject({ checked: 0, started: 0, failed: 0 });

    // Three minutes later the schedule's run finds it. Two runs at once (a retry overlapping the
    // next run): both start the execution named after the dossier, which is one execution.
    await rt.advance('PT3M');
    const runs = await Promise.all([rt.intakeRecovery(120), rt.intakeRecovery(120)]);
    expect(runs.map((r) => r.checked)).toEqual([1, 1]);
    expect(runs.every((r) => r.failed === 0)).toBe(true);
    await rt.advance('PT0S');
    expect(executionsOf(id).map((e) => e.name)).toEqual([id]);
    expect(await acknowledgements(reference)).toHaveLength(1);
    expect((await dossier(rt, id)).currentStep?.id).toBe('admissibility');

    // Started and recorded: the next runs find nothing, and nothing is sent again.
    expect(await rt.intakeRecovery(120)).toMatchObject({ checked: 0, started: 0 });
    await rt.advance('PT10M');
    expect(await rt.intakeRecovery(120)).toMatchObject({ checked: 0, started: 0 });
    expect(executionsOf(id)).toHaveLength(1);
    expect(await acknowledgements(reference)).toHaveLength(1);
  });

  it('a start that did happen is not repeated: a run right after an ordinary intake adds no second ladder', async () => {
    const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: 'Gewoon ingediend.' } });
    expect(r.status).toBe(201);
    const { id, reference } = r.json as { id: string; reference: string };
    // No grace: the run may come before the ladder's first task recorded the execution.
    const run = await rt.intakeRecovery(0);
    expect(run.failed).toBe(0);
    await rt.advance('PT0S');
    expect(executionsOf(id).map((e) => e.name)).toEqual([id]);
    expect(await acknowledgements(reference)).toHaveLength(1);
  });

  it('reads only what may need a start: closed and started dossiers are not in its index', async () => {
    for (let i = 0; i < 5; i++)
      expect((await rt.call('POST', '/complaints', { body: { ...SANNE, description: `Nog een ${i}` } })).status).toBe(
        201,
      );
    await rt.advance('PT0S');
    expect(await rt.intakeRecovery(0)).toMatchObject({ checked: 0, started: 0, failed: 0 });
  });
});
