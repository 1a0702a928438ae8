/**
 * The DynamoDB store against dynalite: the postvak's index of waiting mail, and TTL on the
 * dossier table (#7): which items carry the TTL attribute. Leases and idempotency
 * records expire; dossier events, views, reads and claims never do (retention is an explicit
 * erasure). The store checks expiry itself, so dynalite (no TTL) behaves as DynamoDB does.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDossierStore, IDEMPOTENCY_SECONDS, TTL_ATTRIBUTE } from '../lambdas/adapters/dynamodb-store.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
let client: DynamoDBClient;
let store: DynamoDossierStore;

beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
  client = new DynamoDBClient({
    region: rt.endpoints.region,
    endpoint: rt.endpoints.dynamodb,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  store = new DynamoDossierStore(client, rt.endpoints.tableName);
});
afterAll(async () => rt?.stop());

async function items(): Promise<Record<string, any>[]> {
  const r = await DynamoDBDocumentClient.from(client).send(new ScanCommand({ TableName: rt.endpoints.tableName }));
  return r.Items ?? [];
}

describe('store: TTL', () => {
  it('only leases and idempotency records carry the TTL attribute; dossier events never', async () => {
    const res = await rt.call('POST', '/complaints', {
      headers: { 'idempotency-key': 'ttl-test-1' },
      body: {
        complainant: { name: 'Test Klager', email: 'klager@example.nl' },
        role: 'client',
        description: 'Een klacht voor de TTL-test.',
        consent: true,
      },
    });
    expect(res.status).toBe(201);
    await rt.stepFunctions.idle();
    await store.lease(res.json.id, 'ttl-probe', new Date(), 60);

    const all = await items();
    const kind = (i: Record<string, any>) => `${String(i.pk).split('#')[0]}/${String(i.sk).split('#')[0]}`;
    const kinds = new Set(all.map(kind));
    // The run produced each kind of item this test speaks about.
    for (const k of ['DOSSIER/EVENT', 'DOSSIER/VIEW', 'DOSSIER/LEASE', 'IDEMPOTENCY/IDEMPOTENCY'])
      expect(kinds, k).toContain(k);
    for (const item of all) {
      const expiring = ['DOSSIER/LEASE', 'IDEMPOTENCY/IDEMPOTENCY', 'RATE/WINDOW'].includes(kind(item));
      // The API counts from the runtime's clock (manual here); the probe lease above from real time.
      const nowS = (kind(item) === 'DOSSIER/LEASE' ? Date.now() : rt.clock.now().getTime()) / 1000;
      if (!expiring) {
        expect(item[TTL_ATTRIBUTE], kind(item)).toBeUndefined();
        continue;
      }
      expect(typeof item[TTL_ATTRIBUTE], kind(item)).toBe('number');
      // Epoch seconds, not milliseconds: in the future, within a few days.
      expect(item[TTL_ATTRIBUTE]).toBeGreaterThan(nowS);
      expect(item[TTL_ATTRIBUTE]).toBeLessThan(nowS + 3 * 86400);
    }
  });

  it('an idempotency record holds for a day, and after that the key may be used again', async () => {
    const at = new Date('2026-09-03T10:00:00Z');
    const later = (s: number) => new Date(at.getTime() + s * 1000);
    expect(await store.beginIdempotent('ttl-key-2', 'fp-a', at.toISOString())).toBe(true);
    expect(await store.beginIdempotent('ttl-key-2', 'fp-b', later(3600).toISOString())).toBe(false);
    expect((await store.getIdempotent('ttl-key-2', later(3600)))?.fingerprint).toBe('fp-a');
    // Expired but not yet removed by TTL (it deletes lazily): no record, and the key is free.
    expect(await store.getIdempotent('ttl-key-2', later(IDEMPOTENCY_SECONDS + 1))).toBeUndefined();
    expect(await store.beginIdempotent('ttl-key-2', 'fp-b', later(IDEMPOTENCY_SECONDS + 1).toISOString())).toBe(true);
    expect((await store.getIdempotent('ttl-key-2', later(IDEMPOTENCY_SECONDS + 2)))?.fingerprint).toBe('fp-b');
  });
});

describe('store: the postvak', () => {
  const held = (id: string, receivedAt: string) => ({
    id,
    regulationId: 'postvak-test',
    receivedAt,
    reasons: ['spam' as const],
    rawKey: `inbound/${id}.eml`,
    size: 10,
    recipients: ['klachten@example.nl'],
    attachments: [],
    status: 'held' as const,
  });

  it('lists what waits from the index, oldest first; a decided mail leaves it and stays in the partition', async () => {
    await store.putHeld(held('b', '2026-09-04T08:00:00Z'));
    await store.putHeld(held('a', '2026-09-03T08:00:00Z'));
    await store.putHeld(held('c', '2026-09-05T08:00:00Z'));
    const decision = { by: 'officer@local', at: '2026-09-06T08:00:00Z', reason: 'spam' };
    expect(await store.decideHeld('postvak-test', 'b', 'discarded', decision)).toBe(true);

    expect((await store.listHeld('postvak-test', 'held')).map((h) => h.id)).toEqual(['a', 'c']);
    expect((await store.listHeld('postvak-test')).map((h) => [h.id, h.status])).toEqual([
      ['a', 'held'],
      ['b', 'discarded'],
      ['c', 'held'],
    ]);
    const inIndex = (await items()).filter((i) => i.gsi1pk === 'HELD-WAITING#postvak-test').map((i) => i.id);
    expect(inIndex.sort()).toEqual(['a', 'c']);
    // Deciding again is refused, and does not put it back in the index.
    expect(await store.decideHeld('postvak-test', 'b', 'registered', decision)).toBe(false);
    expect((await store.listHeld('postvak-test', 'held')).map((h) => h.id)).toEqual(['a', 'c']);
  });
});
