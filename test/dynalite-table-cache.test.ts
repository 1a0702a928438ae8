/**
 * dynalite keeps table descriptions in memory (#19: reading the description from LevelDB on every
 * request was about 9 % of the local intake; patches/dynalite+4.0.0.patch). Held here through the
 * AWS SDK over HTTP, as the runtime reaches it: a table changed by UpdateTable, deleted by
 * DeleteTable or created again with another key schema is seen as such by the very next request,
 * and a request never gets a description another request changed in passing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite } from '../runtime/dynamodb.js';

let dir: string;
let db: Awaited<ReturnType<typeof startDynalite>>;
let client: DynamoDBClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kf-tablecache-'));
  db = await startDynalite(join(dir, 'dynamodb'));
  client = new DynamoDBClient({
    region: 'eu-west-1',
    endpoint: db.endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    // A refused request is the answer under test, not something to try again.
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client?.destroy();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** dynalite moves a table's status on a timer (0 ms here): polled, bounded. */
async function until(table: string, done: (status: string | undefined) => boolean) {
  for (let i = 0; i < 200; i++) {
    let status: string | undefined;
    try {
      status = (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus;
    } catch (e) {
      if ((e as Error).name !== 'ResourceNotFoundException') throw e;
    }
    if (done(status)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`table ${table} did not reach the expected status`);
}
const active = (table: string) => until(table, (s) => s === 'ACTIVE');
const errorName = (p: Promise<unknown>) =>
  p.then(
    () => 'none',
    (e: Error) => e.name,
  );

describe('dynalite: table descriptions kept in memory', () => {
  it('UpdateTable: the next DescribeTable and every read after it show the new throughput', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'updated',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }),
    );
    await active('updated');
    // Read a few times, so the description is certainly held in memory.
    for (let i = 0; i < 3; i++)
      await client.send(new PutItemCommand({ TableName: 'updated', Item: { pk: { S: `${i}` } } }));
    await client.send(
      new UpdateTableCommand({
        TableName: 'updated',
        ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 9 },
      }),
    );
    await active('updated');
    const t = (await client.send(new DescribeTableCommand({ TableName: 'updated' }))).Table;
    expect(t?.ProvisionedThroughput?.ReadCapacityUnits).toBe(7);
    expect(t?.ProvisionedThroughput?.WriteCapacityUnits).toBe(9);
    // To on-demand: the billing mode changes as well.
    await client.send(new UpdateTableCommand({ TableName: 'updated', BillingMode: 'PAY_PER_REQUEST' }));
    await active('updated');
    const after = (await client.send(new DescribeTableCommand({ TableName: 'updated' }))).Table;
    expect(after?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('DeleteTable: a write to the deleted table is refused, however often the table was read before', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'deleted',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await active('deleted');
    for (let i = 0; i < 3; i++)
      await client.send(new PutItemCommand({ TableName: 'deleted', Item: { pk: { S: `${i}` } } }));
    await client.send(new DeleteTableCommand({ TableName: 'deleted' }));
    await until('deleted', (s) => s === undefined);
    expect(
      await errorName(client.send(new PutItemCommand({ TableName: 'deleted', Item: { pk: { S: 'late' } } }))),
    ).toBe('ResourceNotFoundException');
    expect(await errorName(client.send(new GetItemCommand({ TableName: 'deleted', Key: { pk: { S: '0' } } })))).toBe(
      'ResourceNotFoundException',
    );
  });

  it('CreateTable again under the same name: its new key schema and index hold at once', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'recreated',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await active('recreated');
    for (let i = 0; i < 3; i++)
      await client.send(new PutItemCommand({ TableName: 'recreated', Item: { pk: { S: `${i}` } } }));
    await client.send(new DeleteTableCommand({ TableName: 'recreated' }));
    await until('recreated', (s) => s === undefined);
    await client.send(
      new CreateTableCommand({
        TableName: 'recreated',
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'N' },
          { AttributeName: 'owner', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byOwner',
            KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await active('recreated');
    // The old key no longer fits; the new one does, and the new index is kept.
    expect(
      await errorName(client.send(new PutItemCommand({ TableName: 'recreated', Item: { pk: { S: 'old' } } }))),
    ).toBe('ValidationException');
    // An index key of the wrong type is refused, as the new description says.
    expect(
      await errorName(
        client.send(new PutItemCommand({ TableName: 'recreated', Item: { id: { N: '2' }, owner: { N: '5' } } })),
      ),
    ).toBe('ValidationException');
    await client.send(new PutItemCommand({ TableName: 'recreated', Item: { id: { N: '1' }, owner: { S: 'anna' } } }));
    const q = await client.send(
      new QueryCommand({
        TableName: 'recreated',
        IndexName: 'byOwner',
        KeyConditionExpression: '#o = :o',
        ExpressionAttributeNames: { '#o': 'owner' },
        ExpressionAttributeValues: { ':o': { S: 'anna' } },
      }),
    );
    expect(q.Items?.map((i) => i.id?.N)).toEqual(['1']);
  });

  it('each read gets its own copy: a request that changes the description it read and then fails changes nothing', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'copies',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'g', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byG',
            KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
            ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 3 },
          },
        ],
        ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 },
      }),
    );
    await active('copies');
    await client.send(new DescribeTableCommand({ TableName: 'copies' }));
    // dynalite's UpdateTable marks the table it read UPDATING, then finds the index's throughput
    // unchanged and refuses the whole: nothing is written, so the table is still ACTIVE at 2/2.
    const refused = await errorName(
      client.send(
        new UpdateTableCommand({
          TableName: 'copies',
          ProvisionedThroughput: { ReadCapacityUnits: 4, WriteCapacityUnits: 4 },
          GlobalSecondaryIndexUpdates: [
            { Update: { IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 3 } } },
          ],
        }),
      ),
    );
    expect(refused).toBe('ValidationException');
    const t = (await client.send(new DescribeTableCommand({ TableName: 'copies' }))).Table;
    expect(t?.TableStatus).toBe('ACTIVE');
    expect(t?.ProvisionedThroughput?.ReadCapacityUnits).toBe(2);
    expect(t?.ProvisionedThroughput?.LastIncreaseDateTime).toBeUndefined();
  });
});
