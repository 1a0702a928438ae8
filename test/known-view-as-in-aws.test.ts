/**
 * The local runtime answers a ladder task's read of its dossier from memory (`knownViews`, #19
 * session 16); AWS never does: there each decision Queries the dossier first (the store's
 * `known` answers nothing). What the runtime reports about AWS must not change with that local
 * shortcut: the simulation's bill (read units, requests by operation) and which calls each
 * function makes (the meter by function, and the record the IAM simulation checks,
 * test/aws-permissions.test.ts). Judged by walking the same complaint with the shortcut on and
 * off: AWS's side of the two must be the same.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDossierStore, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { Core } from '../lambdas/domain/procedure/core.js';
import { asFunction, readFunctionNames, recordStandIn } from '../runtime/aws-calls.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';
import { loadRegulation } from '../statemachines/load.js';
import { receivedEvent } from './support/events.js';
import { dossier, ONS_RESOLVED_IN_CONVERSATION, submit, walk } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const open: TestRuntime[] = [];
afterEach(async () => {
  for (const rt of open.splice(0)) await rt.stop();
});

/** One complaint to its close on ONS welzijn, and what AWS would have seen of it. */
async function awsSide(knownViews: boolean) {
  const rt = await testRuntime('ons-welzijn', undefined, undefined, { meter: true, store: 'memory', knownViews });
  open.push(rt);
  const s = await submit(rt);
  await walk(rt, s.id, ONS_RESOLVED_IN_CONVERSATION);
  expect((await dossier(rt, s.id)).status).toBe('closed');
  const c = rt.usage.snapshot();
  return {
    side: {
      dynamodbRequests: c.dynamodbRequests,
      dynamodbFailures: c.dynamodbFailures,
      readUnits: c.readUnits,
      writeUnits: c.writeUnits,
      callsByFunction: c.callsByFunction,
    },
    fromMemory: c.dynamodbFromMemory,
  };
}

describe('what AWS would see does not depend on the local read from memory', () => {
  it('bills the same reads and counts the same calls by function with the shortcut on and off', async () => {
    const off = await awsSide(false);
    const on = await awsSide(true);
    // The shortcut did answer (else this judges nothing), and nothing when off.
    expect(on.fromMemory).toBeGreaterThanOrEqual(5);
    expect(off.fromMemory).toBe(0);
    expect(on.side).toEqual(off.side);
    expect(on.side.callsByFunction.awaitAction?.Query ?? 0).toBeGreaterThan(0);
  });

  it('records a call answered from memory for the IAM simulation as the function makes it in AWS', () => {
    // Into the run's record (vitest.config.ts sets KLACHTFLOW_AWS_CALLS), under an index name of
    // this run's own, so that only this test can have written those lines.
    const dir = process.env.KLACHTFLOW_AWS_CALLS;
    if (!dir) throw new Error('vitest.config.ts sets KLACHTFLOW_AWS_CALLS: run this file through vitest');
    readFunctionNames(); // as a recorder does when the folder is set
    const index = `standin-${process.pid}-${Date.now()}`;
    asFunction('awaitAction', () => recordStandIn('dynamodb', 'QueryCommand', { IndexName: index }));
    // Outside any function (a test's own work): no function's call, as with a real call.
    recordStandIn('dynamodb', 'QueryCommand', { IndexName: `${index}-outside` });
    const lines = readFileSync(join(dir, `${process.pid}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { index?: string })
      .filter((c) => c.index?.startsWith(index));
    expect(lines).toEqual([{ fn: 'awaitAction', service: 'dynamodb', command: 'Query', index }]);
  });

  it('a decision on the view from memory that appends nothing reads, and is billed that one Query, as in AWS', async () => {
    // In AWS the task Queries, decides on what it read, and has nothing to append: one Query.
    // Here the decision on the remembered view proves nothing (core.ts mutate), so the dossier is
    // read and decided on again: one Query made, none to stand in for.
    const reg = loadRegulation('ons-welzijn');
    const at = '2026-09-03T09:00:00Z';
    const memory = new MemoryDynamoDb();
    memory.createTable(tableDefinition('dossiers'));
    let queries = 0;
    let standIns = 0;
    const client = {
      send: (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'QueryCommand') queries++;
        return memory.send(command as never);
      },
    };
    const store = new DynamoDossierStore(client as never, 'dossiers', { knownViews: true, onKnown: () => standIns++ });
    await store.create('k1', [receivedEvent(reg.id, at)], 'klachtflow-intake', at, {
      reference: 'KL-2026-0001',
      regulationId: reg.id,
    });
    const core = new Core({
      regulation: reg,
      store,
      mailer: { send: async () => ({ messageId: 'm' }) },
      reminders: { schedule: async () => true, cancel: async () => {} },
      workflow: { start: async () => 'arn', succeed: async () => {}, stop: async () => {} },
      clock: { now: () => new Date(at) },
      urls: {
        status: (id, token) => `http://127.0.0.1/klacht/${id}/${token}`,
        dossier: (id) => `http://127.0.0.1/d/${id}`,
      },
    });
    queries = 0;
    await core.mutateKnown('k1', 'klachtflow', () => []);
    expect({ queries, standIns }).toEqual({ queries: 1, standIns: 0 });
  });
});
