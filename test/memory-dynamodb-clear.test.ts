/**
 * The memory store's clear() forgets every item, in the table and in its indexes, however the
 * store finds them (#19, session 17: the item and index stores are found by table and index name
 * without building dynalite's name for each request; a store found so must be the one clear()
 * empties, or a cleared store would go on answering, and writing, what it was said to forget).
 * The judge is what a fresh store answers: nothing, then exactly the items written after.
 */
import { describe, expect, it } from 'vitest';
import {
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '../lambdas/adapters/document-commands.js';
import { tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';

const TABLE = 'clear-test';
const view = (id: string) => ({
  pk: `DOSSIER#${id}`,
  sk: 'VIEW',
  version: 1,
  gsi1pk: 'OPEN#reg',
  gsi1sk: `2027-01-01#${id}`,
  gsi3pk: 'DOSSIERS#reg',
  gsi3sk: `2026-12-01#${id}`,
});

async function seen(store: MemoryDynamoDb) {
  const table = await store.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'DOSSIER#a' },
    }),
  );
  const worklist = await store.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: 'worklist',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'OPEN#reg' },
    }),
  );
  const received = await store.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: 'byReceived',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': 'DOSSIERS#reg' },
    }),
  );
  return {
    items: store.itemCount(TABLE),
    table: (table.Items ?? []).map((i: { sk: string }) => i.sk),
    worklist: (worklist.Items ?? []).map((i: { id?: string; pk: string }) => i.pk),
    received: (received.Items ?? []).map((i: { pk: string }) => i.pk),
  };
}

describe('the memory store’s clear()', () => {
  it('forgets the items of the table and of its indexes, written by PutItem, UpdateItem and a transaction, and answers as a fresh store after', async () => {
    const store = new MemoryDynamoDb();
    store.createTable(tableDefinition(TABLE));
    const write = async (id: string) => {
      await store.send(new PutCommand({ TableName: TABLE, Item: view(id) }));
      await store.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { pk: `DOSSIER#${id}`, sk: 'EVENT#000001' },
          UpdateExpression: 'SET gsi1pk = :w, gsi1sk = :s',
          ExpressionAttributeValues: { ':w': 'OPEN#reg', ':s': `2027-02-01#${id}` },
        }),
      );
      await store.send(
        new TransactWriteCommand({
          TransactItems: [{ Put: { TableName: TABLE, Item: { ...view(id), sk: 'EVENT#000002', gsi1pk: undefined } } }],
        }),
      );
    };
    await write('a');
    const before = await seen(store);
    expect(before.items).toBe(3);
    expect(before.table).toEqual(['EVENT#000001', 'EVENT#000002', 'VIEW']);
    expect(before.worklist).toHaveLength(2);
    expect(before.received).toHaveLength(2);

    store.clear();
    expect(await seen(store)).toEqual({ items: 0, table: [], worklist: [], received: [] });

    // Written again after clear(): counted and found as in a fresh store, the old items gone.
    await write('a');
    const fresh = new MemoryDynamoDb();
    fresh.createTable(tableDefinition(TABLE));
    await store.send(new PutCommand({ TableName: TABLE, Item: view('b') }));
    await fresh.send(new PutCommand({ TableName: TABLE, Item: view('a') }));
    await fresh.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'DOSSIER#a', sk: 'EVENT#000001' },
        UpdateExpression: 'SET gsi1pk = :w, gsi1sk = :s',
        ExpressionAttributeValues: { ':w': 'OPEN#reg', ':s': '2027-02-01#a' },
      }),
    );
    await fresh.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: TABLE, Item: { ...view('a'), sk: 'EVENT#000002', gsi1pk: undefined } } }],
      }),
    );
    await fresh.send(new PutCommand({ TableName: TABLE, Item: view('b') }));
    expect(await seen(store)).toEqual(await seen(fresh));
    expect((await seen(store)).items).toBe(4);
  });
});
