// biome-ignore-all lint/suspicious/noExplicitAny: middleware sees each command's raw input and output
/**
 * The in-process clients' middleware (runtime/in-process-aws.ts; the usage meter and the record of
 * AWS calls are added to them) composed once per command instead of at every send (#19, session 17).
 * The judge is the SDK's own middleware stack on an SDK client of the local HTTP endpoint: the same
 * middleware added at the initialize step, some of it between sends, sees the same calls in the same
 * nesting (command, input, answer or error name), and a middleware added later applies to every send
 * from then on, to commands already sent before too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsEndpoint } from '../runtime/aws-endpoint.js';
import { RuntimeClock } from '../runtime/clock.js';
import { inProcessScheduler, inProcessSes } from '../runtime/in-process-aws.js';
import { LocalMailbox } from '../runtime/mailbox.js';
import { LocalScheduler } from '../runtime/scheduler.js';
import { LocalStepFunctions } from '../runtime/stepfunctions.js';

const FN = 'arn:aws:lambda:eu-west-1:000000000000:function:t';
const dirs: string[] = [];
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function clients(how: 'http' | 'in-process') {
  const dir = mkdtempSync(join(tmpdir(), 'kf-inproc-mw-'));
  dirs.push(dir);
  const clock = new RuntimeClock('manual', 1, new Date('2026-09-03T07:00:00Z'));
  const scheduler = new LocalScheduler(join(dir, 'schedules'), clock, {}, false, 'memory');
  const mailbox = new LocalMailbox(join(dir, 'mailbox.jsonl'), clock, { letters: 'counted' });
  if (how === 'in-process')
    return {
      scheduler: inProcessScheduler(scheduler) as unknown as SchedulerClient,
      ses: inProcessSes({ mailbox }) as unknown as SESClient,
    };
  const stepFunctions = new LocalStepFunctions({ dir: join(dir, 'executions'), clock, records: 'memory' });
  const server = createAwsEndpoint({ stepFunctions, scheduler, mailbox });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  stops.push(() => new Promise<void>((r) => server.close(() => r())));
  const config = {
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  return { scheduler: new SchedulerClient(config), ses: new SESClient(config) };
}

/** A middleware that writes what it sees to `log` under its name. */
const watcher =
  (log: string[], name: string) => (next: (args: any) => Promise<any>, context: any) => async (args: any) => {
    log.push(`${name} > ${context.commandName} ${JSON.stringify(args.input)}`);
    try {
      const r = await next(args);
      log.push(
        `${name} < ${context.commandName} ${r.output?.ScheduleArn ?? r.output?.Name ?? (r.output?.MessageId ? 'id' : '-')}`,
      );
      return r;
    } catch (e) {
      log.push(`${name} ! ${context.commandName} ${(e as Error).name}`);
      throw e;
    }
  };

async function run(how: 'http' | 'in-process'): Promise<string[]> {
  const c = await clients(how);
  const log: string[] = [];
  const create = (name: string) =>
    new CreateScheduleCommand({
      Name: name,
      GroupName: 'klachtflow',
      ScheduleExpression: 'at(2026-10-01T09:00:00)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: FN, RoleArn: 'arn:aws:iam::000000000000:role/r' },
    });
  const mail = () =>
    new SendEmailCommand({
      Source: 'klachten@example.nl',
      Destination: { ToAddresses: ['a@example.nl'] },
      Message: { Subject: { Data: 'Onderwerp' }, Body: { Text: { Data: 'Tekst' } } },
    });
  const send = async (client: { send: (c: any) => Promise<any> }, command: unknown) => {
    try {
      await client.send(command);
    } catch {}
  };
  c.scheduler.middlewareStack.add(watcher(log, 'a') as any, { step: 'initialize', name: 'a' });
  await send(c.scheduler, create('s1'));
  await send(c.scheduler, create('s1'));
  await send(c.ses, mail());
  // Added after sends: applies to the next ones, of commands sent before too, outside the first.
  c.scheduler.middlewareStack.add(watcher(log, 'b') as any, { step: 'initialize', name: 'b' });
  c.ses.middlewareStack.add(watcher(log, 'm') as any, { step: 'initialize', name: 'm' });
  await send(c.scheduler, create('s2'));
  await send(c.scheduler, new GetScheduleCommand({ Name: 's1', GroupName: 'klachtflow' }));
  await send(c.scheduler, new DeleteScheduleCommand({ Name: 's1', GroupName: 'klachtflow' }));
  await send(c.scheduler, new DeleteScheduleCommand({ Name: 's1', GroupName: 'klachtflow' }));
  await send(c.ses, mail());
  c.scheduler.middlewareStack.add(watcher(log, 'c') as any, { step: 'initialize', name: 'c' });
  await send(c.scheduler, new GetScheduleCommand({ Name: 's2', GroupName: 'klachtflow' }));
  await send(c.scheduler, create('s2'));
  return log;
}

describe('in-process AWS clients: middleware as the SDK runs it', () => {
  it('sees the calls the SDK middleware sees, also when added between sends', async () => {
    const http = await run('http');
    const local = await run('in-process');
    expect(local).toEqual(http);
    // Not empty: every middleware saw its calls.
    expect(local.filter((l) => l.startsWith('c >'))).toHaveLength(2);
  });
});
