/**
 * A refused conditional write is a round trip and billed (DynamoDB charges a write that fails its
 * condition), and counting it is what shows two writers colliding (#19). The SDK meter
 * (runtime/usage.ts meterDynamoDb, the local runtime on dynalite) counts it; the simulation's
 * meter on the in-memory store counted only the requests that succeeded, so the simulated year's
 * "DynamoDB-verzoeken per klacht" left out every collision (the officer's letters recorded while
 * the ladder's next step wrote: about 2.5 refused PutItems a complaint).
 *
 * The judge is the SDK meter on dynalite: the same writes through two stores on one table (two
 * Lambdas: one wins, the other loses its race and reads what it missed) count the same requests,
 * failures and write units on both.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDossierStore, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { ConflictError } from '../lambdas/domain/errors.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';
import { Usage } from '../runtime/usage.js';
import { dynaliteWithTable } from './support/dynalite.js';
import { receivedEvent } from './support/events.js';

const TABLE = 'klachtflow-dossiers';
const AT = '2026-09-03T09:00:00Z';
let dynalite: Awaited<ReturnType<typeof dynaliteWithTable>>;
let client: DynamoDBClient;

beforeAll(async () => {
  dynalite = await dynaliteWithTable('kf-refused-', TABLE);
  client = dynalite.client;
});
afterAll(async () => dynalite?.close());

/** Two writers on one dossier: both append on version 1, the loser reads what it missed and appends again. */
async function collide(a: DynamoDossierStore, b: DynamoDossierStore, id: string) {
  const first = await a.append(id, 0, [receivedEvent('r', AT)], 'complainant', AT);
  const onB = await b.load(id);
  await a.append(id, 1, [{ type: 'message', data: { from: 'officer', text: 'Eerst' } }], 'o', AT, first);
  await expect(
    b.append(id, 1, [{ type: 'message', data: { from: 'officer', text: 'Tweede' } }], 'o', AT, onB),
  ).rejects.toBeInstanceOf(ConflictError);
  const again = await b.load(id, onB);
  await b.append(id, 2, [{ type: 'message', data: { from: 'officer', text: 'Tweede' } }], 'o', AT, again);
}

describe('the meter counts a refused conditional write', () => {
  it('on the in-memory store as the SDK meter does on dynalite: requests, failures and write units', async () => {
    const sdk = new Usage(true);
    sdk.meterDynamoDb(client);
    await collide(new DynamoDossierStore(client, TABLE), new DynamoDossierStore(client, TABLE), 'refused-1');

    const memory = new MemoryDynamoDb();
    memory.createTable(tableDefinition(TABLE));
    const sim = new Usage(true);
    sim.meterMemoryDynamoDb(memory);
    await collide(new DynamoDossierStore(memory, TABLE), new DynamoDossierStore(memory, TABLE), 'refused-1');

    const { dynamodbRequests, dynamodbFailures, writeUnits, itemsWritten } = sdk.snapshot();
    // The loser's refused append is among them (the collision is what this is about).
    expect(dynamodbFailures).toEqual({ ConditionalCheckFailedException: 1 });
    const s = sim.snapshot();
    expect({
      dynamodbRequests: s.dynamodbRequests,
      dynamodbFailures: s.dynamodbFailures,
      writeUnits: s.writeUnits,
      itemsWritten: s.itemsWritten,
    }).toEqual({ dynamodbRequests, dynamodbFailures, writeUnits, itemsWritten });
  });
});
