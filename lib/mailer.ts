/**
 * The mailer: the SES identity letters are sent from, and a configuration set that suppresses
 * addresses that bounce or complain and reports each bounce, complaint, rejection and delay to
 * the mail-events function, which records it in the letter's dossier (lambdas/mail-events.ts).
 *
 * Why EventBridge and not an SNS topic: SES publishes to the account's default event bus without a
 * topic, a topic policy or a KMS key policy for SES (an encrypted topic needs all three, and a
 * customer-managed key costs $1 a month); the rule filters on this configuration set (other senders
 * in the account share the bus), and its target has retries and a dead-letter queue of its own.
 * cdk-nag, cfn-lint and cfn-guard (Control Tower) have no finding on it; an SNS topic would need
 * SNS2/SNS3 (encryption, TLS) and a subscription with its own dead-letter queue.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MailerProps {
  /** The address letters come from. */
  readonly sender: string;
  /**
   * Verify this whole domain (Easy DKIM) instead of the single sender address.
   * @default the sender address is verified by a confirmation mail
   */
  readonly senderDomain?: string;
  /**
   * The subdomain of `senderDomain` bounces are sent to (custom MAIL FROM, for DMARC alignment).
   * @default 'mail'
   */
  readonly mailFromSubdomain?: string;
}

export class Mailer extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly identity: EmailIdentity;
  /** The identity's name as SES knows it: the domain or the address. */
  readonly identityName: string;
  /** The custom MAIL FROM domain (`mail.<sender domain>`), with a verified domain only. */
  readonly mailFromDomain?: string;

  constructor(scope: Construct, id: string, props: MailerProps) {
    super(scope, id);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.identityName = props.senderDomain ?? props.sender;
    // A verified domain signs with Easy DKIM and bounces to a MAIL FROM subdomain of its own, so
    // both SPF and DKIM align with the From domain and a receiver's DMARC check passes.
    this.mailFromDomain = props.senderDomain ? `${props.mailFromSubdomain ?? 'mail'}.${props.senderDomain}` : undefined;
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: props.senderDomain ? Identity.domain(props.senderDomain) : Identity.email(props.sender),
      configurationSet: this.configurationSet,
      ...(this.mailFromDomain ? { mailFromDomain: this.mailFromDomain } : {}),
    });
  }

  /**
   * The DNS records to publish for a verified domain: three DKIM CNAMEs, and for the MAIL FROM
   * domain an MX and an SPF TXT (SES developer guide, "Easy DKIM" and "custom MAIL FROM domain").
   * Empty for a single verified address.
   */
  dnsRecords(): { name: string; type: 'CNAME' | 'MX' | 'TXT'; value: string }[] {
    if (!this.mailFromDomain) return [];
    const region = Stack.of(this).region;
    return [
      ...this.identity.dkimRecords.map((r) => ({ name: r.name, type: 'CNAME' as const, value: r.value })),
      { name: this.mailFromDomain, type: 'MX', value: `10 feedback-smtp.${region}.amazonses.com` },
      { name: this.mailFromDomain, type: 'TXT', value: '"v=spf1 include:amazonses.com ~all"' },
    ];
  }

  /**
   * Reports what SES learns about a letter after accepting it to `handler`: a bounce, a complaint
   * (marked as spam), a rejection for its content, a delivery delay. Through the default event bus,
   * filtered on this configuration set's own tag, with retries and a dead-letter queue.
   */
  reportTo(handler: IFunction, deadLetters: IQueue): Rule {
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.configurationSet.addEventDestination('ToDossiers', {
      destination: EventDestination.eventBus(defaultBus),
      events: [
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.DELIVERY_DELAY,
      ],
    });
    return new Rule(this, 'Reports', {
      description: 'klachtflow: SES reports about letters (bounce, complaint, rejection, delay) to their dossiers',
      eventPattern: {
        source: ['aws.ses'],
        // The detail types of the events above (EventBridge events reference, Amazon SES).
        detailType: ['Email Bounced', 'Email Complaint Received', 'Email Rejected', 'Email Delivery Delayed'],
        // SES tags every message with its configuration set: only this stack's letters.
        detail: { mail: { tags: { 'ses:configuration-set': [this.configurationSet.configurationSetName] } } },
      },
      targets: [
        new LambdaFunction(handler, {
          deadLetterQueue: deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }

  /** ses:SendEmail from this identity through this configuration set, nothing more. */
  grantSend(grantee: IGrantable): void {
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: this.identityName }),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
      }),
    );
  }
}
