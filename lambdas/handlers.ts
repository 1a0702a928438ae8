/**
 * The task handlers of the ladder, bound to a Procedure. In AWS each is its own Lambda function
 * (lambdas/<name>.ts exports it with deps built from the environment); locally the runtime binds
 * the same functions to the state machine's Task states in-process.
 */

import { recoverSchedules } from './domain/procedure/recovery.js';
import type { Procedure } from './domain/procedure.js';
import { AwaitActionEvent, BeginStepEvent, CloseEvent, ContinueEvent, DeadlineEvent, ReminderEvent } from './tasks.js';

export type TaskHandler = (event: unknown) => Promise<unknown>;

export function taskHandlers(
  procedure: Procedure,
): Record<'beginStep' | 'awaitAction' | 'deadline' | 'close' | 'continue' | 'reminder', TaskHandler> {
  return {
    beginStep: async (event) => procedure.beginStep(BeginStepEvent.parse(event)),
    awaitAction: async (event) => {
      await procedure.awaitAction(AwaitActionEvent.parse(event));
      return null;
    },
    deadline: async (event) => procedure.deadlinePassed(DeadlineEvent.parse(event)),
    close: async (event) => {
      await procedure.close(CloseEvent.parse(event));
      return null;
    },
    continue: async (event) => {
      await procedure.continueExecution(ContinueEvent.parse(event));
      return null;
    },
    reminder: async (event) => {
      const e = ReminderEvent.parse(event);
      if (e.kind === 'erase') await procedure.erase(e.dossierId);
      else if (e.kind === 'erase-held') await procedure.eraseHeld(e.heldId);
      else if (e.kind === 'term-reminder' || e.kind === 'term-end') await procedure.termFired(e);
      else if (e.kind === 'suspension-end') await procedure.suspensionEnded(e);
      else await procedure.remind(e);
      return null;
    },
  };
}

/**
 * The intake recovery as a function (lambdas/recover-intake.ts in AWS, on a schedule; the local
 * runtime at start-up): starts the ladders a crash between commit and StartExecution left
 * unstarted, and makes again the schedules (a step's reminder, a term's end) a crash between a
 * commit and CreateSchedule lost. A dossier that could not be repaired fails the run after the
 * others were tried, so the function's error alarm goes off and the schedule's retry tries again
 * (both repairs are idempotent). `{"all": true}` as the event checks the schedules of every open
 * dossier, not only recent decisions (after the recovery itself was down; see the README).
 */
export function intakeRecoveryHandler(procedure: Procedure, graceSeconds?: number) {
  return async (event?: unknown) => {
    const all = typeof event === 'object' && event !== null && (event as { all?: unknown }).all === true;
    const r = await procedure.recoverStarts(graceSeconds);
    const schedules = await procedure.with(recoverSchedules, {
      ...(graceSeconds !== undefined ? { graceSeconds } : {}),
      all,
    });
    if (r.failed) throw new Error(`${r.failed} of ${r.checked} ladder(s) could not be started`);
    if (schedules.failed)
      throw new Error(
        `the schedules of ${schedules.failed} of ${schedules.checked} dossier(s) could not be made again`,
      );
    return { ...r, schedules };
  };
}
