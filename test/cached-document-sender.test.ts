/**
 * The local runtime's store sends its document commands through a DynamoDB client that resolves
 * its middleware once per command class (lambdas/adapters/document-commands.ts cachedSdkSender,
 * #19). Held here to lib-dynamodb's document client, side by side, each on its own dynalite: the
 * same commands, each with its own input (a cached handler that kept the first command's input or
 * key nodes would send the first again), must put the same bytes on the wire and get the same
 * outputs and refusals back: puts with undefined values removed, gets of present and absent items,
 * updates returning attributes, queries with a page's LastEvaluatedKey fed back, transactions
 * that pass and one that is cancelled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  cachedSdkSender,
  type DocumentCommand,
  type DocumentCommandSender,
  GetCommand,
  PutCommand,
  QueryCommand,
  sdkSender,
  TransactWriteCommand,
  UpdateCommand,
} from '../lambdas/adapters/document-commands.js';
import { tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { localDynamoDbClient, startDynalite } from '../runtime/dynamodb.js';
import { createActiveTable } from './support/tables.js';

const TABLE = 'senders';
let dir: string;
let dbs: Awaited<ReturnType<typeof startDynalite>>[] = [];
let clients: DynamoDBClient[] = [];
let senders: DocumentCommandSender[] = [];
const wire: [string[], string[]] = [[], []];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kf-senders-'));
  const sdkDb = await startDynalite(join(dir, 'sdk'));
  const cachedDb = await startDynalite(join(dir, 'cached'));
  dbs = [sdkDb, cachedDb];
  clients = [
    localDynamoDbClient(sdkDb.endpoint),
    localDynamoDbClient(cachedDb.endpoint, undefined, { cacheMiddleware: true }),
  ];
  for (const [i, c] of clients.entries()) {
    await createActiveTable(c, tableDefinition(TABLE));
    // What goes on the wire: the serialized body and the operation, as dynalite receives them.
    c.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { headers: Record<string, string>; body: string };
        // The SDK's idempotency token of a transaction is a fresh UUID on either side.
        const body = req.body.replace(/"ClientRequestToken":"[0-9a-f-]{36}"/, '"ClientRequestToken":"<uuid>"');
        wire[i as 0 | 1].push(`${req.headers['x-amz-target']} ${body}`);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'wireProbe' },
    );
  }
  const translate = { marshallOptions: { removeUndefinedValues: true } };
  const [sdk, cached] = clients as [DynamoDBClient, DynamoDBClient];
  senders = [
    sdkSender(DynamoDBDocumentClient.from(sdk, translate)),
    cachedSdkSender(cached, { removeUndefinedValues: true }),
  ];
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const d of dbs) await d.close();
  rmSync(dir, { recursive: true, force: true });
});

async function answer(s: DocumentCommandSender, c: DocumentCommand): Promise<unknown> {
  try {
    const { $metadata: _m, ...out } = (await s.send(c as never)) as { $metadata?: unknown };
    return { ok: out };
  } catch (e) {
    const err = e as Error & { CancellationReasons?: unknown };
    return { error: err.name, message: err.message, reasons: err.CancellationReasons };
  }
}

const commands = (n: number): DocumentCommand[] => [
  new PutCommand({
    TableName: TABLE,
    Item: { pk: `D#${n}`, sk: 'EVENT#1', events: [{ type: 'x', n }], gone: undefined, nested: { a: n, b: undefined } },
    ConditionExpression: 'attribute_not_exists(sk)',
  }),
  new PutCommand({
    TableName: TABLE,
    Item: { pk: `D#${n}`, sk: 'VIEW', status: 'open', n, tags: new Set(['a', `t${n}`]) },
  }),
  new GetCommand({ TableName: TABLE, Key: { pk: `D#${n}`, sk: 'VIEW' } }),
  new GetCommand({ TableName: TABLE, Key: { pk: `D#${n}`, sk: 'NONE' } }),
  new UpdateCommand({
    TableName: TABLE,
    Key: { pk: `COUNTER#${n % 2}`, sk: 'COUNTER' },
    UpdateExpression: 'ADD #v :one',
    ExpressionAttributeNames: { '#v': 'value' },
    ExpressionAttributeValues: { ':one': n },
    ReturnValues: 'ALL_NEW',
  }),
  new QueryCommand({
    TableName: TABLE,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `D#${n}` },
    Limit: 1,
  }),
  new QueryCommand({
    TableName: TABLE,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `D#${n}` },
    ExclusiveStartKey: { pk: `D#${n}`, sk: 'EVENT#1' },
  }),
  new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: TABLE,
          Item: { pk: `REF#${n}`, sk: 'REF', id: `D#${n}` },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: `D#${n}`, sk: 'VIEW' },
          UpdateExpression: 'SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': `closed${n}` },
        },
      },
    ],
  }),
  // The same reference again: cancelled at its first item.
  new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: TABLE,
          Item: { pk: `REF#${n}`, sk: 'REF', id: 'other' },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
  }),
  new GetCommand({ TableName: TABLE, Key: { pk: `D#${n}`, sk: 'VIEW' }, ConsistentRead: true }),
];

it('sends the same bytes and gets the same answers as lib-dynamodb, command after command', async () => {
  const got: [unknown[], unknown[]] = [[], []];
  for (let n = 1; n <= 3; n++) {
    for (const [i, s] of senders.entries()) for (const c of commands(n)) got[i as 0 | 1].push(await answer(s, c));
  }
  expect(wire[1].length).toBe(wire[0].length);
  expect(wire[1]).toEqual(wire[0]);
  expect(got[1]).toEqual(got[0]);
  // Not vacuous: answers differ from command to command and a cancellation is among them.
  expect(new Set(wire[0]).size).toBe(wire[0].length);
  expect(JSON.stringify(got[0])).toContain('TransactionCanceledException');
  expect(JSON.stringify(got[0])).toContain('LastEvaluatedKey');
});

it('refuses a client that would resolve lib-dynamodb middleware per call', () => {
  expect(() => cachedSdkSender(localDynamoDbClient('http://127.0.0.1:1'), {})).toThrow(/cacheMiddleware/);
});
