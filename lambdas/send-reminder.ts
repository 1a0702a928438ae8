/** Lambda: the ladder's "reminder" task (see lambdas/domain/procedure.ts). Parse, act, return. */
import { awsTasks } from './aws-deps.js';

export const handler = (event: unknown) => awsTasks().reminder(event);
