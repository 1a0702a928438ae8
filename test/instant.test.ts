/**
 * toSecond (lambdas/domain/calendar/instant.ts) writes an instant as the dossier does, with the
 * milliseconds cut off, as `new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')` did: for every
 * year Date can hold (extended years too), for times asked again at once, one after the other in
 * turn, and for an invalid time, which throws. It keeps its last answer: one asked after another
 * must never get that one's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toSecond } from '../lambdas/domain/calendar/instant.js';

const asBefore = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const MAX = 8.64e15; // Date's range: ±100 000 000 days from the epoch

describe('toSecond', () => {
  it('writes what the expression wrote, for any time Date holds, asked once, again, and in turn', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -MAX, max: MAX }), fc.integer({ min: -1e12, max: 4e12 })), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (times, order) => {
          for (const ms of times) {
            expect(toSecond(ms)).toBe(asBefore(ms));
            expect(toSecond(ms)).toBe(asBefore(ms));
          }
          for (const i of order) {
            const ms = times[i % times.length] as number;
            expect(toSecond(ms)).toBe(asBefore(ms));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps the edges: years 0, 9999 and 10000, a second before and after, and -0', () => {
    for (const ms of [
      Date.UTC(0, 0, 1) - 1,
      Date.UTC(1970, 0, 1),
      -0,
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1,
      -MAX,
      MAX,
      1_780_000_000_999,
      1_780_000_001_000,
    ]) {
      expect(toSecond(ms)).toBe(asBefore(ms));
      const year = new Date(ms).getUTCFullYear();
      expect(year >= 0 && year <= 9999 ? toSecond(ms).length : 20).toBe(20);
    }
  });

  it('never gives the answer for a time just before: times a millisecond, a second and a minute apart, in turn', () => {
    const minute = Date.UTC(2026, 8, 3, 7, 0, 0);
    const close = [minute + 59_000, minute, minute + 999, minute + 1000, minute - 1, minute, minute + 60_000, minute];
    for (const ms of [...close, ...close.reverse()]) expect(toSecond(ms)).toBe(asBefore(ms));
  });

  it('throws for an invalid time, also right after a valid one', () => {
    expect(toSecond(0)).toBe('1970-01-01T00:00:00Z');
    expect(() => toSecond(Number.NaN)).toThrow(RangeError);
    expect(() => toSecond(MAX + 1)).toThrow(RangeError);
    expect(toSecond(0)).toBe('1970-01-01T00:00:00Z');
  });
});
