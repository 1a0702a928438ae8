/**
 * Lambda: SES receiving. The receipt rule stores each message in the inbound-mail bucket (S3
 * action, first) and then invokes this function (Lambda action, asynchronously). The Lambda
 * action carries the headers but not the body (AWS.md), so the raw message is read from S3 by its
 * messageId and handed to the same domain code the local SMTP server calls.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { awsInbound } from './aws-inbound.js';
import type { InboundMail, InboundOutcome } from './domain/inbound-mail.js';
import { parseMail } from './domain/mime.js';
import { observed } from './observability.js';

/** The part of the SES receiving event this handler reads. */
export interface SesReceivingEvent {
  Records: {
    ses: {
      mail: { messageId: string; timestamp: string; source: string };
      receipt: {
        timestamp: string;
        recipients: string[];
        spamVerdict?: { status: string };
        virusVerdict?: { status: string };
        spfVerdict?: { status: string };
        dkimVerdict?: { status: string };
        dmarcVerdict?: { status: string };
        action?: { type: string };
      };
    };
  }[];
}

/** What the handler needs: S3 to read the stored message, and the inbound-mail domain code. */
export interface InboundHandlerDeps {
  s3: Pick<S3Client, 'send'>;
  inbound: Pick<InboundMail, 'receive'>;
  bucket: string;
  prefix: string;
}

/** The handler over its dependencies (tests hand in a local InboundMail and a fake S3). */
export function inboundMailHandler(deps: () => InboundHandlerDeps) {
  return async (event: SesReceivingEvent): Promise<InboundOutcome[]> => {
    const { s3, inbound, bucket, prefix } = deps();
    const outcomes: InboundOutcome[] = [];
    for (const record of event.Records) {
      const { mail, receipt } = record.ses;
      const key = `${prefix}${mail.messageId}`;
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const raw = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
      // A failure throws: Lambda retries the asynchronous invocation, then the dead-letter queue
      // keeps the event (the message itself stays in the bucket either way).
      const outcome = await inbound.receive(raw, {
        receiptId: mail.messageId,
        // When SES received it: the complaint's terms count from here.
        receivedAt: receipt.timestamp || mail.timestamp,
        recipients: receipt.recipients,
        envelopeFrom: mail.source,
        verdicts: {
          ...(receipt.spamVerdict ? { spam: receipt.spamVerdict.status } : {}),
          ...(receipt.virusVerdict ? { virus: receipt.virusVerdict.status } : {}),
          ...(receipt.spfVerdict ? { spf: receipt.spfVerdict.status } : {}),
          ...(receipt.dkimVerdict ? { dkim: receipt.dkimVerdict.status } : {}),
          ...(receipt.dmarcVerdict ? { dmarc: receipt.dmarcVerdict.status } : {}),
        },
        rawKey: key,
      });
      outcomes.push(outcome);
    }
    // What became of each message (SES ignores it; the local SMTP server answers with it).
    return outcomes;
  };
}

let deps: InboundHandlerDeps | undefined;

// Logged and traced like every other function; the mail itself never reaches the log.
export const handler = observed(
  'inbound-mail',
  inboundMailHandler(() => {
    if (deps) return deps;
    const bucket = process.env.INBOUND_BUCKET;
    if (!bucket) throw new Error('Environment variable INBOUND_BUCKET is not set');
    deps = {
      s3: new S3Client({}),
      inbound: awsInbound(parseMail).inbound,
      bucket,
      prefix: process.env.INBOUND_PREFIX ?? 'inbound/',
    };
    return deps;
  }),
);
