/**
 * The local services' AWS error answers (runtime/stepfunctions.ts AwsError: ResourceNotFound for a
 * schedule already gone, TaskTimedOut, ConditionalCheck-like refusals) are made without a stack
 * trace (#19, session 17: the ladder deletes reminders that already fired, each a thrown AwsError;
 * its stack was 0.2 % of a simulated year). What a caller reads stays: the error's name, message and
 * status, an Error by instanceof; and every other error made afterwards has its stack as before (the
 * limit is put back, also when many are made in a row).
 */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../runtime/stepfunctions.js';

describe('AwsError', () => {
  it('keeps name, message and status, takes no stack, and leaves other errors their stack', () => {
    const limit = Error.stackTraceLimit;
    for (let i = 0; i < 3; i++) {
      const e = new AwsError('ResourceNotFoundException', `Schedule s${i} does not exist`, 404);
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(AwsError);
      expect([e.name, e.message, e.status]).toEqual([
        'ResourceNotFoundException',
        `Schedule s${i} does not exist`,
        404,
      ]);
      expect(new AwsError('ValidationException', 'x').status).toBe(400);
      expect(String(e.stack)).not.toMatch(/\n\s+at /);
    }
    expect(Error.stackTraceLimit).toBe(limit);
    const other = new TypeError('elders');
    expect(String(other.stack)).toMatch(/\n\s+at /);
  });
});
