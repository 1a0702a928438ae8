/**
 * dynalite's server in the runtime remembers its expression parses (runtime/dynamodb.ts
 * `rememberParses`, #19), through the memory store's memo (runtime/memory-dynamodb.ts). Held here
 * to a dynalite server that parses every request as dynalite does: the same requests, each sent
 * three times (the second and third come from memory on the remembering server), get the same
 * answers and the same refusals from both, through the SDK over HTTP as the runtime sends them:
 * conditions with names and values, update expressions, key conditions dynalite rewrites in
 * place, filters, projections, transactions, values of another type under the same expression,
 * BETWEEN with bounds that pass and bounds dynalite refuses, and the mistakes DynamoDB refuses
 * (an unused name or value, a syntax error, a reserved word).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { localDynamoDbClient, startDynalite } from '../runtime/dynamodb.js';
import { rememberedParses } from '../runtime/memory-dynamodb.js';
import { createActiveTable } from './support/tables.js';

const TABLE = 'parses';

let dir: string;
let plainDb: Awaited<ReturnType<typeof startDynalite>>;
let memoDb: Awaited<ReturnType<typeof startDynalite>>;
let clients: DynamoDBClient[] = [];
let plain: DynamoDBDocumentClient;
let memo: DynamoDBDocumentClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kf-parsememo-'));
  plainDb = await startDynalite(join(dir, 'plain'));
  memoDb = await startDynalite(join(dir, 'memo'), { rememberParses: true });
  // The runtime's client on both (a refused request is the answer under test: no retries needed).
  clients = [localDynamoDbClient(plainDb.endpoint), localDynamoDbClient(memoDb.endpoint)];
  for (const c of clients) await createActiveTable(c, tableDefinition(TABLE));
  const translate = { marshallOptions: { removeUndefinedValues: true } };
  plain = DynamoDBDocumentClient.from(clients[0] as DynamoDBClient, translate);
  memo = DynamoDBDocumentClient.from(clients[1] as DynamoDBClient, translate);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await plainDb?.close();
  await memoDb?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Command = PutCommand | GetCommand | QueryCommand | UpdateCommand | TransactWriteCommand | DeleteCommand;

async function answer(client: DynamoDBDocumentClient, command: Command): Promise<unknown> {
  try {
    const { $metadata: _m, ...out } = (await client.send(command as never)) as { $metadata?: unknown };
    return { ok: out };
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
}

/** Requests of every kind the store sends, and mistakes; made fresh for each send. */
const REQUESTS: [string, (round: number) => Command][] = [
  [
    'a commit, once only',
    (r) =>
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'DOSSIER#1', sk: `EVENT#00000${r}`, events: '[]' },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
  ],
  [
    'the same commit again (refused)',
    () =>
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'DOSSIER#1', sk: 'EVENT#000001', events: '[]' },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
  ],
  [
    'a view never backwards, its version as a number',
    (r) =>
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'DOSSIER#1', sk: 'VIEW', version: 3 - r, status: 'open', gsi1pk: 'OPEN#r', gsi1sk: `${r}` },
        ConditionExpression: 'attribute_not_exists(pk) OR version < :v',
        ExpressionAttributeValues: { ':v': 3 - r },
      }),
  ],
  [
    'the same condition with a value of another type',
    () =>
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'DOSSIER#1', sk: 'VIEW', version: 9 },
        ConditionExpression: 'attribute_not_exists(pk) OR version < :v',
        ExpressionAttributeValues: { ':v': 'nine' },
      }),
  ],
  [
    'the limits: a transaction of conditional updates',
    (r) =>
      new TransactWriteCommand({
        TransactItems: ['caller', 'email'].map((who) => ({
          Update: {
            TableName: TABLE,
            Key: { pk: `RATE#${who}`, sk: 'WINDOW#3600#1' },
            UpdateExpression: 'ADD #n :one SET #e = if_not_exists(#e, :expires)',
            ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
            ExpressionAttributeNames: { '#n': 'count', '#e': 'expiresAt' },
            ExpressionAttributeValues: { ':one': 1, ':expires': 7200, ':limit': r + 1 },
          },
        })),
      }),
  ],
  [
    'the limits reached (cancelled)',
    () =>
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: { pk: 'RATE#caller', sk: 'WINDOW#3600#1' },
              UpdateExpression: 'ADD #n :one SET #e = if_not_exists(#e, :expires)',
              ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
              ExpressionAttributeNames: { '#n': 'count', '#e': 'expiresAt' },
              ExpressionAttributeValues: { ':one': 1, ':expires': 7200, ':limit': 0 },
            },
          },
        ],
      }),
  ],
  [
    'the reference counter',
    () =>
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'COUNTER#r#2026', sk: 'COUNTER' },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
  ],
  [
    'SET, REMOVE and ADD with a condition on a name',
    (r) =>
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'DOSSIER#1', sk: 'VIEW' },
        UpdateExpression: 'SET #s = :s, #a = :a REMOVE gsi1pk ADD tags :t',
        ConditionExpression: 'attribute_exists(pk) AND #s IN (:open, :s)',
        ExpressionAttributeNames: { '#s': 'status', '#a': 'a' },
        ExpressionAttributeValues: { ':s': `s${r}`, ':a': r, ':t': new Set([`t${r}`]), ':open': 'open' },
        ReturnValues: 'ALL_NEW',
      }),
  ],
  [
    'a key condition dynalite rewrites in place (value first)',
    () =>
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p AND :s < sk',
        ExpressionAttributeValues: { ':p': 'DOSSIER#1', ':s': 'EVENT#000001' },
        ConsistentRead: true,
      }),
  ],
  [
    'begins_with, a filter and a projection',
    () =>
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)',
        FilterExpression: 'size(events) > :zero AND NOT contains(events, :x)',
        ProjectionExpression: 'sk, #ev',
        ExpressionAttributeNames: { '#ev': 'events' },
        ExpressionAttributeValues: { ':p': 'DOSSIER#1', ':e': 'EVENT#', ':zero': 0, ':x': 'x' },
      }),
  ],
  [
    'BETWEEN (bounds that pass, then bounds dynalite refuses)',
    (r) =>
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':p': 'DOSSIER#1', ':a': r === 2 ? 'Z' : 'EVENT#000001', ':b': 'EVENT#000009' },
      }),
  ],
  ...(['status', 'events'] as const).map((name): [string, (round: number) => Command] => [
    `the same filter over another name (${name})`,
    () =>
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p',
        FilterExpression: 'attribute_exists(#f)',
        ExpressionAttributeNames: { '#f': name },
        ExpressionAttributeValues: { ':p': 'DOSSIER#1' },
        ConsistentRead: true,
      }),
  ]),
  [
    'an index query',
    () =>
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'worklist',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': 'OPEN#r' },
      }),
  ],
  [
    'a projection on GetItem',
    () =>
      new GetCommand({
        TableName: TABLE,
        Key: { pk: 'DOSSIER#1', sk: 'VIEW' },
        ProjectionExpression: '#s, version, nested.a',
        ExpressionAttributeNames: { '#s': 'status' },
        ConsistentRead: true,
      }),
  ],
  [
    'an unused value (refused)',
    () =>
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'x', sk: 'y' },
        ConditionExpression: 'attribute_not_exists(pk)',
        ExpressionAttributeValues: { ':unused': 1 },
      }),
  ],
  [
    'an unused name (refused)',
    () =>
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'x', sk: 'y' },
        ConditionExpression: 'attribute_not_exists(#p)',
        ExpressionAttributeNames: { '#p': 'pk', '#q': 'sk' },
      }),
  ],
  [
    'a reserved word (refused)',
    () =>
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'x', sk: 'y' },
        ConditionExpression: 'attribute_not_exists(status)',
      }),
  ],
  [
    'a syntax error (refused)',
    () =>
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'x', sk: 'y' },
        UpdateExpression: 'SET a = = :v',
        ExpressionAttributeValues: { ':v': 1 },
      }),
  ],
  [
    'a key attribute updated (refused)',
    () =>
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'DOSSIER#1', sk: 'VIEW' },
        UpdateExpression: 'SET sk = :x',
        ExpressionAttributeValues: { ':x': 'other' },
      }),
  ],
  [
    'a conditional delete, refused until the last round',
    (r) =>
      new DeleteCommand({
        TableName: TABLE,
        Key: { pk: 'DOSSIER#1', sk: 'VIEW' },
        ConditionExpression: 'version < :v',
        ExpressionAttributeValues: { ':v': r },
        ReturnValues: 'ALL_OLD',
      }),
  ],
];

describe('dynalite: the runtime server remembers its parses and answers as dynalite does', () => {
  it('gives the same answers and refusals to every request, sent three times, as a server that parses each', async () => {
    const remembered0 = rememberedParses();
    for (let round = 1; round <= 3; round++) {
      for (const [what, make] of REQUESTS) {
        const a = await answer(plain, make(round));
        const b = await answer(memo, make(round));
        expect(b, `${what}, round ${round}`).toEqual(a);
      }
    }
    // The remembering server answered the repeats from memory; the plain one parsed every time.
    const remembered = rememberedParses() - remembered0;
    expect(remembered).toBeGreaterThanOrEqual(2 * 12);
    const before = rememberedParses();
    for (const [, make] of REQUESTS) await answer(plain, make(4));
    expect(rememberedParses()).toBe(before);
  });
});
