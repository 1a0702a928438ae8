/**
 * Lambda: what SES reports about a letter after it accepted it. The configuration set publishes
 * bounces, complaints (marked as spam), rejections and delivery delays to EventBridge; a rule on
 * the default bus that matches this stack's configuration set invokes this function (lib/mailer.ts).
 * Parse, record in the letter's dossier (procedure/mail-events.ts), return. The local SES endpoint
 * publishes the same event for SES's mailbox simulator addresses and calls the same handler
 * (ses-mail-events.ts: the event's shape and the handler over a procedure). Nothing of it is
 * logged: it carries e-mail addresses.
 */
import { awsPart } from './aws-procedure-deps.js';
import { recordMailEvent } from './domain/procedure/mail-events.js';
import { observed } from './observability.js';
import { mailEventHandler } from './ses-mail-events.js';

export { mailEventHandler, reportOf, SesMailEvent } from './ses-mail-events.js';

// In Lambda the report goes to procedure/mail-events.ts over the core alone, not through the Procedure
// facade: the facade holds every module of procedure/, and this function needs one (#19: a task
// bundle stays within 250 KiB).
export const handler = observed('mail-events', (event: unknown) =>
  mailEventHandler(awsPart({ recordMailEvent }))(event),
);
