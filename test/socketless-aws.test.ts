// biome-ignore-all lint/suspicious/noExplicitAny: answers are compared as the SDK returns them
/**
 * The runtime's Step Functions, Scheduler and SES clients without a loopback socket (#19,
 * runtime/socketless-aws.ts): the SDK client stays whole (serialisers, middleware, retries,
 * deserialisers, error mapping) and only its request handler changes, from Node's HTTP client
 * through the local endpoint's server to a call of the same routing in this process. Held to the
 * SDK on the local HTTP endpoint: the same commands, each side on local services of its own, give
 * the same outputs (with $metadata, minus the request ids), the same errors (name, message, $fault,
 * status, attempts), the same HTTP answers as the SDK's deserialisers see them (status, reason,
 * headers in their order, every attempt; a request over MAX_BODY and an exception in the routing
 * among them) and the same mail. And `npm start`'s runtime sends none of those calls over a
 * socket any more, while the endpoint's port still answers outside tools (the aws CLI).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { rmSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { HttpRequest } from '@smithy/core/protocols';
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsEndpoint, MAX_BODY } from '../runtime/aws-endpoint.js';
import { LOCAL_SDK_AUTH } from '../runtime/dynamodb.js';
import { LOCAL_AWS_CHANNEL, localAwsClientConfig, SocketlessAwsHandler } from '../runtime/socketless-aws.js';
import { localAwsServices, TASK_FN } from './support/local-aws.js';
import { SANNE, testRuntime } from './support/runtime.js';

const dirs: string[] = [];
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Local services of their own, reached through the SDK over HTTP or through the socketless handler. */
async function services(how: 'http' | 'socketless') {
  const { dir, stepFunctions, machine, tokens, scheduler, mailbox, events, publishMailEvent } = localAwsServices(
    'kf-socketless-',
    2,
  );
  dirs.push(dir);
  const endpointServices = { stepFunctions, scheduler, mailbox, publishMailEvent };
  // Both sides name the same kind of endpoint (the runtime keeps its server for outside tools).
  const server = createAwsEndpoint(endpointServices);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  stops.push(
    () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  );
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = {
    region: 'eu-west-1',
    endpoint,
    ...LOCAL_SDK_AUTH,
    // Over the port, an answer that never comes (a rejection in the endpoint's routing) ends in
    // the SDK's TimeoutError after 5 s of silence, not in a test that hangs.
    requestHandler:
      how === 'socketless'
        ? new SocketlessAwsHandler(endpointServices)
        : { requestTimeout: 5000, throwOnRequestTimeout: true },
  };
  const responses: unknown[] = [];
  const clients = { sfn: new SFNClient(config), scheduler: new SchedulerClient(config), ses: new SESClient(config) };
  for (const client of Object.values(clients)) recordResponses(client, responses);
  return {
    ...clients,
    responses,
    stepFunctions,
    localScheduler: scheduler,
    machine,
    tokens,
    mailbox,
    events,
    endpointServices,
  };
}

type Services = Awaited<ReturnType<typeof services>>;

/**
 * The HTTP answer the SDK's deserialisers are given, attempt by attempt (the $response the
 * outputs are made from): its status, reason and headers in their order; the Date header by
 * its form (its second differs by chance).
 */
function recordResponses(client: { middlewareStack: any }, into: unknown[]) {
  const seen = (r: any) =>
    r && {
      statusCode: r.statusCode,
      reason: r.reason,
      headers: Object.entries(r.headers ?? {}).map(([k, v]) =>
        k === 'date' && /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/.test(String(v))
          ? [k, '<an HTTP date>']
          : [k, v],
      ),
    };
  client.middlewareStack.add(
    (next: any) => async (args: any) => {
      try {
        const out = await next(args);
        into.push(seen(out.response));
        return out;
      } catch (e) {
        into.push(seen((e as any).$response) ?? 'no response');
        throw e;
      }
    },
    { step: 'deserialize', name: 'recordResponse' },
  );
}

/**
 * A step with one of the services failing inside the endpoint's routing (an exception of no
 * AWS kind, as a bug would throw): the port answers 500 InternalFailure in the request's protocol.
 */
function broken<T extends object>(service: T, method: keyof T, thrown: unknown, send: () => Promise<any>) {
  return async () => {
    const was = service[method];
    service[method] = (() => {
      throw thrown;
    }) as never;
    try {
      return await send();
    } finally {
      service[method] = was;
    }
  };
}

/** $metadata without what differs by chance (request ids, which neither side sends today). */
const metadata = (m: any) => {
  const { requestId: _r, extendedRequestId: _e, cfId: _c, ...rest } = m ?? {};
  // The SDK's backoff before a retry is drawn at random (a 500 is retried): whether it waited.
  return { ...rest, totalRetryDelay: rest.totalRetryDelay > 0 };
};

/** An answer as a caller sees it: the whole output, or the error's name, message, fault, fields. */
async function answer(send: () => Promise<any>): Promise<unknown> {
  try {
    const { $metadata, ...out } = await send();
    return { ok: out, $metadata: metadata($metadata) };
  } catch (e) {
    const err = e as any;
    const { $metadata, $response: _r, ...fields } = err;
    return {
      error: err.name,
      message: err.message,
      fault: err.$fault,
      $metadata: metadata($metadata),
      fields: { ...fields },
      isSdkError: typeof err.$fault === 'string',
    };
  }
}

describe('the socketless handler: the SDK on the local endpoint without a socket', () => {
  it('Step Functions, Scheduler and SES: the same outputs, errors and mail as over HTTP', async () => {
    // Prepare
    const http = await services('http');
    const local = await services('socketless');
    const arn = (s: Services, name: string) => `${s.machine.replace(':stateMachine:', ':execution:')}:${name}`;
    const mail = (key: string, to: string[], html = '<p>é</p>') =>
      new SendEmailCommand({
        Source: 'klachten@example.nl',
        Destination: { ToAddresses: to, CcAddresses: ['cc@example.nl'] },
        Message: {
          Subject: { Data: 'Uw klacht – ontvangen ✓', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Tekst\r\nmet 😀 & <b>', Charset: 'UTF-8' }, Html: { Data: html, Charset: 'UTF-8' } },
        },
        ConfigurationSetName: 'klachtflow',
        Tags: [
          { Name: 'klachtflow-letter', Value: key },
          { Name: 'klachtflow-dossier', Value: 'd1' },
        ],
      });
    const steps: ((s: Services) => Promise<any>)[] = [
      (s) => s.sfn.send(new StartExecutionCommand({ stateMachineArn: s.machine, name: 'a', input: '{"x":1}' })),
      // The same name and input: the same execution; another input: ExecutionAlreadyExists.
      (s) => s.sfn.send(new StartExecutionCommand({ stateMachineArn: s.machine, name: 'a', input: '{"x":1}' })),
      (s) => s.sfn.send(new StartExecutionCommand({ stateMachineArn: s.machine, name: 'a', input: '{"x":2}' })),
      (s) => s.sfn.send(new StartExecutionCommand({ stateMachineArn: `${s.machine}-nope`, name: 'b' })),
      // No input at all, and input that is no JSON.
      (s) => s.sfn.send(new StartExecutionCommand({ stateMachineArn: s.machine, name: 'c' })),
      (s) => s.sfn.send(new StartExecutionCommand({ stateMachineArn: s.machine, name: 'd', input: '{nee' })),
      async (s) => {
        await s.stepFunctions.idle();
        return s.sfn.send(new SendTaskHeartbeatCommand({ taskToken: s.tokens[0] as string }));
      },
      (s) => s.sfn.send(new SendTaskSuccessCommand({ taskToken: s.tokens[0] as string, output: '{"ok":true}' })),
      (s) => s.sfn.send(new SendTaskSuccessCommand({ taskToken: s.tokens[0] as string, output: '{"ok":true}' })),
      (s) => s.sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })),
      async (s) => {
        await s.stepFunctions.idle();
        return s.sfn.send(
          new SendTaskFailureCommand({ taskToken: s.tokens[1] as string, error: 'Nee', cause: 'Geweigerd' }),
        );
      },
      async (s) => {
        await s.stepFunctions.idle();
        return s.sfn.send(new DescribeExecutionCommand({ executionArn: arn(s, 'a') }));
      },
      (s) => s.sfn.send(new DescribeExecutionCommand({ executionArn: arn(s, 'nope') })),
      (s) =>
        s.sfn.send(new StopExecutionCommand({ executionArn: arn(s, 'c'), error: 'Gestopt', cause: 'ingetrokken' })),
      (s) => s.sfn.send(new StopExecutionCommand({ executionArn: `${s.machine}:nope` })),
      (s) =>
        s.scheduler.send(
          new CreateScheduleCommand({
            Name: 'kf-1 ë/x',
            GroupName: 'klachtflow',
            ScheduleExpression: 'at(2026-10-01T09:00:00)',
            ScheduleExpressionTimezone: 'Europe/Amsterdam',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: { Arn: TASK_FN, RoleArn: 'arn:aws:iam::000000000000:role/r', Input: '{"a":1}' },
          }),
        ),
      (s) =>
        s.scheduler.send(
          new CreateScheduleCommand({
            Name: 'kf-1 ë/x',
            GroupName: 'klachtflow',
            ScheduleExpression: 'at(2026-10-01T09:00:00)',
            FlexibleTimeWindow: { Mode: 'OFF' },
            Target: { Arn: TASK_FN, RoleArn: 'arn:aws:iam::000000000000:role/r' },
          }),
        ),
      (s) => s.scheduler.send(new GetScheduleCommand({ Name: 'kf-1 ë/x', GroupName: 'klachtflow' })),
      // The group travels in the query string: another group does not hold it.
      (s) => s.scheduler.send(new GetScheduleCommand({ Name: 'kf-1 ë/x', GroupName: 'anders' })),
      (s) => s.scheduler.send(new DeleteScheduleCommand({ Name: 'kf-1 ë/x', GroupName: 'klachtflow' })),
      (s) => s.scheduler.send(new GetScheduleCommand({ Name: 'kf-1 ë/x', GroupName: 'klachtflow' })),
      (s) => s.scheduler.send(new DeleteScheduleCommand({ Name: 'kf-1 ë/x', GroupName: 'klachtflow' })),
      (s) => s.ses.send(mail('k1', ['a@example.nl', 'b@example.nl'])),
      (s) => s.ses.send(mail('k2', ['bounce@simulator.amazonses.com'])),
      // Refused: a message over SES's 10 MB (MessageRejected, in the query protocol's XML error).
      (s) => s.ses.send(mail('k3', ['a@example.nl'], 'x'.repeat(10 * 1024 * 1024 + 1))),
      // Over MAX_BODY: read to its end and refused with 413, in each protocol's error shape.
      (s) =>
        s.sfn.send(new StartExecutionCommand({ stateMachineArn: s.machine, name: 'e', input: 'x'.repeat(MAX_BODY) })),
      (s) => s.ses.send(mail('k4', ['a@example.nl'], 'x'.repeat(MAX_BODY))),
      // An exception inside the routing: 500 InternalFailure (retried by the SDK), in each protocol.
      (s) =>
        broken(s.stepFunctions, 'describeExecution', new TypeError('kapot'), () =>
          s.sfn.send(new DescribeExecutionCommand({ executionArn: arn(s, 'a') })),
        )(),
      (s) =>
        broken(s.localScheduler, 'get', new RangeError('kapot'), () =>
          s.scheduler.send(new GetScheduleCommand({ Name: 'kf-2', GroupName: 'klachtflow' })),
        )(),
      (s) => broken(s.mailbox, 'deliver', new Error('schijf vol'), () => s.ses.send(mail('k5', ['a@example.nl'])))(),
      // Thrown values that are no Error at all.
      (s) =>
        broken(s.stepFunctions, 'describeExecution', 'kapot', () =>
          s.sfn.send(new DescribeExecutionCommand({ executionArn: arn(s, 'a') })),
        )(),
      (s) => broken(s.mailbox, 'deliver', null, () => s.ses.send(mail('k6', ['a@example.nl'])))(),
    ];
    // Act / Assess: each answer alike, step by step.
    const ids = (o: unknown) => JSON.stringify(o).replace(/"MessageId":"[^"]+"/g, '"MessageId":"<id>"');
    const seen: unknown[] = [];
    for (const [i, step] of steps.entries()) {
      http.responses.length = 0;
      local.responses.length = 0;
      const [viaSocket, socketless] = [await answer(() => step(http)), await answer(() => step(local))];
      expect(ids(socketless), `step ${i}`).toEqual(ids(viaSocket));
      // The HTTP answers themselves, as the SDK was given them (every attempt).
      expect(http.responses.length, `step ${i}`).toBeGreaterThan(0);
      expect(local.responses, `step ${i}: status, reason, headers`).toEqual(http.responses);
      seen.push(socketless);
    }
    // The sequence reached what it meant to: outputs, SDK errors of each protocol, a 404.
    const text = JSON.stringify(seen);
    for (const name of [
      'ExecutionAlreadyExists',
      'StateMachineDoesNotExist',
      'InvalidExecutionInput',
      'TaskTimedOut',
      'TaskDoesNotExist',
      'ExecutionDoesNotExist',
      'ConflictException',
      'ResourceNotFoundException',
      'MessageRejected',
      'ValidationException',
      'InternalFailure',
    ])
      expect(text).toContain(`"error":"${name}"`);
    for (const status of [404, 413, 500]) expect(text).toContain(`"httpStatusCode":${status}`);
    expect(text).toContain('"attempts":3');
    const strip = (s: Services) => s.mailbox.all().map(({ messageId: _i, sentAt: _s, ...m }) => m);
    expect(strip(local)).toEqual(strip(http));
    expect(strip(local)).toHaveLength(2);
    expect(local.events).toEqual(http.events);
  });

  it("the runtime's client configuration (its endpoint parsed once) makes the same requests as the URL as a string", async () => {
    // Prepare: what each client hands its request handler, the signing date named.
    const url = 'http://127.0.0.1:4599';
    const wire = async (config: Record<string, unknown>) => {
      const seen: string[] = [];
      const inner = config.requestHandler as SocketlessAwsHandler;
      const requestHandler = Object.assign(Object.create(inner), {
        handle: (request: HttpRequest, options: unknown) => {
          const { method, protocol, hostname, port, path, query, headers } = request;
          // REST JSON (Scheduler) serialises to bytes, the other protocols to a string.
          const body = request.body instanceof Uint8Array ? Buffer.from(request.body).toString() : request.body;
          const date = headers['x-amz-date'] as string;
          seen.push(
            JSON.stringify({ method, protocol, hostname, port, path, query, headers, body })
              .replaceAll(date, '<date>')
              .replaceAll(date.slice(0, 8), '<day>')
              // The SDK's invocation id and Scheduler's idempotency token are random on every call.
              .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>'),
          );
          return inner.handle(request, options as never);
        },
      });
      const c = { ...config, requestHandler };
      const [sfn, scheduler, ses] = [new SFNClient(c), new SchedulerClient(c), new SESClient(c)];
      const machine = 'arn:aws:states:eu-west-1:000000000000:stateMachine:t';
      for (const send of [
        () => sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'a', input: '{"x":1}' })),
        () => sfn.send(new SendTaskSuccessCommand({ taskToken: 'tok', output: '{}' })),
        () =>
          scheduler.send(
            new CreateScheduleCommand({
              Name: 'kf-1 ë/x',
              GroupName: 'klachtflow',
              ScheduleExpression: 'at(2026-10-01T09:00:00)',
              FlexibleTimeWindow: { Mode: 'OFF' },
              Target: { Arn: TASK_FN, RoleArn: 'arn:aws:iam::000000000000:role/r' },
            }),
          ),
        () => scheduler.send(new GetScheduleCommand({ Name: 'kf-1 ë/x', GroupName: 'klachtflow' })),
        () => scheduler.send(new DeleteScheduleCommand({ Name: 'kf-1 ë/x', GroupName: 'klachtflow' })),
        () =>
          ses.send(
            new SendEmailCommand({
              Source: 'klachten@example.nl',
              Destination: { ToAddresses: ['a@example.nl'] },
              Message: { Subject: { Data: 'Onderwerp' }, Body: { Text: { Data: 'Tekst' } } },
            }),
          ),
      ])
        await send().catch(() => undefined);
      return seen;
    };
    const asString = {
      region: 'eu-west-1',
      endpoint: url,
      ...LOCAL_SDK_AUTH,
      requestHandler: new SocketlessAwsHandler((await services('socketless')).endpointServices),
    };
    const runtimes = localAwsClientConfig(url, (await services('socketless')).endpointServices);
    // Act
    const [a, b] = [await wire(asString), await wire(runtimes)];
    // Assess
    expect(b).toHaveLength(6);
    expect(b).toEqual(a);
    expect(b.join('\n')).toContain('"hostname":"127.0.0.1","port":4599,"path":"/schedules/kf-1%20%C3%AB%2Fx"');
  });

  it("answers in the endpoint's own async context, as the port did, not the caller's", async () => {
    // Over the port, what the local services start (a ladder's segments, a schedule's timer, SES's
    // events) began in the server's context. Answered in the caller's, it inherited the caller's
    // AsyncLocalStorage: the function the usage meter bills, and `unmetered` work whose ladders
    // would go uncounted (the review of session 18).
    const caller = new AsyncLocalStorage<string>();
    const seen: Record<string, (string | undefined)[]> = { http: [], socketless: [] };
    for (const how of ['http', 'socketless'] as const) {
      const { dir, stepFunctions, scheduler, mailbox } = localAwsServices('kf-socketless-', 2, async () => {
        seen[how]?.push(caller.getStore());
        return null;
      });
      dirs.push(dir);
      const endpointServices = { stepFunctions, scheduler, mailbox, publishMailEvent: () => undefined };
      const server = createAwsEndpoint(endpointServices);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      stops.push(() => new Promise<void>((r) => server.close(() => r())));
      const sfn = new SFNClient({
        region: 'eu-west-1',
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        ...LOCAL_SDK_AUTH,
        ...(how === 'socketless' ? { requestHandler: new SocketlessAwsHandler(endpointServices) } : {}),
      });
      await caller.run('the caller', () =>
        sfn.send(
          new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn('t'), name: 'x', input: '{}' }),
        ),
      );
      await stepFunctions.idle();
    }
    expect(seen.http, 'over the port').toEqual([undefined]);
    expect(seen.socketless, 'without a socket').toEqual(seen.http);
  });

  it('npm start sends no Step Functions call over a socket; the endpoint still answers on its port', async () => {
    // Prepare
    const rt = await testRuntime('ons-welzijn');
    const aws = new URL(rt.endpoints.aws).host;
    const overSockets: string[] = [];
    const socketless: string[] = [];
    const onSocket = (m: unknown) => {
      const req = (m as { request: ClientRequest }).request;
      if (String(req.getHeader('host')) === aws) overSockets.push(String(req.getHeader('x-amz-target') ?? req.path));
    };
    const onSocketless = (m: unknown) => socketless.push(String((m as { headers: any }).headers['x-amz-target']));
    subscribe('http.client.request.start', onSocket);
    subscribe(LOCAL_AWS_CHANNEL, onSocketless);
    try {
      // Act
      const r = await rt.call('POST', '/complaints', { body: SANNE });
      expect(r.status).toBe(201);
      await rt.advance('PT0S');
      await rt.stepFunctions.idle();
      // An outside tool still reaches the same services on the endpoint's port.
      const outside = new SFNClient({ region: 'eu-west-1', endpoint: rt.endpoints.aws, ...LOCAL_SDK_AUTH });
      const d = await outside.send(
        new DescribeExecutionCommand({
          executionArn: `${rt.endpoints.stateMachineArn.replace(':stateMachine:', ':execution:')}:${r.json.id}`,
        }),
      );
      // Assess
      expect(d.status).toBe('RUNNING');
      expect(overSockets).toEqual(['AWSStepFunctions.DescribeExecution']);
      expect(socketless).toContain('AWSStepFunctions.StartExecution');
    } finally {
      unsubscribe('http.client.request.start', onSocket);
      unsubscribe(LOCAL_AWS_CHANNEL, onSocketless);
      await rt.stop();
    }
  });
});
