/**
 * What a new complaint stores of its deadlines (#19, session 16): the first commit is the record of
 * the complaint (its text, the complainant, the terms the regulation gives and how each was
 * counted), not a rendering of it. Each deadline's explanation carried its Dutch sentences
 * (`text`) and the regulation's quote a second time (`source`, already in the deadline's `basis`):
 * both follow from what is stored beside them, and in AWS every KB of a write is a write unit.
 * A store that never saw the dossier must read back exactly the deadlines the complainant was
 * answered with, and a dossier stored in the shape main wrote before (f758ece, the full
 * explanation) must still load as it was.
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

describe('a new dossier stores the terms, not their rendering', () => {
  it('the first commit holds no explanation sentences nor a second copy of the quote, and reads back as answered', async () => {
    const r = await rt.call('POST', '/complaints', { body: SANNE });
    expect(r.status).toBe(201);
    const answered = r.json.deadlines as { explanation: { text: string; source?: string } }[];
    expect(answered.length).toBeGreaterThan(0);
    const client = localDynamoDbClient(rt.endpoints.dynamodb);
    try {
      const item = await client.send(
        new GetItemCommand({
          TableName: rt.endpoints.tableName,
          Key: { pk: { S: `DOSSIER#${r.json.id}` }, sk: { S: 'EVENT#000001' } },
        }),
      );
      const stored = item.Item?.events?.S ?? '';
      const events = JSON.parse(stored) as { type: string; data: Record<string, unknown> }[];
      // Every sentence the answer explains a deadline with is rendered from the commit, not stored in it.
      for (const d of answered) expect(stored).not.toContain(JSON.stringify(d.explanation.text).slice(1, -1));
      // The regulation's quote once per deadline: in its basis, as the term was applied.
      for (const e of events.filter((x) => x.type === 'deadline.set')) {
        const source = (e.data.basis as { source?: string }).source as string;
        expect(source).toBeTruthy();
        expect(JSON.stringify(e.data).split(JSON.stringify(source).slice(1, -1)).length - 1).toBe(1);
      }
      // A store that never saw it reads back the answer's deadlines, byte for byte.
      const view = await freshStore(client).load(r.json.id);
      expect(JSON.stringify(deadlinesOf(view as never))).toBe(JSON.stringify(r.json.deadlines));
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
