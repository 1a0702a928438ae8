/**
 * Lambda: the ladder's "awaitAction" task (see lambdas/handlers.ts). Parse, act, return;
 * logged and traced by `observed`.
 */
import { awsPart } from './aws-procedure-deps.js';
import { awaitAction } from './domain/procedure/ladder-tasks.js';
import { awaitActionTask } from './handlers.js';
import { observed } from './observability.js';

export const handler = observed('awaitAction', (event: unknown) => awaitActionTask(awsPart({ awaitAction }))(event));
