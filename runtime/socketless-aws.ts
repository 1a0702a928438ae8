/**
 * The request handler of the runtime's Step Functions, Scheduler and SES clients (`npm start`,
 * #19): the SDK client stays whole (its serialisers, middleware, signing step, retries,
 * deserialisers and error mapping, as in AWS), and only the last step, the handler that carries the
 * serialised request to the endpoint and the answer back, skips the loopback socket. It hands the
 * request to the same routing the local endpoint's port answers with (aws-endpoint.ts,
 * `answerAwsRequest`), so the answer is the one the port would have given, and gives the SDK an
 * HttpResponse as @smithy/node-http-handler does.
 *
 * Why: each intake's StartExecution went through Node's HTTP client, a socket, Node's HTTP server
 * and back in the same process, about 0.9 ms of CPU an intake, a quarter of the answer's (#19). The
 * simulation skips the SDK altogether (runtime/in-process-aws.ts); `npm start` keeps the SDK's code
 * paths (DESIGN.md), so only the transport goes. The endpoint's port stays for outside tools (the
 * aws CLI) and for the Lambda entries tests run against it. S3 (streamed bodies) and DynamoDB
 * (dynalite, another server) keep their sockets.
 *
 * Judged against the SDK over HTTP: test/socketless-aws.test.ts.
 */
import { AsyncResource } from 'node:async_hooks';
import { channel } from 'node:diagnostics_channel';
import { STATUS_CODES } from 'node:http';
import {
  buildQueryString,
  type HttpHandler,
  type HttpHandlerOptions,
  type HttpRequest,
  HttpResponse,
} from '@smithy/core/protocols';
import { parseUrl } from '@smithy/core/transport';
import {
  type AwsAnswer,
  type AwsEndpointServices,
  answerAwsRequest,
  errorAnswer,
  KEEP_ALIVE_MS,
  MAX_BODY,
  tooLarge,
} from './aws-endpoint.js';
import { LOCAL_SDK_AUTH } from './dynamodb.js';

/**
 * Where each request the handler answers is published ({ method, path, headers }), as Node
 * publishes `http.client.request.start` for a request over a socket: the calls stay observable
 * (test/intake-answer-bytes.test.ts records them in their order).
 */
export const LOCAL_AWS_CHANNEL = 'klachtflow:local-aws.request';
const requests = channel(LOCAL_AWS_CHANNEL);

/**
 * The Date header Node's server puts on every answer, computed once a second as Node does: the
 * SDK reads it to correct its clock skew (the signing step's success handler).
 */
let dateSecond = -1;
let dateText = '';
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** Node's server announces its keep-alive timeout in whole seconds (`Keep-Alive: timeout=5`). */
const KEEP_ALIVE = `timeout=${Math.floor(KEEP_ALIVE_MS / 1000)}`;

/**
 * The headers the SDK reads from the port's answer (node-http-handler hands it Node's parsed
 * headers, names in lower case, in their order): the endpoint's own, then what Node's server adds
 * to an answer written with writeHead and end: Date, `connection: keep-alive` and its timeout (the
 * SDK's agent keeps connections alive, so it never asks to close one), and, since writeHead names
 * no length, `transfer-encoding: chunked`, except where an answer has no body (HEAD, 204, 304)
 * or its length is named (S3's HEAD and GET). Checked with a raw request against Node's server
 * (Node 20); judged in test/socketless-aws.test.ts.
 */
function portHeaders(method: string, answer: AwsAnswer): Record<string, string> {
  const headers: Record<string, string> = {
    ...answer.headers,
    date: httpDate(),
    connection: 'keep-alive',
    'keep-alive': KEEP_ALIVE,
  };
  const bodiless = method === 'HEAD' || answer.status === 204 || answer.status === 304 || answer.status < 200;
  if (!bodiless && answer.headers['content-length'] === undefined && answer.headers['transfer-encoding'] === undefined)
    headers['transfer-encoding'] = 'chunked';
  return headers;
}

/** The request's body as bytes, whatever the serialiser made of it (a string for these protocols). */
async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  // A stream (Readable or any async iterable of chunks), as node-http-handler would pipe it.
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const c of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  }
  throw new TypeError(`A request body of type ${typeof body} cannot be sent`);
}

/** An AbortError as node-http-handler raises it for a signal aborted before the request. */
function abortError(signal: { reason?: unknown }): Error {
  const reason = signal.reason;
  const e = new Error(reason && !(reason instanceof Error) ? String(reason) : 'Request aborted');
  e.name = 'AbortError';
  if (reason instanceof Error) e.cause = reason;
  return e;
}

export class SocketlessAwsHandler implements HttpHandler {
  /** As node-http-handler: the SDK's host header middleware reads it (http/1.1: a `host` header). */
  readonly metadata = { handlerProtocol: 'http/1.1' };

  /**
   * The async context the handler was made in (the runtime's start), in which each request is
   * answered: over the port, the endpoint's work (a ladder's segments, a schedule's timer, SES's
   * events) began in the server's context, not in the caller's. Answered in the caller's, what the
   * local services start would inherit its AsyncLocalStorage: the function the usage meter bills
   * (runtime/usage.ts) and `unmetered` work, whose ladders would go uncounted (the review of
   * session 18). test/socketless-aws.test.ts.
   */
  private readonly context = new AsyncResource('klachtflow:local-aws');

  constructor(private readonly services: AwsEndpointServices) {}

  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    if (options.abortSignal?.aborted) throw abortError(options.abortSignal as { reason?: unknown });
    // The request line node-http-handler would write: the path, its query, no fragment sent.
    const query = request.query ? buildQueryString(request.query) : '';
    const url = query ? `${request.path}?${query}` : request.path;
    // Node's HTTP parser gives the server header names in lower case. Names that differ only in
    // case: the later wins here, as over the port, where the parser's joining or keeping the first
    // never comes into play: node-http-handler hands the headers to http.request, whose setHeader
    // takes names without case, so only the later one is sent.
    const headers: Record<string, string> = {};
    for (const name in request.headers) headers[name.toLowerCase()] = request.headers[name] as string;
    if (requests.hasSubscribers) requests.publish({ method: request.method, path: url, headers });
    const body = await bodyBytes(request.body);
    const answer =
      body.byteLength > MAX_BODY
        ? errorAnswer(headers, tooLarge())
        : await this.context.runInAsyncScope(() =>
            answerAwsRequest(this.services, { method: request.method, url, headers, body }),
          );
    return {
      response: new HttpResponse({
        statusCode: answer.status,
        reason: STATUS_CODES[answer.status],
        headers: portHeaders(request.method, answer),
        // Bytes of its own for every answer: the SDK's body collector takes a Uint8Array as it is
        // (and marks it as its own, @smithy/core collectBody), where a socket's would be streamed.
        body: typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : (answer.body ?? new Uint8Array(0)),
      }),
    };
  }

  updateHttpClientConfig(): void {
    // Nothing to configure: no sockets, no timeouts, no agent.
  }

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {
    // Nothing held: the endpoint's services belong to the runtime.
  }
}

/**
 * The configuration of the runtime's Step Functions, Scheduler and SES clients: the local endpoint's
 * URL, the local credentials and signer, the socketless handler. The URL is given parsed (by the
 * SDK's own parseUrl, once): given as a string, the SDK's endpoint middleware parses it again on
 * every call (toEndpointV1 in the custom endpoint provider, about 1 % of a call's CPU in
 * bench/aws-transport.ts); the parsed form is what that parse returns, so the request is the same
 * (test/socketless-aws.test.ts compares the requests both forms make).
 */
export function localAwsClientConfig(endpoint: string, services: AwsEndpointServices, region = 'eu-west-1') {
  return {
    region,
    endpoint: parseUrl(endpoint),
    ...LOCAL_SDK_AUTH,
    requestHandler: new SocketlessAwsHandler(services),
  };
}
