/**
 * The work of reading a dossier does not grow with how many dossiers are open at once (#19: "the
 * work per clock tick or per request does not depend on how many dossiers are closed", and read
 * units per complaint were 31.5 at 10 000 complaints a year against 25.1 at 1 000). A year of
 * 10 000 complaints has about 27 a day coming in and each open for about four weeks: some 770 open
 * at once, where the store kept the latest 128 (RECENT_DOSSIERS) and read every dossier it had let
 * go whole again (all its commits, parsed and folded) at the next step. Counted here at the table
 * (the memory store's observer, what DynamoDB would be asked): the same steps per dossier with 50
 * and with 800 dossiers open, interleaved as a day's work interleaves them, ask the same reads.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDossierStore, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import type { EventBody } from '../lambdas/domain/dossier.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';

const AT = '2026-09-03T09:00:00Z';

const received = (n: number): EventBody => ({
  type: 'received',
  data: {
    reference: `KL-2026-${n}`,
    regulationId: 'r',
    variant: 'standaard',
    channel: 'web',
    startRung: 'officer',
    receivedAt: AT,
    complainant: { name: 'Sanne', email: 'sanne@example.nl' },
    role: 'client',
    description: `Klacht ${n}.`,
    accessTokenHash: 'h',
  },
});

/** Reads per dossier, by kind, when `open` dossiers take their steps in turns. */
async function readsPerDossier(open: number) {
  const memory = new MemoryDynamoDb();
  memory.createTable(tableDefinition('dossiers'));
  let whole = 0;
  let since = 0;
  memory.observe((command, input) => {
    if (command !== 'QueryCommand') return;
    if (String(input.KeyConditionExpression).includes('BETWEEN')) since++;
    else if (String(input.ExpressionAttributeValues?.[':e']) === 'EVENT#') whole++;
  });
  const store = new DynamoDossierStore(memory, 'dossiers');
  const ids = Array.from({ length: open }, (_, i) => `d${i}`);
  for (const [i, id] of ids.entries())
    await store.create(id, [received(i)], 'klager', AT, { reference: `KL-2026-${i}`, regulationId: 'r' });
  // Three rounds over every open dossier: what a task and an officer do at a step (the view read,
  // the dossier with its events read, a message appended).
  for (let round = 0; round < 3; round++)
    for (const id of ids) {
      const view = await store.load(id);
      await store.history(id);
      if (!view) throw new Error(`${id} verdwenen`);
      await store.append(
        id,
        view.version,
        [{ type: 'message', data: { from: 'officer', text: `Ronde ${round}.` } }],
        'medewerker',
        AT,
        view,
      );
    }
  return { whole: whole / open, since: since / open };
}

describe('store: reading a dossier costs the same with many open at once', () => {
  it('800 open dossiers are read as 50 are: no dossier read whole again', async () => {
    const few = await readsPerDossier(50);
    const many = await readsPerDossier(800);
    expect(few.whole).toBe(0);
    expect(many).toStrictEqual(few);
  });
});
