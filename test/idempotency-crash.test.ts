/**
 * A request with an Idempotency-Key whose process died half-way leaves its key pending (issue 14:
 * a retry got 409 "wordt al verwerkt" for a day, and a re-posted form could lose the complaint).
 * The pending key is a lease: once it ran out, the retry takes it over and the complaint is made.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDossierStore } from '../lambdas/adapters/dynamodb-store.js';
import { recordKey } from '../lambdas/sealed.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
let store: DynamoDossierStore;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
  const { dynamodb, region, tableName } = rt.endpoints;
  const client = new DynamoDBClient({
    endpoint: dynamodb,
    region,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  store = new DynamoDossierStore(client, tableName);
});
afterAll(async () => rt?.stop());

const post = (key: string) => rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': key } });

describe('idempotency: a key whose owner died', () => {
  it('is taken over once its lease ran out: the retry makes the complaint', async () => {
    // The fingerprint of this very request, as a first request with another key stored it (records
    // are stored under a hash of the client's key: lambdas/sealed.ts).
    expect((await post('eerste-poging')).status).toBe(201);
    const fingerprint = (await store.getIdempotent(recordKey('eerste-poging'), rt.clock.now()))?.fingerprint ?? '';
    expect(fingerprint).not.toBe('');
    // What a process leaves that started the request two minutes ago and was killed before it
    // finished: the key taken, pending, with its lease (two minutes ago + the lease) run out.
    const crashed = new Date(Date.now() - 120_000);
    expect(
      await store.beginIdempotent(recordKey('na-een-crash'), fingerprint, rt.clock.now().toISOString(), crashed),
    ).toBe(true);
    expect((await store.getIdempotent(recordKey('na-een-crash'), rt.clock.now()))?.status).toBe('pending');

    const retry = await post('na-een-crash');
    expect(retry.status, retry.text.slice(0, 200)).toBe(201);
    expect(retry.json.reference).toMatch(/^KL-2026-\d{4}$/);
    // And from then on the key answers as any finished key: the same complaint again.
    const again = await post('na-een-crash');
    expect(again.status).toBe(201);
    expect(again.json.id).toBe(retry.json.id);
  });

  it('is not taken over while its owner may still be working (its lease runs)', async () => {
    const fingerprint = (await store.getIdempotent(recordKey('eerste-poging'), rt.clock.now()))?.fingerprint ?? '';
    expect(await store.beginIdempotent('nog-bezig', fingerprint, rt.clock.now().toISOString(), new Date())).toBe(true);
    // A second owner cannot take it now...
    expect(await store.beginIdempotent('nog-bezig', fingerprint, rt.clock.now().toISOString(), new Date())).toBe(false);
    // ...and can once the lease ran out.
    const later = new Date(Date.now() + 10 * 60_000);
    expect(await store.beginIdempotent('nog-bezig', fingerprint, rt.clock.now().toISOString(), later)).toBe(true);
  });
});
