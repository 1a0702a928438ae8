/**
 * The local SMTP server: a real one (smtp-server), on 127.0.0.1 only, that receives mail for the
 * regulation's complaints addresses, so `swaks` or any mail client can send a complaint. Each
 * message goes the way SES receiving sends it in AWS: stored in the bucket, then the inbound-mail
 * function (lambdas/inbound-mail-handler.ts) reads it back and runs lambdas/domain/inbound-mail.ts.
 *
 * No authentication and no STARTTLS: it listens on the loopback interface only, like the rest of
 * the local runtime. A message is answered with 250 only after its raw bytes are stored; when
 * storing fails the answer is a 451 (try again later), so the sending server keeps it.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { ulid } from 'ulid';
import { toSecond } from '../lambdas/domain/calendar/instant.js';
import { type InboundMail, REFUSE_ABOVE_BYTES } from '../lambdas/domain/inbound-mail.js';
import type { Clock } from '../lambdas/domain/ports.js';

export interface LocalSmtp {
  host: string;
  port: number;
  /** The addresses RCPT TO accepts. */
  addresses: string[];
  close(): Promise<void>;
}

class SmtpError extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

/** Starts the server; port 0 takes any free port (tests), the bound one is in the result. */
export async function startSmtp(opts: {
  port: number;
  addresses: string[];
  /** Where a message goes: in the runtime, the SES receiving path (store, then the inbound-mail function). */
  inbound: Pick<InboundMail, 'receive'>;
  clock: Clock;
  log?: (line: string) => void;
}): Promise<LocalSmtp> {
  const accepted = new Set(opts.addresses.map((a) => a.toLowerCase()));
  const server = new SMTPServer({
    name: 'klachtflow.local',
    banner: 'klachtflow lokaal: klachten per e-mail',
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    size: REFUSE_ABOVE_BYTES,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (accepted.has(address.address.toLowerCase())) return callback();
      // 550: a permanent refusal, so the sender hears at once that this address takes no complaints.
      callback(
        new SmtpError(`Dit adres ontvangt geen klachten. Stuur uw klacht naar ${[...accepted].join(' of ')}.`, 550),
      );
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      // Kept only up to the limit: past it the rest is read and dropped (the client is still
      // sending), so a message of a gigabyte never sits in memory (issue 14: 1 GB grew the
      // process to 1.17 GB before the 552).
      let chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= REFUSE_ABOVE_BYTES) chunks.push(c);
        else chunks = [];
      });
      stream.on('end', () => {
        if (stream.sizeExceeded || size > REFUSE_ABOVE_BYTES) {
          callback(
            new SmtpError(
              `Dit bericht is groter dan ${REFUSE_ABOVE_BYTES / 1024 / 1024} MB en is niet aangenomen.`,
              552,
            ),
          );
          return;
        }
        const raw = Buffer.concat(chunks);
        const mailFrom = session.envelope.mailFrom;
        opts.inbound
          .receive(raw, {
            receiptId: `smtp-${ulid(opts.clock.now().getTime()).toLowerCase()}`,
            receivedAt: toSecond(opts.clock.now().getTime()),
            recipients: session.envelope.rcptTo.map((r) => r.address),
            envelopeFrom: mailFrom ? mailFrom.address : '',
          })
          .then(
            (outcome) =>
              callback(
                null,
                outcome.kind === 'held'
                  ? 'Ontvangen; een medewerker bekijkt dit bericht'
                  : `Ontvangen, kenmerk ${outcome.reference}`,
              ),
            (e: Error) => {
              // Not a word about the message itself in the log: it may be full of personal data.
              console.error('klachtflow smtp: bericht niet verwerkt:', e.name);
              callback(new SmtpError('Tijdelijk niet verwerkt; probeer het later opnieuw.', 451));
            },
          );
      });
    },
  });
  server.on('error', (e) => opts.log?.(`smtp: ${(e as Error).message}`));
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.server.once('error', onError);
    server.listen(opts.port, '127.0.0.1', () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    addresses: [...accepted],
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
