/**
 * The task handlers of the ladder, bound to a Procedure. In AWS each is its own Lambda function
 * (lambdas/<name>.ts exports it with deps built from the environment); locally the runtime binds
 * the same functions to the state machine's Task states in-process.
 */

import { recoverErasures, recoverSchedules } from './domain/procedure/recovery.js';
import type { Procedure } from './domain/procedure.js';
import { AwaitActionEvent, BeginStepEvent, CloseEvent, ContinueEvent, DeadlineEvent, ReminderEvent } from './tasks.js';

export type TaskHandler = (event: unknown) => Promise<unknown>;

// Each handler takes only the part of the procedure it calls. Locally that is the whole Procedure;
// a Lambda function passes the same methods over the core (lambdas/aws-procedure-deps.ts, awsPart),
// so it bundles the modules of procedure/ it names and not the facade, which holds every module
// (#19: a task bundle <= 250 KiB).

export const beginStepTask =
  (p: Pick<Procedure, 'beginStep'>): TaskHandler =>
  async (event) =>
    p.beginStep(BeginStepEvent.parse(event));

export const awaitActionTask =
  (p: Pick<Procedure, 'awaitAction'>): TaskHandler =>
  async (event) => {
    await p.awaitAction(AwaitActionEvent.parse(event));
    return null;
  };

export const deadlineTask =
  (p: Pick<Procedure, 'deadlinePassed'>): TaskHandler =>
  async (event) =>
    p.deadlinePassed(DeadlineEvent.parse(event));

export const closeTask =
  (p: Pick<Procedure, 'close'>): TaskHandler =>
  async (event) => {
    await p.close(CloseEvent.parse(event));
    return null;
  };

export const continueTask =
  (p: Pick<Procedure, 'continueExecution'>): TaskHandler =>
  async (event) => {
    await p.continueExecution(ContinueEvent.parse(event));
    return null;
  };

export const reminderTask =
  (p: Pick<Procedure, 'erase' | 'eraseHeld' | 'termFired' | 'suspensionEnded' | 'remind'>): TaskHandler =>
  async (event) => {
    const e = ReminderEvent.parse(event);
    if (e.kind === 'erase') await p.erase(e.dossierId);
    else if (e.kind === 'erase-held') await p.eraseHeld(e.heldId);
    else if (e.kind === 'term-reminder' || e.kind === 'term-end') await p.termFired(e);
    else if (e.kind === 'suspension-end') await p.suspensionEnded(e);
    else await p.remind(e);
    return null;
  };

/** Every task handler over one procedure (the local runtime binds them to the Task states). */
export function taskHandlers(
  procedure: Procedure,
): Record<'beginStep' | 'awaitAction' | 'deadline' | 'close' | 'continue' | 'reminder', TaskHandler> {
  return {
    beginStep: beginStepTask(procedure),
    awaitAction: awaitActionTask(procedure),
    deadline: deadlineTask(procedure),
    close: closeTask(procedure),
    continue: continueTask(procedure),
    reminder: reminderTask(procedure),
  };
}

/**
 * The intake recovery as a function (lambdas/recover-intake.ts in AWS, on a schedule; the local
 * runtime at start-up): starts the ladders a crash between commit and StartExecution left
 * unstarted, and makes again the schedules (a step's reminder, a term's end) a crash between a
 * commit and CreateSchedule lost. A dossier that could not be repaired fails the run after the
 * others were tried, so the function's error alarm goes off and the schedule's retry tries again
 * (every repair is idempotent). It also makes again the erasure a closed dossier decided at the end
 * of its retention when a crash lost its schedule (AVG art. 5 lid 1 onder e), found through the
 * marks of erasures not yet known to be scheduled: closed dossiers are in no other index it reads. `{"all": true}` as the event checks the schedules of every open
 * dossier, not only recent decisions, and the erasure of every closed one, marked or not (after
 * the recovery itself was down, and once after an upgrade from before the marks; see the README).
 */
export function intakeRecoveryHandler(procedure: Pick<Procedure, 'recoverStarts' | 'with'>, graceSeconds?: number) {
  return async (event?: unknown) => {
    const all = typeof event === 'object' && event !== null && (event as { all?: unknown }).all === true;
    const r = await procedure.recoverStarts(graceSeconds);
    const schedules = await procedure.with(recoverSchedules, {
      ...(graceSeconds !== undefined ? { graceSeconds } : {}),
      all,
    });
    const erasures = await procedure.with(recoverErasures, {
      ...(graceSeconds !== undefined ? { graceSeconds } : {}),
      all,
    });
    if (r.failed) throw new Error(`${r.failed} of ${r.checked} ladder(s) could not be started`);
    if (schedules.failed)
      throw new Error(
        `the schedules of ${schedules.failed} of ${schedules.checked} dossier(s) could not be made again`,
      );
    if (erasures.failed)
      throw new Error(
        `the erasure of ${erasures.failed} of ${erasures.checked} closed dossier(s) could not be made again`,
      );
    return { ...r, schedules, erasures };
  };
}
