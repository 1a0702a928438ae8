/**
 * The view the store keeps and answers after an append is the fold of every stored event, however
 * it got it (#19, session 18): the decision's own projection of the bodies it committed handed on
 * (dossier.ts `committed`, test/dossier-fold.test.ts holds it on arbitrary events), the commit
 * that won a race folded onto the view decided on (`wonBy`), a fold of nothing being the view
 * itself. Judged here on dossiers of the real regulations: fast-check walks complaints up the
 * ladder of a preset (any outcome an officer may choose at the step the dossier stands at, the
 * complainant going to the next rung, the clock moving on so terms pass, reminders fire and
 * breaches are recorded), and every view an append answered is compared, after the walk, with the
 * view derived from the stored events up to its version (toStrictEqual: the same fields, none
 * undefined where a read has none). Seeded (FC_SEED replays a run), a few runs per preset.
 *
 * And below the procedure, on one store: writers that append on views of their own choosing (the
 * latest, or one some commits old, as a task deciding on what it saw a moment ago), so that
 * appends lose races to one or several commits; the view a refusal brings (RaceLostError.latest)
 * is the fold of the stored events up to the commit that won, and where this store made that very
 * commit, it is the view its append answered (not folded again).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDossierStore, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { type DossierView, deriveView, type EventBody } from '../lambdas/domain/dossier.js';
import { RaceLostError } from '../lambdas/domain/errors.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';
import { receivedEvent } from './support/events.js';
import { contentsFor, dossier, type Submitted, submit, tokenFor } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const SEED = Number(process.env.FC_SEED ?? 20261205);

/** One move of a walk: an officer's outcome (the n-th the step offers), the next rung, or time passing. */
const move = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('outcome' as const), pick: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('escalate' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), days: fc.constantFrom(1, 3, 8, 15, 29) }),
  },
);

type Move = typeof move extends fc.Arbitrary<infer T> ? T : never;

async function play(rt: TestRuntime, s: Submitted, m: Move): Promise<void> {
  if (m.kind === 'wait') {
    await rt.advance(`P${m.days}D`);
    return;
  }
  if (m.kind === 'escalate') {
    const r = await rt.call('POST', `/complaints/${s.id}/escalate`, { token: s.token, body: {} });
    expect(r.status, r.text).toBeLessThan(500);
    await rt.advance('PT0S');
    return;
  }
  const d = await dossier(rt, s.id);
  if (d.status !== 'open' || !d.currentStep) return;
  const token = tokenFor(rt, d);
  const own = await rt.call('GET', `/dossiers/${s.id}`, { token });
  const action = (own.json?.availableActions ?? []).find((a: any) => a.type === 'outcome');
  const options: { value: string }[] = action?.fields?.outcome?.options ?? [];
  if (options.length === 0) return;
  const outcome = (options[m.pick % options.length] as { value: string }).value;
  const contents = await contentsFor(rt, s.id, token, outcome);
  const r = await rt.call('POST', `/dossiers/${s.id}/actions`, {
    token,
    body: {
      type: 'outcome',
      stepId: d.currentStep.id,
      outcome,
      ...(Object.keys(contents).length ? { contents } : {}),
    },
  });
  expect(r.status, r.text).toBeLessThan(500);
  await rt.advance('PT0S');
}

for (const preset of ['ons-welzijn', 'ondersteuningsteam']) {
  describe(`the views an append answers are the fold of the stored events (${preset}, walked at random)`, () => {
    let rt: TestRuntime;
    let store: DynamoDossierStore;
    /** Every view an append answered, by dossier. */
    const answered = new Map<string, DossierView[]>();
    beforeAll(async () => {
      rt = await testRuntime(preset, undefined, undefined, { store: 'memory' });
      store = (rt.procedure as unknown as { deps: { store: DynamoDossierStore } }).deps.store;
      const append = store.append.bind(store);
      store.append = async (id, ...rest) => {
        const view = await append(id, ...rest);
        answered.set(id, [...(answered.get(id) ?? []), view]);
        return view;
      };
    });
    afterAll(async () => rt?.stop());

    it('every answered view equals deriving it from the events up to its version', { timeout: 120_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(move, { minLength: 4, maxLength: 14 }), async (moves) => {
          const s = await submit(rt);
          for (const m of moves) await play(rt, s, m);
          // To the end of the ladder's current waits too: a last term passing, a breach recorded.
          await rt.advance('P30D');
          const views = answered.get(s.id) ?? [];
          expect(views.length).toBeGreaterThan(0);
          const events = await store.events(s.id);
          for (const v of views)
            expect(v).toStrictEqual(
              deriveView(
                s.id,
                events.filter((e) => e.seq <= v.version),
              ),
            );
        }),
        { seed: SEED, numRuns: 6, endOnFailure: true },
      );
      // The walks went somewhere: folds of many commits were judged, not only the intake's.
      expect([...answered.values()].reduce((n, v) => n + v.length, 0)).toBeGreaterThan(30);
    });
  });
}

/** Bodies a writer appends: what the view keeps of them differs with each, so a wrong base shows. */
const appended: fc.Arbitrary<EventBody[]> = fc.array(
  fc.oneof(
    fc.record({
      type: fc.constant('message' as const),
      data: fc.record({ from: fc.constantFrom('complainant' as const, 'officer' as const), text: fc.string() }),
    }),
    fc.record({
      type: fc.constant('registration.answered' as const),
      data: fc.record({ answers: fc.dictionary(fc.constantFrom('q1', 'q2'), fc.string(), { maxKeys: 2 }) }),
    }),
  ),
  { minLength: 1, maxLength: 3 },
);

describe('a lost race: the view with the commit that won (one store, writers on views of their own choosing)', () => {
  it("is the fold of the stored events up to that commit, and the winner's own view where this store made it", async () => {
    let n = 0;
    let handedOn = 0;
    let behind = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ back: fc.nat(3), bodies: appended, by: fc.constantFrom('klachtflow', 'officer-anna') }), {
          minLength: 2,
          maxLength: 12,
        }),
        async (writes) => {
          const memory = new MemoryDynamoDb();
          memory.createTable(tableDefinition('dossiers'));
          const store = new DynamoDossierStore(memory as never, 'dossiers', { knownViews: true });
          const id = `d${++n}`;
          const at = '2026-09-03T09:00:00Z';
          const first = await store.create(id, [receivedEvent('ons-welzijn', at)], 'klachtflow-intake', at, {
            reference: `KL-${n}`,
            regulationId: 'ons-welzijn',
          });
          /** Every view an append of this store answered, in order of version. */
          const answered: DossierView[] = [first];
          const derived = async (version: number) =>
            deriveView(
              id,
              (await store.events(id)).filter((e) => e.seq <= version),
            );
          for (const w of writes) {
            const base = answered[Math.max(0, answered.length - 1 - w.back)] as DossierView;
            try {
              const view = await store.append(id, base.version, w.bodies, w.by, at, base);
              expect(view).toStrictEqual(await derived(view.version));
              answered.push(view);
            } catch (e) {
              expect(e).toBeInstanceOf(RaceLostError);
              const latest = (e as RaceLostError<DossierView>).latest as DossierView;
              // The commit right after the base: the next view this store answered.
              const winner = answered.find((v) => v.version > base.version) as DossierView;
              expect(latest.version).toBe(winner.version);
              expect(latest).toStrictEqual(await derived(latest.version));
              // This store's latest view is of that commit: handed on. Else folded (the store
              // keeps only its latest view of a dossier).
              if (winner === answered.at(-1)) {
                // Its fields, not a fold: the same objects as the winner's (a fold makes the list
                // or record its events change anew). A copy of it, not it (see the next test).
                expect(latest).not.toBe(winner);
                for (const [k, v] of Object.entries(winner)) expect((latest as never)[k], k).toBe(v);
                handedOn++;
              } else behind++;
            }
          }
        },
      ),
      { seed: SEED, numRuns: 40, endOnFailure: true },
    );
    // Races were lost, to the latest commit and to one with more after it.
    expect(handedOn).toBeGreaterThan(20);
    expect(behind).toBeGreaterThan(10);
  });

  it("gives the loser a view of its own: a ladder task's read answered from memory stays the task's", async () => {
    // `known` hands the store's latest view to a ladder task and counts it: the task's append on it
    // is the read from memory the meter bills and the IAM record names (onKnown). A writer that
    // lost its race to that commit got the same object back (session 18, the review), and its
    // append took the task's count: the read billed to the API, the task's own append uncounted.
    const memory = new MemoryDynamoDb();
    memory.createTable(tableDefinition('dossiers'));
    let fromMemory = 0;
    const store = new DynamoDossierStore(memory as never, 'dossiers', {
      knownViews: true,
      onKnown: () => fromMemory++,
    });
    const at = '2026-09-03T09:00:00Z';
    const say = (text: string): EventBody[] => [{ type: 'message', data: { from: 'officer', text } } as EventBody];
    const first = await store.create('race', [receivedEvent('ons-welzijn', at)], 'klachtflow-intake', at, {
      reference: 'KL-race',
      regulationId: 'ons-welzijn',
    });
    const won = await store.append('race', first.version, say('de ladder'), 'klachtflow', at, first);
    const task = await store.known('race');
    expect(task).toBe(won);
    const lost = await store.append('race', first.version, say('de medewerker'), 'officer-anna', at, first).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(lost).toBeInstanceOf(RaceLostError);
    const latest = (lost as RaceLostError<DossierView>).latest as DossierView;
    expect(latest).toStrictEqual(won);
    await store.append('race', latest.version, say('de medewerker opnieuw'), 'officer-anna', at, latest);
    expect(fromMemory, "the loser's append is not the task's read").toBe(0);
    await store
      .append('race', (task as DossierView).version, say('de taak'), 'klachtflow', at, task)
      .catch(() => undefined);
    expect(fromMemory, "the task's append is").toBe(1);
  });
});
