/**
 * What SES reports about a letter after it accepted it (a bounce, a complaint, a delay, a
 * rejection), as the EventBridge event SES publishes, and the handler that records it over a
 * procedure. The Lambda function is lambdas/mail-events.ts; the local runtime hands in its own
 * procedure from here, without the function's AWS clients and Powertools logger and metrics
 * (about 200 ms of CPU at every start of the runtime through tsx, #19).
 *
 * The event's shape: SES developer guide, "Contents of event data that Amazon SES publishes"
 * (eventType, mail, bounce/complaint/deliveryDelay/reject), as the `detail` of an EventBridge event
 * with source `aws.ses`. Nothing of it is logged: it carries e-mail addresses.
 */
import * as z from 'zod/mini';
import type { MailEventReport, MailEventResult, Procedure } from './domain/procedure.js';

const Recipient = z.looseObject({
  emailAddress: z.string(),
  status: z.optional(z.string()),
  diagnosticCode: z.optional(z.string()),
});

const Mail = z.looseObject({
  messageId: z.string().check(z.minLength(1)),
  destination: z.optional(z.array(z.string())),
  // SES adds its own tags (ses:configuration-set, ses:from-domain, ...) beside the message's.
  tags: z.optional(z.record(z.string(), z.array(z.string()))),
});

/** The EventBridge event SES publishes for a bounce, a complaint, a delay or a rejection. */
export const SesMailEvent = z.looseObject({
  source: z.literal('aws.ses'),
  'detail-type': z.string(),
  detail: z.discriminatedUnion('eventType', [
    z.looseObject({
      eventType: z.literal('Bounce'),
      mail: Mail,
      bounce: z.looseObject({
        bounceType: z.string(),
        bounceSubType: z.optional(z.string()),
        bouncedRecipients: z.array(Recipient),
      }),
    }),
    z.looseObject({
      eventType: z.literal('Complaint'),
      mail: Mail,
      complaint: z.looseObject({
        complainedRecipients: z.array(Recipient),
        complaintFeedbackType: z.optional(z.string()),
      }),
    }),
    z.looseObject({
      eventType: z.literal('DeliveryDelay'),
      mail: Mail,
      deliveryDelay: z.looseObject({
        delayType: z.optional(z.string()),
        delayedRecipients: z.array(Recipient),
        expirationTime: z.optional(z.string()),
      }),
    }),
    z.looseObject({
      eventType: z.literal('Reject'),
      mail: Mail,
      reject: z.looseObject({ reason: z.optional(z.string()) }),
    }),
  ]),
});
export type SesMailEvent = z.infer<typeof SesMailEvent>;

const details = (rs: { diagnosticCode?: string | undefined; status?: string | undefined }[]) => [
  ...new Set(rs.flatMap((r) => (r.diagnosticCode ? [r.diagnosticCode] : r.status ? [r.status] : []))),
];

/** The report the procedure records, from the event as SES published it. */
export function reportOf(event: SesMailEvent): MailEventReport {
  const d = event.detail;
  const tags = Object.fromEntries(Object.entries(d.mail.tags ?? {}).map(([k, v]) => [k, v[0]]));
  const base = { messageId: d.mail.messageId, tags };
  switch (d.eventType) {
    case 'Bounce':
      return {
        ...base,
        problem: 'bounce',
        addresses: d.bounce.bouncedRecipients.map((r) => r.emailAddress),
        detail: [
          `${d.bounce.bounceType}${d.bounce.bounceSubType ? `/${d.bounce.bounceSubType}` : ''}`,
          ...details(d.bounce.bouncedRecipients),
        ].join(': '),
      };
    case 'Complaint':
      return {
        ...base,
        problem: 'complaint',
        addresses: d.complaint.complainedRecipients.map((r) => r.emailAddress),
        ...(d.complaint.complaintFeedbackType ? { detail: d.complaint.complaintFeedbackType } : {}),
      };
    case 'DeliveryDelay':
      return {
        ...base,
        problem: 'delay',
        addresses: d.deliveryDelay.delayedRecipients.map((r) => r.emailAddress),
        detail: [d.deliveryDelay.delayType ?? 'Delay', ...details(d.deliveryDelay.delayedRecipients)].join(': '),
      };
    case 'Reject':
      return { ...base, problem: 'reject', addresses: [], ...(d.reject.reason ? { detail: d.reject.reason } : {}) };
  }
}

/** The handler over a procedure (the local runtime hands in its own). A malformed event throws: retried, then kept. */
export function mailEventHandler(procedure: Pick<Procedure, 'recordMailEvent'>) {
  return async (event: unknown): Promise<MailEventResult> =>
    procedure.recordMailEvent(reportOf(SesMailEvent.parse(event)));
}
