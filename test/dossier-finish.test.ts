/**
 * What every fold works out last (lambdas/domain/dossier.ts `finish`): the first date due, since
 * when the dossier is late, the complainant's new message, the letters that did not arrive. It runs
 * at the end of every fold, some sixty per complaint, and went from filters, maps, sorts and a set
 * per fold to one pass over the deadlines (#19, session 10). Judged against the fold as it was
 * (test/dossier-fold-reference.ts) on views drawn directly, so that what the event sequences of
 * test/dossier-fold.test.ts rarely meet comes often: breached terms whose step ended (late no
 * more), clocks standing still on open and breached terms, the complainant's own term, dates that
 * tie, closed dossiers, messages on either side of the officer's last act, and letters that did
 * and did not arrive. Projecting the execution's record, which changes nothing it reads, is that
 * last step (projecting no events answers the view as it is, session 18). Seeded (FC_SEED replays a run).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DeadlineView, type DossierView, deriveView, type EventBody, project } from '../lambdas/domain/dossier.js';
import { referenceProject } from './dossier-fold-reference.js';

const SEED = Number(process.env.FC_SEED ?? 20261203);

/** Few instants, so that dates tie and fall on either side of each other. */
const instant = fc
  .integer({ min: 0, max: 12 })
  .map((d) => new Date(Date.UTC(2026, 8, 1) + d * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const steps = fc.constantFrom('ontvangst', 'gesprek', 'bevindingen');
const activation = fc.integer({ min: 1, max: 2 });

const deadline = fc
  .record({
    stepId: steps,
    activation,
    termId: fc.option(fc.constantFrom('zes-weken'), { nil: undefined }),
    status: fc.constantFrom<DeadlineView['status']>('open', 'breached', 'met', 'cancelled'),
    suspended: fc.option(fc.boolean(), { nil: undefined }),
    kind: fc.constantFrom<DeadlineView['kind']>('regulation', 'target', 'complainant'),
    dueAt: instant,
  })
  .map((d) => ({
    ...d,
    deadlineId: d.termId ? `termijn:${d.termId}` : `${d.stepId}#${d.activation}`,
  }));

const letter = fc.record({
  letterId: fc.constantFrom('l1', 'l2', 'l3', 'l4'),
  delivery: fc.option(
    fc.record({
      problem: fc.constantFrom('bounce', 'complaint', 'reject', 'delay') as fc.Arbitrary<
        'bounce' | 'complaint' | 'reject' | 'delay'
      >,
      at: instant,
      addresses: fc.array(fc.constantFrom('a@example.nl', 'b@example.nl', 'c@example.nl'), { maxLength: 2 }),
    }),
    { nil: undefined },
  ),
});

const base: DossierView = deriveView('d1', [
  {
    type: 'received',
    seq: 1,
    at: '2026-09-01T09:00:00Z',
    by: 'complainant',
    data: {
      reference: 'KL-1',
      regulationId: 'ons-welzijn',
      startRung: 'rung-1',
      receivedAt: '2026-09-01T09:00:00Z',
      accessTokenHash: 'h',
      complainant: { name: 'Sanne', email: 'sanne@example.nl' },
      description: 'Klacht.',
    } as never,
  },
]);

const view: fc.Arbitrary<DossierView> = fc
  .record({
    status: fc.constantFrom<'open' | 'closed'>('open', 'open', 'closed'),
    deadlines: fc.array(deadline, { maxLength: 6 }),
    ended: fc.array(fc.record({ stepId: steps, activation }), { maxLength: 3 }),
    messages: fc.array(
      fc.record({ from: fc.constantFrom<'complainant' | 'officer'>('complainant', 'officer'), at: instant }),
      { maxLength: 4 },
    ),
    letters: fc.array(letter, { maxLength: 4 }),
    lastOfficerAt: fc.option(instant, { nil: undefined }),
  })
  .map((v) => ({
    ...base,
    status: v.status,
    deadlines: v.deadlines.map((d) => ({
      deadlineId: d.deadlineId,
      stepId: d.stepId,
      kind: d.kind,
      dueAt: d.dueAt,
      status: d.status,
      extended: false,
      ...(d.termId ? { termId: d.termId } : {}),
      ...(d.suspended === undefined ? {} : { suspended: d.suspended }),
    })) as unknown as DeadlineView[],
    ended: v.ended.map((e, i) => ({ ...e, outcome: 'klaar', at: '2026-09-02T09:00:00Z', by: 'officer', seq: i + 2 })),
    messages: v.messages.map((m) => ({ ...m, text: 'Bericht.' })),
    letters: v.letters.map((l) => ({
      letterId: l.letterId,
      status: 'sent',
      queuedAt: '2026-09-01T09:00:00Z',
      ...(l.delivery ? { delivery: l.delivery } : {}),
    })) as unknown as DossierView['letters'],
    ...(v.lastOfficerAt ? { lastOfficerAt: v.lastOfficerAt } : {}),
  }));

describe('dossier fold: what it works out last', () => {
  it('due, late, new message and undelivered letters as the fold as it was works them out', () => {
    fc.assert(
      fc.property(view, (v) => {
        const fields = (x: DossierView) => ({
          nextDueAt: x.nextDueAt,
          lateSince: x.lateSince,
          newMessageAt: x.newMessageAt,
          undeliveredSince: x.undeliveredSince,
          undeliveredTo: x.undeliveredTo,
        });
        // One event that changes nothing `finish` reads: a fold of none answers the view as it is.
        const record: EventBody[] = [{ type: 'execution.started', data: { executionArn: 'arn' } }];
        const now = project(v, record, '2026-09-20T09:00:00Z', 'klachtflow');
        expect(fields(now)).toStrictEqual(fields(referenceProject(v, record, '2026-09-20T09:00:00Z', 'klachtflow')));
      }),
      { numRuns: 3000, seed: SEED },
    );
  });
});
