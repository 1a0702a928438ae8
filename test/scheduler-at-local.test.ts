/**
 * atLocal: an instant as Scheduler's at() takes it, the wall-clock time in Europe/Amsterdam. It
 * keeps its latest answers (#19); held here to Temporal's own conversion for instants every 97
 * minutes and 13 seconds over two years (both DST changes of each), asked in order, again in
 * reverse, and again after the memory was emptied many times over.
 */
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { atLocal } from '../lambdas/adapters/aws.js';

const reference = (ms: number) =>
  Temporal.Instant.fromEpochMilliseconds(ms)
    .toZonedDateTimeISO('Europe/Amsterdam')
    .toPlainDateTime()
    .toString({ smallestUnit: 'second' });

describe('atLocal: Amsterdam wall-clock time of an instant, kept once made (#19)', () => {
  it('every instant as Temporal converts it, in order, in reverse and after the memory was emptied', () => {
    const from = Date.parse('2026-01-01T00:00:07Z');
    const instants: number[] = [];
    for (let ms = from; ms < from + 2 * 365 * 86_400_000; ms += (97 * 60 + 13) * 1000) instants.push(ms);
    expect(instants.length).toBeGreaterThan(10_000);
    for (const ms of instants) expect(atLocal(new Date(ms)), new Date(ms).toISOString()).toBe(reference(ms));
    for (const ms of [...instants].reverse()) expect(atLocal(new Date(ms))).toBe(reference(ms));
    // Around the changes to and from summer time of 2026 (29 March, 25 October), second by second.
    for (const at of ['2026-03-29T00:59:58Z', '2026-10-25T00:59:58Z'])
      for (let s = 0; s < 4; s++) {
        const ms = Date.parse(at) + s * 1000;
        expect(atLocal(new Date(ms)), new Date(ms).toISOString()).toBe(reference(ms));
      }
  });
});
