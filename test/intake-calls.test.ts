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
import { DynamoDossierStore } from '../lambdas/adapters/dynamodb-store.js';
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
  it('POST /complaints: the limits, the counter, one transactional write and StartExecution; nothing read back', async () => {
    for (let i = 0; i < 5; i++) {
      const a = rt.usage.snapshot();
      const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: `Klacht ${i}` } });
      expect(r.status).toBe(201);
      const b = rt.usage.snapshot();
      // The two limits (per caller, per e-mail address) in one transaction, the reference counter,
      // the dossier with its view and reference in one transaction, then the ladder.
      expect(callsOf('api', a, b)).toEqual({ TransactWriteItems: 2, UpdateItem: 1, StartExecution: 1 });
      await rt.advance('PT0S');
    }
  });

  it('with an Idempotency-Key: the key is taken, and recorded done in the same transaction', async () => {
    const a = rt.usage.snapshot();
    const r = await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': 'calls-1' } });
    expect(r.status).toBe(201);
    const b = rt.usage.snapshot();
    expect(callsOf('api', a, b)).toEqual({ PutItem: 1, TransactWriteItems: 2, UpdateItem: 1, StartExecution: 1 });
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
