/**
 * Lost schedules in AWS (#19, reliability). A step's reminder and the end of a term for the whole
 * handling are decided in a commit and made right after with CreateSchedule. A Lambda that ends
 * in between (its container killed, a timeout) leaves the decision in the dossier and no schedule:
 * that term never runs out, no breach, no alarm. The local runtime repaired it at its next start
 * (recoverIntake); in AWS nothing did. The scheduled recovery function (lambdas/recover-intake.ts,
 * every five minutes) now makes again what open dossiers decided and lack, found through the index
 * of open dossiers by the moment their schedules were decided (never closed history); a schedule
 * that exists answers ConflictException, taken as made, and one that fired is not made again.
 *
 * Before: the recovery made nothing; the term below stayed open after its end, without a breach.
 */
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReminderPayload, Reminders } from '../lambdas/domain/ports.js';
import { dossier } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
let scheduler: SchedulerClient;
/** The dossier whose schedules are lost: every CreateSchedule for it "crashes" (the Lambda ended after its commit). */
let dropFor: string | undefined;
const dropped: string[] = [];

beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
  scheduler = new SchedulerClient({
    region: rt.endpoints.region,
    endpoint: rt.endpoints.aws,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const deps = rt.procedure.deps as { reminders: Reminders };
  const real = deps.reminders;
  deps.reminders = {
    schedule: (name: string, at: Date, payload: ReminderPayload) => {
      if (dropFor && 'dossierId' in payload && payload.dossierId === dropFor) {
        dropped.push(name);
        return Promise.reject(Object.assign(new Error('the function ended here'), { name: 'Crash' }));
      }
      return real.schedule(name, at, payload);
    },
    cancel: (name: string) => real.cancel(name),
  };
});
afterAll(async () => {
  scheduler?.destroy();
  await rt?.stop();
});

/** Whether the schedule exists at the (local) Scheduler, asked as in AWS: GetSchedule. */
async function exists(name: string): Promise<boolean> {
  try {
    await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: 'klachtflow' }));
    return true;
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') return false;
    throw e;
  }
}

describe('schedule recovery: a crash between the commit and CreateSchedule', () => {
  it('makes the lost schedules again once, after the grace; the fired reminder is not made again; the term runs out with a breach', async () => {
    const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: 'Schema kwijt.' } });
    expect(r.status).toBe(201);
    const id = r.json.id as string;
    dropFor = id;
    // The ladder's first steps decide the step's reminder and the term's reminder and end; every
    // CreateSchedule after their commit is lost (the task's retries find the step begun, decide
    // nothing and make nothing).
    await rt.advance('PT0S');
    await rt.advance('PT1M');
    dropFor = undefined;
    const events = await rt.procedure.deps.store.events(id);
    const decided = events.flatMap((e) => (e.type === 'reminder.scheduled' ? [e.data] : []));
    const stepReminder = decided.find((d) => !d.kind);
    const termEnd = decided.find((d) => d.kind === 'term-end');
    const termReminder = decided.find((d) => d.kind === 'term-reminder');
    expect(stepReminder, JSON.stringify(decided)).toBeDefined();
    expect(termEnd, JSON.stringify(decided)).toBeDefined();
    expect(termReminder, JSON.stringify(decided)).toBeDefined();
    if (!stepReminder || !termEnd || !termReminder) throw new Error('unreachable: asserted just above');
    // Decided in the dossier, lost at the Scheduler.
    expect(dropped.length).toBeGreaterThan(0);
    for (const d of decided) expect(await exists(d.name), d.name).toBe(false);

    // Within the grace (two minutes) a run leaves them: their writer may still be on its way.
    const early = await rt.intakeRecovery(120);
    for (const d of decided) expect(await exists(d.name), d.name).toBe(false);
    expect(early.schedules ?? { checked: 0, rescheduled: 0, failed: 0 }).toMatchObject({
      checked: 0,
      rescheduled: 0,
      failed: 0,
    });

    // Three minutes later: two runs at once (a retry overlapping the next run) make each once.
    await rt.advance('PT3M');
    const runs = await Promise.all([rt.intakeRecovery(120), rt.intakeRecovery(120)]);
    for (const d of decided) expect(await exists(d.name), d.name).toBe(true);
    expect(runs.map((x) => x.schedules?.checked)).toEqual([1, 1]);
    expect(runs.every((x) => x.schedules?.failed === 0)).toBe(true);
    expect(runs.reduce((n, x) => n + (x.schedules?.rescheduled ?? 0), 0)).toBe(decided.length);
    // The next run finds them made: nothing made again.
    expect((await rt.intakeRecovery(120)).schedules).toMatchObject({ checked: 1, rescheduled: 0 });

    // The step's reminder fires (and Scheduler deletes it); a run over every open dossier does not
    // make it again, nor anything else: all are there or fired.
    const due = Date.parse(stepReminder.at) - Date.parse((await rt.call('GET', '/local/clock')).json.now);
    await rt.advance(`PT${Math.ceil(due / 1000) + 60}S`);
    expect(await exists(stepReminder.name)).toBe(false);
    const reminders = (await dossier(rt, id)).letters.filter((l: { letterId: string }) =>
      l.letterId.startsWith(`${stepReminder.name}:reminder:`),
    );
    expect(reminders).toHaveLength(1);
    const all = await rt.intakeRecovery(120, { all: true });
    expect(all.schedules).toMatchObject({ rescheduled: 0, failed: 0 });
    expect(all.schedules.checked).toBeGreaterThanOrEqual(1);
    expect(await exists(stepReminder.name)).toBe(false);
    // Recent decisions only by default: hours later, a run loads no dossier.
    expect((await rt.intakeRecovery(120)).schedules.checked).toBe(0);

    // The term runs out: breached and alarmed, once.
    await rt.call('POST', '/local/clock', {
      body: { to: new Date(Date.parse(termEnd.at) + 3_600_000).toISOString() },
    });
    const after = await rt.procedure.deps.store.load(id);
    expect(after?.deadlines.find((d) => d.deadlineId === termEnd.deadlineId)?.status).toBe('breached');
    expect(
      (await rt.procedure.deps.store.events(id)).filter(
        (e) => e.type === 'deadline.breached' && e.data.deadlineId === termEnd.deadlineId,
      ),
    ).toHaveLength(1);
    expect(await rt.intakeRecovery(120, { all: true })).toMatchObject({ schedules: { rescheduled: 0, failed: 0 } });
  });

  it('makes a lost end of a term whose day has passed for a minute from now (never a fired one)', async () => {
    const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: 'Lang niet gezien.' } });
    const id = r.json.id as string;
    dropFor = id;
    await rt.advance('PT0S');
    dropFor = undefined;
    const termEnd = (await rt.procedure.deps.store.events(id))
      .flatMap((e) => (e.type === 'reminder.scheduled' ? [e.data] : []))
      .find((d) => d.kind === 'term-end');
    if (!termEnd) throw new Error('no end of a term decided');
    // The recovery was down past the term's end (its own alarm rang): nothing ran the term out.
    await rt.call('POST', '/local/clock', {
      body: { to: new Date(Date.parse(termEnd.at) + 86_400_000).toISOString() },
    });
    expect(
      (await rt.procedure.deps.store.load(id))?.deadlines.find((d) => d.deadlineId === termEnd.deadlineId)?.status,
    ).toBe('open');
    const run = await rt.intakeRecovery(120, { all: true });
    expect(await exists(termEnd.name)).toBe(true);
    expect(run.schedules?.failed).toBe(0);
    await rt.advance('PT2M');
    expect(
      (await rt.procedure.deps.store.load(id))?.deadlines.find((d) => d.deadlineId === termEnd.deadlineId)?.status,
    ).toBe('breached');
    // Fired and recorded: not made again.
    expect((await rt.intakeRecovery(120, { all: true })).schedules.rescheduled).toBe(0);
    expect(await exists(termEnd.name)).toBe(false);
  });
});
