/**
 * Lambda: the ladder's "reminder" task (see lambdas/domain/procedure.ts). Parse, act, return;
 * logged and traced by `observed`.
 */
import { awsTasks } from './aws-deps.js';
import { observed } from './observability.js';

export const handler = observed('reminder', (event: unknown) => awsTasks().reminder(event));
