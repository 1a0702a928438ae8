/**
 * computeDeadline keeps the deadlines without suspensions or extensions by the anchor's day
 * (lambdas/domain/calendar/deadline.ts, #19): whatever the instant, term, Atw, quote or closing
 * days, the answer is computeDeadlineAfresh's, byte for byte as JSON, with the anchor's own
 * instant, and an answer changed by its caller changes no later one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeDeadline, computeDeadlineAfresh, type DeadlineInput } from '../lambdas/domain/calendar/deadline.js';

const instant = fc
  .integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2031, 11, 31) })
  .map((ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const anchorAt = fc.oneof(
  instant,
  instant.map((i) => i.slice(0, 10)),
  fc.constant('2026-03-29T00:30:00+01:00'),
);

describe('computeDeadline: kept by the anchor day, the same as computed afresh', () => {
  it('any plain deadline equals the fresh one, time of day included', () => {
    fc.assert(
      fc.property(
        anchorAt,
        fc.constantFrom('binnen een week', '6 weken', '10 werkdagen', 'binnen twee maanden', '3 dagen', 'een jaar'),
        fc.boolean(),
        fc.option(fc.constantFrom('Awb art. 9:11 lid 1', '', 'Regeling: "binnen zes weken"'), { nil: undefined }),
        fc.constantFrom('ontvangst van de klacht', 'de ontvangstbevestiging'),
        fc.constantFrom([], ['2026-12-24', '2026-12-31'], ['2027-01-02']),
        fc.integer({ min: 1, max: 3 }),
        (at, term, atw, source, event, closingDays, times) => {
          const input: DeadlineInput = {
            anchor: { event, at },
            term,
            atw,
            ...(source !== undefined ? { source } : {}),
            ...(closingDays.length ? { closingDays } : {}),
          };
          const fresh = JSON.stringify(computeDeadlineAfresh(input));
          for (let i = 0; i < times; i++) {
            const kept = computeDeadline(input);
            expect(JSON.stringify(kept)).toBe(fresh);
            // A caller that changes its answer changes no later answer.
            kept.explanation.steps.push({ rule: 'count', to: 'x', why: 'x' });
            kept.explanation.warnings.push('x');
            kept.explanation.anchor.event = 'x';
            kept.explanation.atw.why = 'x';
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('two complaints of one day: each explanation names its own instant', () => {
    const a = computeDeadline({
      anchor: { event: 'ontvangst', at: '2026-09-03T07:00:00Z' },
      term: '2 weken',
      atw: true,
    });
    const b = computeDeadline({
      anchor: { event: 'ontvangst', at: '2026-09-03T15:30:00Z' },
      term: '2 weken',
      atw: true,
    });
    expect(a.explanation.anchor.at).toBe('2026-09-03T07:00:00Z');
    expect(b.explanation.anchor.at).toBe('2026-09-03T15:30:00Z');
    expect(b.lastDay).toBe(a.lastDay);
  });

  it('a refused input is refused as before', () => {
    expect(() => computeDeadline({ anchor: { event: 'x', at: 'gisteren' }, term: '2 weken', atw: true })).toThrow(
      /geen datum/,
    );
    expect(() => computeDeadline({ anchor: { event: 'x', at: 'gisteren' }, term: 'straks', atw: true })).toThrow(
      /niet te lezen/,
    );
  });
});
