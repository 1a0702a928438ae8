/**
 * Alarms that reach the organisation: one encrypted SNS topic with e-mail subscriptions, and
 * alarms on what must never pass unnoticed: a ladder that failed or timed out, a breached
 * deadline, an error in any handler, a reminder that could not be delivered, a letter that bounced
 * or was marked as spam (recorded in its dossier by the mail-events function, see Mailer).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC_NAMES, METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/observability.js';
import { serviceGrantsOnlyKey } from './keys.js';

/** The custom metric a breached deadline is counted in (emitted by the deadline handler). */
export const DEADLINE_BREACHED_METRIC = {
  namespace: METRICS_NAMESPACE,
  metricName: METRIC_NAMES.deadlineBreached,
} as const;

/** The custom metric a letter the mail service refused for good is counted in (set aside, not sent). */
export const LETTER_FAILED_METRIC = { namespace: METRICS_NAMESPACE, metricName: METRIC_NAMES.letterFailed } as const;

/** The custom metric the intake recovery counts the ladders it had to start in (lambdas/recover-intake.ts). */
export const INTAKE_RECOVERED_METRIC = {
  namespace: METRICS_NAMESPACE,
  metricName: METRIC_NAMES.intakeRecovered,
} as const;

/** The custom metric the recovery counts the schedules it had to make again in (lambdas/recover-intake.ts). */
export const SCHEDULES_RECOVERED_METRIC = {
  namespace: METRICS_NAMESPACE,
  metricName: METRIC_NAMES.schedulesRecovered,
} as const;

/** The custom metric a letter that bounced, was rejected or marked as spam is counted in (lambdas/mail-events.ts). */
export const LETTER_BOUNCED_METRIC = {
  namespace: METRICS_NAMESPACE,
  metricName: METRIC_NAMES.letterBounced,
} as const;

export interface AlarmsProps {
  /**
   * Who receives alarm mails (each confirms the subscription once).
   * @default nobody: subscribe to the topic yourself
   */
  readonly emails?: readonly string[];
  /** The regulation, as the dimension of the custom metrics. */
  readonly regulationId: string;
}

export class Alarms extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const key = serviceGrantsOnlyKey(this, 'Key', {
      description: 'klachtflow: encrypts alarm notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarms publish to the encrypted topic. (SES reports bounces to the dossiers through
    // EventBridge, not here: the alarm mailbox gets the LetterBounced alarm, never the addresses.)
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { displayName: 'klachtflow alarms', masterKey: key, enforceSSL: true });
    for (const email of props.emails ?? []) this.topic.addSubscription(new EmailSubscription(email));
    this.action = new SnsAction(this.topic);

    this.alarm(
      'DeadlineBreached',
      new Metric({
        ...DEADLINE_BREACHED_METRIC,
        // Exactly the dimensions Powertools emits (lambdas/observability.ts): it adds `service`
        // itself, and a metric with other dimensions is another metric, so the alarm never fired.
        dimensionsMap: { service: SERVICE_NAME, regulation: props.regulationId },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      'A statutory or regulation deadline passed without the step being done.',
    );
    this.alarm(
      'LetterFailed',
      new Metric({
        ...LETTER_FAILED_METRIC,
        dimensionsMap: { service: SERVICE_NAME, regulation: props.regulationId },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      'A letter was refused by the mail service and set aside: deliver it another way (see the dossier).',
    );
    this.alarm(
      'LetterBounced',
      new Metric({
        ...LETTER_BOUNCED_METRIC,
        dimensionsMap: { service: SERVICE_NAME, regulation: props.regulationId },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      'A letter did not arrive (bounced, rejected) or was marked as spam: the dossier says which and to what address.',
    );
    this.alarm(
      'IntakeRecovered',
      new Metric({
        ...INTAKE_RECOVERED_METRIC,
        dimensionsMap: { service: SERVICE_NAME, regulation: props.regulationId },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      "A complaint's ladder had to be started by the recovery: its StartExecution never came (a crash). Its acknowledgement went out late; look at the API function's errors.",
    );
    this.alarm(
      'SchedulesRecovered',
      new Metric({
        ...SCHEDULES_RECOVERED_METRIC,
        dimensionsMap: { service: SERVICE_NAME, regulation: props.regulationId },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      "A reminder, the end of a term or a closed dossier's erasure at the end of its retention had to be scheduled again by the recovery: its CreateSchedule never came (a crash after the commit). It runs now; look at the functions' errors.",
    );
  }

  /** Alarm when the metric reaches 1 in a 5-minute period. */
  alarm(id: string, metric: IMetric, description: string): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `klachtflow: ${description}`,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }

  /** A failed or timed-out execution: a dossier's ladder stopped. */
  watchLadder(stateMachine: IStateMachine): void {
    const period = { period: Duration.minutes(5) };
    this.alarm('LadderFailed', stateMachine.metricFailed(period), 'An escalation ladder execution failed.');
    this.alarm('LadderTimedOut', stateMachine.metricTimedOut(period), 'An escalation ladder execution timed out.');
  }

  /**
   * Answers of 500 and up from the HTTP API. The app turns a failure into a 503 for the visitor
   * (Hono's onError), so the function reports no error and its Errors alarm stays silent; the
   * gateway's 5xx count sees it.
   */
  watchApi(api: IHttpApi): void {
    this.alarm(
      'Api5xx',
      api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      'The API answered with a server error (5xx): someone could not file or follow a complaint.',
    );
  }

  /** Errors of a handler. */
  watchFunction(id: string, fn: IFunction): void {
    this.alarm(`${id}Errors`, fn.metricErrors({ period: Duration.minutes(5) }), `Errors in the ${id} handler.`);
  }

  /** Messages in a dead-letter queue. */
  watchDeadLetters(id: string, queue: IQueue, description = 'A reminder could not be delivered.'): void {
    this.alarm(
      id,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      description,
    );
  }
}
