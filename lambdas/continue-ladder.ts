/**
 * Lambda: the ladder's "continue" task (see lambdas/handlers.ts). Parse, act, return;
 * logged and traced by `observed`.
 */
import { awsPart } from './aws-procedure-deps.js';
import { continueExecution } from './domain/procedure/ladder-tasks.js';
import { continueTask } from './handlers.js';
import { observed } from './observability.js';

export const handler = observed('continue', (event: unknown) => continueTask(awsPart({ continueExecution }))(event));
