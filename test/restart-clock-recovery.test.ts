/**
 * Lost schedules repaired at the local runtime's start (#19, reliability; the crash test's
 * "term:bevindingen#1 open": after 20 kills and the clock past the term's end, no breach fired).
 * A commit decides a term's end and the process is killed before its CreateSchedule is on disk;
 * the start-up repair (recoverIntake, lostSchedules in lambdas/domain/procedure/recovery.ts) must
 * make it again. It took only decisions made at or before its own "now", and missed two kinds:
 * - made in the second the clock stands at: the dossier's times are written to the second
 *   ("…T07:00:00Z") and the clock's with milliseconds ("…T07:00:00.000Z"), compared as strings,
 *   and "Z" sorts after ".": read as later than now. The manual clock stands still between moves,
 *   so every decision since the last move was one of these (the crash test's probe saw them at
 *   nearly every restart, and lost schedules among them).
 * - made after the time the restart reads back: a clock move fires the entries due on the way,
 *   each committing at its own instant, and writes clock.json only after the last.
 *
 * Before the fix: in both cases the term stayed `open` after the clock passed its end.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReminderPayload, Reminders } from '../lambdas/domain/ports.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const running: TestRuntime[] = [];
afterEach(async () => {
  for (const rt of running.splice(0)) await rt.stop();
});

const START = '2026-09-03T09:00:00+02:00';

/**
 * A runtime on `data` files a complaint; every CreateSchedule of the dossier is lost (the process
 * is killed after its commits). `move` first moves the clock. Returns the lost term end and the
 * stopped runtime's saved clock.
 */
async function killedAfterCommit(data: string, move: string) {
  const first = await testRuntime('ons-welzijn', START, data);
  running.push(first);
  const before = JSON.parse(readFileSync(join(data, 'clock.json'), 'utf8')) as { now: string };
  const deps = first.procedure.deps as { reminders: Reminders };
  const real = deps.reminders;
  let dropFor: string | undefined;
  deps.reminders = {
    schedule: (name: string, at: Date, payload: ReminderPayload) =>
      dropFor && 'dossierId' in payload && payload.dossierId === dropFor
        ? Promise.reject(Object.assign(new Error('killed here'), { name: 'Crash' }))
        : real.schedule(name, at, payload),
    cancel: (name: string) => real.cancel(name),
  };
  await first.advance(move);
  const r = await first.call('POST', '/complaints', { body: { ...SANNE, description: 'Voor de kill.' } });
  expect(r.status).toBe(201);
  const id = r.json.id as string;
  dropFor = id;
  await first.advance('PT0S');
  const events = await first.procedure.deps.store.events(id);
  const termEnd = events
    .flatMap((e) => (e.type === 'reminder.scheduled' ? [{ ...e.data, decidedAt: e.at }] : []))
    .find((d) => d.kind === 'term-end');
  if (!termEnd) throw new Error(`no end of a term decided: ${events.map((e) => e.type).join(', ')}`);
  running.splice(0);
  await first.stop();
  const saved = JSON.parse(readFileSync(join(data, 'clock.json'), 'utf8')) as { now: string };
  return { id, termEnd, before, saved };
}

/** Restarted on `data` at `now`: the term must run out with one breach once the clock passes its end. */
async function runsOutAfterRestart(data: string, now: string, id: string, termEnd: { at: string; deadlineId: string }) {
  const rt = await testRuntime('ons-welzijn', now, data);
  running.push(rt);
  await rt.advance('PT0S');
  const status = async () =>
    (await rt.procedure.deps.store.load(id))?.deadlines.find((d) => d.deadlineId === termEnd.deadlineId)?.status;
  expect(await status()).toBe('open');
  await rt.call('POST', '/local/clock', { body: { to: new Date(Date.parse(termEnd.at) + 3_600_000).toISOString() } });
  expect(await status()).toBe('breached');
  expect(
    (await rt.procedure.deps.store.events(id)).filter(
      (e) => e.type === 'deadline.breached' && e.data.deadlineId === termEnd.deadlineId,
    ),
  ).toHaveLength(1);
}

describe('schedule recovery at start-up: a kill between the commit and CreateSchedule', () => {
  it('makes the lost end of a term decided in the second the clock stands at', async () => {
    const data = mkdtempSync(join(tmpdir(), 'kf-restart-same-second-'));
    const { id, termEnd, saved } = await killedAfterCommit(data, 'PT0S');
    // Decided at the very time the restart reads back (to the second, without milliseconds).
    expect(termEnd.decidedAt).toBe(saved.now.replace(/\.\d{3}Z$/, 'Z'));
    await runsOutAfterRestart(data, saved.now, id, termEnd);
  });

  it('makes the lost end of a term decided after the time the restart reads back', async () => {
    const data = mkdtempSync(join(tmpdir(), 'kf-restart-clock-'));
    const { id, termEnd, before } = await killedAfterCommit(data, 'P1D');
    expect(Date.parse(termEnd.decidedAt)).toBeGreaterThan(Date.parse(before.now));
    // What a kill in the middle of the clock move leaves: the commits, and clock.json from before.
    writeFileSync(join(data, 'clock.json'), JSON.stringify(before));
    await runsOutAfterRestart(data, before.now, id, termEnd);
  });
});
