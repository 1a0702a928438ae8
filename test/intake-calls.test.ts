/**
 * What a complainant waits for (#19): the AWS calls inside one `POST /complaints`, counted by the
 * runtime's meter per function (runtime/usage.ts; every call, refused ones included), and the
 * collisions on the way to the acknowledgement. In AWS each DynamoDB round trip is 5-10 ms.
 * Before: 9 sequential calls in the request (UpdateItem counter, PutItem events, PutItem view,
 * PutItem reference, StartExecution, Query, PutItem execution.started, PutItem view, Query), and
 * the API's `execution.started` append collided with the ladder's first task in most intakes.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDossierStore, REFERENCE_BLOCK } from '../lambdas/adapters/dynamodb-store.js';
import type { UsageCounts } from '../runtime/usage.js';
import { dossier } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', undefined, undefined, { meter: true });
});
afterAll(async () => rt?.stop());

/** The calls a function made between two snapshots, by operation. */
function callsOf(fn: string, a: UsageCounts, b: UsageCounts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [op, n] of Object.entries(b.callsByFunction[fn] ?? {})) {
    const d = n - (a.callsByFunction[fn]?.[op] ?? 0);
    if (d) out[op] = d;
  }
  return out;
}
const failures = (a: UsageCounts, b: UsageCounts) =>
  Object.entries(b.dynamodbFailures).reduce((sum, [k, v]) => sum + v - (a.dynamodbFailures[k] ?? 0), 0);

describe('intake: round trips of one complaint', () => {
  it('POST /complaints: one transactional write (the limits in it) and StartExecution; the counter once per block of references', async () => {
    const counter: number[] = [];
    const refs: string[] = [];
    for (let i = 0; i < REFERENCE_BLOCK + 2; i++) {
      const a = rt.usage.snapshot();
      const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: `Klacht ${i}` } });
      expect(r.status).toBe(201);
      refs.push(r.json.reference);
      const b = rt.usage.snapshot();
      // The dossier with its view, reference and both limits (per caller, per e-mail address) in
      // one transaction, then the ladder; the reference counter only when this process's block of
      // references is used up.
      const { UpdateItem = 0, ...rest } = callsOf('api', a, b);
      expect(rest).toEqual({ TransactWriteItems: 1, StartExecution: 1 });
      counter.push(UpdateItem);
      await rt.advance('PT0S');
    }
    // One process numbers its complaints one after the other, without gaps.
    const n = refs.map((r) => Number(r.slice(-4)));
    expect(n).toEqual(n.map((_, i) => (n[0] as number) + i));
    expect(counter.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(2);
  });

  it('references taken in blocks: concurrent intakes of several processes on one table never share one', async () => {
    const { dynamodb, region, tableName } = rt.endpoints;
    const client = new DynamoDBClient({
      endpoint: dynamodb,
      region,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    // Three "Lambda containers" (three stores) and this runtime's own intakes, all at once.
    const stores = [0, 1, 2].map(() => new DynamoDossierStore(client, tableName));
    const taken = await Promise.all([
      ...Array.from({ length: 60 }, (_, i) =>
        (stores[i % 3] as DynamoDossierStore).nextReference(rt.regulation.id, 2026),
      ),
      ...Array.from({ length: 8 }, (_, i) =>
        rt
          .call('POST', '/complaints', { body: { ...SANNE, description: `Tegelijk ${i}` } })
          .then((r) => r.json.reference as string),
      ),
    ]);
    expect(taken.every((r) => /^KL-2026-\d{4}$/.test(r))).toBe(true);
    expect(new Set(taken).size).toBe(taken.length);
    await rt.advance('PT0S');
  });

  it('with an Idempotency-Key: the key is taken, and recorded done in the same transaction', async () => {
    const a = rt.usage.snapshot();
    const r = await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': 'calls-1' } });
    expect(r.status).toBe(201);
    const b = rt.usage.snapshot();
    const { UpdateItem: _counter, ...rest } = callsOf('api', a, b);
    expect(rest).toEqual({ PutItem: 1, TransactWriteItems: 1, StartExecution: 1 });
    // The same key again: one read, the first answer.
    const again = await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': 'calls-1' } });
    expect(again.json.id).toBe(r.json.id);
    await rt.advance('PT0S');
  });

  it('up to the acknowledgement: no write collides (the API and the first task never write the same dossier at once)', async () => {
    const a = rt.usage.snapshot();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: `Botsing ${i}` } });
      ids.push(r.json.id);
    }
    await rt.advance('PT0S');
    const b = rt.usage.snapshot();
    expect(b.dynamodbFailures, JSON.stringify(b.dynamodbFailures)).toBeDefined();
    expect(failures(a, b)).toBe(0);
    // Every ladder started and is recorded in its dossier; every complainant got the acknowledgement.
    const mail = (await rt.mail()) as { subject: string }[];
    for (const id of ids) {
      const d = await dossier(rt, id);
      expect(d.currentStep?.id).toBe('admissibility');
      expect(mail.filter((m) => m.subject === `[${d.reference}] Wij hebben uw klacht ontvangen`)).toHaveLength(1);
    }
    const { dynamodb, region, tableName } = rt.endpoints;
    const client = new DynamoDBClient({
      endpoint: dynamodb,
      region,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const events = await new DynamoDossierStore(client, tableName).events(ids[0] as string);
    expect(events.filter((e) => e.type === 'execution.started')).toHaveLength(1);
  });
});
