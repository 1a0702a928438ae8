/**
 * The local endpoints' signer (runtime/dynamodb.ts LOCAL_SIGNER, #19): requests to dynalite and to
 * the local Step Functions, Scheduler and SES endpoint carry SigV4's form without its hashing.
 * Judged by dynalite itself, which refuses a request whose Authorization header lacks SigV4's
 * parts or whose date is missing: every operation the dossier store uses is answered exactly as
 * through the SDK's own SigV4 signer (the same items, the same refusals), and a signer that
 * leaves out a part is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { LOCAL_SIGNER, localDynamoDbClient, startDynalite } from '../runtime/dynamodb.js';
import { plainSdkClient } from './support/dynalite.js';
import { createActiveTable } from './support/tables.js';

let dir: string;
let db: Awaited<ReturnType<typeof startDynalite>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kf-signer-'));
  db = await startDynalite(join(dir, 'dynamodb'));
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The headers each request of `client` leaves with (after signing, as the server gets them). */
function recordHeaders(client: DynamoDBClient): Record<string, string>[] {
  const seen: Record<string, string>[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      seen.push({ ...(args.request as { headers: Record<string, string> }).headers });
      return next(args);
    },
    { step: 'deserialize', name: 'recordHeaders' },
  );
  return seen;
}

/** Each request of `client` as it leaves (after signing): its headers and its body. */
function recordRequests(client: DynamoDBClient): { headers: Record<string, string>; body: string }[] {
  const seen: { headers: Record<string, string>; body: string }[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string>; body: unknown };
      const body = typeof request.body === 'string' ? request.body : Buffer.from(request.body as Uint8Array).toString();
      // A table's creation is waited for by asking (DescribeTable) as often as it takes.
      if (!/DescribeTable$/.test(request.headers['x-amz-target'] ?? ''))
        seen.push({ headers: { ...request.headers }, body });
      return next(args);
    },
    { step: 'deserialize', name: 'recordRequests' },
  );
  return seen;
}

/** What the dossier store asks of DynamoDB, on a table of its own; every answer and refusal. */
async function storeOperations(client: DynamoDBClient, table: string) {
  const out: unknown[] = [];
  const attempt = async (f: () => Promise<unknown>) => {
    try {
      out.push(await f());
    } catch (e) {
      out.push({ refused: (e as Error).name, conditionFailed: e instanceof ConditionalCheckFailedException });
    }
  };
  const strip = ({ $metadata: _, ...rest }: { $metadata?: unknown }) => rest;
  await createActiveTable(client, tableDefinition(table));
  const key = { pk: { S: 'DOSSIER#1' }, sk: { S: 'EVENT#000001' } };
  const put = () =>
    client.send(
      new PutItemCommand({
        TableName: table,
        Item: { ...key, events: { S: '[{"type":"received"}]' } },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    );
  await attempt(async () => strip(await put()));
  await attempt(async () => strip(await put())); // the same commit again: refused by its condition
  await attempt(async () =>
    strip(
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { pk: { S: 'REF#r#KL-2026-0001' }, sk: { S: 'REF' }, id: { S: '1' } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: table,
                Key: { pk: { S: 'RATE#x' }, sk: { S: 'WINDOW#1' } },
                UpdateExpression: 'ADD #n :one',
                ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
                ExpressionAttributeNames: { '#n': 'count' },
                ExpressionAttributeValues: { ':one': { N: '1' }, ':limit': { N: '5' } },
              },
            },
          ],
        }),
      ),
    ),
  );
  await attempt(async () =>
    strip(
      await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: 'COUNTER#r#2026' }, sk: { S: 'COUNTER' } },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    ),
  );
  await attempt(async () =>
    strip(
      await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'DOSSIER#1' } },
          ConsistentRead: true,
        }),
      ),
    ),
  );
  await attempt(async () =>
    strip(await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))),
  );
  return out;
}

describe('local signer: the runtime reaches dynalite without computing SigV4', () => {
  it('answers every store operation as through the SDK signer, and computes no signature', async () => {
    const local = localDynamoDbClient(db.endpoint);
    const sigv4 = plainSdkClient(db.endpoint);
    const headers = recordHeaders(local);
    const signed = recordHeaders(sigv4);
    try {
      const viaLocal = await storeOperations(local, 'local');
      const viaSigV4 = await storeOperations(sigv4, 'sigv4');
      expect(viaLocal).toEqual(viaSigV4);
      // The refusal is still the store's own: a condition, not the signature.
      expect(viaLocal[1]).toEqual({ refused: 'ConditionalCheckFailedException', conditionFailed: true });
      expect(headers.length).toBeGreaterThanOrEqual(7);
      const signature = (h: Record<string, string>) => /Signature=([^,\s]+)/.exec(h.authorization ?? '')?.[1];
      // The SDK's signer computes a SHA-256 HMAC per request; the local one none.
      for (const h of signed) expect(signature(h)).toMatch(/^[0-9a-f]{64}$/);
      for (const h of headers) {
        expect(signature(h)).toBeDefined();
        expect(signature(h)).not.toMatch(/^[0-9a-f]{64}$/);
        expect(h['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
        // SigV4's five parts of the scope, dated as X-Amz-Date says.
        expect(h.authorization).toMatch(
          /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/eu-west-1\/[a-z-]+\/aws4_request, /,
        );
        expect(h.authorization).toContain(`Credential=local/${h['x-amz-date']?.slice(0, 8)}/`);
      }
    } finally {
      local.destroy();
      sigv4.destroy();
    }
  });

  it('sends every store operation as the SDK client does, but for the signature and the user agent', async () => {
    // The local client leaves out the user agent (nothing local reads it; building it was about
    // 1 % of the intake's CPU, #19). Every other header and every body stays the SDK's: the
    // target, the content type and length, the host, the retry and invocation headers.
    const local = localDynamoDbClient(db.endpoint);
    const sdk = plainSdkClient(db.endpoint);
    const fromLocal = recordRequests(local);
    const fromSdk = recordRequests(sdk);
    try {
      // Two tables of names of one length, so that the bodies and their lengths compare.
      await storeOperations(local, 'tbl-a');
      await storeOperations(sdk, 'tbl-b');
      expect(fromLocal.length).toBe(fromSdk.length);
      const differs = new Set(['authorization', 'x-amz-date', 'amz-sdk-invocation-id']);
      // SigV4's hash of the body, which the local signer does not compute; and the user agent.
      const leftOut = new Set(['x-amz-content-sha256', 'user-agent', 'x-amz-user-agent']);
      for (const [i, sent] of fromLocal.entries()) {
        const sdkSent = fromSdk[i] as (typeof fromSdk)[number];
        // TransactWriteItems' ClientRequestToken is the SDK's fresh idempotency token on each call.
        const body = (b: string) => b.replace(/"ClientRequestToken":"[^"]*"/, '"ClientRequestToken":"…"');
        expect(body(sent.body)).toBe(body(sdkSent.body.replaceAll('tbl-b', 'tbl-a')));
        const names = (h: Record<string, string>) => Object.keys(h).map((k) => k.toLowerCase());
        expect(names(sent.headers).sort()).toEqual(
          names(sdkSent.headers)
            .filter((k) => !leftOut.has(k))
            .sort(),
        );
        for (const [k, v] of Object.entries(sent.headers))
          if (!differs.has(k.toLowerCase())) expect(v, k).toBe(sdkSent.headers[k]);
      }
    } finally {
      local.destroy();
      sdk.destroy();
    }
  });

  it('is refused by dynalite when it leaves out a part of SigV4 (the judge is live)', async () => {
    // A signer that forgets the date, as a broken LOCAL_SIGNER would.
    const broken = plainSdkClient(db.endpoint, {
      maxAttempts: 1,
      signer: {
        sign: async (request, options) => {
          const r = await LOCAL_SIGNER.sign(request, options);
          delete r.headers['x-amz-date'];
          return r;
        },
      },
    });
    try {
      await expect(
        broken.send(new GetItemCommand({ TableName: 'local', Key: { pk: { S: 'x' }, sk: { S: 'y' } } })),
      ).rejects.toMatchObject({ name: 'IncompleteSignatureException' });
    } finally {
      broken.destroy();
    }
  });
});
