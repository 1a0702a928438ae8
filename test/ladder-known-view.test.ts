/**
 * The ladder's tasks decide on the latest view of the dossier the store holds, without a Query
 * (#19, session 16: every Core.mutate of a ladder task first Queried the dossier's commits, 10 a
 * simulated complaint). The append stays conditional on the next version, so a view that is not
 * the latest is refused, and the refusal brings the commit that won (DynamoDB PutItem,
 * ReturnValuesOnConditionCheckFailure ALL_OLD): the decision is made again on it.
 *
 * Judged three ways:
 * - the runtime's meter per function: a complaint walked to its close, the ladder's beginStep,
 *   awaitAction and close make no Query (the runtime's one store saw every write);
 * - another writer in between (another Lambda container, a store of its own on the same table):
 *   the officer's action written there, the ladder's next step still takes it into account;
 * - a task whose stale view says "nothing to do" reads all the same, and a dossier closed and
 *   erased elsewhere gets nothing written after its erasure (AVG art. 17) by a container that
 *   holds an open view of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDossierStore, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { type DossierEvent, type DossierView, deadlineId, deriveView } from '../lambdas/domain/dossier.js';
import type { Mail } from '../lambdas/domain/ports.js';
import { Procedure } from '../lambdas/domain/procedure.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';
import type { UsageCounts } from '../runtime/usage.js';
import { CONTROL_OUTCOMES } from '../statemachines/ladder.js';
import { loadRegulation } from '../statemachines/load.js';
import { receivedEvent } from './support/events.js';
import { dossier, ONS_RESOLVED_IN_CONVERSATION, submit, walk } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

/**
 * The store's Queries made for the ladder's task handlers (the meter's callers: a stack trace
 * each), by handler. On the in-memory DynamoDB, which like DynamoDB brings the winning commit with
 * a refusal: on dynalite (no item with it) a refused append reads, and whether an append is refused
 * depends on how the API's and the ladder's work interleave.
 */
function ladderQueries(a: UsageCounts, b: UsageCounts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(b.dynamodbByCaller ?? {})) {
    if (!key.startsWith('Query ')) continue;
    const task = /(ladder-tasks|deadline-passed)\.ts/.test(key) ? key.replace(/^.* <- /, '') : undefined;
    const d = n - (a.dynamodbByCaller?.[key] ?? 0);
    if (task && d) out[task] = (out[task] ?? 0) + d;
  }
  return out;
}

describe('the ladder decides on the view its process holds (the runtime, metered by caller)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('ons-welzijn', undefined, undefined, { meter: true, store: 'memory' });
    rt.usage.countCallers();
  });
  afterAll(async () => rt?.stop());

  it('a complaint walked to its close: no ladder task Queries its dossier', async () => {
    const a = rt.usage.snapshot();
    const s = await submit(rt);
    await walk(rt, s.id, ONS_RESOLVED_IN_CONVERSATION);
    expect((await dossier(rt, s.id)).status).toBe('closed');
    const b = rt.usage.snapshot();
    for (const fn of ['begin-step', 'await-action', 'close'])
      expect(b.invocations[fn] ?? 0, fn).toBeGreaterThan(a.invocations[fn] ?? 0);
    expect(ladderQueries(a, b)).toEqual({});
  });
});

const reg = loadRegulation('ons-welzijn');
const AT = '2026-09-03T09:00:00Z';

/** Two Lambda containers on one table: `ladder` keeps the views it saw, `other` is any other writer. */
function twoContainers() {
  const memory = new MemoryDynamoDb();
  memory.createTable(tableDefinition('dossiers'));
  const clock = { at: AT };
  /** The table as one container's store sees it, its commands counted (refused ones marked). */
  const counted = () => {
    const seen: { kind: string; refused: boolean }[] = [];
    const client = {
      send: async (command: { constructor: { name: string } }) => {
        const entry = { kind: command.constructor.name.replace(/Command$/, ''), refused: false };
        seen.push(entry);
        try {
          return await memory.send(command as never);
        } catch (e) {
          entry.refused = true;
          throw e;
        }
      },
    };
    return { client, seen };
  };
  const on = (table: ReturnType<typeof counted>, knownViews: boolean) => {
    const store = new DynamoDossierStore(table.client as never, 'dossiers', { knownViews });
    const seen = table.seen;
    const sent: Mail[] = [];
    const breaches: string[] = [];
    const procedure = new Procedure({
      regulation: reg,
      store,
      mailer: {
        send: async (mail) => {
          sent.push(mail);
          return { messageId: `m-${sent.length}-${Math.random()}` };
        },
      },
      reminders: { schedule: async () => true, cancel: async () => {} },
      workflow: { start: async () => 'arn', succeed: async () => {}, stop: async () => {} },
      clock: { now: () => new Date(clock.at) },
      urls: {
        status: (id, token) => `http://127.0.0.1/klacht/${id}/${token}`,
        dossier: (id) => `http://127.0.0.1/d/${id}`,
      },
      observer: { deadlineBreached: (b) => breaches.push(`${b.dossierId} ${b.stepId} ${b.kind}`) },
    });
    return { store, procedure, sent, breaches, seen };
  };
  return {
    clock,
    ladder: on(counted(), true),
    other: on(counted(), false),
    events: (id: string) => new DynamoDossierStore(memory as never, 'dossiers').events(id),
  };
}

/** A dossier the ladder's container created (it holds that view), its first steps begun elsewhere. */
async function begunElsewhere(c: ReturnType<typeof twoContainers>, id: string): Promise<DossierView> {
  await c.ladder.store.create(id, [receivedEvent(reg.id, AT)], 'klachtflow-intake', AT, {
    reference: `KL-${id}`,
    regulationId: reg.id,
  });
  await c.other.procedure.beginStep({ dossierId: id, step: 'acknowledge', executionId: 'arn' });
  await c.other.procedure.beginStep({
    dossierId: id,
    step: 'admissibility',
    previous: { step: 'acknowledge', outcome: 'sent' },
    executionId: 'arn',
  });
  const v = (await c.other.store.load(id)) as DossierView;
  expect(v.current?.stepId).toBe('admissibility');
  // The ladder's container still holds the view it wrote: the dossier as received.
  expect((await c.ladder.store.known(id))?.version).toBe(1);
  return v;
}

describe('another writer between two ladder tasks (a store of its own on the same table)', () => {
  it("the officer's outcome written elsewhere: the next begin ends the step once and starts the next once", async () => {
    const c = twoContainers();
    const id = 'w1';
    const p = c.ladder.procedure;
    await c.ladder.store.create(id, [receivedEvent(reg.id, AT)], 'klachtflow-intake', AT, {
      reference: `KL-${id}`,
      regulationId: reg.id,
    });
    // The ladder's own tasks, in the ladder's container: it holds the latest view after them.
    await p.beginStep({ dossierId: id, step: 'acknowledge', executionId: 'arn' });
    await p.beginStep({
      dossierId: id,
      step: 'admissibility',
      previous: { step: 'acknowledge', outcome: 'sent' },
      executionId: 'arn',
    });
    await p.awaitAction({ dossierId: id, step: 'admissibility', token: 'tok-1', timeoutSeconds: 1_209_600 });
    const held = (await c.ladder.store.known(id)) as DossierView;
    expect(held.current?.token).toBe('tok-1');
    // The officer's outcome through the API, in another container: its commit and its letters' record.
    await c.other.procedure.act(id, { kind: 'officer', sub: 'officer@local', roles: ['officer'] }, {
      type: 'outcome',
      stepId: 'admissibility',
      outcome: 'admissible',
    } as never);
    const missed = (await c.events(id)).filter((e) => e.seq > held.version);
    const commitsMissed = new Set(missed.map((e) => `${e.at}|${e.by}|${e.type === 'letter.sent'}`)).size;
    expect(commitsMissed).toBeGreaterThan(0);
    c.ladder.seen.splice(0);
    await p.beginStep({
      dossierId: id,
      step: 'preliminary-investigation',
      previous: { step: 'admissibility', outcome: 'admissible', by: 'officer@local' },
      executionId: 'arn',
    });
    const events = await c.events(id);
    const ended = events.filter(
      (e) => e.type === 'step.ended' && (e.data as { stepId: string }).stepId === 'admissibility',
    );
    expect(ended).toHaveLength(1);
    expect(ended[0]?.by).toBe('officer@local');
    const started = events.filter((e) => e.type === 'step.started').map((e) => (e.data as { stepId: string }).stepId);
    expect(started).toEqual(['acknowledge', 'admissibility', 'preliminary-investigation']);
    const letterIds = events.flatMap((e) =>
      e.type === 'letter.queued' ? [(e.data as { letterId: string }).letterId] : [],
    );
    expect(new Set(letterIds).size).toBe(letterIds.length);
    // The ladder's view was behind: its begin was refused once per commit it missed, each refusal
    // bringing the commit that won, and decided again on it: no read. (A view kept after its
    // refusal is refused again and again, and read after FOLDS_IN_A_ROW.)
    const refused = c.ladder.seen.filter((x) => x.kind === 'Put' && x.refused).length;
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(commitsMissed);
    expect(c.ladder.seen.filter((x) => x.kind === 'Query')).toEqual([]);
    expect(await c.ladder.store.known(id)).toStrictEqual(deriveView(id, events));
  });
});

describe('an append of the dossier under way in the same store', () => {
  it('known() answers the view after it, not the one it is about to make stale', async () => {
    // The officer's action records the step's end right after waking the ladder
    // (officer-actions.ts chooseOutcome): the ladder's next begin asks for the view meanwhile.
    const c = twoContainers();
    const first = await c.ladder.store.create('f1', [receivedEvent(reg.id, AT)], 'klachtflow-intake', AT, {
      reference: 'KL-f1',
      regulationId: reg.id,
    });
    const appending = c.ladder.store.append(
      'f1',
      first.version,
      [{ type: 'message', data: { from: 'officer', text: 'Onderweg.' } }],
      'officer@local',
      AT,
      first,
    );
    const seen = await c.ladder.store.known('f1');
    expect(seen).toStrictEqual(await appending);
    expect(seen?.version).toBe(first.version + 1);
    // A refused append under way is waited for too: then the view with the commit that won.
    const other = (await c.other.store.load('f1')) as DossierView;
    await c.other.store.append(
      'f1',
      other.version,
      [{ type: 'message', data: { from: 'complainant', text: 'Eerst.' } }],
      'complainant',
      AT,
      other,
    );
    const losing = c.ladder.store
      .append(
        'f1',
        other.version,
        [{ type: 'message', data: { from: 'officer', text: 'Later.' } }],
        'officer@local',
        AT,
        other,
      )
      .catch((e: unknown) => e);
    expect((await c.ladder.store.known('f1'))?.messages.map((m) => m.text)).toEqual(['Onderweg.', 'Eerst.']);
    await losing;
  });
});

describe('a stale view that says "nothing to do" is read again before the task ends', () => {
  it('awaitAction: the step was begun elsewhere, the token is recorded all the same', async () => {
    const c = twoContainers();
    await begunElsewhere(c, 'k1');
    await c.ladder.procedure.awaitAction({
      dossierId: 'k1',
      step: 'admissibility',
      token: 'tok-1',
      timeoutSeconds: 3600,
    });
    expect((await c.other.store.load('k1'))?.current?.token).toBe('tok-1');
  });

  it('remind: the reminder decided elsewhere is sent all the same', async () => {
    const c = twoContainers();
    const v = await begunElsewhere(c, 'k2');
    const [name] = Object.keys(v.reminders);
    expect(name).toBeDefined();
    await c.ladder.procedure.remind({
      dossierId: 'k2',
      stepId: 'admissibility',
      deadlineId: deadlineId('admissibility', 1),
      name: name as string,
    });
    expect(c.ladder.sent.map((m) => m.subject).join('\n')).toMatch(/herinnering/i);
    const events = await c.events('k2');
    expect(
      events.filter((e) => e.type === 'letter.queued' && (e.data as { kind: string }).kind === 'reminder'),
    ).toHaveLength(1);
  });
});

describe("a deadline task on a stale view: what it answers and reports is the latest decision's", () => {
  it('the officer ended the step elsewhere after its deadline: no breach reported, no alarm, not the stale cursor', async () => {
    const c = twoContainers();
    const begun = await begunElsewhere(c, 'k3');
    await c.other.procedure.awaitAction({
      dossierId: 'k3',
      step: 'admissibility',
      token: 'tok-3',
      timeoutSeconds: 3600,
    });
    // The ladder's container reads it at the step (it holds that view), then the deadline passes.
    expect((await c.ladder.store.load('k3'))?.current?.stepId).toBe('admissibility');
    const due = begun.deadlines.find((d) => d.deadlineId === deadlineId('admissibility', 1))?.dueAt as string;
    c.clock.at = new Date(Date.parse(due) + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await c.other.procedure.act('k3', { kind: 'officer', sub: 'officer@local', roles: ['officer'] }, {
      type: 'outcome',
      stepId: 'admissibility',
      outcome: 'admissible',
    } as never);
    const before = await c.events('k3');
    const out = await c.ladder.procedure.deadlinePassed({ dossierId: 'k3', step: 'admissibility', executionId: 'arn' });
    // The step is no longer the dossier's: the default answer (wait again), as on a fresh read.
    expect(out.outcome).toBe(CONTROL_OUTCOMES.rearm);
    expect(c.ladder.breaches).toEqual([]);
    expect(c.ladder.sent).toEqual([]);
    expect(await c.events('k3')).toStrictEqual(before);
  });
});

describe('a dossier closed and erased elsewhere (AVG art. 17): nothing written after its erasure', () => {
  it('every ladder task of a container holding its open view leaves the erased dossier as it is', async () => {
    const c = twoContainers();
    const begun = await begunElsewhere(c, 'e1');
    // The ladder's container reads it while open (it now holds the view at the step).
    expect((await c.ladder.store.load('e1'))?.status).toBe('open');
    expect((await c.ladder.store.known('e1'))?.version).toBe(begun.version);
    await c.other.procedure.close({ dossierId: 'e1', reason: 'outcome' });
    await c.other.procedure.erase('e1');
    const erased = await c.events('e1');
    expect(erased.at(-1)?.type).toBe('erased');
    const [name] = Object.keys(begun.reminders);
    const p = c.ladder.procedure;
    await p.remind({
      dossierId: 'e1',
      stepId: 'admissibility',
      deadlineId: deadlineId('admissibility', 1),
      name: name as string,
    });
    await p.awaitAction({ dossierId: 'e1', step: 'admissibility', token: 'tok-late', timeoutSeconds: 3600 });
    await p.deadlinePassed({ dossierId: 'e1', step: 'admissibility', executionId: 'arn' });
    await p.beginStep({
      dossierId: 'e1',
      step: 'preliminary-investigation',
      previous: { step: 'admissibility', outcome: 'admissible', by: 'officer@local' },
      executionId: 'arn',
    });
    await p.close({ dossierId: 'e1', reason: 'outcome' });
    const after: DossierEvent[] = await c.events('e1');
    expect(after).toStrictEqual(erased);
    expect(c.ladder.sent).toEqual([]);
    // Closed and erased: the container keeps no view of it (nothing grows with closed dossiers).
    expect(await c.ladder.store.known('e1')).toBeUndefined();
  });
});
