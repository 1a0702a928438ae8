/**
 * The idempotency record stored the whole answer to a complaint, access token included, in plain
 * text beside the client's Idempotency-Key (issue 14). Judged on the table itself: no item holds
 * the token or the key; a retry with the key still gets the same answer, token included.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
let client: DynamoDBClient;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
  client = new DynamoDBClient({
    region: rt.endpoints.region,
    endpoint: rt.endpoints.dynamodb,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client?.destroy();
  await rt?.stop();
});

describe('idempotency: no token in plain text', () => {
  it('the record holds neither the access token nor the key; the same key gives the same answer', async () => {
    const key = 'formulier-b7f3c2d1-0c5e-4c7a-9d0e-3f1a2b4c5d6e';
    const first = await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const token: string = first.json.accessToken;
    const items = (
      await DynamoDBDocumentClient.from(client).send(new ScanCommand({ TableName: rt.endpoints.tableName }))
    ).Items;
    const table = JSON.stringify(items);
    expect(table).not.toContain(token);
    expect(table).not.toContain(key);

    const again = await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': key } });
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    // Another key, another complaint.
    const other = await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': `${key}-2` } });
    expect(other.json.id).not.toBe(first.json.id);
  });
});
