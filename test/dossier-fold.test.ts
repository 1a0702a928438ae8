/**
 * The dossier's fold (lambdas/domain/dossier.ts) copies on write: a projection shares with the view
 * it started from whatever its events do not change, instead of deep-copying the whole view (#19).
 * Judged here against the fold as it was (test/dossier-fold-reference.ts: structuredClone, then
 * every event applied in place) on arbitrary event sequences from fast-check, with ids drawn from
 * small pools so that events meet the deadlines, letters, reminders, suspensions and improvements
 * earlier events made:
 * - deriving a view from events gives exactly the old view (toStrictEqual: same fields, same
 *   values, undefined where the old one had undefined);
 * - projecting any events onto a derived view gives exactly the old projection, in one go or in
 *   several, and equals deriving from all the events;
 * - the view projected from is left as it was: it is deep-frozen first (a write into it throws)
 *   and compared with its copy afterwards;
 * - a view read before, brought up to date with the stored events since (`advance`, what the
 *   store does for a writer that lost a race), is the view of all the events; with none since,
 *   it is that view itself (no fold);
 * - the view after a commit, taken from the decision's own projection of the bodies it committed
 *   (`committed`, what the store does after an append), is the view of all the stored events; it
 *   is the projection itself only where that is exactly what folding the commit gives (the same
 *   bodies, author and instant, and bodies that JSON gives back as they are).
 * Seeded (FC_SEED replays a run).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advance,
  committed,
  type DeadlineData,
  type DossierEvent,
  type DossierView,
  deriveView,
  type EventBody,
  type Look,
  lookFrom,
  project,
  projection,
} from '../lambdas/domain/dossier.js';
import { deepFreeze } from '../statemachines/deep-freeze.js';
import { referenceDeriveView, referenceProject } from './dossier-fold-reference.js';

const SEED = Number(process.env.FC_SEED ?? 20261203);
const RUNS = 100;

const steps = fc.constantFrom('ontvangst', 'gesprek', 'bevindingen');
const deadlineIds = fc.constantFrom('ontvangst#1', 'gesprek#1', 'termijn:zes-weken');
const letterIds = fc.constantFrom('l1', 'l2', 'l3', 'l4');
const suspensionIds = fc.constantFrom('s1', 's2');
const reminderNames = fc.constantFrom('kf-r1', 'kf-r2', 'kf-r3');
const improvementIds = fc.constantFrom('i1', 'i2');
/** Instants in order of their text (the fold compares them as text, as ISO instants sort). */
const instants = fc
  .integer({ min: 0, max: 400 })
  .map((d) => new Date(Date.UTC(2026, 8, 1) + d * 6 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const people = fc.constantFrom('klachtflow', 'klachtflow-intake', 'complainant', 'officer-anna', 'officer-bram');
const text = fc.string({ maxLength: 12 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const deadlineData: fc.Arbitrary<DeadlineData> = fc.record({
  deadlineId: deadlineIds,
  basis: fc.record({
    anchorEvent: text,
    anchorAt: instants,
    term: fc.constantFrom('1 week', '6 weken', '10 werkdagen'),
    atw: fc.boolean(),
    extensions: fc.array(fc.record({ term: text, reason: text, announcedAt: instants }), { maxLength: 2 }),
    suspensions: maybe(
      fc.array(fc.record({ suspensionId: suspensionIds, from: text, until: maybe(text), reason: text }), {
        maxLength: 2,
      }),
    ),
  }),
  stepId: steps,
  termId: maybe(fc.constantFrom('zes-weken')),
  title: text,
  lastDay: text,
  dueAt: instants,
  kind: fc.constantFrom('regulation', 'target', 'complainant'),
  explanation: fc.record({
    anchor: fc.record({ event: text, at: instants, date: text }),
    term: fc.record({ text, amount: fc.nat(20), unit: text }),
    calendarVersion: text,
    timeZone: fc.constant('Europe/Amsterdam'),
    atw: fc.record({ applies: fc.boolean(), why: text }),
    steps: fc.constant([]),
    warnings: fc.array(text, { maxLength: 1 }),
    text,
  }),
}) as fc.Arbitrary<DeadlineData>;

const letter = fc.record({
  letterId: letterIds,
  kind: fc.constantFrom('acknowledgement', 'task', 'findings'),
  audience: fc.constantFrom('complainant', 'respondent', 'officer'),
  recipients: fc.array(fc.constantFrom('complainant', 'klachtenfunctionaris'), { maxLength: 2 }),
  to: fc.array(fc.constantFrom('a@example.nl', 'b@example.nl'), { maxLength: 2 }),
  from: fc.constant('klachten@example.nl'),
  subject: text,
  text,
  html: text,
  undeliverable: fc.array(fc.constant('respondent'), { maxLength: 1 }),
  resendOf: maybe(letterIds),
});

const delivery = fc.record({
  letterId: letterIds,
  messageId: text,
  addresses: fc.array(fc.constantFrom('a@example.nl', 'b@example.nl'), { maxLength: 2 }),
  detail: maybe(text),
});

/** Every kind of event but `received`, with the data the fold reads (and some it only carries). */
const body: fc.Arbitrary<EventBody> = fc
  .oneof(
    fc.record({ type: fc.constant('execution.started'), data: fc.record({ executionArn: text }) }),
    fc.record({ type: fc.constant('deadline.set'), data: deadlineData }),
    fc.record({
      type: fc.constant('deadline.extended'),
      data: deadlineData.chain((d) => fc.record({ reason: text }).map((r) => ({ ...d, ...r }))),
    }),
    fc.record({
      type: fc.constantFrom('deadline.suspended', 'deadline.resumed'),
      data: deadlineData.chain((d) => suspensionIds.map((suspensionId) => ({ ...d, suspensionId }))),
    }),
    fc.record({
      type: fc.constant('suspension.started'),
      data: fc.record({
        suspensionId: suspensionIds,
        groundId: text,
        title: text,
        reason: text,
        stepId: steps,
        activation: fc.integer({ min: 1, max: 2 }),
        deadlineIds: fc.array(deadlineIds, { maxLength: 2 }),
        until: maybe(instants),
        consent: maybe(fc.boolean()),
      }),
    }),
    fc.record({
      type: fc.constant('suspension.ended'),
      data: fc.record({
        suspensionId: suspensionIds,
        why: fc.constantFrom('resumed', 'information', 'term-passed', 'step-ended'),
        reason: maybe(text),
      }),
    }),
    // Twice as often: a deadline's status is what the worklist and the report turn on.
    fc.record({
      type: fc.constantFrom('deadline.met', 'deadline.breached', 'deadline.met', 'deadline.cancelled'),
      data: fc.record({ deadlineId: deadlineIds, reason: text, alarmed: fc.constant([]) }),
    }),
    fc.record({
      type: fc.constant('deadline.breached'),
      data: fc.record({ deadlineId: deadlineIds, alarmed: fc.array(text, { maxLength: 1 }) }),
    }),
    fc.record({
      type: fc.constant('step.started'),
      data: fc.record({
        stepId: steps,
        rungId: fc.constantFrom('intern', 'manager'),
        activation: fc.integer({ min: 1, max: 2 }),
        actor: text,
        assignee: fc.constantFrom('klachtenfunctionaris', 'manager', 'complainant'),
      }),
    }),
    fc.record({
      type: fc.constant('step.awaiting'),
      data: fc.record({
        stepId: steps,
        activation: fc.integer({ min: 1, max: 2 }),
        token: text,
        timeoutSeconds: fc.nat(),
      }),
    }),
    fc.record({
      type: fc.constant('step.ended'),
      data: fc.record({
        stepId: steps,
        activation: fc.integer({ min: 1, max: 2 }),
        outcome: text,
        by: people,
        note: maybe(text),
        contents: maybe(fc.dictionary(text, text, { maxKeys: 2 })),
      }),
    }),
    fc.record({
      type: fc.constant('handover'),
      data: fc.record({ stepId: steps, from: text, to: fc.constantFrom('manager', 'directeur'), reason: text }),
    }),
    fc.record({ type: fc.constant('letter.queued'), data: letter }),
    fc.record({ type: fc.constant('letter.sent'), data: fc.record({ letterId: letterIds, messageId: text }) }),
    fc.record({ type: fc.constant('letter.failed'), data: fc.record({ letterId: letterIds, reason: text }) }),
    fc.record({
      type: fc.constant('letter.bounced'),
      data: delivery.chain((d) =>
        fc.constantFrom('bounce', 'complaint', 'reject').map((problem) => ({ ...d, problem })),
      ),
    }),
    fc.record({ type: fc.constant('letter.delayed'), data: delivery }),
    fc.record({
      type: fc.constant('contact.corrected'),
      data: fc.record({ email: text, previous: maybe(text), letterId: letterIds }),
    }),
    fc.record({
      type: fc.constant('reminder.scheduled'),
      data: fc.record({
        name: reminderNames,
        at: instants,
        stepId: steps,
        deadlineId: deadlineIds,
        kind: maybe(fc.constantFrom('term-reminder', 'term-end', 'suspension-end')),
      }),
    }),
    fc.record({ type: fc.constant('reminder.cancelled'), data: fc.record({ name: reminderNames }) }),
    fc.record({
      type: fc.constant('message'),
      data: fc.record({ from: fc.constantFrom('complainant', 'officer'), text, via: maybe(fc.constant('email')) }),
    }),
    fc.record({
      type: fc.constant('attachment.added'),
      data: fc.record({
        key: text,
        filename: text,
        contentType: text,
        size: fc.nat(),
        sha256: text,
        from: fc.constantFrom('complainant', 'officer'),
        via: fc.constantFrom('email', 'upload'),
      }),
    }),
    fc.record({
      type: fc.constant('intake.incomplete'),
      data: fc.record({ missing: fc.array(text, { maxLength: 2 }) }),
    }),
    fc.record({
      type: fc.constant('intake.asked'),
      data: fc.record({ missing: fc.array(text, { maxLength: 2 }), replyBy: instants }),
    }),
    fc.record({
      type: fc.constant('intake.completed'),
      data: fc.record({
        complainant: fc.record(
          {
            name: text,
            email: text,
            phone: text,
            address: fc.record({ street: text, postcode: text, city: text }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        description: maybe(text),
      }),
    }),
    fc.record({ type: fc.constant('withdrawn'), data: fc.record({ reason: maybe(text) }) }),
    fc.record({
      type: fc.constant('closed'),
      data: fc.record({ result: text, reason: text, referral: maybe(text) }),
    }),
    fc.record({
      type: fc.constant('retention.scheduled'),
      data: fc.record({ name: text, at: instants, term: maybe(text), atLeast: maybe(fc.boolean()) }),
    }),
    fc.record({ type: fc.constant('access.renewed'), data: fc.record({ accessTokenHash: text }) }),
    fc.record({ type: fc.constant('access.granted'), data: fc.record({ accessTokenHash: text, letterId: letterIds }) }),
    fc.record({
      type: fc.constant('registration.answered'),
      data: fc.record({ answers: fc.dictionary(fc.constantFrom('q1', 'q2', 'q3'), text, { maxKeys: 2 }) }),
    }),
    fc.record({
      type: fc.constant('improvement.added'),
      data: fc.record({
        improvementId: improvementIds,
        action: text,
        owner: text,
        due: text,
        status: fc.constantFrom('open', 'in-progress', 'done'),
        note: maybe(text),
      }),
    }),
    fc.record({
      type: fc.constant('improvement.updated'),
      data: fc.record({
        improvementId: improvementIds,
        status: fc.constantFrom('open', 'in-progress', 'done'),
        note: maybe(text),
      }),
    }),
    fc.record({ type: fc.constant('conduct.noted'), data: fc.record({ noteId: text, text }) }),
    fc.record({
      type: fc.constant('satisfaction.answered'),
      data: fc.record({ satisfied: fc.boolean(), remark: maybe(text) }),
    }),
    fc.record({ type: fc.constant('erased'), data: fc.record({ fields: fc.array(text, { maxLength: 2 }) }) }),
  )
  .map(plain) as fc.Arbitrary<EventBody>;

const received = fc.record({
  type: fc.constant('received' as const),
  data: fc.record({
    reference: fc.constant('KL-2026-0001'),
    regulationId: fc.constant('ons-welzijn'),
    variant: fc.constant('standaard'),
    channel: fc.constant('web'),
    startRung: fc.constant('intern'),
    receivedAt: instants,
    complainant: fc.record(
      {
        name: text,
        email: text,
        address: fc.record({ street: text, postcode: text, city: text }, { requiredKeys: [] }),
      },
      { requiredKeys: ['name'] },
    ),
    role: fc.constant('client'),
    description: text,
    respondent: maybe(fc.record({ name: text, email: text }, { requiredKeys: [] })),
    accessTokenHash: text,
  }),
});

/** A stored dossier: `received`, then events each with their own instant and author, in order. */
const dossierEvents: fc.Arbitrary<DossierEvent[]> = fc
  .tuple(received, fc.array(fc.tuple(body, instants, people), { maxLength: 80, size: 'max' }), instants)
  .map(([first, rest, at]) => [
    { ...first, seq: 1, at, by: 'klachtflow-intake' } as DossierEvent,
    ...rest.map(([b, when, by], i) => ({ ...b, seq: i + 2, at: when, by }) as DossierEvent),
  ])
  .map(plain);

/**
 * fast-check makes some objects without a prototype; events come from JSON or from object literals,
 * never so. Rebuilt as plain objects (undefined kept: a body decided in memory may carry it).
 */
function plain<T>(x: T): T {
  if (Array.isArray(x)) return x.map(plain) as T;
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)])) as T;
  return x;
}

const options = { seed: SEED, numRuns: RUNS, endOnFailure: true };

describe('dossier fold: copy on write gives what the deep-copying fold gave', () => {
  it('deriving a view from any events', () => {
    fc.assert(
      fc.property(dossierEvents, (events) => {
        expect(deriveView('d1', events)).toStrictEqual(referenceDeriveView('d1', events));
      }),
      options,
    );
  });

  it('projecting any events onto any view, in one go or two, without changing the view projected from', () => {
    fc.assert(
      fc.property(
        dossierEvents,
        fc.array(body, { minLength: 1, maxLength: 16, size: 'max' }),
        fc.nat(16),
        instants,
        people,
        (stored, bodies, split, at, by) => {
          const base = deepFreeze(deriveView('d1', stored));
          const before = structuredClone(base);
          const expected = referenceProject(referenceDeriveView('d1', stored), bodies, at, by);
          const once = project(base, bodies, at, by);
          expect(once).toStrictEqual(expected);
          // In two steps, as a task projects what it decided so far and then decides more.
          const k = Math.min(split, bodies.length);
          const first = deepFreeze(project(base, bodies.slice(0, k), at, by));
          expect(project(first, bodies.slice(k), at, by)).toStrictEqual(expected);
          // The same as deriving the view from every event, stored and new (the store's append).
          const appended = bodies.map((b, i) => ({ ...b, seq: base.version + i + 1, at, by }) as DossierEvent);
          expect(once).toStrictEqual(deriveView('d1', [...stored, ...appended]));
          // Nothing of the view projected from changed (it is frozen too: a write would have thrown).
          expect(base).toStrictEqual(before);
        },
      ),
      options,
    );
  });

  it('a decision that pushes its bodies a few at a time: each look at the view is the fold of all pushed so far (projection)', () => {
    fc.assert(
      fc.property(
        dossierEvents,
        fc.array(fc.array(body, { maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        fc.option(fc.tuple(fc.nat(20), body), { nil: undefined }),
        instants,
        people,
        (stored, batches, replace, at, by) => {
          const base = deepFreeze(deriveView('d1', stored));
          const reference = referenceDeriveView('d1', stored);
          const bodies: EventBody[] = [];
          const view = projection(base, bodies, at, by);
          // Each look as a store takes it (lookFrom), with the bodies and view it had then.
          const looks: { look: Look; bodies: EventBody[]; view: DossierView }[] = [];
          for (const [n, batch] of batches.entries()) {
            bodies.push(...batch);
            // A list changed otherwise than by pushing (not done by the tasks): folded again.
            if (replace && n === batches.length - 1 && bodies.length > 0)
              bodies[replace[0] % bodies.length] = replace[1];
            const seen = deepFreeze(view());
            expect(seen).toStrictEqual(referenceProject(reference, bodies, at, by));
            const look = lookFrom(base);
            if (look) looks.push({ look, bodies: [...bodies], view: seen });
            expect(view()).toBe(seen);
          }
          // A look taken stays what it was when later looks push more (a store reads it after its
          // first await; it held the projection's own growing list until the review of session 18).
          for (const l of looks) {
            expect(l.look.bodies).toEqual(l.bodies);
            expect(l.look.view).toBe(l.view);
          }
        },
      ),
      options,
    );
  });

  it('bringing a view read before up to date with the events since gives the view of all events', () => {
    fc.assert(
      fc.property(dossierEvents, fc.nat(80), (events, split) => {
        const k = Math.max(1, Math.min(split, events.length));
        const before = deepFreeze(deriveView('d1', events.slice(0, k)));
        expect(advance(before, events.slice(k))).toStrictEqual(referenceDeriveView('d1', events));
      }),
      options,
    );
  });

  it('a view brought up to date with no events since is that view (nothing folded)', () => {
    fc.assert(
      fc.property(dossierEvents, (events) => {
        const before = deepFreeze(deriveView('d1', events));
        expect(advance(before, [])).toBe(before);
        expect(project(before, [], '2026-09-02T10:00:00Z', 'klachtflow')).toBe(before);
      }),
      options,
    );
  });

  it('the view after a commit, handed on from the decision that projected its bodies, is the view of all the stored events', () => {
    fc.assert(
      fc.property(
        dossierEvents,
        fc.array(body, { maxLength: 12, size: 'max' }),
        fc.nat(12),
        fc.array(body, { maxLength: 2 }),
        fc.record({
          // How the decision looked at its bodies: one projection of those pushed so far, or several.
          how: fc.constantFrom('projection', 'project'),
          // Bodies as decided (undefined fields and all), or as JSON gives them back.
          asJson: fc.boolean(),
          // The commit's author is the projection's, or another (an officer's decision projected as klachtflow).
          sameAuthor: fc.boolean(),
          // A body of the list replaced after the projection (not by pushing).
          replace: fc.option(fc.tuple(fc.nat(12), body), { nil: undefined }),
        }),
        instants,
        people,
        people,
        (stored, decided, split, extra, o, at, by, other) => {
          const base = deepFreeze(deriveView('d1', stored));
          const before = structuredClone(base);
          const all = o.asJson
            ? (JSON.parse(JSON.stringify([...decided, ...extra])) as EventBody[])
            : [...decided, ...extra];
          const bodies: EventBody[] = [];
          const k = Math.min(split, decided.length);
          let projected: DossierView = base;
          if (o.how === 'projection') {
            const view = projection(base, bodies, at, by);
            bodies.push(...all.slice(0, k));
            projected = view();
            bodies.push(...all.slice(k, decided.length));
            projected = view();
          } else {
            bodies.push(...all.slice(0, decided.length));
            projected = project(base, bodies, at, by);
          }
          if (o.replace && bodies.length > 0) bodies[o.replace[0] % bodies.length] = o.replace[1];
          // The link grants mutate adds after the decision's bodies: by klachtflow, in the same commit.
          const grants = all
            .slice(decided.length)
            .map((b) => ({ ...b, by: 'klachtflow' }) as EventBody & { by: string });
          const commit = [...bodies, ...grants];
          const author = o.sameAuthor ? by : other;
          // As the store writes and reads the commit back (JSON): each event's author its own or the commit's.
          const events = JSON.parse(
            JSON.stringify(
              commit.map((b, i) => ({ ...b, seq: base.version + i + 1, at, by: ('by' in b && b.by) || author })),
            ),
          ) as DossierEvent[];
          const view = committed(base, events, commit, lookFrom(base));
          expect(view).toStrictEqual(deriveView('d1', [...stored, ...events]));
          expect(view).toStrictEqual(referenceDeriveView('d1', [...stored, ...events]));
          expect(base).toStrictEqual(before);
          // Handed on where nothing tells them apart: the decision's own projection, no fold again.
          if (o.asJson && author === by && !o.replace && grants.length === 0 && bodies.length > 0)
            expect(view).toBe(projected);
        },
      ),
      options,
    );
  });

  it('a projection shares what its events did not touch (no deep copy)', () => {
    fc.assert(
      fc.property(dossierEvents, instants, (stored, at) => {
        const base = deriveView('d1', stored);
        const next = project(
          base,
          [{ type: 'message', data: { from: 'complainant', text: 'nog iets' } }],
          at,
          'complainant',
        );
        // The letters (their text and HTML: most of a dossier) are the same objects, not copies.
        expect(next.letters).toBe(base.letters);
        expect(next.deadlines).toBe(base.deadlines);
        expect(next.messages).not.toBe(base.messages);
        expect(next.messages.length).toBe(base.messages.length + 1);
      }),
      options,
    );
  });
});

// The judge must be able to fail: a fold that shares and then writes into the view it started from.
describe('dossier fold: the judge catches a fold that writes into its base', () => {
  it('a projection that changes a letter of the frozen base in place throws', () => {
    const events = fc.sample(dossierEvents, { seed: SEED, numRuns: 1 })[0] as DossierEvent[];
    const base = deepFreeze(deriveView('d1', [...events, letterQueued(events.length + 1)]));
    const careless = (v: DossierView) => {
      const next = { ...v };
      const l = next.letters.find((x) => x.letterId === 'judge') as DossierView['letters'][number];
      l.status = 'sent';
      return next;
    };
    expect(() => careless(base)).toThrow(TypeError);
  });
});

function letterQueued(seq: number): DossierEvent {
  return {
    type: 'letter.queued',
    seq,
    at: '2026-09-02T10:00:00Z',
    by: 'klachtflow',
    data: {
      letterId: 'judge',
      kind: 'task',
      audience: 'officer',
      recipients: [],
      to: [],
      from: 'klachten@example.nl',
      subject: '',
      text: '',
      html: '',
      undeliverable: [],
    },
  };
}
