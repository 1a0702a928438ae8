/**
 * A lost erasure schedule (AVG art. 5 lid 1 onder e: personal data kept no longer than needed;
 * the regulation's own retention clause). When a dossier closes, the commit decides its erasure at
 * the end of the retention period (`retention.scheduled`) and CreateSchedule makes it right after.
 * A crash or a throttled call in between left the decision in the dossier and no schedule: the
 * retries of the closing task find the dossier closed and decide nothing, and the recovery of lost
 * schedules read only the open dossiers, so the dossier was kept with every name and address in it
 * for ever. Now the closing commit leaves a mark in an index of its own (the byRole index under
 * `ERASING#<regulation>`), which goes once the schedule is made; the recovery (every five minutes
 * in AWS, at start-up locally) reads that mark, never closed history, and makes the erasure again.
 *
 * Before the fix: the recovery made nothing, and two years and a month after the closure the
 * dossier still had no `erasedAt` (both cases below).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReminderPayload, Reminders } from '../lambdas/domain/ports.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const running: TestRuntime[] = [];
afterEach(async () => {
  for (const rt of running.splice(0)) await rt.stop();
});

/** Every erasure schedule of `ids` is lost at the Scheduler (the function ended after its commit). */
function dropErasures(rt: TestRuntime, ids: Set<string>, dropped: string[]): void {
  const deps = rt.procedure.deps as { reminders: Reminders };
  const real = deps.reminders;
  deps.reminders = {
    schedule: (name: string, at: Date, payload: ReminderPayload) => {
      if (payload.kind === 'erase' && ids.has(payload.dossierId)) {
        dropped.push(name);
        return Promise.reject(Object.assign(new Error('the function ended here'), { name: 'Crash' }));
      }
      return real.schedule(name, at, payload);
    },
    cancel: (name: string) => real.cancel(name),
  };
}

/** Whether a schedule exists at the (local) Scheduler, asked as in AWS: GetSchedule. */
async function exists(rt: TestRuntime, name: string): Promise<boolean> {
  const scheduler = new SchedulerClient({
    region: rt.endpoints.region,
    endpoint: rt.endpoints.aws,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: 'klachtflow' }));
    return true;
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') return false;
    throw e;
  } finally {
    scheduler.destroy();
  }
}

/** A complaint, its ladder begun, withdrawn by the complainant (the API decides the erasure). */
async function withdrawn(rt: TestRuntime, description: string): Promise<string> {
  const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description } });
  expect(r.status, r.text).toBe(201);
  await rt.advance('PT0S');
  const w = await rt.call('POST', `/complaints/${r.json.id}/withdraw`, {
    token: r.json.accessToken,
    body: { reason: 'Het is opgelost.' },
  });
  // The answer may be an error (the erasure's CreateSchedule "crashed" after the commit); the
  // commit is what counts.
  expect([200, 500]).toContain(w.status);
  return r.json.id as string;
}

/** The clock past the end of the retention period the dossier names (plus an hour). */
async function pastRetention(rt: TestRuntime, id: string): Promise<void> {
  const until = (await rt.procedure.deps.store.load(id))?.retentionUntil;
  if (!until) throw new Error('no retention decided');
  await rt.call('POST', '/local/clock', { body: { to: new Date(Date.parse(until) + 3_600_000).toISOString() } });
}

describe('erasure recovery: a crash between the closing commit and CreateSchedule', () => {
  it('the scheduled recovery makes the lost erasure once, after the grace, and the dossier is erased at the end of retention', async () => {
    const rt = await testRuntime('ons-welzijn');
    running.push(rt);
    const lost = new Set<string>();
    const dropped: string[] = [];
    dropErasures(rt, lost, dropped);
    // One closed normally: its mark goes as soon as its schedule is made, so no run loads it.
    const kept = await withdrawn(rt, 'Gewoon afgesloten.');
    const id = await (async () => {
      const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: 'Wissen kwijt.' } });
      lost.add(r.json.id);
      await rt.advance('PT0S');
      await rt.call('POST', `/complaints/${r.json.id}/withdraw`, { token: r.json.accessToken, body: {} });
      return r.json.id as string;
    })();
    const view = await rt.procedure.deps.store.load(id);
    expect(view?.status).toBe('closed');
    const name = `kf-${id}-erase`;
    expect(dropped).toContain(name);
    expect(await exists(rt, name)).toBe(false);
    expect(await exists(rt, `kf-${kept}-erase`)).toBe(true);
    lost.clear();

    // Within the grace a run leaves it: its writer may still be on its way.
    const early = await rt.intakeRecovery(120);
    expect(early.erasures).toMatchObject({ checked: 0, rescheduled: 0, failed: 0 });
    expect(await exists(rt, name)).toBe(false);

    // Three minutes later: two runs at once (a retry overlapping the next) make it once.
    await rt.advance('PT3M');
    const runs = await Promise.all([rt.intakeRecovery(120), rt.intakeRecovery(120)]);
    expect(await exists(rt, name)).toBe(true);
    expect(runs.every((x) => x.erasures?.failed === 0)).toBe(true);
    expect(runs.reduce((n, x) => n + (x.erasures?.rescheduled ?? 0), 0)).toBe(1);
    // Made and confirmed: the mark is gone, the next run reads no dossier (nor the one closed normally).
    expect((await rt.intakeRecovery(120)).erasures).toMatchObject({ checked: 0, rescheduled: 0 });
    // The full run (`all`) reads every dossier, and makes nothing that exists.
    expect((await rt.intakeRecovery(120, { all: true })).erasures).toMatchObject({ rescheduled: 0, failed: 0 });

    // Two years on (the regulation's retention): both dossiers are erased.
    await pastRetention(rt, id);
    expect((await rt.procedure.deps.store.load(id))?.erasedAt).toBeDefined();
    expect((await rt.procedure.deps.store.load(kept))?.erasedAt).toBeDefined();
  });

  it('the start-up repair of the local runtime makes the erasure a kill lost, decided after the time the restart reads back', async () => {
    const first = await testRuntime('ons-welzijn');
    running.push(first);
    const lost = new Set<string>();
    dropErasures(first, lost, []);
    const before = readFileSync(join(first.dataDir, 'clock.json'), 'utf8');
    await first.advance('P1D');
    const r = await first.call('POST', '/complaints', { body: { ...SANNE, description: 'Voor de kill.' } });
    const id = r.json.id as string;
    lost.add(id);
    await first.advance('PT0S');
    await first.call('POST', `/complaints/${id}/withdraw`, { token: r.json.accessToken, body: {} });
    expect((await first.procedure.deps.store.load(id))?.status).toBe('closed');
    const data = first.dataDir;
    running.splice(0);
    await first.stop();

    // What a kill in the middle of a clock move leaves: the commits, and clock.json from before
    // (test/restart-clock-recovery.test.ts): the erasure was decided after the time read back.
    writeFileSync(join(data, 'clock.json'), before);
    const saved = JSON.parse(before) as { now: string };
    const rt = await testRuntime('ons-welzijn', saved.now, data);
    running.push(rt);
    expect(await exists(rt, `kf-${id}-erase`)).toBe(true);
    await pastRetention(rt, id);
    expect((await rt.procedure.deps.store.load(id))?.erasedAt).toBeDefined();
  });

  it('a dossier closed before the marks existed, its schedule lost, is found by the full run and erased on time', async () => {
    // The marks came in session 8 (9af945c, 2026-12-03). A dossier closed before had its erasure
    // decided and made the same way, but no mark: a schedule lost then is in no index the
    // recovery reads. The state it left: the decision in the dossier, no schedule, no mark.
    const rt = await testRuntime('ons-welzijn');
    running.push(rt);
    const lost = new Set<string>();
    dropErasures(rt, lost, []);
    const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: 'Voor de merktekens.' } });
    const id = r.json.id as string;
    lost.add(id);
    await rt.advance('PT0S');
    await rt.call('POST', `/complaints/${id}/withdraw`, { token: r.json.accessToken, body: {} });
    lost.clear();
    await rt.procedure.deps.store.confirmErasure(id); // no mark, as before 9af945c
    const open = await rt.call('POST', '/complaints', { body: { ...SANNE, description: 'Nog open.' } });
    await rt.advance('PT3M');
    expect((await rt.procedure.deps.store.load(id))?.status).toBe('closed');
    expect(await exists(rt, `kf-${id}-erase`)).toBe(false);

    // The five-minute run reads only marks: it does not see it.
    expect((await rt.intakeRecovery(120)).erasures).toMatchObject({ checked: 0, rescheduled: 0 });
    // The full run (README: once after an upgrade from before the marks, and after an outage)
    // checks every closed dossier's erasure, and makes this one once; the open one has none.
    const full = await rt.intakeRecovery(120, { all: true });
    expect(full.erasures).toMatchObject({ rescheduled: 1, failed: 0 });
    expect(await exists(rt, `kf-${id}-erase`)).toBe(true);
    expect(await exists(rt, `kf-${open.json.id}-erase`)).toBe(false);
    expect((await rt.intakeRecovery(120, { all: true })).erasures).toMatchObject({ rescheduled: 0 });

    // (Withdrawn now, so two years of its alarms do not run in this test.)
    await rt.call('POST', `/complaints/${open.json.id}/withdraw`, { token: open.json.accessToken, body: {} });
    await pastRetention(rt, id);
    expect((await rt.procedure.deps.store.load(id))?.erasedAt).toBeDefined();
  });
  it('a dossier closed before retention existed gets its erasure from the full run, counted from its closure', async () => {
    // Retention came after the project's first day (2e87558): a dossier closed before it has no
    // erasure decided at all, so no run (marks or full) ever made one, and it was kept with every
    // name in it for ever (review of session 11). The regulation: "twee jaar" after closure.
    const rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
    running.push(rt);
    const store = rt.procedure.deps.store;
    const real = await rt.call('POST', '/complaints', { body: { ...SANNE, description: 'Een sjabloon.' } });
    await rt.advance('PT0S');
    const received = (await store.history(real.json.id))?.events.find((e) => e.type === 'received');
    if (received?.type !== 'received') throw new Error('no received event');
    await rt.call('POST', `/complaints/${real.json.id}/withdraw`, { token: real.json.accessToken, body: {} });
    // What such a dossier holds: received, closed; no retention.scheduled.
    const old = async (id: string, reference: string, closedAt: string) => {
      await store.create(
        id,
        [
          { type: 'received', data: { ...received.data, reference, receivedAt: closedAt } },
          { type: 'closed', data: { result: 'withdrawn', reason: 'withdrawn' } },
        ],
        'klachtflow',
        closedAt,
        { reference, regulationId: 'ons-welzijn' },
      );
    };
    // Closed on 1 May 2024: its two years ended on 1 May 2026, so it is erased at once.
    await old('01hzzzzzzzzzzzzzzzzzzzold1', 'KL-2024-0001', '2024-05-01T10:00:00Z');
    // Closed on 1 October 2025: erased on 1 October 2027, not before.
    await old('01hzzzzzzzzzzzzzzzzzzzold2', 'KL-2025-0001', '2025-10-01T10:00:00Z');
    expect((await store.load('01hzzzzzzzzzzzzzzzzzzzold1'))?.retentionUntil).toBeUndefined();

    await rt.advance('PT3M');
    const full = await rt.intakeRecovery(120, { all: true });
    expect(full.erasures).toMatchObject({ rescheduled: 2, failed: 0 });
    expect((await rt.intakeRecovery(120, { all: true })).erasures).toMatchObject({ rescheduled: 0, failed: 0 });
    expect(await exists(rt, 'kf-01hzzzzzzzzzzzzzzzzzzzold2-erase')).toBe(true);
    await rt.advance('PT2M');
    expect((await store.load('01hzzzzzzzzzzzzzzzzzzzold1'))?.erasedAt).toBeDefined();
    expect((await store.load('01hzzzzzzzzzzzzzzzzzzzold2'))?.erasedAt).toBeUndefined();
    await rt.call('POST', '/local/clock', { body: { to: '2027-09-30T10:00:00Z' } });
    expect((await store.load('01hzzzzzzzzzzzzzzzzzzzold2'))?.erasedAt).toBeUndefined();
    await rt.call('POST', '/local/clock', { body: { to: '2027-10-02T10:00:00Z' } });
    expect((await store.load('01hzzzzzzzzzzzzzzzzzzzold2'))?.erasedAt).toBeDefined();
  });
});
