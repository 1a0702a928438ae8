/**
 * The reads a ladder task makes (#19): a task reads its dossier once, and what it records after
 * its decision (each letter sent, each page link minted) is appended on the view it already has,
 * not on a fresh read of the whole dossier. A writer that loses a race reads only the commits it
 * missed. Before: every letter recorded as sent read the whole dossier again (a complaint's first
 * two begins made 4 Queries, an outcome's letters one each), and every retry read it whole.
 *
 * Counted two ways: through the runtime's meter per function on dynalite (what AWS would bill a
 * task), and on the store directly (the in-memory DynamoDB behind DynamoDossierStore, every
 * command seen), where another writer can be put between two letters.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDossierStore, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { type DossierView, deriveView, type EventBody } from '../lambdas/domain/dossier.js';
import { ConflictError } from '../lambdas/domain/errors.js';
import type { Mail } from '../lambdas/domain/ports.js';
import { Core } from '../lambdas/domain/procedure/core.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';
import type { UsageCounts } from '../runtime/usage.js';
import { loadRegulation } from '../statemachines/load.js';
import { receivedEvent, taskLetter } from './support/events.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

describe('a task reads its dossier once (the runtime, metered per function)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('ons-welzijn', undefined, undefined, { meter: true });
  });
  afterAll(async () => rt?.stop());

  const delta = (a: Record<string, number> | undefined, b: Record<string, number> | undefined) =>
    Object.fromEntries(
      Object.entries(b ?? {})
        .map(([k, n]) => [k, n - (a?.[k] ?? 0)] as const)
        .filter(([, n]) => n !== 0),
    );
  const failures = (a: UsageCounts, b: UsageCounts) =>
    Object.values(delta(a.dynamodbFailures, b.dynamodbFailures)).reduce((s, n) => s + n, 0);

  // The meter counts what AWS sees: there each begin Queries its dossier once. Session 16: the
  // local runtime answers that Query from its store's memory (test/ladder-known-view.test.ts,
  // test/known-view-as-in-aws.test.ts); the meter still bills it, as AWS would.
  it("a complaint's first begins (acknowledgement, then admissibility): one Query each (locally from memory), letters recorded without one", async () => {
    for (let i = 0; i < 3; i++) {
      const a = rt.usage.snapshot();
      const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: `Lezen ${i}` } });
      expect(r.status).toBe(201);
      await rt.advance('PT0S');
      const b = rt.usage.snapshot();
      const begins = delta(a.invocations, b.invocations)['begin-step'] ?? 0;
      const calls = delta(a.callsByFunction.beginStep, b.callsByFunction.beginStep);
      expect(begins).toBe(2);
      // The acknowledgement and the task letter were sent and recorded (SendEmail, PutItem).
      expect(calls.SendEmail).toBe(2);
      expect(calls.Query, JSON.stringify(calls)).toBe(begins);
      // Those two and the first awaitAction's, answered from memory here.
      expect(b.dynamodbFromMemory - a.dynamodbFromMemory, JSON.stringify(calls)).toBeGreaterThanOrEqual(begins);
      expect(failures(a, b)).toBe(0);
    }
  });
});

/** A DynamoDossierStore on the in-memory DynamoDB, every command it sends counted by kind. */
function countedStore() {
  const memory = new MemoryDynamoDb();
  memory.createTable(tableDefinition('dossiers'));
  const seen: { kind: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      seen.push({ kind: command.constructor.name.replace(/Command$/, ''), input: command.input });
      return memory.send(command);
    },
  };
  const store = new DynamoDossierStore(client as never, 'dossiers');
  // Another writer on the same table (another Lambda): it shares nothing in memory with `store`.
  const other = new DynamoDossierStore(client as never, 'dossiers');
  const count = (kind: string) => seen.filter((s) => s.kind === kind).length;
  return { store, other, seen, count, reset: () => seen.splice(0) };
}

const reg = loadRegulation('ons-welzijn');
const AT = '2026-09-03T09:00:00Z';

function coreOn(store: DynamoDossierStore, onSend?: (mail: Mail) => Promise<void>) {
  const sent: Mail[] = [];
  const core = new Core({
    regulation: reg,
    store,
    mailer: {
      send: async (mail) => {
        sent.push(mail);
        await onSend?.(mail);
        return { messageId: `m${sent.length}` };
      },
    },
    reminders: { schedule: async () => true, cancel: async () => {} },
    workflow: {
      start: async () => 'arn',
      succeed: async () => {},
      stop: async () => {},
    },
    clock: { now: () => new Date(AT) },
    urls: {
      status: (id, token) => `http://127.0.0.1/klacht/${id}/${token}`,
      dossier: (id) => `http://127.0.0.1/d/${id}`,
    },
  });
  return { core, sent };
}

const received = receivedEvent(reg.id, AT);

const letter = taskLetter;

async function dossierWithLetters(store: DynamoDossierStore, id: string, n: number): Promise<DossierView> {
  await store.create(id, [received], 'klachtflow-intake', AT, { reference: `KL-${id}`, regulationId: reg.id });
  const view = (await store.load(id)) as DossierView;
  if (n === 0) return view;
  return store.append(
    id,
    1,
    Array.from({ length: n }, (_, i) => letter(i + 1)),
    'klachtflow',
    AT,
    view,
  );
}

describe('delivering the outbox: letters recorded on the view at hand (the store, every command)', () => {
  it('three letters: leased by the commit that queued them, recorded in one append, no Query', async () => {
    const { store, count, reset } = countedStore();
    const view = await dossierWithLetters(store, 'd1', 3);
    const { core, sent } = coreOn(store);
    reset();
    await core.deliver(view, []);
    expect(sent.map((m) => m.subject)).toEqual(['Brief 1', 'Brief 2', 'Brief 3']);
    expect(count('Query')).toBe(0);
    const after = (await store.load('d1')) as DossierView;
    expect(after.letters.map((l) => l.status)).toEqual(['sent', 'sent', 'sent']);
    // received, three letters queued (2-4), three recorded sent.
    expect(after.version).toBe(7);
  });

  it('another writer between two letters: the record after it reads nothing, and nothing is lost or doubled', async () => {
    const { store, other: elsewhere, seen, reset } = countedStore();
    const view = await dossierWithLetters(store, 'd2', 3);
    // While the first letter is being sent, someone else appends a message (an officer, say, in
    // another Lambda: the deliverer's store knows nothing of it until it reads).
    const { core, sent } = coreOn(store, async (mail) => {
      if (mail.subject === 'Brief 1') {
        const other = (await elsewhere.load('d2')) as DossierView;
        await elsewhere.append(
          'd2',
          other.version,
          [{ type: 'message', data: { from: 'officer', text: 'Tussendoor.' } }],
          'officer-anna',
          AT,
          other,
        );
      }
    });
    reset();
    await core.deliver(view, []);
    expect(sent).toHaveLength(3);
    // The other writer's own read only: the record that clashed got the other writer's commit (at
    // 5, the event after the view the deliverer had: received, the three letters queued) with its
    // refusal, and was made again after it without a catch-up read (session 15).
    const queries = seen.filter((s) => s.kind === 'Query');
    expect(queries).toHaveLength(1);
    const commits = seen.filter(
      (s) => s.kind === 'Put' && String((s.input.Item as { sk: string }).sk).startsWith('EVENT#'),
    );
    expect(commits.map((c) => (c.input.Item as { sk: string }).sk)).toEqual([
      'EVENT#000005',
      'EVENT#000005',
      'EVENT#000006',
    ]);
    const events = await store.events('d2');
    expect(
      events.filter((e) => e.type === 'letter.sent').map((e) => (e.data as { letterId: string }).letterId),
    ).toEqual(['brief-1', 'brief-2', 'brief-3']);
    expect(events.filter((e) => e.type === 'message')).toHaveLength(1);
    expect(await store.load('d2')).toStrictEqual(deriveView('d2', events));
  });
});

describe('a clash on a view known from before is no contention: retried at once on a fresh read', () => {
  /**
   * How many timers the work set: a pause of 2-12 ms after each such clash was most of a simulated
   * year's idle time (#19 session 12: 219 of 374 pauses of 200 complaints, 1.5 s). The store, the
   * mailer and the clock here set none of their own.
   */
  async function timersSetBy<T>(work: () => Promise<T>): Promise<number> {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    try {
      await work();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  it('deliver: another writer between two letters, the record of the next letter does not wait', async () => {
    const { store, other: elsewhere } = countedStore();
    const view = await dossierWithLetters(store, 'd6', 2);
    const { core, sent } = coreOn(store, async (mail) => {
      if (mail.subject !== 'Brief 1') return;
      const other = (await elsewhere.load('d6')) as DossierView;
      await elsewhere.append(
        'd6',
        other.version,
        [{ type: 'message', data: { from: 'officer', text: 'Tussendoor.' } }],
        'officer-anna',
        AT,
        other,
      );
    });
    expect(await timersSetBy(() => core.deliver(view, []))).toBe(0);
    expect(sent).toHaveLength(2);
    const events = await store.events('d6');
    expect(events.filter((e) => e.type === 'letter.sent')).toHaveLength(2);
    expect(await store.load('d6')).toStrictEqual(deriveView('d6', events));
  });

  it('mutate on a known view someone wrote after: decided again at once', async () => {
    const { store } = countedStore();
    const known = await dossierWithLetters(store, 'd7', 0);
    await store.append(
      'd7',
      known.version,
      [{ type: 'message', data: { from: 'complainant', text: 'Eerst.' } }],
      'complainant',
      AT,
      known,
    );
    const { core } = coreOn(store);
    const decide = () => [{ type: 'message', data: { from: 'officer', text: 'Antwoord.' } }] as EventBody[];
    expect(await timersSetBy(() => core.mutate('d7', 'officer-anna', decide, known))).toBe(0);
    expect((await store.load('d7'))?.messages.map((m) => m.text)).toEqual(['Eerst.', 'Antwoord.']);
  });
});

describe('store.load after a view read before: the events since, folded onto it', () => {
  it('equals the dossier read whole, and reads only the commits since', async () => {
    const { store, seen, reset } = countedStore();
    const old = await dossierWithLetters(store, 'd3', 2);
    let v = old;
    for (let i = 0; i < 4; i++)
      v = await store.append(
        'd3',
        v.version,
        [{ type: 'message', data: { from: 'complainant', text: `Bericht ${i}` } }],
        'complainant',
        AT,
        v,
      );
    reset();
    const caughtUp = await store.load('d3', old);
    const query = await new QueryCommand(seen[0]?.input as never);
    expect(query.input.KeyConditionExpression).toContain('BETWEEN');
    expect(caughtUp).toStrictEqual(await store.load('d3'));
    // A view that is current: one Query that finds nothing, the same view back.
    expect(await store.load('d3', caughtUp)).toBe(caughtUp);
  });
});

describe('a decision on a view known from before (mutate with `known`)', () => {
  it('is stored when nothing came in between: no read at all', async () => {
    const { store, count, reset } = countedStore();
    const view = await dossierWithLetters(store, 'd4', 0);
    const { core } = coreOn(store);
    reset();
    await core.mutate(
      'd4',
      'officer-anna',
      () => [{ type: 'message', data: { from: 'officer', text: 'Hallo.' } }],
      view,
    );
    expect(count('Query')).toBe(0);
    expect((await store.load('d4'))?.messages).toHaveLength(1);
  });

  it('nothing to do, or a refusal, on the known view is decided again on the dossier as it is now', async () => {
    const { store } = countedStore();
    const known = await dossierWithLetters(store, 'd5', 0);
    // Someone else wrote after `known` was read.
    await store.append(
      'd5',
      known.version,
      [{ type: 'message', data: { from: 'complainant', text: 'Eerst.' } }],
      'complainant',
      AT,
      known,
    );
    const { core } = coreOn(store);
    // Nothing to do while there is no message: on the known view that is so, on the dossier not.
    const seenBy: number[] = [];
    await core.mutate(
      'd5',
      'officer-anna',
      (v) => {
        seenBy.push(v.messages.length);
        return v.messages.length ? [{ type: 'message', data: { from: 'officer', text: 'Antwoord.' } }] : [];
      },
      known,
    );
    expect(seenBy).toEqual([0, 1]);
    expect((await store.load('d5'))?.messages.map((m) => m.text)).toEqual(['Eerst.', 'Antwoord.']);
    // A refusal on the known view (there is no message to answer) is decided again too.
    const tries: number[] = [];
    await core.mutate(
      'd5',
      'officer-anna',
      (v) => {
        tries.push(v.messages.length);
        if (v.messages.length < 2) throw new ConflictError('Nog niets te beantwoorden.');
        return [{ type: 'message', data: { from: 'officer', text: 'Nog een.' } }];
      },
      known,
    );
    expect(tries).toEqual([0, 2]);
  });
});
