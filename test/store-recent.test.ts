/**
 * The store keeps the open dossiers it read or wrote lately and reads only the commits after the
 * version it knows (#19). That is only right if every read gives what a store that knows nothing
 * reads from the table: checked here with fast-check over arbitrary interleavings of two stores on
 * one table (two Lambdas, or the API and a task), each appending on the view it has (stale or
 * not: a lost race is a ConflictError), reading, closing and erasing (the erasure rewrites the
 * stored commits), with arbitrary Unicode in free text and fields left undefined (which a stored
 * commit does not keep). The judge is a fresh store on the same table for every comparison.
 *
 * The same interleavings judge the view item the indexes read: a store leaves it as it is after a
 * commit that changes nothing it carries, when its own writes and appends prove the table holds
 * it (#19). After every write the table's view item says what the fresh read's view makes of it,
 * whichever store wrote last, and its version is never past the dossier's.
 */

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoDossierStore, tableDefinition, viewItem } from '../lambdas/adapters/dynamodb-store.js';
import { type DeadlineData, type DossierView, type EventBody, redactEvent } from '../lambdas/domain/dossier.js';
import { ConflictError } from '../lambdas/domain/errors.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';

const AT = '2026-09-03T09:00:00Z';

const received = (n: number, text: string): EventBody => ({
  type: 'received',
  data: {
    reference: `KL-2026-000${n}`,
    regulationId: 'r',
    variant: 'standaard',
    channel: 'web',
    startRung: 'officer',
    receivedAt: AT,
    complainant: { name: text || 'Sanne', email: 'sanne@example.nl' },
    role: 'client',
    description: text,
    // Left undefined: a stored commit has no such field.
    onBehalfOf: undefined,
    accessTokenHash: 'h',
  },
});

/** Events of the kinds that change lists, records and items of a view, with free text anywhere. */
const body = (text: fc.Arbitrary<string>): fc.Arbitrary<EventBody> =>
  // The arbitraries' own types are narrower (tuples, literal types) than the events they make.
  fc
    .oneof(
      fc.record({
        type: fc.constant('message' as const),
        data: fc.record({
          from: fc.constantFrom('complainant' as const, 'officer' as const),
          text,
          via: fc.constantFrom(undefined, 'email' as const),
        }),
      }),
      fc.record({
        type: fc.constant('deadline.set' as const),
        data: fc.record({
          deadlineId: fc.constantFrom('a#1', 'b#1'),
          basis: fc.constant<DeadlineData['basis']>({
            anchorEvent: 'ontvangst',
            anchorAt: AT,
            term: '1 week',
            atw: true,
            extensions: [],
          }),
          stepId: fc.constantFrom('a', 'b'),
          title: text,
          lastDay: fc.constantFrom('2026-09-10', '2026-09-11'),
          dueAt: fc.constantFrom('2026-09-10T21:59:59Z', '2026-09-11T21:59:59Z'),
          kind: fc.constant('regulation' as const),
          // Undefined in the event decided; absent in the event stored.
          statute: fc.constantFrom(undefined, 'Awb 9:11'),
          explanation: fc.constant({} as never),
        }),
      }),
      fc.record({
        type: fc.constantFrom('deadline.met' as const, 'deadline.breached' as const),
        data: fc.record({ deadlineId: fc.constantFrom('a#1', 'b#1'), alarmed: fc.constant([]) }),
      }),
      fc.record({
        type: fc.constant('step.started' as const),
        data: fc.record({
          stepId: fc.constantFrom('a', 'b'),
          rungId: fc.constantFrom('officer', 'manager'),
          activation: fc.constant(1),
          actor: fc.constant('officer'),
          assignee: fc.constant('officer'),
        }),
      }),
      fc.record({
        type: fc.constant('letter.queued' as const),
        data: fc.record({
          letterId: fc.constantFrom('l1', 'l2', 'l3'),
          kind: fc.constant('task'),
          audience: fc.constant('complainant' as const),
          recipients: fc.constant(['complainant']),
          to: fc.constant(['sanne@example.nl']),
          from: fc.constant('klachten@example.nl'),
          subject: text,
          text,
          html: text,
          undeliverable: fc.constant([]),
        }),
      }),
      fc.record({
        type: fc.constant('letter.sent' as const),
        data: fc.record({ letterId: fc.constantFrom('l1', 'l2', 'l3'), messageId: fc.constant('m') }),
      }),
      fc.record({
        type: fc.constant('reminder.scheduled' as const),
        data: fc.record({
          name: fc.constantFrom('r1', 'r2'),
          at: fc.constant('2026-09-09T07:00:00Z'),
          stepId: fc.constant('a'),
          deadlineId: fc.constant('a#1'),
        }),
      }),
      fc.record({
        type: fc.constant('registration.answered' as const),
        data: fc.record({ answers: fc.dictionary(fc.constantFrom('x', 'y'), text) }),
      }),
    )
    // Plain objects, as a decision makes them (fast-check's have no prototype); undefined fields kept.
    .map((b) => structuredClone(b)) as fc.Arbitrary<EventBody>;

type Op =
  | { kind: 'append'; store: number; dossier: number; stale: boolean; bodies: EventBody[] }
  | { kind: 'close'; store: number; dossier: number }
  | { kind: 'erase'; store: number; dossier: number }
  | { kind: 'read'; store: number; dossier: number; how: 'load' | 'events' | 'history' };

const DOSSIERS = 3;
const op = (text: fc.Arbitrary<string>): fc.Arbitrary<Op> => {
  const store = fc.integer({ min: 0, max: 1 });
  const dossier = fc.integer({ min: 0, max: DOSSIERS - 1 });
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('append' as const),
        store,
        dossier,
        stale: fc.boolean(),
        bodies: fc.array(body(text), { minLength: 1, maxLength: 3 }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('read' as const),
        store,
        dossier,
        how: fc.constantFrom('load' as const, 'events' as const, 'history' as const),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), store, dossier }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('erase' as const), store, dossier }) },
  );
};

describe('store: the open dossiers it knows read as the table has them', () => {
  it('every read of two stores on one table equals a fresh read, whatever came in between', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(text, { minLength: DOSSIERS, maxLength: DOSSIERS }),
        fc.array(op(text), { maxLength: 40 }),
        async (names, ops) => {
          const memory = new MemoryDynamoDb();
          memory.createTable(tableDefinition('dossiers'));
          // Two stores that remember two dossiers each: three dossiers make them forget, too.
          const stores = [0, 1].map(() => new DynamoDossierStore(memory as never, 'dossiers', { recentDossiers: 2 }));
          const judge = () => new DynamoDossierStore(memory as never, 'dossiers');
          const ids = names.map((_, i) => `d${i}`);
          for (const [i, id] of ids.entries())
            await (stores[0] as DynamoDossierStore).create(id, [received(i, names[i] as string)], 'klager', AT, {
              reference: `KL-2026-000${i}`,
              regulationId: 'r',
            });
          // The view each store last had of each dossier (what a caller decides on, maybe stale).
          const held = new Map<string, DossierView>();
          // The view item in the table says what the latest view makes of it (its version aside).
          const viewItemHolds = async (id: string) => {
            const fresh = (await judge().history(id))?.view as DossierView;
            const got = await memory.send(
              new GetCommand({ TableName: 'dossiers', Key: { pk: `DOSSIER#${id}`, sk: 'VIEW' }, ConsistentRead: true }),
            );
            const { version, ...stored } = (got as { Item: Record<string, unknown> }).Item;
            const { version: _, ...expected } = JSON.parse(JSON.stringify(viewItem(fresh)));
            // A commit that lost its race on a dossier no longer open leaves the pending mark it
            // put before it (markPending): harmless, the recovery finds nothing to do.
            if (fresh.status !== 'open' && stored.gsi2pk === 'PENDING#r' && expected.gsi2pk === undefined) {
              delete stored.gsi2pk;
              delete stored.gsi2sk;
            }
            expect(stored).toStrictEqual(expected);
            expect(version).toBeLessThanOrEqual(fresh.version);
          };
          for (const o of ops) {
            const store = stores[o.store] as DynamoDossierStore;
            const id = ids[o.dossier] as string;
            const key = `${o.store}/${id}`;
            if (o.kind === 'read') {
              const fresh = await judge().history(id);
              if (o.how === 'load') expect(await store.load(id)).toStrictEqual(fresh?.view);
              if (o.how === 'events') expect(await store.events(id)).toStrictEqual(fresh?.events);
              if (o.how === 'history') expect(await store.history(id)).toStrictEqual(fresh);
              continue;
            }
            if (o.kind === 'erase') {
              // As procedure/privacy.ts erases: the event first, then the stored commits rewritten.
              const view = (await store.load(id)) as DossierView;
              if (view.erasedAt) continue;
              await store.append(id, view.version, [{ type: 'erased', data: { fields: [] } }], 'klachtflow', AT, view);
              await store.redact(id, redactEvent);
              await viewItemHolds(id);
              continue;
            }
            const bodies: EventBody[] =
              o.kind === 'close' ? [{ type: 'closed', data: { result: 'resolved', reason: 'Opgelost.' } }] : o.bodies;
            const base =
              o.kind === 'append' && o.stale && held.has(key) ? (held.get(key) as DossierView) : await store.load(id);
            if (!base) throw new Error('no dossier');
            try {
              const after = await store.append(id, base.version, bodies, 'officer', AT, base);
              expect(after).toStrictEqual((await judge().history(id))?.view);
              held.set(key, after);
            } catch (e) {
              if (!(e instanceof ConflictError)) throw e;
              // A lost race: the store reads what it missed, from the view it decided on.
              const caughtUp = await store.load(id, base);
              expect(caughtUp).toStrictEqual((await judge().history(id))?.view);
              held.set(key, caughtUp as DossierView);
            }
            await viewItemHolds(id);
          }
          for (const store of stores)
            for (const id of ids) expect(await store.history(id)).toStrictEqual(await judge().history(id));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('commits that change nothing the view item carries leave it unwritten; the next that does writes it', async () => {
    const memory = new MemoryDynamoDb();
    memory.createTable(tableDefinition('dossiers'));
    let viewWrites = 0;
    memory.observe((command, input) => {
      if (command === 'PutItemCommand' && input.Item?.sk === 'VIEW') viewWrites++;
    });
    const store = new DynamoDossierStore(memory as never, 'dossiers');
    let view = await store.create('d0', [received(0, 'Sanne')], 'klager', AT, {
      reference: 'KL-2026-0000',
      regulationId: 'r',
    });
    // An officer's notes and a letter recorded as sent (never queued here): nothing the worklist shows.
    for (let i = 0; i < 5; i++)
      view = await store.append(
        'd0',
        view.version,
        [
          { type: 'message', data: { from: 'officer', text: `Notitie ${i}.` } },
          { type: 'letter.sent', data: { letterId: `l${i}`, messageId: 'm' } },
        ],
        'officer',
        AT,
        view,
      );
    expect(viewWrites).toBe(0);
    view = await store.append(
      'd0',
      view.version,
      [
        {
          type: 'step.started',
          data: { stepId: 'a', rungId: 'officer', activation: 1, actor: 'officer', assignee: 'officer' },
        },
      ],
      'klachtflow',
      AT,
      view,
    );
    expect(viewWrites).toBe(1);
    const got = await memory.send(
      new GetCommand({ TableName: 'dossiers', Key: { pk: 'DOSSIER#d0', sk: 'VIEW' }, ConsistentRead: true }),
    );
    expect((got as { Item: Record<string, unknown> }).Item).toMatchObject({ currentStep: 'a', version: view.version });
  });

  it('a store that wrote the view item writes it again after another store wrote in between', async () => {
    const memory = new MemoryDynamoDb();
    memory.createTable(tableDefinition('dossiers'));
    const [one, two] = [0, 1].map(() => new DynamoDossierStore(memory as never, 'dossiers')) as [
      DynamoDossierStore,
      DynamoDossierStore,
    ];
    const started = (stepId: string): EventBody => ({
      type: 'step.started',
      data: { stepId, rungId: 'officer', activation: 1, actor: 'officer', assignee: 'officer' },
    });
    const step = async (store: DynamoDossierStore, stepId: string) => {
      const view = (await store.load('d0')) as DossierView;
      return store.append('d0', view.version, [started(stepId)], 'klachtflow', AT, view);
    };
    await one.create('d0', [received(0, 'Sanne')], 'klager', AT, { reference: 'KL-2026-0000', regulationId: 'r' });
    await step(one, 'a');
    await step(two, 'b');
    // Back to what the first store wrote: the table says b, so it is written all the same.
    const last = await step(one, 'a');
    const got = await memory.send(
      new GetCommand({ TableName: 'dossiers', Key: { pk: 'DOSSIER#d0', sk: 'VIEW' }, ConsistentRead: true }),
    );
    expect((got as { Item: Record<string, unknown> }).Item).toMatchObject({ currentStep: 'a', version: last.version });
  });
});
