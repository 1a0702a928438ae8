/**
 * Recovery of schedules a crash lost (#19): a commit decided a step's reminder or a term's end and
 * the writer ended before its CreateSchedule. What may be lost (`lostSchedules`) is one decision
 * for the local start-up (intake.ts recoverIntake) and the scheduled recovery in AWS
 * (`recoverSchedules`, lambdas/recover-intake.ts). Kept out of the Procedure facade, which every
 * task function bundles: the recovery function reaches it through `Procedure.with`.
 */
import { type DossierEvent, type DossierView, deriveView, type EventBody } from '../dossier.js';
import { type Core, reminderPayload } from './core.js';
import { INTAKE_RECOVERY_GRACE_SECONDS } from './intake.js';

/**
 * The schedules a dossier decided that may have been lost (a crash between the commit and
 * CreateSchedule), as the `reminder.scheduled` bodies to make again. Only active ones decided at
 * or before `decidedBefore` (a writer still on its way makes its own; undefined: every one, for a
 * start-up, when no writer is on its way), and only those that cannot
 * have fired, since a fired one-time schedule is gone (ActionAfterCompletion: DELETE) and making it
 * again would fire it twice:
 * - still to come (`at` after now: Scheduler fires within the minute it names, never early);
 * - past, but whose firing leaves a mark the dossier does not show: a reminder that sent no letter
 *   while its deadline is still open (remind / decideTermReminder write `<name>:reminder:…`), the
 *   end of a term whose deadline is still open after its end (decideTermEnded records the breach and
 *   cancels it), a suspension's end while the clock still stands under it (suspensionEnded resumes).
 * A past one is made for a minute from now: what Scheduler does with an `at()` in the past is not
 * documented, and its handler then finds it due.
 */
export function lostSchedules(
  view: DossierView,
  events: readonly DossierEvent[],
  now: string,
  decidedBefore?: string,
): EventBody[] {
  // Compared as instants, never as strings: the dossier's times are written to the second
  // ("…T07:00:00Z", Core.now) and a clock's toISOString has milliseconds ("…T07:00:00.000Z"), and
  // "Z" sorts after ".": a decision made in the very second of `decidedBefore` read as later, and
  // the start-up left every schedule decided at the restarted clock's time unmade (the crash test's
  // term that never ran out, test/restart-clock-recovery.test.ts).
  const t = Date.parse;
  const active = Object.entries(view.reminders).filter(
    ([, r]) => r.active && (decidedBefore === undefined || t(r.decidedAt) <= t(decidedBefore)),
  );
  if (!active.length || view.status !== 'open') return [];
  const latest = new Map<string, Extract<EventBody, { type: 'reminder.scheduled' }>>();
  for (const e of events) if (e.type === 'reminder.scheduled') latest.set(e.data.name, { type: e.type, data: e.data });
  const soon = new Date(t(now) + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return active.flatMap(([name]) => {
    const b = latest.get(name);
    if (!b) return [];
    if (t(b.data.at) > t(now)) return [b];
    const deadline = view.deadlines.find((d) => d.deadlineId === b.data.deadlineId);
    const open = deadline?.status === 'open' && !deadline.suspended;
    const unfired =
      b.data.kind === 'suspension-end'
        ? view.suspension?.suspensionId === b.data.deadlineId
        : b.data.kind === 'term-end'
          ? open && t(deadline.dueAt) < t(now)
          : open && !view.letters.some((l) => l.letterId.startsWith(`${name}:reminder:`));
    return unfired ? [{ type: b.type, data: { ...b.data, at: soon } }] : [];
  });
}

/** How far back the scheduled recovery looks for decided schedules: twelve runs of five minutes. */
export const SCHEDULE_RECOVERY_LOOKBACK_SECONDS = 3600;

/**
 * The scheduled recovery of lost schedules (#19): open dossiers that decided a schedule between
 * `lookbackSeconds` and `graceSeconds` ago get what they decided and lack made again (one that
 * exists answers ConflictException: made, not counted). A loss can only happen while the writer
 * lives (a Lambda's timeout), so a recent decision checked by a dozen runs is enough, and a run
 * reads the open dossiers' index and loads only dossiers with recent decisions: never closed
 * history. `all` checks every open dossier (after an outage of the recovery itself; see README).
 * In AWS a schedule runs it every five minutes beside recoverStarts (lambdas/recover-intake.ts).
 */
export async function recoverSchedules(
  core: Core,
  opts: { graceSeconds?: number; lookbackSeconds?: number; all?: boolean } = {},
): Promise<{ checked: number; rescheduled: number; failed: number }> {
  const now = core.deps.clock.now().getTime();
  // To the second, as the dossier's times and the index's `schedulesDecidedAt` are written: the
  // index compares strings, and "…00Z" sorts after "…00.000Z".
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const decidedBefore = iso(now - (opts.graceSeconds ?? INTAKE_RECOVERY_GRACE_SECONDS) * 1000);
  const after = opts.all ? '' : iso(now - (opts.lookbackSeconds ?? SCHEDULE_RECOVERY_LOOKBACK_SECONDS) * 1000);
  const ids = await core.deps.store.scheduledBetween(core.reg.id, after, decidedBefore);
  let rescheduled = 0;
  let failed = 0;
  for (const id of ids) {
    try {
      const events = await core.deps.store.events(id);
      if (!events.length) continue;
      const view = deriveView(id, events);
      for (const b of lostSchedules(view, events, iso(now), decidedBefore)) {
        if (b.type !== 'reminder.scheduled') continue;
        if (await core.deps.reminders.schedule(b.data.name, new Date(b.data.at), reminderPayload(id, b.data)))
          rescheduled++;
      }
    } catch (e) {
      // One dossier that cannot be repaired must not keep the others waiting; the count fails the run.
      failed++;
      console.error(`klachtflow: schedules of dossier ${id} could not be made again:`, (e as Error).name);
    }
  }
  if (rescheduled) core.deps.observer?.schedulesRecovered?.({ regulationId: core.reg.id, rescheduled });
  return { checked: ids.length, rescheduled, failed };
}
