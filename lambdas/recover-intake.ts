/**
 * Lambda: the intake recovery, invoked by an EventBridge Scheduler schedule every few minutes
 * (lib/klachtflow-stack.ts). A complaint stored whose StartExecution never came (the API function
 * ended between the commit and the call) gets its ladder, named after the dossier, so a start that
 * did happen is not repeated (see lambdas/domain/procedure/intake.ts, recoverStarts). The same run
 * makes again the schedules a crash between a commit and CreateSchedule lost (a step's reminder, a
 * term's end; lambdas/domain/procedure/recovery.ts, through `with`); `{"all": true}` checks every
 * open dossier.
 */
import { awsPart } from './aws-procedure-deps.js';
import { recoverStarts } from './domain/procedure/intake.js';
import { intakeRecoveryHandler } from './handlers.js';
import { observed } from './observability.js';

export const handler = observed('recoverIntake', async (event: unknown) =>
  intakeRecoveryHandler(awsPart({ recoverStarts }))(event),
);
