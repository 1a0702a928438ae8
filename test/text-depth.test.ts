import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, normalizeJson, TOO_DEEP_MESSAGE } from '../lambdas/domain/text.js';

// The reliability fuzz sends bodies nested thousands deep; the normaliser walked them recursively
// and overflowed the stack (RangeError, answered 503 instead of 400).
describe('normalizeJson: nesting', () => {
  it('refuses a body nested 100 000 deep with one issue instead of overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { a: deep };
    const { issues } = normalizeJson(deep);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe(TOO_DEEP_MESSAGE);
    expect(issues[0]?.path.length).toBe(MAX_JSON_DEPTH + 1);
  });

  it('keeps a body of ordinary depth, normalised', () => {
    const { value, issues } = normalizeJson({ answers: { topic: ['Cafe\u0301'] } });
    expect(issues).toEqual([]);
    expect(value).toEqual({ answers: { topic: ['Café'] } });
  });
});
