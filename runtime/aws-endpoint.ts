/**
 * The local AWS endpoint: the wire protocols the ordinary SDK clients speak, on 127.0.0.1, so
 * handlers run the same code paths as in AWS. Step Functions (AWS JSON 1.0, `x-amz-target`),
 * EventBridge Scheduler (REST JSON under /schedules), SES v1 (query protocol, SendEmail) and S3
 * objects of one bucket (REST, path style).
 *
 * Why our own SES endpoint and not aws-ses-v2-local: measured here (2.10.2), its v1 SendEmail keeps
 * only the first address of To, Cc and Bcc, and it keeps mail in memory only, so a restart empties
 * the mailbox; letters to several officers and a mailbox that survives a restart need both.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { toSecond } from '../lambdas/domain/calendar/instant.js';
import type { AttachmentStore } from '../lambdas/domain/ports.js';
import type { LocalMailbox } from './mailbox.js';
import type { LocalScheduler } from './scheduler.js';
import { AwsError, type LocalStepFunctions } from './stepfunctions.js';

/**
 * SES takes messages up to 10 MB (AWS.md); as a form (SendEmail's query protocol) such a message
 * can be three times that. Larger requests are read to their end and answered with an error: a
 * connection cut mid-request makes the SDK retry until it times out, and the letter would stay
 * queued for ever instead of being set aside.
 */
export const MAX_BODY = 40 * 1024 * 1024;
const SES_MAX_MESSAGE = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => (size > MAX_BODY ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** A request over MAX_BODY, however it came (over HTTP or through runtime/socketless-aws.ts). */
export const tooLarge = () => new AwsError('ValidationException', 'Request too large', 413);

/**
 * A request to the local endpoint without its transport: what both the node:http server below and
 * the SDK clients' socketless handler (runtime/socketless-aws.ts) hand to `answerAwsRequest`.
 * Header names in lower case, as Node's HTTP parser gives them.
 */
export interface AwsRequest {
  method: string;
  /** The path with its query string, as in an HTTP request line. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** The local endpoint's answer without its transport: the status, the headers it writes, the body. */
export interface AwsAnswer {
  status: number;
  headers: Record<string, string>;
  /** Absent: no body (S3's PUT, DELETE and HEAD). */
  body?: string | Uint8Array;
}

function json(
  status: number,
  body: unknown,
  contentType = 'application/x-amz-json-1.0',
  headers: Record<string, string> = {},
): AwsAnswer {
  return { status, headers: { 'content-type': contentType, ...headers }, body: JSON.stringify(toWire(body)) };
}

/** AWS JSON protocols send timestamps as epoch seconds (Date.toJSON would give ISO strings). */
function toWire(v: unknown): unknown {
  if (v instanceof Date) return v.getTime() / 1000;
  if (Array.isArray(v)) return v.map(toWire);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x)]));
  return v;
}

function xml(status: number, body: string): AwsAnswer {
  return { status, headers: { 'content-type': 'text/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
}

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

export interface AwsEndpointServices {
  stepFunctions: LocalStepFunctions;
  scheduler: LocalScheduler;
  mailbox: LocalMailbox;
  /**
   * S3 for one bucket (the inbound-mail bucket in AWS): raw messages under `inbound/`, attachments
   * under `attachments/`, kept in a folder. Only what the functions call: PutObject, GetObject,
   * HeadObject, DeleteObject.
   */
  s3?: { bucket: string; store: AttachmentStore };
  /**
   * Where SES's reports go (a configuration set's event destination: EventBridge in AWS): a
   * bounce, complaint or delay for a letter sent through a configuration set to one of SES's
   * mailbox simulator addresses (see `simulatedOutcome`).
   */
  publishMailEvent?: (event: Record<string, unknown>) => void;
}

/** The account and region the local endpoint speaks for (the runtime's). */
const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'eu-west-1';

/**
 * What SES's mailbox simulator does with a message to one of its addresses (SES developer guide,
 * "Using the mailbox simulator"; a `+label` is allowed): `bounce@` bounces (hard), `complaint@` is
 * delivered and marked as spam, `suppressionlist@` bounces as an address on the suppression list.
 * Every other address is delivered (to the local mailbox).
 */
export function simulatedOutcome(address: string): 'bounce' | 'complaint' | 'suppressed' | undefined {
  const m = /^(bounce|complaint|suppressionlist)(\+[^@]*)?@simulator\.amazonses\.com$/i.exec(address.trim());
  const kind = m?.[1]?.toLowerCase();
  return kind === 'suppressionlist' ? 'suppressed' : (kind as 'bounce' | 'complaint' | undefined);
}

/**
 * The events SES would publish for a message, shaped as EventBridge delivers them (source
 * `aws.ses`, the SES event record as `detail`): one per kind of outcome among its recipients.
 */
export function simulatedMailEvents(m: {
  messageId: string;
  from: string;
  to: string[];
  configurationSet: string;
  tags: Record<string, string>;
  sentAt: string;
}): Record<string, unknown>[] {
  const at = new Date(Date.parse(m.sentAt) + 1000).toISOString();
  const mail = {
    timestamp: m.sentAt,
    source: m.from,
    sourceArn: `arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:identity/${m.from}`,
    sendingAccountId: LOCAL_ACCOUNT,
    messageId: m.messageId,
    destination: m.to,
    headersTruncated: false,
    tags: {
      'ses:configuration-set': [m.configurationSet],
      'ses:from-domain': [m.from.split('@')[1] ?? ''],
      ...Object.fromEntries(Object.entries(m.tags).map(([k, v]) => [k, [v]])),
    },
  };
  const envelope = (detailType: string, detail: Record<string, unknown>) => ({
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: 'aws.ses',
    account: LOCAL_ACCOUNT,
    time: toSecond(Date.parse(at)),
    region: LOCAL_REGION,
    resources: [`arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:configuration-set/${m.configurationSet}`],
    detail: { ...detail, mail },
  });
  const of = (kind: ReturnType<typeof simulatedOutcome>) => m.to.filter((a) => simulatedOutcome(a) === kind);
  const events: Record<string, unknown>[] = [];
  const bounced = [...of('bounce'), ...of('suppressed')];
  if (bounced.length)
    events.push(
      envelope('Email Bounced', {
        eventType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: of('bounce').length ? 'General' : 'OnAccountSuppressionList',
          bouncedRecipients: bounced.map((emailAddress) =>
            simulatedOutcome(emailAddress) === 'bounce'
              ? { emailAddress, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }
              : {
                  emailAddress,
                  action: 'failed',
                  status: '5.1.1',
                  diagnosticCode:
                    'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
                },
          ),
          timestamp: at,
          feedbackId: randomUUID(),
          reportingMTA: 'dsn; local.klachtflow',
        },
      }),
    );
  if (of('complaint').length)
    events.push(
      envelope('Email Complaint Received', {
        eventType: 'Complaint',
        complaint: {
          complainedRecipients: of('complaint').map((emailAddress) => ({ emailAddress })),
          timestamp: at,
          feedbackId: randomUUID(),
          complaintFeedbackType: 'abuse',
        },
      }),
    );
  return events;
}

/** One S3 object request (REST, path style), answered as S3 answers it. */
async function handleS3(store: AttachmentStore, req: AwsRequest, rawKey: string): Promise<AwsAnswer> {
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    return s3Error(400, 'InvalidURI', "Couldn't parse the specified URI.");
  }
  try {
    if (req.method === 'PUT') {
      await store.put(key, new Uint8Array(req.body), { contentType: String(req.headers['content-type'] ?? '') });
      return { status: 200, headers: { etag: `"${createHash('md5').update(req.body).digest('hex')}"` } };
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const data = await store.get(key);
      if (!data) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', req.method === 'HEAD');
      const headers = { 'content-type': 'application/octet-stream', 'content-length': String(data.byteLength) };
      return req.method === 'HEAD' ? { status: 200, headers } : { status: 200, headers, body: Buffer.from(data) };
    }
    if (req.method === 'DELETE') {
      // S3 answers a delete of a missing key with success too.
      await store.delete(key);
      return { status: 204, headers: {} };
    }
  } catch (e) {
    // A key that is not one of ours (FileAttachmentStore refuses it): S3 would store it; we refuse.
    return s3Error(400, 'InvalidArgument', (e as Error).message);
  }
  return s3Error(405, 'MethodNotAllowed', `${req.method} is not supported locally`);
}

function s3Error(status: number, code: string, message: string, headOnly = false): AwsAnswer {
  const headers = { 'content-type': 'application/xml' };
  return headOnly
    ? { status, headers }
    : {
        status,
        headers,
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>`,
      };
}

/** A SendEmail as the local SES answers it, whichever way it came (HTTP or in-process). */
export interface LocalEmail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
  tags: { Name: string; Value: string }[];
  configurationSet?: string;
}

/**
 * SES SendEmail: into the mailbox (a letter's key, its `klachtflow-letter` tag, delivers it once)
 * and, through a configuration set, the events SES would publish. Returns the message id.
 */
export function sendEmail(s: Pick<AwsEndpointServices, 'mailbox' | 'publishMailEvent'>, m: LocalEmail): string {
  const key = m.tags.find((t) => t.Name === 'klachtflow-letter')?.Value;
  // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4): a letter shorter
  // than a third of the limit in units is not counted in bytes (its html scanned per letter, #19).
  const units = m.subject.length + m.text.length + m.html.length;
  if (units * 3 > SES_MAX_MESSAGE) {
    const size = Buffer.byteLength(m.subject) + Buffer.byteLength(m.text) + Buffer.byteLength(m.html);
    if (size > SES_MAX_MESSAGE)
      throw new AwsError('MessageRejected', `Message length is more than ${SES_MAX_MESSAGE} bytes long`, 400);
  }
  const earlier = key ? s.mailbox.messageIdOf(key) : undefined;
  const messageId = earlier ?? randomUUID();
  const delivered = s.mailbox.deliver({
    ...(key ? { key } : {}),
    messageId,
    from: m.from,
    to: m.to,
    cc: m.cc,
    subject: m.subject,
    text: m.text,
    html: m.html,
  });
  // SES publishes events only for mail sent through a configuration set with a destination, and
  // here only for its mailbox simulator's addresses among the recipients (simulatedMailEvents): the
  // ordinary letter is not worked through it (#19).
  if (!earlier && m.configurationSet && s.publishMailEvent && m.to.some((a) => simulatedOutcome(a) !== undefined)) {
    const sentAt = delivered.sentAt ?? new Date().toISOString();
    for (const event of simulatedMailEvents({
      messageId,
      from: m.from,
      to: m.to,
      configurationSet: m.configurationSet,
      tags: Object.fromEntries(m.tags.map((t) => [t.Name, t.Value])),
      sentAt,
    }))
      s.publishMailEvent(event);
  }
  return messageId;
}

/** One Step Functions operation (the target's name without `AWSStepFunctions.`), HTTP or in-process. */
export async function stepFunctionsCall(
  sfn: LocalStepFunctions,
  op: string,
  input: Record<string, unknown>,
): Promise<unknown> {
  const i = input as never;
  const result =
    op === 'StartExecution'
      ? await sfn.startExecution(i)
      : op === 'SendTaskSuccess'
        ? await sfn.sendTaskSuccess(i)
        : op === 'SendTaskFailure'
          ? await sfn.sendTaskFailure(i)
          : op === 'SendTaskHeartbeat'
            ? await sfn.sendTaskHeartbeat(i)
            : op === 'StopExecution'
              ? await sfn.stopExecution(i)
              : op === 'DescribeExecution'
                ? await sfn.describeExecution(i)
                : undefined;
  if (result === undefined && !['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat'].includes(op)) {
    throw new AwsError('UnknownOperationException', `Operation ${op} is not supported locally`);
  }
  return result ?? {};
}

/**
 * How long the endpoint's port keeps an idle connection (Node's default, named: the socketless
 * handler, runtime/socketless-aws.ts, announces the same `keep-alive: timeout=5` Node's server sends).
 */
export const KEEP_ALIVE_MS = 5000;

export function createAwsEndpoint(services: AwsEndpointServices): Server {
  const server = createServer((req, res) => {
    void serve(services, req, res);
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return server;
}

/** The endpoint's port (outside tools such as the aws CLI): Node's HTTP around `answerAwsRequest`. */
async function serve(s: AwsEndpointServices, req: IncomingMessage, res: ServerResponse) {
  const head = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
  const answer = await readBody(req).then(
    (body) => answerAwsRequest(s, { ...head, body }),
    (e: unknown) => errorAnswer(head.headers, e),
  );
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

const header = (headers: AwsRequest['headers'], name: string) => String(headers[name] ?? '');

/**
 * One request to the local endpoint, answered as the services it speaks for answer it, whichever
 * way it came: over the endpoint's port (`serve`) or from an SDK client in this process without a
 * socket (runtime/socketless-aws.ts). Never rejects: every failure is an error answer in the
 * protocol the request spoke.
 */
export async function answerAwsRequest(s: AwsEndpointServices, req: AwsRequest): Promise<AwsAnswer> {
  const target = header(req.headers, 'x-amz-target');
  try {
    const url = new URL(req.url, 'http://127.0.0.1');
    // S3 (path style, `/<bucket>/<key>`): the bytes as they came.
    const object = s.s3 ? /^\/([^/]+)\/(.+)$/.exec(url.pathname) : null;
    if (s.s3 && object?.[1] === s.s3.bucket && object[2]) return await handleS3(s.s3.store, req, object[2]);
    const body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength).toString('utf8');
    if (target.startsWith('AWSStepFunctions.')) {
      const input = body ? JSON.parse(body) : {};
      const op = target.slice('AWSStepFunctions.'.length);
      const result = await stepFunctionsCall(s.stepFunctions, op, input);
      return json(200, result ?? {});
    }
    const schedule = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    if (schedule?.[1]) {
      const name = decodeURIComponent(schedule[1]);
      const group = url.searchParams.get('groupName') ?? 'default';
      if (req.method === 'POST')
        return json(200, await s.scheduler.create(name, body ? JSON.parse(body) : {}), 'application/json');
      if (req.method === 'DELETE') {
        s.scheduler.delete(name, group);
        return json(200, {}, 'application/json');
      }
      if (req.method === 'GET') {
        const r = s.scheduler.get(name, group);
        return json(
          200,
          { Name: r.name, GroupName: r.groupName, ScheduleExpression: r.expression, Target: r.target },
          'application/json',
        );
      }
    }
    if (req.method === 'POST' && header(req.headers, 'content-type').startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(body);
      if (form.get('Action') === 'SendEmail') {
        const list = (prefix: string) => [...form.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
        const tags = [...form.entries()]
          .filter(([k]) => /^Tags\.member\.\d+\.Name$/.test(k))
          .flatMap(([k, name]) => {
            const v = form.get(k.replace(/Name$/, 'Value'));
            return v ? [{ Name: name, Value: v }] : [];
          });
        const configurationSet = form.get('ConfigurationSetName');
        const messageId = sendEmail(s, {
          from: form.get('Source') ?? '',
          to: list('Destination.ToAddresses.member.'),
          cc: list('Destination.CcAddresses.member.'),
          subject: form.get('Message.Subject.Data') ?? '',
          text: form.get('Message.Body.Text.Data') ?? '',
          html: form.get('Message.Body.Html.Data') ?? '',
          tags,
          ...(configurationSet ? { configurationSet } : {}),
        });
        return xml(
          200,
          `<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendEmailResult><MessageId>${escapeXml(messageId)}</MessageId></SendEmailResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></SendEmailResponse>`,
        );
      }
      throw new AwsError('InvalidAction', `Action ${form.get('Action')} is not supported locally`);
    }
    throw new AwsError('UnknownOperationException', `No local service for ${req.method} ${url.pathname}`, 404);
  } catch (e) {
    return errorAnswer(req.headers, e);
  }
}

/** A failure as the protocol of the request reports it: the query protocol's XML, else AWS JSON. */
export function errorAnswer(headers: AwsRequest['headers'], e: unknown): AwsAnswer {
  const err =
    e instanceof AwsError
      ? e
      : new AwsError(
          e instanceof SyntaxError ? 'SerializationException' : 'InternalFailure',
          // A thrown value that is no Error (null, a string): read as one, `answerAwsRequest` would
          // reject, and the port's request would hang (an unhandled rejection) where the SDK
          // without a socket got a transport error (test/socketless-aws.test.ts).
          e instanceof Error ? e.message : String(e),
          e instanceof SyntaxError ? 400 : 500,
        );
  if (header(headers, 'content-type').startsWith('application/x-www-form-urlencoded')) {
    return xml(
      err.status,
      `<ErrorResponse><Error><Type>Sender</Type><Code>${escapeXml(err.name)}</Code><Message>${escapeXml(err.message)}</Message></Error></ErrorResponse>`,
    );
  }
  return json(
    err.status,
    { __type: err.name, message: err.message },
    header(headers, 'x-amz-target') ? 'application/x-amz-json-1.0' : 'application/json',
    { 'x-amzn-errortype': err.name },
  );
}
