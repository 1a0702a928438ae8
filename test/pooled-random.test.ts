/**
 * The pooled random bytes behind dossier and read ids (lambdas/domain/pooled-random.ts, #19): a
 * byte / 256 per draw, as ulid's own generator gives them, fresh from crypto for every pool. Judged
 * by what the ids need: values in [0, 1) on ulid's grid, bytes spread evenly (chi-square), no pool
 * repeated, and ids made with it distinct and evenly spread over Crockford's 32 characters.
 */
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { pooledRandom } from '../lambdas/domain/pooled-random.js';

/** Pearson's chi-square statistic of observed counts against an even spread. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe('pooled random bytes', () => {
  it('gives bytes / 256 in [0, 1), evenly spread, a fresh pool each time', () => {
    const draws = 4096 * 64;
    const counts = new Array(256).fill(0);
    const pools = new Set<string>();
    let block: number[] = [];
    let offGrid = 0;
    for (let i = 0; i < draws; i++) {
      const x = pooledRandom();
      if (!(x >= 0 && x < 1 && Number.isInteger(x * 256))) offGrid++;
      counts[x * 256]++;
      block.push(x * 256);
      if (block.length === 4096) {
        pools.add(Buffer.from(block).toString('base64'));
        block = [];
      }
    }
    // 255 degrees of freedom: 330 is exceeded by chance once in a thousand runs; a bias of a few
    // per cent on some bytes, or a pool that is not refilled, goes far beyond it.
    expect(offGrid).toBe(0);
    expect(chiSquare(counts)).toBeLessThan(360);
    expect(pools.size).toBeGreaterThanOrEqual(63);
  });

  it('makes distinct ulids, spread evenly over the 32 characters at every random position', () => {
    const n = 20_000;
    const at = Date.parse('2026-12-03T23:00:00Z');
    const ids = new Set<string>();
    const counts = Array.from({ length: 16 }, () => new Map<string, number>());
    const time = ulid(at).slice(0, 10);
    const malformed: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = ulid(at, pooledRandom);
      if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id) || !id.startsWith(time)) malformed.push(id);
      ids.add(id);
      for (let p = 0; p < 16; p++) {
        const ch = id[10 + p] as string;
        counts[p]?.set(ch, (counts[p]?.get(ch) ?? 0) + 1);
      }
    }
    expect(malformed).toEqual([]);
    expect(ids.size).toBe(n);
    for (const position of counts) {
      expect(position.size).toBe(32);
      // 31 degrees of freedom: 70 is exceeded by chance about once in ten thousand positions.
      expect(chiSquare([...position.values()])).toBeLessThan(75);
    }
  });
});
