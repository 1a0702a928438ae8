/** Lambda: the ladder's "continue" task (see lambdas/domain/procedure.ts). Parse, act, return. */
import { awsTasks } from './aws-deps.js';

export const handler = (event: unknown) => awsTasks().continue(event);
