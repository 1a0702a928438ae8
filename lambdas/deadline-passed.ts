/**
 * Lambda: the ladder's "deadline" task (see lambdas/handlers.ts). Parse, act, return;
 * logged and traced by `observed`.
 */
import { awsPart } from './aws-procedure-deps.js';
import { deadlinePassed } from './domain/procedure/deadline-passed.js';
import { deadlineTask } from './handlers.js';
import { observed } from './observability.js';

export const handler = observed('deadline', (event: unknown) => deadlineTask(awsPart({ deadlinePassed }))(event));
