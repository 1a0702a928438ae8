/**
 * A probe run in its own process with --expose-gc (test/memory.test.ts): heap growth per DynamoDB
 * operation against the runtime's dynalite. Prints one JSON line {op: bytesPerOp}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../lambdas/adapters/dynamodb-store.js';
import { startDynalite } from '../../runtime/dynamodb.js';
import { heapGrowthPerOp } from '../support/heap-probe.js';

const n = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'kf-dynalite-probe-'));
const db = await startDynalite(join(dir, 'db'));
const client = new DynamoDBClient({
  region: 'eu-west-1',
  endpoint: db.endpoint,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const doc = DynamoDBDocumentClient.from(client);
await ensureTable(client, 'probe');
for (let i = 0; i < 10; i++)
  await doc.send(new PutCommand({ TableName: 'probe', Item: { pk: 'D', sk: `EVENT#${i}`, v: 'x'.repeat(300) } }));
const out: Record<string, number> = {};
out.Query = await heapGrowthPerOp(
  n,
  async () => {
    await doc.send(
      new QueryCommand({
        TableName: 'probe',
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'D' },
        ConsistentRead: true,
      }),
    );
  },
  500,
);
out.GetItem = await heapGrowthPerOp(
  n,
  async () => {
    await doc.send(new GetCommand({ TableName: 'probe', Key: { pk: 'D', sk: 'EVENT#1' } }));
  },
  500,
);
client.destroy();
await db.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(out)}\n`);
