/**
 * TransactWriteItems on the local engine (#19). dynalite 4 has none (its server answered
 * UnknownOperationException); the project's patch (patches/dynalite+4.0.0.patch) adds it. Held
 * here to what DynamoDB's API reference says of it: all actions or none; a failed condition
 * cancels the whole with TransactionCanceledException and one CancellationReason per action, in
 * order; no two actions on one item; Update expressions, indexes and conditions as in the
 * single-item operations; concurrent transactions on one item: exactly one wins.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { startDynalite } from '../runtime/dynamodb.js';
import { createActiveTable } from './support/tables.js';

const TABLE = 'transactions';
let dir: string;
let db: Awaited<ReturnType<typeof startDynalite>>;
let client: DynamoDBClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kf-tx-'));
  db = await startDynalite(join(dir, 'dynamodb'));
  client = new DynamoDBClient({
    region: 'eu-west-1',
    endpoint: db.endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  await createActiveTable(client, tableDefinition(TABLE));
});
afterAll(async () => {
  client?.destroy();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Action = NonNullable<TransactWriteItemsCommandInput['TransactItems']>[number];
const put = (pk: string, extra: Record<string, { S: string }> = {}): Action => ({
  Put: {
    TableName: TABLE,
    Item: { pk: { S: pk }, sk: { S: 'A' }, ...extra },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});
const transact = (items: Action[]) => client.send(new TransactWriteItemsCommand({ TransactItems: items }));
const get = async (pk: string) =>
  (await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk }, sk: { S: 'A' } } }))).Item;

describe('dynalite: TransactWriteItems', () => {
  it('writes every action: puts, an update expression, the index entries', async () => {
    await transact([
      put('a', { gsi1pk: { S: 'OPEN' }, gsi1sk: { S: '1' } }),
      put('b'),
      {
        Update: {
          TableName: TABLE,
          Key: { pk: { S: 'n' }, sk: { S: 'A' } },
          UpdateExpression: 'ADD #n :one SET #e = if_not_exists(#e, :e)',
          ExpressionAttributeNames: { '#n': 'count', '#e': 'expiresAt' },
          ExpressionAttributeValues: { ':one': { N: '1' }, ':e': { N: '7' } },
        },
      },
    ]);
    expect(await get('a')).toBeDefined();
    expect(await get('b')).toBeDefined();
    expect(await get('n')).toEqual({ pk: { S: 'n' }, sk: { S: 'A' }, count: { N: '1' }, expiresAt: { N: '7' } });
    const index = await client.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'worklist',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'OPEN' } },
      }),
    );
    expect(index.Items?.map((i) => i.pk?.S)).toEqual(['a']);
  });

  it('one failed condition cancels all, with a reason per action in order', async () => {
    const e = await transact([put('c'), put('a'), put('d')]).catch((x) => x);
    expect(e.name).toBe('TransactionCanceledException');
    expect(e.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual([
      'None',
      'ConditionalCheckFailed',
      'None',
    ]);
    expect(await get('c')).toBeUndefined();
    expect(await get('d')).toBeUndefined();
  });

  it('a condition check takes part without writing', async () => {
    const check = (pk: string): Action => ({
      ConditionCheck: {
        TableName: TABLE,
        Key: { pk: { S: pk }, sk: { S: 'A' } },
        ConditionExpression: 'attribute_exists(pk)',
      },
    });
    await transact([check('a'), put('e')]);
    expect(await get('e')).toBeDefined();
    const e = await transact([check('nergens'), put('f')]).catch((x) => x);
    expect(e.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual(['ConditionalCheckFailed', 'None']);
    expect(await get('f')).toBeUndefined();
  });

  it('refuses two actions on one item, and a bad expression, as ValidationException', async () => {
    expect((await transact([put('g'), put('g')]).catch((x) => x)).name).toBe('ValidationException');
    const bad = await transact([
      { Update: { TableName: TABLE, Key: { pk: { S: 'h' }, sk: { S: 'A' } }, UpdateExpression: 'SET #x = :y' } },
    ]).catch((x) => x);
    expect(bad.name).toBe('ValidationException');
    expect(await get('g')).toBeUndefined();
  });

  it('50 transactions at once claiming one item: exactly one wins, the others write nothing', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => transact([put(`own-${i}`), put('uniek')])),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (let i = 0; i < 50; i++) expect(Boolean(await get(`own-${i}`))).toBe(won.includes(i));
  });
});
