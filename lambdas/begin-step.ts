/**
 * Lambda: the ladder's "beginStep" task (see lambdas/handlers.ts). Parse, act, return;
 * logged and traced by `observed`.
 */
import { awsPart } from './aws-procedure-deps.js';
import { beginStep } from './domain/procedure/ladder-tasks.js';
import { beginStepTask } from './handlers.js';
import { observed } from './observability.js';

export const handler = observed('beginStep', (event: unknown) => beginStepTask(awsPart({ beginStep }))(event));
