/**
 * Lambda: the ladder's "reminder" task (see lambdas/handlers.ts). Parse, act, return;
 * logged and traced by `observed`.
 */
import { awsPart } from './aws-procedure-deps.js';
import { termFired } from './domain/procedure/handling-terms.js';
import { remind } from './domain/procedure/ladder-tasks.js';
import { erase, eraseHeld } from './domain/procedure/privacy.js';
import { suspensionEnded } from './domain/procedure/suspension.js';
import { reminderTask } from './handlers.js';
import { observed } from './observability.js';

export const handler = observed('reminder', (event: unknown) =>
  reminderTask(awsPart({ erase, eraseHeld, termFired, suspensionEnded, remind }))(event),
);
