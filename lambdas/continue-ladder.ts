/**
 * Lambda: the ladder's "continue" task (see lambdas/domain/procedure.ts). Parse, act, return;
 * logged and traced by `observed`.
 */
import { awsTasks } from './aws-deps.js';
import { observed } from './observability.js';

export const handler = observed('continue', (event: unknown) => awsTasks().continue(event));
