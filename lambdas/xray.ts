/**
 * X-Ray subsegments without the X-Ray SDK (#19: aws-xray-sdk-core with semver and cls-hooked was
 * 104 KiB of every 331 KiB task bundle). Lambda's active tracing (lib/handlers.ts, Tracing.ACTIVE)
 * records each invocation's segment itself, and the AWS SDK v3 passes the trace header on to the
 * services it calls. What the SDK added is what this adds, in the way it does it: independent
 * subsegment documents sent over UDP to the X-Ray daemon Lambda runs beside the function
 * (AWS_XRAY_DAEMON_ADDRESS), each naming the trace and its parent from `_X_AMZN_TRACE_ID`
 * ("Root=1-…;Parent=…;Sampled=1"): one `## handler` subsegment per invocation, annotated with
 * ColdStart, Service and the dossier id, and under it one subsegment per AWS call (namespace `aws`,
 * the operation, the region, the request id, the HTTP status; never a request or response body).
 * Nothing is sent when the trace is not sampled, outside Lambda, or without a daemon address.
 * The format: X-Ray developer guide, "Sending trace data to AWS X-Ray" (segment documents,
 * subsegments sent separately, the daemon's UDP header `{"format":"json","version":1}`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

interface TraceHeader {
  root: string;
  parent: string;
}

/** The current invocation's trace, when it is sampled. */
export function traceHeader(value = process.env._X_AMZN_TRACE_ID): TraceHeader | undefined {
  if (!value) return undefined;
  const parts = Object.fromEntries(
    value.split(';').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  if (parts.Sampled !== '1' || !parts.Root || !parts.Parent) return undefined;
  return { root: parts.Root, parent: parts.Parent };
}

let socket: Socket | undefined;

function daemon(): { host: string; port: number } | undefined {
  // "host:port", or "tcp:host:port udp:host:port" (segments go over UDP).
  const raw = process.env.AWS_XRAY_DAEMON_ADDRESS;
  if (!raw) return undefined;
  const udp = raw.split(/\s+/).find((x) => x.startsWith('udp:')) ?? raw.split(/\s+/)[0] ?? '';
  const m = /^(?:udp:|tcp:)?([^:]+):(\d+)$/.exec(udp);
  return m ? { host: m[1] as string, port: Number(m[2]) } : undefined;
}

/** Sends one document to the daemon; tracing never fails or slows the work it traces. */
function send(doc: Record<string, unknown>): void {
  const to = daemon();
  if (!to) return;
  try {
    socket ??= createSocket('udp4').unref();
    socket.send(`{"format":"json","version":1}\n${JSON.stringify(doc)}`, to.port, to.host, () => {});
  } catch {}
}

const newId = () => randomBytes(8).toString('hex');
const seconds = (ms: number) => ms / 1000;

/** The `## handler` subsegment of this invocation, to which the AWS calls belong. */
const current = new AsyncLocalStorage<{ trace: TraceHeader; id: string }>();
let coldStart = true;

/**
 * Runs one invocation inside a `## name` subsegment; its AWS calls (see `traceAwsClient`) become
 * its children. Errors are marked (`fault`, the error's name in `cause`), never their data.
 */
export async function traced<R>(name: string, annotations: Record<string, string>, fn: () => Promise<R>): Promise<R> {
  const trace = traceHeader();
  const cold = coldStart;
  coldStart = false;
  if (!trace) return fn();
  const id = newId();
  const started = Date.now();
  let error: Error | undefined;
  try {
    return await current.run({ trace, id }, fn);
  } catch (e) {
    error = e as Error;
    throw e;
  } finally {
    send({
      name: `## ${name}`,
      id,
      trace_id: trace.root,
      parent_id: trace.parent,
      type: 'subsegment',
      start_time: seconds(started),
      end_time: seconds(Date.now()),
      annotations: { ColdStart: cold, Service: process.env.POWERTOOLS_SERVICE_NAME ?? 'klachtflow', ...annotations },
      ...(error ? { fault: true, cause: { exceptions: [{ id: newId(), type: error.name }] } } : {}),
    });
  }
}

// biome-ignore lint/suspicious/noExplicitAny: any AWS SDK v3 client: its middleware stack and config
type MiddlewareClient = { middlewareStack: { add: (mw: any, opts: any) => void }; config: any };

/** Adds a subsegment per call to an AWS SDK v3 client (what the X-Ray SDK's captureAWSv3Client did). */
export function traceAwsClient<C extends MiddlewareClient>(client: C): C {
  const service = String(client.config.serviceId ?? 'AWS');
  client.middlewareStack.add(
    // biome-ignore lint/suspicious/noExplicitAny: SDK middleware sees every command's own arguments
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: unknown) => {
      const parent = current.getStore();
      if (!parent) return next(args);
      const started = Date.now();
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      let status: number | undefined;
      let requestId: string | undefined;
      let error: Error | undefined;
      try {
        const out = await next(args);
        status = out?.response?.statusCode;
        const headers = out?.response?.headers ?? {};
        requestId = out?.output?.$metadata?.requestId ?? headers['x-amzn-requestid'] ?? headers['x-amz-request-id'];
        return out;
      } catch (e) {
        error = e as Error;
        const meta = (e as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
        status = meta?.httpStatusCode;
        requestId = meta?.requestId;
        throw e;
      } finally {
        const region = typeof client.config.region === 'function' ? await client.config.region() : client.config.region;
        send({
          name: service,
          id: newId(),
          trace_id: parent.trace.root,
          parent_id: parent.id,
          type: 'subsegment',
          namespace: 'aws',
          start_time: seconds(started),
          end_time: seconds(Date.now()),
          aws: { operation, ...(region ? { region } : {}), ...(requestId ? { request_id: requestId } : {}) },
          ...(status ? { http: { response: { status } } } : {}),
          // 4xx is the caller's error (a refused condition), 5xx or none the service's fault.
          // (The deserializer turns a 4xx or 5xx into an exception after this middleware saw it.)
          ...(error || (status && status >= 400)
            ? status && status >= 400 && status < 500
              ? { error: true }
              : { fault: true }
            : {}),
        });
      }
    },
    { step: 'deserialize', name: 'klachtflowXRay' },
  );
  return client;
}
