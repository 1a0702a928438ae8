/** Lambda: the ladder's "deadline" task (see lambdas/domain/procedure.ts). Parse, act, return. */
import { awsTasks } from './aws-deps.js';

export const handler = (event: unknown) => awsTasks().deadline(event);
