/**
 * Lambda: the ladder's "close" task (see lambdas/handlers.ts). Parse, act, return;
 * logged and traced by `observed`.
 */
import { awsPart } from './aws-procedure-deps.js';
import { close } from './domain/procedure/ladder-tasks.js';
import { closeTask } from './handlers.js';
import { observed } from './observability.js';

export const handler = observed('close', (event: unknown) => closeTask(awsPart({ close }))(event));
