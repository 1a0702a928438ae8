/**
 * Recovery of schedules a crash lost (#19): a commit decided a step's reminder or a term's end and
 * the writer ended before its CreateSchedule. What may be lost (`lostSchedules`) is one decision
 * for the local start-up (intake.ts recoverIntake) and the scheduled recovery in AWS
 * (`recoverSchedules`, lambdas/recover-intake.ts). The same for the erasure a closed dossier
 * decided at the end of its retention (`lostErasure`, `recoverErasures`): both the scheduled
 * recovery and the local start-up run it. Kept out of the Procedure facade, which every
 * task function bundles: the recovery function reaches it through `Procedure.with`.
 */

import { toSecond } from '../calendar/instant.js';
import type { DossierEvent, DossierView, EventBody } from '../dossier.js';
import { type Core, erasurePayload, reminderPayload } from './core.js';
import { INTAKE_RECOVERY_GRACE_SECONDS } from './intake.js';
import { retentionSinceClosure } from './privacy.js';

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
  const soon = toSecond(t(now) + 60_000);
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
  // To the second, as the dossier's times and the index's `schedulesDecidedAt` are written.
  const decidedBefore = toSecond(now - (opts.graceSeconds ?? INTAKE_RECOVERY_GRACE_SECONDS) * 1000);
  const after = opts.all ? '' : toSecond(now - (opts.lookbackSeconds ?? SCHEDULE_RECOVERY_LOOKBACK_SECONDS) * 1000);
  const ids = await core.deps.store.scheduledBetween(core.reg.id, after, decidedBefore);
  let rescheduled = 0;
  let failed = 0;
  for (const id of ids) {
    try {
      const dossier = await core.deps.store.history(id);
      if (!dossier) continue;
      for (const b of lostSchedules(dossier.view, dossier.events, toSecond(now), decidedBefore)) {
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

/**
 * The erasure a closed dossier decided that may have been lost (a crash or a throttled call
 * between the closing commit and CreateSchedule), as the `retention.scheduled` body to make again;
 * none when the dossier is not closed, or is erased already (the erasure ran). Unlike a reminder, an
 * erasure that fired leaves its mark (`erased`), so one past its day and not erased never ran: it is
 * made for a minute from now (Scheduler's `at()` in the past is not documented), and the erasure
 * itself does nothing twice (privacy.ts erase). AVG art. 5 lid 1 onder e: no longer than the
 * retention period the regulation names.
 */
export function lostErasure(
  view: DossierView,
  events: readonly DossierEvent[],
  now: string,
): Extract<EventBody, { type: 'retention.scheduled' }> | undefined {
  if (view.status !== 'closed' || view.erasedAt) return undefined;
  let decided: Extract<EventBody, { type: 'retention.scheduled' }> | undefined;
  for (const e of events) if (e.type === 'retention.scheduled') decided = { type: e.type, data: e.data };
  if (!decided) return undefined;
  const t = Date.parse;
  if (t(decided.data.at) > t(now)) return decided;
  const soon = toSecond(t(now) + 60_000);
  return { type: decided.type, data: { ...decided.data, at: soon } };
}

/**
 * The recovery of lost erasures: every closed dossier whose erasure was decided more than
 * `graceSeconds` ago (a writer on its way makes and confirms its own) and is not known to be
 * scheduled gets it made again (one that exists answers ConflictException: made, not counted),
 * and its mark goes. Found through the marks the closing commits leave (`erasuresUnconfirmed`),
 * which hold only the unconfirmed, so a run reads no closed history; no look-back is needed, and
 * an outage of the recovery itself loses nothing. In AWS the five-minute recovery runs it
 * (lambdas/recover-intake.ts); locally the same function at start-up, with no grace.
 */
export async function recoverErasures(
  core: Core,
  opts: { graceSeconds?: number; all?: boolean } = {},
): Promise<{ checked: number; rescheduled: number; failed: number }> {
  const now = core.deps.clock.now().getTime();
  // No grace (the local start-up): nothing is on its way, so every mark, whatever its time: the
  // manual clock may read back a time before the last commits (a kill in the middle of a clock
  // move; test/restart-clock-recovery.test.ts), and a mark dated after it would wait for ever.
  const grace = opts.graceSeconds ?? INTAKE_RECOVERY_GRACE_SECONDS;
  const marked = await core.deps.store.erasuresUnconfirmed(
    core.reg.id,
    grace > 0 ? toSecond(now - grace * 1000) : '\uffff',
  );
  // `all`: every dossier received, not only the marked. The marks came with 9af945c (2026-12-03);
  // a dossier closed before them whose schedule was lost has none, and would be kept for ever.
  // Run once after an upgrade from before the marks, and after an outage (README). One closed
  // within the grace is left to its writer; an open one has no erasure (lostErasure).
  const everyOne = opts.all ? await core.deps.store.receivedBetween(core.reg.id, '', '\uffff') : [];
  const isMarked = new Set(marked);
  const unmarked = everyOne.filter((id) => !isMarked.has(id));
  const ids = [...marked, ...unmarked];
  const decidedBefore = toSecond(now - grace * 1000);
  let rescheduled = 0;
  let failed = 0;
  for (const id of ids) {
    try {
      const dossier = await core.deps.store.history(id);
      // Or closed before any erasure was decided at closure (retention came after 2e87558): made
      // from the closure now. Only the schedule: this function writes no dossier (its role may not),
      // and the erasure needs nothing but the dossier closed (privacy.ts erase).
      const lost = dossier
        ? (lostErasure(dossier.view, dossier.events, toSecond(now)) ??
          retentionSinceClosure(core, dossier.view, toSecond(now)))
        : undefined;
      // Unmarked and closed within the grace: its writer may still be on its way.
      const recent =
        !isMarked.has(id) && dossier?.view.closed && Date.parse(dossier.view.closed.at) > Date.parse(decidedBefore);
      if (
        !recent &&
        lost &&
        (await core.deps.reminders.schedule(lost.data.name, new Date(lost.data.at), erasurePayload(id, lost.data)))
      )
        rescheduled++;
      // Made, there already, run, or not closed after all (the commit that marked it lost its race
      // and the dossier stayed open; its next closure marks it again): the mark goes.
      if (isMarked.has(id)) await core.deps.store.confirmErasure(id);
    } catch (e) {
      failed++;
      console.error(`klachtflow: the erasure of dossier ${id} could not be made again:`, (e as Error).name);
    }
  }
  if (rescheduled) core.deps.observer?.schedulesRecovered?.({ regulationId: core.reg.id, rescheduled });
  return { checked: ids.length, rescheduled, failed };
}
