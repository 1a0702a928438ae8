/**
 * The local Scheduler's `at()` instants, kept once worked out (runtime/scheduler.ts atInstant, #19,
 * session 10: the same few moments come back for many dossiers, and each was a time-zone
 * conversion through the Temporal polyfill). The judge is the conversion afresh (atInstantAfresh)
 * on any sequence of expressions and zones, with repeats, moments in the hour that does not exist
 * and the hour that comes twice when the clocks change, more expressions than are kept, refused
 * expressions asked again, and answers changed by the caller afterwards. Seeded (FC_SEED replays).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AT_INSTANTS_KEPT, atInstant, atInstantAfresh } from '../runtime/scheduler.js';

const SEED = Number(process.env.FC_SEED ?? 20261203);

const local = fc.oneof(
  // The clocks change in Amsterdam: 29 March 2026 02:00-03:00 does not exist, 25 October 02:00-03:00 comes twice.
  fc.constantFrom('2026-03-29T02:30:00', '2026-10-25T02:30:00', '2026-03-08T02:30:00', '2026-12-31T23:59:59'),
  fc
    .record({
      day: fc.integer({ min: 0, max: 2 * AT_INSTANTS_KEPT }),
      hour: fc.constantFrom(0, 2, 9, 23),
      minute: fc.constantFrom(0, 30, 59),
    })
    .map(({ day, hour, minute }) => {
      const d = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
      return `${d}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`;
    }),
);
const expression = fc.oneof(
  { weight: 9, arbitrary: local.map((l) => `at(${l})`) },
  { weight: 1, arbitrary: fc.constantFrom('at(2026-13-01T09:00:00)', 'rate(1 day)', 'at(2026-09-01 09:00)') },
);
const zone = fc.constantFrom('UTC', 'Europe/Amsterdam', 'America/New_York');
const outcome = (f: () => Date) => {
  try {
    return { at: f().toISOString() };
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
};

describe('local scheduler: at() instants kept once worked out', () => {
  it('answers as the conversion afresh, for any expressions and zones, asked again and again', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(expression, zone), { minLength: 1, maxLength: 300 }), (calls) => {
        for (const [e, z] of [...calls, ...calls.slice(0, 20)]) {
          const kept = outcome(() => {
            const d = atInstant(e, z);
            const answer = new Date(d.getTime());
            // The caller owns what it gets: changing it changes nothing kept.
            d.setTime(0);
            return answer;
          });
          expect(kept).toEqual(outcome(() => atInstantAfresh(e, z)));
        }
      }),
      { numRuns: 60, seed: SEED },
    );
  });
});
