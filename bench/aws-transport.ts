/**
 * `npx tsx bench/aws-transport.ts [calls] [blocks]`: CPU per SDK call from the runtime's Step
 * Functions and SES clients to the local endpoint, over a loopback socket (node-http-handler, the
 * endpoint's node:http server) against the socketless handler (runtime/socketless-aws.ts, #19),
 * alternated block by block in one process; the process's CPU (user + system) covers both the
 * client and the endpoint, as in the runtime. The calls are an intake's StartExecution (the same
 * name and input again: AWS's idempotent start, so the service does next to nothing and what is
 * measured is the SDK and the transport) and a letter's SendEmail (the same letter key: delivered
 * once). One caller at a time and 16 at once. Prints the medians and the load average beside them.
 * A third side, socketless with the endpoint given as a string, shows what parsing the URL once
 * (runtime/socketless-aws.ts localAwsClientConfig) saves.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createAwsEndpoint } from '../runtime/aws-endpoint.js';
import { RuntimeClock } from '../runtime/clock.js';
import { LOCAL_SDK_AUTH, withoutSdkLogLine, withoutUserAgent } from '../runtime/dynamodb.js';
import { LocalMailbox } from '../runtime/mailbox.js';
import { LocalScheduler } from '../runtime/scheduler.js';
import { localAwsClientConfig, SocketlessAwsHandler } from '../runtime/socketless-aws.js';
import { LocalStepFunctions } from '../runtime/stepfunctions.js';

const calls = Number(process.argv[2]) || 2000;
const blocks = Number(process.argv[3]) || 5;
const dir = mkdtempSync(join(tmpdir(), 'kf-aws-transport-'));
const clock = new RuntimeClock('manual', 1, new Date('2026-09-03T07:00:00Z'));
const FN = 'arn:aws:lambda:eu-west-1:000000000000:function:t';
const stepFunctions = new LocalStepFunctions({ dir: join(dir, 'executions'), clock, records: 'memory' });
const machine = stepFunctions.register(
  'klachtflow-ons-welzijn',
  {
    Comment: 'an intake ladder waiting at its first task',
    StartAt: 'ask',
    States: {
      ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: FN, Payload: { 'token.$': '$$.Task.Token' } },
        End: true,
      },
    },
  },
  { [FN]: async () => null },
);
const scheduler = new LocalScheduler(join(dir, 'schedules'), clock, {}, false, 'memory');
const mailbox = new LocalMailbox(join(dir, 'mailbox.jsonl'), clock, { buffered: true });
const services = { stepFunctions, scheduler, mailbox };
const server = createAwsEndpoint(services);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/**
 * The runtime's clients (runtime/runtime.ts): over a socket as before, socketless with the URL as a
 * string, and socketless as the runtime makes them (localAwsClientConfig: the URL parsed once).
 */
function clients(how: 'socket' | 'socketless, URL as a string' | 'socketless') {
  const config =
    how === 'socketless'
      ? localAwsClientConfig(endpoint, services)
      : {
          region: 'eu-west-1',
          endpoint,
          ...LOCAL_SDK_AUTH,
          ...(how === 'socket' ? {} : { requestHandler: new SocketlessAwsHandler(services) }),
        };
  return {
    sfn: withoutUserAgent(withoutSdkLogLine(new SFNClient({ ...config, cacheMiddleware: true }))),
    ses: new SESClient(config),
  };
}
const sides = {
  socket: clients('socket'),
  'socketless, URL as a string': clients('socketless, URL as a string'),
  socketless: clients('socketless'),
};
// An intake's StartExecution: its name is the dossier id, its input the ladder's start.
const start = new StartExecutionCommand({
  stateMachineArn: machine,
  name: '01kbq2x6k3d1m0v3h3y2f8r6tw',
  input: JSON.stringify({
    dossierId: '01kbq2x6k3d1m0v3h3y2f8r6tw',
    regulationId: 'ons-welzijn',
    startRung: 'officer',
    resumeAt: null,
    result: null,
    cursor: null,
  }),
});
const letter = new SendEmailCommand({
  Source: 'klachten@example.nl',
  Destination: { ToAddresses: ['sanne@example.nl'] },
  Message: {
    Subject: { Data: 'Uw klacht is ontvangen (KL-2026-0001)', Charset: 'UTF-8' },
    Body: {
      Text: { Data: 'Beste Sanne,\n\nWij hebben uw klacht ontvangen.\n'.repeat(20), Charset: 'UTF-8' },
      Html: { Data: '<p>Beste Sanne,</p><p>Wij hebben uw klacht ontvangen.</p>'.repeat(20), Charset: 'UTF-8' },
    },
  },
  ConfigurationSetName: 'klachtflow',
  Tags: [{ Name: 'klachtflow-letter', Value: 'bench-letter' }],
});

type Side = (typeof sides)['socket'];
const ops: Record<string, (c: Side) => Promise<unknown>> = {
  StartExecution: (c) => c.sfn.send(start),
  SendEmail: (c) => c.ses.send(letter),
};

/** Microseconds of this process's CPU per call, `n` calls by `concurrency` callers. */
async function block(side: Side, op: (c: Side) => Promise<unknown>, n: number, concurrency: number) {
  let next = 0;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) await op(side);
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round = (x: number) => Math.round(x);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on start; ${calls} calls a block`,
);
for (const [name, op] of Object.entries(ops)) {
  for (const concurrency of [1, 16]) {
    // Warm both sides first (the SDK's lazy config, the agent's sockets, the JIT).
    for (const side of Object.values(sides)) await block(side, op, 200, concurrency);
    const us: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
    for (let b = 0; b < blocks; b++)
      for (const [how, side] of b % 2 ? Object.entries(sides).reverse() : Object.entries(sides))
        us[how]?.push(await block(side, op, calls, concurrency));
    const figures = Object.entries(us).map(
      ([how, xs]) => `${how} ${round(median(xs))} µs (${xs.map(round).join(', ')})`,
    );
    console.log(
      `${name} by ${concurrency}, CPU a call: ${figures.join('; ')}  (load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
    );
  }
}
server.close();
for (const side of Object.values(sides)) {
  side.sfn.destroy();
  side.ses.destroy();
}
rmSync(dir, { recursive: true, force: true });
