/**
 * Adapters for the ports, on the AWS SDK v3. Each takes its client injected (the local runtime
 * and tests hand in clients pointed at 127.0.0.1), creating one only when none is passed.
 */
import { createHash } from 'node:crypto';
import { CreateScheduleCommand, DeleteScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { type SESClient, SendEmailCommand, type SendEmailCommandOutput } from '@aws-sdk/client-ses';
import {
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { LetterRejectedError } from '../domain/errors.js';
import type { LadderInput, Mail, Mailer, ReminderPayload, Reminders, Workflow } from '../domain/ports.js';
import { isWellFormed } from '../domain/text.js';

/** What SES accepts as a message tag's value (SES v1 API reference, MessageTag). */
const SES_TAG_VALUE = /^[A-Za-z0-9_-]{1,256}$/;

/** Letters through SES (v1 SendEmail: SES builds the MIME message). */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient,
    private readonly configurationSet?: string,
  ) {}

  async send(mail: Mail): Promise<{ messageId: string }> {
    // The SDK's query serialiser throws URIError on a lone surrogate and leaves its shared buffer
    // half written, so the next mail would carry this one's recipients: never hand it such text.
    if (![mail.from, ...mail.to, mail.subject, mail.text, mail.html].every(isWellFormed))
      throw new LetterRejectedError('text-not-well-formed');
    const tags = [
      ...(mail.key && SES_TAG_VALUE.test(mail.key) ? [{ Name: 'klachtflow-letter', Value: mail.key }] : []),
      ...(mail.dossierId && SES_TAG_VALUE.test(mail.dossierId)
        ? [{ Name: 'klachtflow-dossier', Value: mail.dossierId }]
        : []),
    ];
    let r: SendEmailCommandOutput;
    try {
      r = await this.client.send(
        new SendEmailCommand({
          Source: mail.from,
          Destination: { ToAddresses: mail.to },
          Message: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
          },
          ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
          // SES itself does not deduplicate; the tags name the letter and its dossier in bounce and
          // complaint events (procedure/mail-events.ts), and let the local endpoint drop a resend.
          ...(tags.length ? { Tags: tags } : {}),
        }),
      );
    } catch (e) {
      // SES answers these the same however often it is asked (a rejected or invalid message).
      if (PERMANENT_SES_ERRORS.has(errorName(e))) throw new LetterRejectedError(errorName(e), { cause: e });
      throw e;
    }
    return { messageId: r.MessageId ?? '' };
  }
}

/** What Scheduler accepts as a schedule name (and a ClientToken): 1 to 64 of these. */
const SCHEDULE_NAME = /^[0-9A-Za-z_.-]{1,64}$/;

/**
 * A schedule name Scheduler accepts for any name the domain gives (`kf-<dossier>-<step>-<n>`: a
 * regulation's step id can make it longer than Scheduler's 64 characters). Short valid names stay
 * as they are; others keep a readable start and end in a hash of the whole, so the same name
 * always maps to the same schedule (cancel finds what schedule made) and two names never meet.
 */
export function scheduleName(name: string): string {
  if (SCHEDULE_NAME.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${name.replace(/[^0-9A-Za-z_.-]/g, '-').slice(0, 47)}-${hash}`;
}

/** SES errors that a retry cannot change (SES v1 API reference, SendEmail errors). */
const PERMANENT_SES_ERRORS = new Set([
  'MessageRejected',
  'InvalidParameterValue',
  'MailFromDomainNotVerifiedException',
]);

function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? '';
}

/**
 * Amsterdam's wall-clock time as `2026-09-01 09:00:00` (Swedish dates are ISO-shaped). Made once:
 * a formatter is costly to make (one per schedule was 2 % of a simulated year's CPU, #19).
 */
const AMSTERDAM_LOCAL = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/**
 * The local time in Europe/Amsterdam of an instant, as Scheduler's at() takes it: without zone,
 * the zone given beside it (ScheduleExpressionTimezone); precision is one minute.
 */
export function atLocal(at: Date): string {
  // The same few instants come back (a reminder at 09:00 of a working day, the end of a day, for
  // many dossiers): the latest answers are kept by instant, as Intl's formatting was 0.6 % of a
  // simulated year's CPU (#19). Bounded: emptied when full.
  const ms = at.getTime();
  const known = AT_LOCAL.get(ms);
  if (known !== undefined) return known;
  const local = AMSTERDAM_LOCAL.format(at).replace(' ', 'T');
  if (AT_LOCAL.size >= AT_LOCAL_KEPT) AT_LOCAL.clear();
  AT_LOCAL.set(ms, local);
  return local;
}
const AT_LOCAL = new Map<number, string>();
const AT_LOCAL_KEPT = 256;

/**
 * Reminders as one-time EventBridge Scheduler schedules that invoke the reminder handler. The
 * schedule deletes itself after it fired (ActionAfterCompletion: an SDK field, absent from
 * CloudFormation, which is why schedules are made here and not in the stack).
 */
export class SchedulerReminders implements Reminders {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: { arn: string; roleArn: string; groupName: string; deadLetterArn?: string },
  ) {}

  async schedule(name: string, at: Date, payload: ReminderPayload): Promise<boolean> {
    const local = atLocal(at);
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: scheduleName(name),
          GroupName: this.target.groupName,
          ScheduleExpression: `at(${local})`,
          ScheduleExpressionTimezone: 'Europe/Amsterdam',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          ClientToken: scheduleName(name),
          Target: {
            Arn: this.target.arn,
            RoleArn: this.target.roleArn,
            Input: JSON.stringify(payload),
            // A reminder that cannot be delivered is retried for an hour, then kept for a person.
            RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
            ...(this.target.deadLetterArn ? { DeadLetterConfig: { Arn: this.target.deadLetterArn } } : {}),
          },
        }),
      );
      return true;
    } catch (e) {
      if (errorName(e) !== 'ConflictException') throw e;
      return false; // already scheduled: a retry
    }
  }

  async cancel(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: scheduleName(name), GroupName: this.target.groupName }));
    } catch (e) {
      if (errorName(e) !== 'ResourceNotFoundException') throw e; // fired and deleted, or never made
    }
  }
}

/** The ladder's executions on Step Functions. */
export class StepFunctionsWorkflow implements Workflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: LadderInput, name: string): Promise<string> {
    const r = await this.client.send(
      new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return r.executionArn ?? '';
  }

  async succeed(token: string, output: unknown): Promise<void> {
    await this.client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
  }

  async stop(executionArn: string, cause: string): Promise<void> {
    try {
      await this.client.send(new StopExecutionCommand({ executionArn, cause }));
    } catch (e) {
      if (errorName(e) !== 'ExecutionDoesNotExist') throw e;
    }
  }
}
