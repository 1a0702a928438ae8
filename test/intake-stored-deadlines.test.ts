/**
 * What a new complaint stores of its deadlines: the first commit is the record of the complaint
 * (its text, the complainant, the terms the regulation gives and how each was counted, in the
 * sentences the officer and the complainant were shown). Session 16 stored the explanations
 * without their sentences and rendered them again when read (a third of the commit's bytes): the
 * review found that a later change of wording would then rewrite what every such record says, and
 * that the code before could not read them after a rollback. So each explanation is stored whole,
 * as told: a store that never saw the dossier reads back exactly the deadlines the complainant was
 * answered with, and a dossier stored by main's code before (f758ece) loads as it was.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDossierStore } from '../lambdas/adapters/dynamodb-store.js';
import { deadlinesOf } from '../lambdas/domain/procedure/deadlines.js';
import { localDynamoDbClient } from '../runtime/dynamodb.js';
import mainShape from './fixtures/commit-main-f758ece.json' with { type: 'json' };
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
});
afterAll(async () => rt?.stop());

/** A store of its own on the runtime's table: it has read or written nothing yet (a cold Lambda). */
const freshStore = (client: ReturnType<typeof localDynamoDbClient>) =>
  new DynamoDossierStore(client, rt.endpoints.tableName);

describe('a new dossier stores its terms as they were told', () => {
  it('the first commit holds each explanation whole, its sentences as answered, and reads back as answered', async () => {
    const r = await rt.call('POST', '/complaints', { body: SANNE });
    expect(r.status).toBe(201);
    const answered = r.json.deadlines as { id: string; explanation: { text: string } }[];
    expect(answered.length).toBeGreaterThan(0);
    const client = localDynamoDbClient(rt.endpoints.dynamodb);
    try {
      const item = await client.send(
        new GetItemCommand({
          TableName: rt.endpoints.tableName,
          Key: { pk: { S: `DOSSIER#${r.json.id}` }, sk: { S: 'EVENT#000001' } },
        }),
      );
      const events = JSON.parse(item.Item?.events?.S ?? '[]') as {
        type: string;
        data: { deadlineId: string; explanation: unknown };
      }[];
      const set = new Map(events.filter((e) => e.type === 'deadline.set').map((e) => [e.data.deadlineId, e.data]));
      // The explanation as stored is the one answered, sentences and all, byte for byte.
      for (const d of answered) {
        expect(d.explanation.text.length, d.id).toBeGreaterThan(40);
        expect(JSON.stringify(set.get(d.id)?.explanation), d.id).toBe(JSON.stringify(d.explanation));
      }
      // A store that never saw it reads back the answer's deadlines, byte for byte, but for their
      // status: the ladder goes on meanwhile (the acknowledgement sent meets its deadline).
      const view = await freshStore(client).load(r.json.id);
      const terms = (ds: Record<string, unknown>[]) => JSON.stringify(ds.map(({ status: _, ...d }) => d));
      expect(terms(deadlinesOf(view as never) as never)).toBe(terms(r.json.deadlines));
    } finally {
      client.destroy();
    }
  });

  it("a dossier stored by main's code before (f758ece, each explanation whole) loads with its explanations as stored", async () => {
    const client = localDynamoDbClient(rt.endpoints.dynamodb);
    try {
      await client.send(new PutItemCommand({ TableName: rt.endpoints.tableName, Item: mainShape as never }));
      const id = mainShape.pk.S.slice('DOSSIER#'.length);
      const events = JSON.parse(mainShape.events.S) as {
        type: string;
        data: { deadlineId: string; explanation: unknown };
      }[];
      const stored = events.filter((e) => e.type === 'deadline.set').map((e) => e.data);
      expect(stored.length).toBe(4);
      const view = await freshStore(client).load(id);
      const read = deadlinesOf(view as never);
      expect(read.map((d) => d.id)).toEqual(stored.map((d) => d.deadlineId));
      expect(JSON.stringify(read.map((d) => d.explanation))).toBe(JSON.stringify(stored.map((d) => d.explanation)));
    } finally {
      client.destroy();
    }
  });
});
