/**
 * Lambda: SES receiving. The receipt rule stores each message in the inbound-mail bucket (S3
 * action, first) and then invokes this function (Lambda action, asynchronously). The Lambda
 * action carries the headers but not the body (AWS.md), so the raw message is read from S3 by its
 * messageId and handed to the same domain code the local SMTP server calls.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { awsInbound } from './aws-deps.js';

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

let s3: S3Client | undefined;

export const handler = async (event: SesReceivingEvent): Promise<void> => {
  const bucket = process.env.INBOUND_BUCKET;
  const prefix = process.env.INBOUND_PREFIX ?? 'inbound/';
  if (!bucket) throw new Error('Environment variable INBOUND_BUCKET is not set');
  s3 ??= new S3Client({});
  const { inbound } = awsInbound();
  for (const record of event.Records) {
    const { mail, receipt } = record.ses;
    const key = `${prefix}${mail.messageId}`;
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const raw = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
    // A failure throws: Lambda retries the asynchronous invocation, then the dead-letter queue
    // keeps the event (the message itself stays in the bucket either way).
    await inbound.receive(raw, {
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
  }
};
