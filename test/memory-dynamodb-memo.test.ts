/**
 * The memory store's bounded memos (runtime/memory-dynamodb.ts, BoundedMemo: the remembered key
 * hashes, key strings, parses, shapes and plans) forget exactly what the Map they replace forgot:
 * the entry remembered first, once the bound is reached (#19, session 14: the Map found it by
 * `keys().next()`, which grew slow in a full memo). The judge is that Map, driven by the same
 * generated sequences of look-ups and new entries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMemo, compileFiller, templateFills } from '../runtime/memory-dynamodb.js';

/** The memo as it was: a Map, its first key forgotten when full. */
class MapMemo<V> {
  readonly map = new Map<string, V>();
  constructor(private readonly bound: number) {}
  get(key: string) {
    return this.map.get(key);
  }
  set(key: string, value: V) {
    if (!this.map.has(key) && this.map.size >= this.bound) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, value);
  }
}

describe('the memory store’s bounded memos', () => {
  it('remember and forget as a Map that forgets its first key when full, for any sequence and bound', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 40 }), value: fc.integer() }),
      fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 40 }) }),
    );
    const clear = fc.constant({ kind: 'clear' as const });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.oneof({ arbitrary: step, weight: 40 }, { arbitrary: clear, weight: 1 }), { maxLength: 200 }),
        (bound, steps) => {
          let judge = new MapMemo<number>(bound);
          const memo = new BoundedMemo<number>(bound);
          for (const s of steps) {
            if (s.kind === 'set') {
              judge.set(`k${s.key}`, s.value);
              memo.set(`k${s.key}`, s.value);
            } else if (s.kind === 'get') expect(memo.get(`k${s.key}`)).toBe(judge.get(`k${s.key}`));
            else {
              judge = new MapMemo<number>(bound);
              memo.clear();
            }
            expect(memo.keys()).toEqual([...judge.map.keys()]);
            expect(memo.size).toBe(judge.map.size);
          }
        },
      ),
      { numRuns: 400, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });

  it('a memo of 20 000 holds the latest 20 000 of 60 000 keys, the oldest of them first', () => {
    const memo = new BoundedMemo<number>(20_000);
    for (let i = 0; i < 60_000; i++) memo.set(`k${i}`, i);
    expect(memo.size).toBe(20_000);
    expect(memo.get('k39999')).toBeUndefined();
    expect(memo.get('k40000')).toBe(40_000);
    expect(memo.keys()[0]).toBe('k40000');
  });

  it('a plan’s compiled fill copies its template as the walk did: the same tree, the request’s own values in the holes, the hole-free nodes shared where asked (#19, session 14)', () => {
    const { filled, filledShared, markHoleFree, Hole } = templateFills;
    const names = ['a', 'b', 'c'];
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(), fc.constant(null)),
        fc.constantFrom(...names).map((n) => new Hole(n)),
        fc.array(tie('tree'), { maxLength: 3 }),
        fc.tuple(fc.array(tie('tree'), { minLength: 3, maxLength: 3 }), fc.nat(2)).map(([xs, i]) => {
          delete xs[i];
          return xs;
        }),
        fc
          .tuple(fc.dictionary(fc.constantFrom('x', 'y', 'type', 'args'), tie('tree'), { maxKeys: 3 }), fc.boolean())
          .map(([o, bare]) => (bare ? Object.assign(Object.create(null), o) : o)),
      ),
    }));
    fc.assert(
      fc.property(tree, fc.boolean(), (template, share) => {
        if (share) markHoleFree(template);
        const vals = Object.fromEntries(names.map((n) => [n, { S: n }]));
        const fill = compileFiller(template, share);
        const walked = share ? filledShared(template, vals) : filled(template, vals);
        const compiled = fill(vals);
        expect(compiled).toStrictEqual(walked);
        // The same objects where the walk put the same objects: the values, and shared nodes.
        const same = (x: unknown, y: unknown): void => {
          if (x === null || typeof x !== 'object') return;
          expect(Object.getPrototypeOf(y)).toBe(Object.getPrototypeOf(x));
          if (Object.values(vals).includes(x as { S: string }) || (share && Object.isFrozen(x))) expect(y).toBe(x);
          else expect(y).not.toBe(x);
          for (const k of Object.keys(x)) same((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]);
          if (Array.isArray(x)) for (let i = 0; i < x.length; i++) expect(i in (y as unknown[])).toBe(i in x);
        };
        same(walked, compiled);
        // A second fill is a fresh copy again.
        const again = fill(vals);
        if (
          again !== null &&
          typeof again === 'object' &&
          !Object.isFrozen(again) &&
          !Object.values(vals).includes(again as never)
        )
          expect(again).not.toBe(compiled);
      }),
      { numRuns: 500, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });
});
