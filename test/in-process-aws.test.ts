// biome-ignore-all lint/suspicious/noExplicitAny: answers are compared as the SDK returns them
/**
 * The simulation's in-process Step Functions, Scheduler and SES clients (runtime/in-process-aws.ts,
 * #19) held to the SDK clients on the local HTTP endpoint, as `npm start` runs them: the same
 * commands to both, each on its own local services, give the same answers (outputs without
 * transport metadata and generated ids; errors by name), and the same mail in the mailbox.
 */
import { rmSync } from 'node:fs';
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
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { SchedulerReminders, SesMailer, StepFunctionsWorkflow } from '../lambdas/adapters/aws.js';
import { createAwsEndpoint } from '../runtime/aws-endpoint.js';
import { inProcessScheduler, inProcessSes, inProcessStepFunctions } from '../runtime/in-process-aws.js';
import { localAwsServices, TASK_FN } from './support/local-aws.js';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const dirs: string[] = [];
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Local services of their own, reached over HTTP through the SDK or in this process. */
async function services(how: 'http' | 'in-process') {
  const { dir, stepFunctions, machine, tokens, scheduler, mailbox, events, publishMailEvent } = localAwsServices(
    'kf-inproc-',
    1,
  );
  dirs.push(dir);
  if (how === 'in-process')
    return {
      sfn: inProcessStepFunctions(stepFunctions) as unknown as SFNClient,
      scheduler: inProcessScheduler(scheduler) as unknown as SchedulerClient,
      ses: inProcessSes({ mailbox, publishMailEvent }) as unknown as SESClient,
      stepFunctions,
      machine,
      tokens,
      mailbox,
      events,
    };
  const server = createAwsEndpoint({ stepFunctions, scheduler, mailbox, publishMailEvent });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  stops.push(() => new Promise<void>((r) => server.close(() => r())));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = { region: 'eu-west-1', endpoint, credentials: CREDENTIALS };
  return {
    sfn: new SFNClient(config),
    scheduler: new SchedulerClient(config),
    ses: new SESClient(config),
    stepFunctions,
    machine,
    tokens,
    mailbox,
    events,
  };
}

type Services = Awaited<ReturnType<typeof services>>;

/** An answer as a caller sees it: the output without metadata and request ids, or the error's name. */
async function answer(send: () => Promise<any>): Promise<unknown> {
  try {
    const { $metadata: _m, ...out } = await send();
    return { ok: out };
  } catch (e) {
    return { error: (e as Error).name };
  }
}

describe('in-process AWS clients: the same answers as the SDK on the local endpoint', () => {
  it('Step Functions, Scheduler and SES: outputs, errors and mail alike', async () => {
    // Prepare
    const http = await services('http');
    const local = await services('in-process');
    const steps: ((s: Services) => Promise<any>)[] = [
      (s) => s.sfn.send(new StartExecutionCommand({ stateMachineArn: s.machine, name: 'a', input: '{"x":1}' })),
      // The same name and input: the same execution; another input: refused.
      (s) => s.sfn.send(new StartExecutionCommand({ stateMachineArn: s.machine, name: 'a', input: '{"x":1}' })),
      (s) => s.sfn.send(new StartExecutionCommand({ stateMachineArn: s.machine, name: 'a', input: '{"x":2}' })),
      (s) => s.sfn.send(new StartExecutionCommand({ stateMachineArn: `${s.machine}-nope`, name: 'b' })),
      async (s) => {
        await s.stepFunctions.idle();
        return s.sfn.send(new SendTaskSuccessCommand({ taskToken: s.tokens[0] as string, output: '{"ok":true}' }));
      },
      (s) => s.sfn.send(new SendTaskSuccessCommand({ taskToken: s.tokens[0] as string, output: '{"ok":true}' })),
      (s) => s.sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })),
      async (s) => {
        await s.stepFunctions.idle();
        const arn = `${s.machine.replace(':stateMachine:', ':execution:')}:a`;
        const d = await s.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        return { status: d.status, input: d.input, startDate: d.startDate, stopDate: d.stopDate };
      },
      (s) => s.sfn.send(new StopExecutionCommand({ executionArn: `${s.machine}:nope` })),
      (s) =>
        s.scheduler.send(
          new CreateScheduleCommand({
            Name: 'kf-1',
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
            Name: 'kf-1',
            GroupName: 'klachtflow',
            ScheduleExpression: 'at(2026-10-01T09:00:00)',
            FlexibleTimeWindow: { Mode: 'OFF' },
            Target: { Arn: TASK_FN, RoleArn: 'arn:aws:iam::000000000000:role/r' },
          }),
        ),
      (s) => s.scheduler.send(new GetScheduleCommand({ Name: 'kf-1', GroupName: 'klachtflow' })),
      (s) => s.scheduler.send(new DeleteScheduleCommand({ Name: 'kf-1', GroupName: 'klachtflow' })),
      (s) => s.scheduler.send(new DeleteScheduleCommand({ Name: 'kf-1', GroupName: 'klachtflow' })),
    ];
    const mail = (key: string, to: string[]) =>
      new SendEmailCommand({
        Source: 'klachten@example.nl',
        Destination: { ToAddresses: to, CcAddresses: ['cc@example.nl'] },
        Message: {
          Subject: { Data: 'Uw klacht – ontvangen ✓', Charset: 'UTF-8' },
          Body: {
            Text: { Data: 'Tekst\r\nmet 😀 & <b>', Charset: 'UTF-8' },
            Html: { Data: '<p>é</p>', Charset: 'UTF-8' },
          },
        },
        ConfigurationSetName: 'klachtflow',
        Tags: [
          { Name: 'klachtflow-letter', Value: key },
          { Name: 'klachtflow-dossier', Value: 'd1' },
        ],
      });
    // Act / Assess: each answer alike.
    for (const step of steps) expect(await answer(() => step(local))).toEqual(await answer(() => step(http)));
    // A letter sent twice (the same key) is delivered once, with the same message id.
    const ids: Record<string, string[]> = {};
    for (const [name, s] of [
      ['http', http],
      ['local', local],
    ] as const) {
      ids[name] = [];
      for (const [key, to] of [
        ['k1', ['a@example.nl', 'b@example.nl']],
        ['k1', ['a@example.nl', 'b@example.nl']],
        ['k2', ['bounce@simulator.amazonses.com']],
      ] as const)
        ids[name].push((await s.ses.send(mail(key, [...to]))).MessageId as string);
    }
    expect(ids.local?.[0]).toBe(ids.local?.[1]);
    expect(ids.http?.[0]).toBe(ids.http?.[1]);
    const strip = (s: Services) => s.mailbox.all().map(({ messageId: _i, sentAt: _s, ...m }) => m);
    expect(strip(local)).toEqual(strip(http));
    expect(strip(local)).toHaveLength(2);
    expect(local.events).toEqual(http.events);
    expect(local.events).toEqual(['Bounce']);
    // Through the adapters the handlers use: a conflict and a missing schedule are no errors.
    for (const s of [http, local]) {
      const reminders = new SchedulerReminders(s.scheduler, { arn: TASK_FN, roleArn: 'r', groupName: 'klachtflow' });
      await reminders.schedule('kf-2', new Date('2026-10-02T07:00:00Z'), { dossierId: 'd1' } as never);
      await reminders.schedule('kf-2', new Date('2026-10-02T07:00:00Z'), { dossierId: 'd1' } as never);
      await reminders.cancel('kf-2');
      await reminders.cancel('kf-2');
      const workflow = new StepFunctionsWorkflow(s.sfn, s.machine);
      await workflow.stop(`${s.machine}:nope`, 'weg');
      expect(
        await new SesMailer(s.ses).send({
          from: 'a@example.nl',
          to: ['b@example.nl'],
          subject: 's',
          text: 't',
          html: 'h',
        } as never),
      ).toHaveProperty('messageId');
    }
  });
});
