/**
 * Lambda wiring for complaints by e-mail, apart from aws-deps.ts so that only the functions that
 * deal with mail carry it. The MIME parser is handed in by the one function that reads mail as it
 * arrives (SES receiving, inbound-mail-handler.ts); the API's postvak routes decide on mail read
 * then, and go without it (#19: the parser and its code pages were half the API bundle).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { S3AttachmentStore } from './adapters/attachments.js';
import { SesMailer } from './adapters/aws.js';
import { awsDeps } from './aws-deps.js';
import { InboundMail, type MailParser } from './domain/inbound-mail.js';

let inboundCached: { inbound: InboundMail; attachments: S3AttachmentStore } | undefined;

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`Environment variable ${name} is not set`);
  return v;
}

/**
 * Complaints by e-mail (SES receiving): the attachment store on the inbound-mail bucket and the
 * domain code both the receiving handler and the API's postvak routes use. Undefined when the
 * organisation has not turned e-mail intake on (no INBOUND_BUCKET).
 */
export function awsInbound(parse?: MailParser): { inbound: InboundMail; attachments: S3AttachmentStore } {
  if (inboundCached) return inboundCached;
  const { regulation, store, procedure } = awsDeps();
  const attachments = new S3AttachmentStore(new S3Client({}), env('INBOUND_BUCKET'));
  const publicUrl = env('PUBLIC_URL').replace(/\/$/, '');
  const inbound = new InboundMail({
    ...(parse ? { parse } : {}),
    regulation,
    procedure,
    store,
    attachments,
    mailer: new SesMailer(new SESClient({}), process.env.SES_CONFIGURATION_SET),
    clock: { now: () => new Date() },
    statusUrl: (id, token) => `${publicUrl}/klacht/${id}/${token}`,
    postvakUrl: `${publicUrl}/medewerkers/postvak`,
  });
  inboundCached = { inbound, attachments };
  return inboundCached;
}
