/**
 * Test support: dynalite on a temporary folder with the project's table, and the plain SDK client
 * that talks to it (dummy credentials, SigV4 as in AWS): for tests that hold something to
 * DynamoDB's own answers (memory-dynamodb, usage-refused) or to the SDK's own requests (local-signer).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../lambdas/adapters/dynamodb-store.js';
import { startDynalite } from '../../runtime/dynamodb.js';

/** An SDK client as a Lambda has one, to a local endpoint, with credentials nothing checks. */
export function plainSdkClient(endpoint: string, config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...config,
  });
}

/** dynalite in a fresh folder with `table` made (the project's definition), and a plain client to it. */
export async function dynaliteWithTable(prefix: string, table: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = await startDynalite(join(dir, 'db'));
  const client = plainSdkClient(db.endpoint);
  await ensureTable(client, table);
  return {
    client,
    endpoint: db.endpoint,
    async close() {
      client.destroy();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
