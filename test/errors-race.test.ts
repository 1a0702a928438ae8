/**
 * A lost race (RaceLostError, thrown by the store on the normal path of concurrent writers) is made
 * without a stack (#19, session 17): it must still be the 409 it was (a ConflictError with its Dutch
 * message, the winning view along but not printed), and every other error made after it, in this
 * process, must have its stack as before.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConflictError, DomainError, NotFoundError, RaceLostError } from '../lambdas/domain/errors.js';

describe('RaceLostError', () => {
  it('is the conflict it was: class, name, message, the winning view along but not enumerable', () => {
    const latest = { id: 'd1', version: 7, received: { complainant: { name: 'Sanne de Vries' } } };
    const e = new RaceLostError(latest);
    expect(e).toBeInstanceOf(RaceLostError);
    expect(e).toBeInstanceOf(ConflictError);
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ConflictError');
    expect(e.message).toBe('Het dossier is intussen gewijzigd.');
    expect(e.path).toEqual([]);
    expect(e.latest).toBe(latest);
    expect(Object.keys(e)).not.toContain('latest');
    expect(inspect(e)).not.toContain('Sanne');
  });

  it('leaves the stack of every other error as it was, whatever limit the process set', () => {
    const before = Error.stackTraceLimit;
    try {
      for (const limit of [10, 3, 50]) {
        Error.stackTraceLimit = limit;
        new RaceLostError({});
        expect(Error.stackTraceLimit).toBe(limit);
        const other = new NotFoundError();
        const frames = (other.stack ?? '').split('\n').filter((l) => l.trim().startsWith('at '));
        expect(frames.length).toBeGreaterThan(0);
        expect(frames.length).toBeLessThanOrEqual(limit);
        expect(new Error('x').stack).toContain('errors-race.test.ts');
      }
    } finally {
      Error.stackTraceLimit = before;
    }
  });
});
