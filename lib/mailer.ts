/**
 * The mailer: the SES identity letters are sent from and a configuration set that suppresses
 * addresses that bounce or complain and reports each bounce and complaint to the alarm topic.
 */
import { Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
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
  /**
   * Where bounces and complaints are reported.
   * @default not reported (SES still suppresses the address)
   */
  readonly notifications?: ITopic;
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
    if (props.notifications) {
      this.configurationSet.addEventDestination('Problems', {
        destination: EventDestination.snsTopic(props.notifications),
        events: [
          EmailSendingEvent.BOUNCE,
          EmailSendingEvent.COMPLAINT,
          EmailSendingEvent.REJECT,
          EmailSendingEvent.RENDERING_FAILURE,
        ],
      });
    }
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
