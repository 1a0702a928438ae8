/** Lambda: the ladder's "awaitAction" task (see lambdas/domain/procedure.ts). Parse, act, return. */
import { awsTasks } from './aws-deps.js';

export const handler = (event: unknown) => awsTasks().awaitAction(event);
