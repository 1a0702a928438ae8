/**
 * Schedule names: EventBridge Scheduler takes 1 to 64 of [0-9A-Za-z-_.] as a name and as a
 * ClientToken. The domain names a reminder `kf-<dossier id>-<step id>-<activation>[-x<n>]`, and a
 * regulation's step id has no length limit, so the adapter maps every name to one Scheduler
 * accepts, the same way when it creates and when it cancels.
 */
import { describe, expect, it } from 'vitest';
import { SchedulerReminders, scheduleName } from '../lambdas/adapters/aws.js';

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
