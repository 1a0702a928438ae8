/**
 * A complaint's first ladder writes its execution record with its first segment, not before
 * StartExecution answers (#19: the record's open, write, flush and rename were 5 to 7 % of a local
 * `POST /complaints`). What makes that safe: the dossier, written before the start, is what the
 * intake recovery starts a ladder from while the dossier records no execution, and the record is on
 * disk before the ladder's first task records the execution in the dossier. So a crash finds the
 * record (the run goes on) or nothing (the recovery starts the ladder): never a dossier that says
 * it has a ladder that no longer exists, never two ladders.
 *
 * Before: the record was flushed before StartExecution answered, and the first two checks below
 * failed (the record was on disk with the answer).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restartedFromDossier } from '../lambdas/domain/procedure/intake.js';
import { RuntimeClock } from '../runtime/clock.js';
import { LocalStepFunctions } from '../runtime/stepfunctions.js';
import type { AslDocument } from '../statemachines/compile.js';
import { SANNE, testRuntime } from './support/runtime.js';

const FN = 'arn:aws:lambda:eu-west-1:000000000000:function:first-task';
/** One task that runs at once (a step's beginning), then the end. */
const MACHINE: AslDocument = {
  Comment: 'test',
  StartAt: 'first',
  States: {
    first: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN, 'Payload.$': '$' },
      ResultPath: null,
      Next: 'done',
    },
    done: { Type: 'Succeed' },
  },
};

describe('the execution record of a complaint’s first ladder', () => {
  it('is written with the first segment, after the gate, and is on disk before the first task runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kf-start-record-'));
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    /** Per dossier: whether its first task found the record of the execution named after it. */
    const seenByFirstTask = new Map<string, boolean>();
    const sfn = new LocalStepFunctions({
      dir,
      clock: new RuntimeClock('manual', 1, new Date('2026-09-03T07:00:00Z')),
      startGate: () => gate,
      restartedByCaller: restartedFromDossier,
    });
    const record = (name: string) => join(dir, `${name}.json`);
    const arn = sfn.register(
      'ladder',
      MACHINE,
      {
        [FN]: async (p: unknown) => {
          const { dossierId } = p as { dossierId: string };
          seenByFirstTask.set(dossierId, existsSync(record(dossierId)));
          return {};
        },
      },
      { validate: false },
    );
    const first = { dossierId: 'd1', regulationId: 'r', startRung: 'a', resumeAt: null, result: null, cursor: null };
    await sfn.startExecution({ stateMachineArn: arn, name: 'd1', input: JSON.stringify(first) });
    // Answered, the gate still shut: nothing on disk yet, the execution known and running.
    expect(existsSync(record('d1'))).toBe(false);
    expect(sfn.executionsOf(arn).map((e) => [e.name, e.status])).toEqual([['d1', 'RUNNING']]);
    // A second start under the same name and input (the recovery right after) is the same execution.
    await sfn.startExecution({ stateMachineArn: arn, name: 'd1', input: JSON.stringify(first) });
    expect(sfn.executionsOf(arn)).toHaveLength(1);

    // A continuation is recorded in its dossier at once: its record is on disk with the answer.
    const next = { ...first, dossierId: 'd2', startRung: null, resumeAt: 'b' };
    await sfn.startExecution({ stateMachineArn: arn, name: 'd2-0001', input: JSON.stringify(next) });
    expect(existsSync(record('d2-0001'))).toBe(true);
    // So is an execution not named after its dossier.
    await sfn.startExecution({
      stateMachineArn: arn,
      name: 'other',
      input: JSON.stringify({ ...first, dossierId: 'd4' }),
    });
    expect(existsSync(record('other'))).toBe(true);

    open();
    await sfn.idle();
    // The first task of d1 found its record on disk; every execution ran once and finished.
    expect(seenByFirstTask.get('d1')).toBe(true);
    expect([...seenByFirstTask.keys()].sort()).toEqual(['d1', 'd2', 'd4']);
    expect(readdirSync(join(dir, 'done')).sort()).toEqual(['d1.json', 'd2-0001.json', 'other.json']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('a stop before the first segment stands: no record of a run is left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kf-start-record-'));
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    let ran = 0;
    const sfn = new LocalStepFunctions({
      dir,
      clock: new RuntimeClock('manual', 1, new Date('2026-09-03T07:00:00Z')),
      startGate: () => gate,
      restartedByCaller: restartedFromDossier,
    });
    const arn = sfn.register('ladder', MACHINE, { [FN]: async () => ran++ }, { validate: false });
    const input = { dossierId: 'd3', regulationId: 'r', startRung: 'a', resumeAt: null, result: null, cursor: null };
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: arn,
      name: 'd3',
      input: JSON.stringify(input),
    });
    await sfn.stopExecution({ executionArn, cause: 'ingetrokken' });
    open();
    await sfn.idle();
    expect(ran).toBe(0);
    expect(existsSync(join(dir, 'd3.json'))).toBe(false);
    expect(sfn.executionsOf(arn).map((e) => e.status)).toEqual(['ABORTED']);
  });

  it('a crash after the answer, before the record: one dossier, one ladder, one acknowledgement after the restart', async () => {
    const rt = await testRuntime('ons-welzijn');
    // A complaint still being received holds every new ladder at the gate (runtime/intake-priority.ts):
    // its body has not all arrived.
    const { port } = new URL(rt.url);
    const body = JSON.stringify({ ...SANNE, description: 'Deze komt nooit helemaal aan.' });
    const slow = request({
      host: '127.0.0.1',
      port,
      path: '/complaints',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    slow.on('error', () => undefined);
    slow.write(body.slice(0, 10));
    const copy = mkdtempSync(join(tmpdir(), 'kf-start-record-crash-'));
    let id: string;
    let reference: string;
    try {
      const r = await rt.call('POST', '/complaints', {
        body: { ...SANNE, description: 'Opgeslagen, ladder nog niet.' },
      });
      expect(r.status).toBe(201);
      ({ id, reference } = r.json as { id: string; reference: string });
      // What the disk holds if the process is killed now (SIGKILL leaves what was written).
      cpSync(rt.dataDir, copy, { recursive: true });
    } finally {
      slow.destroy();
      await rt.stop();
    }
    // The crash lands in the new window: the dossier is stored, its execution's record is not.
    expect(existsSync(join(copy, 'executions', `${id}.json`))).toBe(false);
    expect(existsSync(join(copy, 'executions', 'done', `${id}.json`))).toBe(false);

    const again = await testRuntime('ons-welzijn', undefined, copy);
    try {
      await again.advance('PT0S');
      const store = (again.procedure as any).deps.store;
      expect(await store.receivedBetween('ons-welzijn', '2000-01-01', '2100-01-01')).toEqual([id]);
      const executions = again.stepFunctions
        .executionsOf(again.endpoints.stateMachineArn)
        .filter((e) => e.name === id || e.name.startsWith(`${id}-`));
      expect(executions.map((e) => e.name)).toEqual([id]);
      const mails = ((await again.mail()) as { subject: string }[]).filter(
        (m) => m.subject === `[${reference}] Wij hebben uw klacht ontvangen`,
      );
      expect(mails).toHaveLength(1);
      const view = await store.load(id);
      expect(view.executionArn).toBe(executions[0]?.executionArn);
      expect(view.current?.stepId).toBe('admissibility');
    } finally {
      await again.stop();
    }
  });
});
