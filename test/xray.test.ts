/**
 * X-Ray without the X-Ray SDK (#19, lambdas/xray.ts). A UDP socket stands in for the daemon Lambda
 * runs beside the function; the documents it receives are held to X-Ray's segment document
 * format (developer guide, "AWS X-Ray segment documents"): the daemon header line, 16 hex digit
 * ids, the trace id of `_X_AMZN_TRACE_ID`, independent subsegments with `type` and `parent_id`,
 * times in epoch seconds, AWS calls in namespace `aws` with operation and request id, errors
 * (4xx) apart from faults, annotations of the allowed types, and no data a person wrote.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observed } from '../lambdas/observability.js';
import { traceAwsClient, traceHeader } from '../lambdas/xray.js';
import { startDynalite } from '../runtime/dynamodb.js';
import { createActiveTable } from './support/tables.js';

const ROOT = '1-5759e988-bd862e3fe1be46a994272793';
const PARENT = '53995c3f42cd8ad8';
const daemon = createSocket('udp4');
const received: { header: unknown; doc: any }[] = [];
let dir: string;
let db: Awaited<ReturnType<typeof startDynalite>>;
let client: DynamoDBClient;

beforeAll(async () => {
  daemon.on('message', (m) => {
    const [header, body] = m.toString('utf8').split('\n');
    received.push({ header: JSON.parse(header ?? ''), doc: JSON.parse(body ?? '') });
  });
  await new Promise<void>((r) => daemon.bind(0, '127.0.0.1', () => r()));
  process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${(daemon.address() as AddressInfo).port}`;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  dir = mkdtempSync(join(tmpdir(), 'kf-xray-'));
  db = await startDynalite(join(dir, 'dynamodb'));
  client = traceAwsClient(
    new DynamoDBClient({
      region: 'eu-west-1',
      endpoint: db.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
  await createActiveTable(client, {
    TableName: 'traced',
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });
});
afterAll(async () => {
  delete process.env._X_AMZN_TRACE_ID;
  delete process.env.AWS_XRAY_DAEMON_ADDRESS;
  client?.destroy();
  await db?.close();
  daemon.close();
  rmSync(dir, { recursive: true, force: true });
});

const settle = async (n: number) => {
  for (let i = 0; i < 100 && received.length < n; i++) await new Promise((r) => setTimeout(r, 20));
};
const put = (pk: string, condition?: string) =>
  client.send(
    new PutItemCommand({
      TableName: 'traced',
      Item: { pk: { S: pk }, story: { S: 'Mijn begeleider kwam niet.' } },
      ...(condition ? { ConditionExpression: condition } : {}),
    }),
  );

describe('x-ray without the SDK', () => {
  it('reads the trace header: only a sampled trace is traced', () => {
    expect(traceHeader(`Root=${ROOT};Parent=${PARENT};Sampled=1`)).toEqual({ root: ROOT, parent: PARENT });
    expect(traceHeader(`Root=${ROOT};Parent=${PARENT};Sampled=0`)).toBeUndefined();
    expect(traceHeader(undefined)).toBeUndefined();
  });

  it('a handler subsegment under the Lambda segment, and one per AWS call under it', async () => {
    received.length = 0;
    process.env._X_AMZN_TRACE_ID = `Root=${ROOT};Parent=${PARENT};Sampled=1`;
    const handler = observed('beginStep', async (_event: { dossierId: string; step: string }) => {
      await put('a');
      await put('a', 'attribute_not_exists(pk)').catch(() => undefined);
      return 'ok';
    });
    await handler({ dossierId: '01jdossier', step: 'admissibility' }, undefined as never);
    await settle(3);
    expect(received).toHaveLength(3);
    for (const { header, doc } of received) {
      expect(header).toEqual({ format: 'json', version: 1 });
      expect(doc.id).toMatch(/^[0-9a-f]{16}$/);
      expect(doc.trace_id).toBe(ROOT);
      expect(doc.type).toBe('subsegment');
      expect(typeof doc.start_time).toBe('number');
      expect(doc.end_time).toBeGreaterThanOrEqual(doc.start_time);
      expect(doc.start_time).toBeGreaterThan(1.7e9); // epoch seconds, not milliseconds
      expect(JSON.stringify(doc)).not.toContain('begeleider'); // no item, no request body
    }
    const top = received.find((r) => r.doc.name === '## beginStep')?.doc;
    expect(top.parent_id).toBe(PARENT);
    expect(top.annotations).toMatchObject({ Service: 'klachtflow', dossierId: '01jdossier' });
    expect(typeof top.annotations.ColdStart).toBe('boolean');
    for (const v of Object.values(top.annotations)) expect(['string', 'number', 'boolean']).toContain(typeof v);
    const calls = received.filter((r) => r.doc.namespace === 'aws').map((r) => r.doc);
    expect(calls).toHaveLength(2);
    for (const c of calls) {
      expect(c.name).toBe('DynamoDB');
      expect(c.parent_id).toBe(top.id);
      expect(c.aws).toMatchObject({ operation: 'PutItem', region: 'eu-west-1' });
      expect(c.aws.request_id).toBeTruthy();
    }
    // The refused conditional write is the caller's error (400), not a fault of the service.
    expect(calls[0]).toMatchObject({ http: { response: { status: 200 } } });
    expect(calls[0].error).toBeUndefined();
    expect(calls[1]).toMatchObject({ error: true, http: { response: { status: 400 } } });
    expect(calls[1].fault).toBeUndefined();
  });

  it('a failing handler is marked a fault with the error class; nothing is sent when not sampled', async () => {
    received.length = 0;
    const failing = observed('close', async () => {
      throw new TypeError('kapot');
    });
    await expect(failing({ dossierId: 'x' }, undefined as never)).rejects.toThrow('kapot');
    await settle(1);
    expect(received[0]?.doc).toMatchObject({
      name: '## close',
      fault: true,
      cause: { exceptions: [{ type: 'TypeError' }] },
    });
    expect(JSON.stringify(received[0]?.doc)).not.toContain('kapot');

    received.length = 0;
    process.env._X_AMZN_TRACE_ID = `Root=${ROOT};Parent=${PARENT};Sampled=0`;
    await observed('close', async () => put('b'))({ dossierId: 'x' }, undefined as never);
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toHaveLength(0);
  });
});
