/**
 * Alarms that reach the organisation: one encrypted SNS topic with e-mail subscriptions, and
 * alarms on what must never pass unnoticed: a ladder that failed or timed out, a breached
 * deadline, an error in any handler, a reminder that could not be delivered. SES reports
 * bounces and complaints to the same topic (see Mailer).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** The custom metric a breached deadline is counted in (emitted by the deadline handler). */
export const DEADLINE_BREACHED_METRIC = { namespace: 'klachtflow', metricName: 'DeadlineBreached' } as const;

/** The custom metric a letter the mail service refused for good is counted in (set aside, not sent). */
export const LETTER_FAILED_METRIC = { namespace: 'klachtflow', metricName: 'LetterFailed' } as const;

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
    const key = new Key(this, 'Key', {
      description: 'klachtflow: encrypts alarm and bounce notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarms and SES publish to the encrypted topic.
    for (const service of ['cloudwatch.amazonaws.com', 'ses.amazonaws.com'])
      key.grant(new ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { displayName: 'klachtflow alarms', masterKey: key, enforceSSL: true });
    for (const email of props.emails ?? []) this.topic.addSubscription(new EmailSubscription(email));
    this.action = new SnsAction(this.topic);

    this.alarm(
      'DeadlineBreached',
      new Metric({
        ...DEADLINE_BREACHED_METRIC,
        dimensionsMap: { regulation: props.regulationId },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      'A statutory or regulation deadline passed without the step being done.',
    );
    this.alarm(
      'LetterFailed',
      new Metric({
        ...LETTER_FAILED_METRIC,
        dimensionsMap: { regulation: props.regulationId },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      'A letter was refused by the mail service and set aside: deliver it another way (see the dossier).',
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

  /** Errors of a handler. */
  watchFunction(id: string, fn: IFunction): void {
    this.alarm(`${id}Errors`, fn.metricErrors({ period: Duration.minutes(5) }), `Errors in the ${id} handler.`);
  }

  /** Messages in a dead-letter queue. */
  watchDeadLetters(id: string, queue: IQueue): void {
    this.alarm(
      id,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      'A reminder could not be delivered.',
    );
  }
}
