/**
 * The usage meter of a simulation costs no hook on every promise (#19). Node 20's AsyncLocalStorage
 * turns on a promise hook at its first `run` and keeps it on: the function names (aws-calls.ts) and
 * the meter's unmetered work (usage.ts) did so for the whole simulated year, 2.6 % of its CPU in
 * async_hooks alone, besides the garbage. The judge is Node's own: while no hook is on, a promise's
 * continuation runs without an async id of its own (`executionAsyncId()` is 0 after an `await`);
 * with one, each continuation has a fresh id.
 */
import { executionAsyncId } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';
import { Usage } from '../runtime/usage.js';
import { SANNE, testRuntime } from './support/runtime.js';

/** The async ids of three continuations in a row: all 0 while no promise hook is on. */
async function continuationIds(): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) {
    await null;
    ids.push(executionAsyncId());
  }
  return ids;
}

const TABLE = 'usage-hooks';
function store() {
  const db = new MemoryDynamoDb();
  db.createTable({
    TableName: TABLE,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  } as never);
  return db;
}
const { GetCommand, PutCommand } = await import('@aws-sdk/lib-dynamodb');

describe('usage meter: no promise hook outside unmetered work (#19)', () => {
  it('no hook before, and none left once the unmetered work is done; inside it, its own requests are not counted and the others are', async () => {
    expect(await continuationIds(), 'a hook was on before the test').toEqual([0, 0, 0]);
    const usage = new Usage(true, { byFunction: false });
    const db = store();
    usage.meterMemoryDynamoDb(db);
    expect(await continuationIds()).toEqual([0, 0, 0]);
    // Work that goes on while the unmetered work runs, interleaved with it at every await, is billed.
    let going = true;
    const others = (async () => {
      let n = 0;
      while (going) {
        await db.send(new PutCommand({ TableName: TABLE, Item: { pk: 'a', sk: String(n++) } }));
      }
      return n;
    })();
    const watched = await usage.unmetered(async () => {
      let reads = 0;
      for (let i = 0; i < 5; i++) {
        await db.send(new GetCommand({ TableName: TABLE, Key: { pk: 'a', sk: '0' } }));
        reads++;
      }
      return reads;
    });
    going = false;
    const puts = await others;
    expect(watched).toBe(5);
    expect(usage.counts.dynamodbRequests.GetItem ?? 0, 'the unmetered reads were counted').toBe(0);
    expect(usage.counts.dynamodbRequests.PutItem, 'the work beside it was not counted').toBe(puts);
    expect(await continuationIds(), 'the unmetered work left a promise hook on').toEqual([0, 0, 0]);
    // And again: a second unmetered piece is left out as well, and leaves no hook either.
    await usage.unmetered(() => db.send(new GetCommand({ TableName: TABLE, Key: { pk: 'a', sk: '0' } })));
    expect(usage.counts.dynamodbRequests.GetItem ?? 0).toBe(0);
    await db.send(new GetCommand({ TableName: TABLE, Key: { pk: 'a', sk: '0' } }));
    expect(usage.counts.dynamodbRequests.GetItem).toBe(1);
    expect(await continuationIds()).toEqual([0, 0, 0]);
  });

  it('a runtime metered as the simulation meters it (no counts by function) runs its ladders without a promise hook', async () => {
    // The record of AWS calls per function (KLACHTFLOW_AWS_CALLS, set by vitest) needs the names;
    // the simulation runs without it.
    const sink = process.env.KLACHTFLOW_AWS_CALLS;
    delete process.env.KLACHTFLOW_AWS_CALLS;
    const rt = await testRuntime('ons-welzijn', undefined, undefined, { meter: true, meterByFunction: false });
    try {
      const r = await rt.call('POST', '/complaints', { body: SANNE });
      expect(r.status).toBe(201);
      await rt.advance('PT0S');
      const view = await rt.usage.unmetered(() => rt.procedure.deps.store.load(r.json.id));
      expect(view?.letters.length).toBeGreaterThan(0);
      await rt.advance('P3D');
      expect(rt.usage.counts.invocations['begin-step']).toBeGreaterThan(0);
      expect(rt.usage.counts.mails).toBeGreaterThan(0);
      expect(rt.usage.counts.callsByFunction, 'counted by function though nobody asked').toEqual({});
      expect(await continuationIds(), 'a promise hook stayed on').toEqual([0, 0, 0]);
    } finally {
      await rt.stop();
      if (sink !== undefined) process.env.KLACHTFLOW_AWS_CALLS = sink;
    }
  });
});
