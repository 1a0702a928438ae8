/**
 * The memory store's bounded memos (runtime/memory-dynamodb.ts, BoundedMemo: the remembered key
 * hashes, key strings, parses, shapes and plans) forget exactly what the Map they replace forgot:
 * the entry remembered first, once the bound is reached (#19, session 14: the Map found it by
 * `keys().next()`, which grew slow in a full memo). The judge is that Map, driven by the same
 * generated sequences of look-ups and new entries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../runtime/memory-dynamodb.js';

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
});
