/**
 * Schedule names: EventBridge Scheduler takes 1 to 64 of [0-9A-Za-z-_.] as a name and as a
 * ClientToken. The domain names a reminder `kf-<dossier id>-<step id>-<activation>[-x<n>]`, and a
 * regulation's step id has no length limit, so the adapter maps every name to one Scheduler
 * accepts, the same way when it creates and when it cancels.
 */
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { atLocal, SchedulerReminders, scheduleName } from '../lambdas/adapters/aws.js';

const VALID = /^[0-9A-Za-z_.-]{1,64}$/;

function recordingClient() {
  const inputs: { Name: string; ClientToken?: string }[] = [];
  return { inputs, client: { send: async (command: { input: { Name: string } }) => inputs.push(command.input) } };
}

describe('scheduler: schedule names', () => {
  it('keeps a short name as it is', () => {
    expect(scheduleName('kf-01JEXAMPLE0000000000000000-intake-1')).toBe('kf-01JEXAMPLE0000000000000000-intake-1');
  });

  it('maps a long step id to a valid name, the same on create and cancel, and distinct for distinct names', async () => {
    const step = 'gesprek-met-de-klachtenfunctionaris-over-de-afhandeling-van-de-klacht';
    const long = `kf-01JEXAMPLE0000000000000000-${step}-1-x2`;
    const other = `kf-01JEXAMPLE0000000000000000-${step}-2-x2`;
    const { inputs, client } = recordingClient();
    const reminders = new SchedulerReminders(client as never, {
      arn: 'arn:aws:lambda:eu-west-1:123456789012:function:r',
      roleArn: 'arn:aws:iam::123456789012:role/s',
      groupName: 'g',
    });
    await reminders.schedule(long, new Date('2026-09-10T07:00:00Z'), { kind: 'reminder' } as never);
    await reminders.cancel(long);
    const [created, cancelled] = inputs;
    expect(created?.Name).toMatch(VALID);
    expect(created?.ClientToken).toMatch(VALID);
    expect(cancelled?.Name).toBe(created?.Name);
    expect(scheduleName(other)).not.toBe(created?.Name);
    expect(scheduleName(other)).toMatch(VALID);
  });

  it('makes a name with characters Scheduler refuses valid', () => {
    expect(scheduleName('kf-1-stap één')).toMatch(VALID);
  });
});

describe('scheduler: at() in Europe/Amsterdam', () => {
  /** The judge: Temporal's own time-zone arithmetic, to the second. */
  const wallClock = (ms: number) =>
    Temporal.Instant.fromEpochMilliseconds(ms)
      .toZonedDateTimeISO('Europe/Amsterdam')
      .toPlainDateTime()
      .round({ smallestUnit: 'second', roundingMode: 'trunc' })
      .toString();

  it('writes the local time around both DST changes of 2026', () => {
    // Summer time from Sunday 29 March 02:00 (01:00 UTC); winter time from Sunday 25 October 03:00 (01:00 UTC).
    expect(atLocal(new Date('2026-03-29T00:59:59Z'))).toBe('2026-03-29T01:59:59');
    expect(atLocal(new Date('2026-03-29T01:00:00Z'))).toBe('2026-03-29T03:00:00');
    expect(atLocal(new Date('2026-10-25T00:59:59Z'))).toBe('2026-10-25T02:59:59');
    expect(atLocal(new Date('2026-10-25T01:00:00Z'))).toBe('2026-10-25T02:00:00');
    expect(atLocal(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01T00:30:00');
  });

  it('agrees with Temporal for any instant (one shared formatter, #19)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2199, 11, 31) }), (ms) => {
        expect(atLocal(new Date(ms))).toBe(wallClock(ms));
      }),
      { numRuns: 500 },
    );
  });
});
