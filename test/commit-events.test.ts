/**
 * A commit's events as stored and read back (lambdas/adapters/commit-events.ts, #19): whatever
 * deadline the calendar computes (any anchor, term, Atw or not, a quote or none, suspensions
 * ended or standing, extensions), the events read back are the events written, byte for byte as
 * JSON, and an explanation of a shape the calendar does not make is stored whole.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEvents, storedEvents } from '../lambdas/adapters/commit-events.js';
import { computeDeadline } from '../lambdas/domain/calendar/deadline.js';
import type { DossierEvent } from '../lambdas/domain/dossier.js';

const roundTrip = (events: DossierEvent[]) => readEvents(JSON.parse(storedEvents(events)) as DossierEvent[]);

const day = fc
  .integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2031, 11, 31) })
  .map((ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const TERMS = [
  'binnen een week',
  'binnen twee weken',
  '6 weken',
  '10 werkdagen',
  'binnen twee maanden',
  'een jaar',
  '3 dagen',
];

describe('commit events: stored smaller, read back the same', () => {
  it('every deadline the calendar computes comes back byte for byte', () => {
    fc.assert(
      fc.property(
        day,
        fc.constantFrom(...TERMS),
        fc.boolean(),
        fc.option(fc.constantFrom('Awb art. 9:11 lid 1', 'Regeling: "binnen zes weken" (art. 7)', ''), {
          nil: undefined,
        }),
        fc.constantFrom('ontvangst van de klacht', 'het einde van stap "Hoor"'),
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 40 }), fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined })),
          {
            maxLength: 2,
          },
        ),
        fc.array(fc.constantFrom('2 weken', '5 werkdagen'), { maxLength: 1 }),
        fc.boolean(),
        (at, term, atw, source, anchorEvent, stops, extensions, anchorDiffers) => {
          const t0 = Date.parse(at);
          const suspensions = stops.map(([from, length], i) => ({
            from: new Date(t0 + (from + i * 45) * 86_400_000).toISOString().slice(0, 10),
            ...(length !== undefined
              ? { until: new Date(t0 + (from + i * 45 + length) * 86_400_000).toISOString().slice(0, 10) }
              : {}),
            reason: 'informatie gevraagd',
          }));
          const exts = extensions.map((e) => ({ term: e, reason: 'meer tijd nodig', announcedAt: at }));
          let computed: ReturnType<typeof computeDeadline>;
          try {
            computed = computeDeadline({
              anchor: { event: anchorEvent, at },
              term,
              atw,
              ...(source !== undefined ? { source } : {}),
              suspensions: suspensions.filter((s, i) => s.until !== undefined || i === suspensions.length - 1),
              extensions: exts,
            });
          } catch {
            return; // an input the calendar refuses
          }
          const data = {
            deadlineId: 'x#1',
            basis: {
              anchorEvent: anchorDiffers ? 'iets anders' : anchorEvent,
              anchorAt: at,
              term,
              atw,
              ...(source !== undefined ? { source } : {}),
              extensions: exts,
            },
            stepId: 'x',
            title: 'X',
            lastDay: computed.lastDay,
            dueAt: computed.dueAt,
            kind: 'regulation',
            explanation: computed.explanation,
          };
          const events = [
            { type: 'deadline.set', data, seq: 1, at, by: 'system' },
            { type: 'deadline.extended', data: { ...data, reason: 'r' }, seq: 2, at, by: 'officer' },
          ] as unknown as DossierEvent[];
          const json = JSON.stringify(events);
          expect(JSON.stringify(roundTrip(JSON.parse(json)))).toBe(json);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the common deadline is stored without its sentences; one of another shape is stored whole', () => {
    const at = '2026-09-03T07:00:00Z';
    const c = computeDeadline({
      anchor: { event: 'ontvangst van de klacht', at },
      term: 'binnen een week',
      atw: true,
      source: 'Q',
    });
    const basis = {
      anchorEvent: 'ontvangst van de klacht',
      anchorAt: at,
      term: 'binnen een week',
      atw: true,
      source: 'Q',
      extensions: [],
    };
    const data = {
      deadlineId: 'a#1',
      basis,
      stepId: 'a',
      title: 'A',
      lastDay: c.lastDay,
      dueAt: c.dueAt,
      kind: 'regulation',
    };
    const common = [{ type: 'deadline.set', data: { ...data, explanation: c.explanation }, seq: 1, at, by: 'system' }];
    expect(storedEvents(common as never)).not.toContain('De termijn eindigt');
    expect(JSON.stringify(roundTrip(common as never))).toBe(JSON.stringify(common));
    // Sentences edited by hand, an extra field, a last day that is not the explanation's: whole.
    for (const explanation of [
      { ...c.explanation, text: `${c.explanation.text} Handmatig aangepast.` },
      { ...c.explanation, extra: 1 },
    ]) {
      const odd = [{ type: 'deadline.set', data: { ...data, explanation }, seq: 1, at, by: 'system' }];
      expect(storedEvents(odd as never)).toBe(JSON.stringify(odd));
    }
    const moved = [
      {
        type: 'deadline.set',
        data: { ...data, lastDay: '2026-09-11', explanation: c.explanation },
        seq: 1,
        at,
        by: 'x',
      },
    ];
    expect(storedEvents(moved as never)).toBe(JSON.stringify(moved));
  });
});
