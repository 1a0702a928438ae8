/**
 * The dossier store keeps the events of a commit it just wrote as a read would give them back:
 * JSON.parse of the commit's string. It copies them instead where they are plain data
 * (lambdas/adapters/dynamodb-store.ts, jsonCopy, #19 session 14). The judge is JSON's own round
 * trip: the same values, the same keys in the same order, for any value fast-check makes (with
 * undefined, -0, NaN, sparse arrays, null prototypes, boxed values, dates, functions), or the
 * copy stands aside (NOT_PLAIN) and the store parses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonCopy } from '../lambdas/adapters/dynamodb-store.js';

/** The copy as the store uses it: its own answer, or JSON's where it stands aside. */
function asRead(value: unknown): unknown {
  const copy = jsonCopy(value);
  return typeof copy === 'symbol' ? JSON.parse(JSON.stringify(value)) : copy;
}

function sameAsJson(value: unknown): void {
  const text = JSON.stringify(value);
  if (text === undefined) return;
  const judge = JSON.parse(text);
  const copy = asRead(value);
  expect(copy).toStrictEqual(judge);
  // The keys in the same order, all the way down.
  expect(JSON.stringify(copy)).toBe(text);
}

describe('the store’s copy of events just written', () => {
  it('is JSON’s round trip of them, for arbitrary values', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withNullPrototype: true,
          withBoxedValues: true,
          withSparseArray: true,
          withDate: true,
          withObjectString: true,
          maxDepth: 4,
        }),
        sameAsJson,
      ),
      { numRuns: 2000, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });

  it('is JSON’s round trip for the values JSON changes or leaves out, and copies events of plain data itself', () => {
    const odd = [
      [{ a: undefined, b: 1, c: () => 1, d: Symbol('x') }],
      [1, undefined, () => 1, Symbol('y'), -0, Number.NaN, Number.POSITIVE_INFINITY],
      { '2': 'b', '1': 'a', z: 0, y: -0 },
      // biome-ignore lint/suspicious/noSparseArray: a hole is what JSON writes as null
      [1, , 3],
      { when: new Date('2026-12-04T15:00:00Z') },
      { toJSON: () => 'elsewhere' },
      JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
      { n: Object.create(null) },
      { s: new String('boxed') },
    ];
    for (const value of odd) sameAsJson(value);
    const events = [
      { type: 'received', seq: 1, at: '2026-12-04T15:00:00Z', by: 'klachtflow', data: { text: 'é€😀', x: undefined } },
      { type: 'letter.queued', seq: 2, at: '2026-12-04T15:00:00Z', by: 'klachtflow', data: { to: ['a@b.nl'], n: 3 } },
    ];
    expect(typeof jsonCopy(events)).toBe('object');
    sameAsJson(events);
  });
});
