/**
 * Complaints by e-mail in AWS: SES receiving for the organisation's complaints address. A receipt
 * rule stores each message in an encrypted, private bucket (S3 action) and then invokes the
 * inbound-mail function (Lambda action), which reads it back and runs the same domain code as the
 * local SMTP server (lambdas/domain/inbound-mail.ts). Attachments are kept in the same bucket.
 *
 * Not here, because CloudFormation cannot: making the rule set the active one
 * (`aws ses set-active-receipt-rule-set`), the MX record, and verifying the receiving domain.
 * The README ("Klachten per e-mail") says how.
 */
import { join } from 'node:path';
import { Annotations, Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import {
  type IReceiptRuleAction,
  type ReceiptRule,
  type ReceiptRuleActionConfig,
  ReceiptRuleSet,
  TlsPolicy,
} from 'aws-cdk-lib/aws-ses';
import { Lambda as LambdaAction, LambdaInvocationType } from 'aws-cdk-lib/aws-ses-actions';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Regulation } from '../statemachines/model.js';
import { BUNDLING, functionEnvironment, PROJECT_ROOT, regulationFileFor } from './handlers.js';
import { serviceGrantsOnlyKey } from './keys.js';
import { acknowledgeLambdaBasicExecution, acknowledgeRule, acknowledgeWildcard } from './nag.js';

/** Where SES stores raw messages; the handler reads them from here (`INBOUND_PREFIX`). */
export const INBOUND_PREFIX = 'inbound/';
/** Where attachments are kept, content-addressed (lambdas/adapters/attachments.ts). */
export const ATTACHMENT_PREFIX = 'attachments/';
/** Days a deleted or overwritten object of the inbound-mail bucket can still be restored. */
export const NONCURRENT_DAYS = 30;
/** Regions where SES receiving was seen (AWS.md); elsewhere synth warns instead of failing. */
export const SES_RECEIVING_REGIONS_SEEN = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;

export interface InboundMailProps {
  /** The regulation the handler runs (bundled as regulation.json, like every function). */
  readonly regulation: Regulation;
  /** The wiring every function reads (see lambdas/aws-deps.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /** The addresses (or domains) the receipt rule takes mail for. */
  readonly recipients: readonly string[];
  /**
   * How long raw messages and attachments are kept. Choose at least the regulation's retention
   * after closure plus the longest handling time: the dossier names its attachments by key.
   * @default Duration.days(7 * 365)
   */
  readonly keep?: Duration;
  /**
   * Bounce mail that did not come over TLS (complaints carry health and family data).
   * @default true
   */
  readonly requireTls?: boolean;
  /**
   * The key the bucket is encrypted with.
   * @default a new customer-managed key with rotation
   */
  readonly encryptionKey?: IKey;
  /**
   * The receipt rule set's name (activate it by this name).
   * @default `<stack name>-inbound`
   */
  readonly ruleSetName?: string;
  /** @default RemovalPolicy.RETAIN: the mail is part of the dossiers */
  readonly removalPolicy?: RemovalPolicy;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
}

/** The S3 action with a bucket policy that names this account and this rule (not only the account). */
class StoreInBucket implements IReceiptRuleAction {
  constructor(
    private readonly bucket: Bucket,
    private readonly key: IKey,
    private readonly ruleArn: string,
  ) {}

  bind(): ReceiptRuleActionConfig {
    const conditions = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': this.ruleArn } };
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        resources: [this.bucket.arnForObjects(`${INBOUND_PREFIX}*`)],
        conditions,
      }),
    );
    // The bucket's default encryption is SSE-KMS with this key: SES must be allowed to use it.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey*', 'kms:Encrypt'],
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        resources: ['*'],
        conditions,
      }),
    );
    return { s3Action: { bucketName: this.bucket.bucketName, objectKeyPrefix: INBOUND_PREFIX } };
  }
}

export class InboundMail extends Construct {
  readonly bucket: Bucket;
  readonly encryptionKey: IKey;
  readonly ruleSet: ReceiptRuleSet;
  readonly rule: ReceiptRule;
  readonly handler: NodejsFunction;
  /** Receiving events the handler could not process after Lambda's retries (the mail stays in the bucket). */
  readonly deadLetters: Queue;
  readonly ruleSetName: string;

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    if (props.recipients.length === 0) throw new Error('InboundMail needs at least one recipient address.');
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && !(SES_RECEIVING_REGIONS_SEEN as readonly string[]).includes(stack.region))
      Annotations.of(this).addWarningV2(
        'klachtflow:ses-receiving-region',
        `SES email receiving was seen in ${SES_RECEIVING_REGIONS_SEEN.join(', ')}; check that ${stack.region} supports it before deploying.`,
      );
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey =
      props.encryptionKey ??
      serviceGrantsOnlyKey(this, 'Key', {
        description: 'klachtflow: encrypts complaints received by e-mail',
        enableKeyRotation: true,
        removalPolicy,
      });
    const keep = props.keep ?? Duration.days(7 * 365);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy,
      // Versioned: a message overwritten or deleted by mistake can be brought back for
      // NONCURRENT_DAYS. An erase (DeleteObject) leaves a delete marker; the old version goes
      // after those days, so erased mail is really gone a month later (README, "What is kept").
      versioned: true,
      lifecycleRules: [
        { id: 'raw-mail', prefix: INBOUND_PREFIX, expiration: keep },
        { id: 'attachments', prefix: ATTACHMENT_PREFIX, expiration: keep },
        {
          id: 'old-versions',
          noncurrentVersionExpiration: Duration.days(NONCURRENT_DAYS),
          expiredObjectDeleteMarker: true,
        },
        { id: 'unfinished-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    acknowledgeRule(
      this.bucket,
      'AwsSolutions-S1',
      'Only the inbound-mail and API functions read this bucket, and every officer read of a dossier and its attachments is recorded in the dossier itself; server access logs would be a second, unencrypted list of message keys.',
    );

    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Marked as a dead-letter queue (CT.SQS.PR.1 asks every other queue for one of its own).
      // allowAll is SQS's own default, spelled out.
      redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
    });
    const regulationFile = regulationFileFor(props.regulation);
    this.handler = new NodejsFunction(this, 'Handler', {
      entry: join(PROJECT_ROOT, 'lambdas', 'inbound-mail-handler.ts'),
      handler: 'handler',
      description: 'klachtflow: a complaint received by e-mail (SES receiving)',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // Parsing a message of up to 40 MB with its attachments in memory.
      memorySize: 1024,
      timeout: Duration.seconds(120),
      tracing: Tracing.ACTIVE,
      deadLetterQueue: this.deadLetters,
      retryAttempts: 2,
      logGroup: new LogGroup(this, 'Logs', {
        retention: props.logRetention ?? RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      environment: {
        ...props.environment,
        INBOUND_BUCKET: this.bucket.bucketName,
        INBOUND_PREFIX,
        ...functionEnvironment(),
      },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      // Bundled exactly as every other function (lib/handlers.ts), plus the regulation file.
      bundling: {
        ...BUNDLING,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => [`cp "${regulationFile}" "${output}/regulation.json"`],
        },
      },
    });
    acknowledgeLambdaBasicExecution(this.handler);
    acknowledgeWildcard(
      this.handler,
      '*',
      'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) has no resource to name.',
    );
    // The handler reads the raw messages and keeps attachments; nothing else in the bucket.
    this.grantObjects(this.handler, ['s3:GetObject'], INBOUND_PREFIX, ['kms:Decrypt']);
    this.grantAttachments(this.handler);

    this.ruleSetName = props.ruleSetName ?? `${stack.stackName}-inbound`;
    const ruleName = 'complaints';
    const ruleArn = stack.formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${this.ruleSetName}:receipt-rule/${ruleName}`,
    });
    this.ruleSet = new ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: this.ruleSetName });
    this.rule = this.ruleSet.addRule('Complaints', {
      receiptRuleName: ruleName,
      recipients: [...props.recipients],
      // Spam and virus scanning: their verdicts reach the handler, which holds what fails.
      scanEnabled: true,
      tlsPolicy: (props.requireTls ?? true) ? TlsPolicy.REQUIRE : TlsPolicy.OPTIONAL,
      // In order: stored first, so the message exists before anything can fail.
      actions: [
        new StoreInBucket(this.bucket, this.encryptionKey, ruleArn),
        new LambdaAction({ function: this.handler, invocationType: LambdaInvocationType.EVENT }),
      ],
    });
    const policy = this.bucket.policy;
    if (policy) this.rule.node.addDependency(policy);
  }

  /** Read and keep attachments (and read raw mail for the postvak): the API function's access. */
  grantPostvak(grantee: IGrantable): void {
    this.grantObjects(grantee, ['s3:GetObject'], INBOUND_PREFIX, ['kms:Decrypt']);
    this.grantAttachments(grantee);
  }

  /**
   * Erasing a dossier at the end of its retention (the reminder function runs it) removes the
   * original mails and attachments it lists: DeleteObject on both prefixes, nothing else.
   */
  grantErase(grantee: IGrantable): void {
    for (const prefix of [INBOUND_PREFIX, ATTACHMENT_PREFIX]) {
      const objects = this.bucket.arnForObjects(`${prefix}*`);
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:DeleteObject'], resources: [objects] }),
      );
      if (Construct.isConstruct(grantee))
        acknowledgeWildcard(
          grantee as Construct,
          objects,
          `Objects under ${prefix} of the inbound-mail bucket: a dossier's files are only known at run time.`,
        );
    }
  }

  /**
   * Exactly GetObject and PutObject on one prefix, with the key's Decrypt and GenerateDataKey:
   * `bucket.grantRead`/`grantPut` would add List*, Abort*, ReEncrypt* and more that nothing here uses.
   */
  private grantAttachments(grantee: IGrantable): void {
    this.grantObjects(grantee, ['s3:GetObject', 's3:PutObject'], ATTACHMENT_PREFIX, [
      'kms:Decrypt',
      'kms:GenerateDataKey',
    ]);
  }

  private grantObjects(grantee: IGrantable, actions: string[], prefix: string, keyActions: string[]): void {
    const objects = this.bucket.arnForObjects(`${prefix}*`);
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [objects] }));
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: keyActions, resources: [this.encryptionKey.keyArn] }),
    );
    if (Construct.isConstruct(grantee))
      acknowledgeWildcard(
        grantee as Construct,
        objects,
        `Objects under ${prefix} of the inbound-mail bucket: message ids and content hashes are only known at run time.`,
      );
  }
}
