/**
 * Complaints by e-mail in AWS, by assertion: SES receiving → encrypted private bucket → handler,
 * provisioned only when the config turns it on, with the handler granted only what it does, and
 * clean under cdk-nag. Bundling skipped (the templates are under test), no AWS account.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_LEASE_SECONDS } from '../lambdas/domain/inbound-mail.js';
import { DeployConfigError, parseDeployConfig } from '../lib/config.js';
import { KlachtflowStack } from '../lib/klachtflow-stack.js';
import { resolveRegulation } from '../lib/regulation-source.js';

const env = { account: '123456789012', region: 'eu-west-1' };
const noBundling = { 'aws:cdk:bundling-stacks': [] };
type Resources = Record<string, { Type: string; Properties: any }>;

function build(emailIntake: Record<string, unknown> | undefined, nag = false) {
  const app = new App({ context: noBundling });
  const deployed = resolveRegulation('swt-dordrecht');
  const config = parseDeployConfig(
    { region: 'eu-west-1', publicUrl: 'https://klachten.example.nl', ...(emailIntake ? { emailIntake } : {}) },
    deployed.regulation,
  );
  const stack = new KlachtflowStack(app, 'Mail', { env, deployed, config });
  if (nag) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
  }
  return { stack, template: Template.fromStack(stack) };
}

let template: Template;
let resources: Resources;
let stack: KlachtflowStack;
beforeAll(() => {
  ({ stack, template } = build({ enabled: true }));
  resources = template.toJSON().Resources;
});

/** Every policy statement of the role of a function. */
function statementsOfFunction(logicalId: string): { Effect: string; Action: string | string[]; Resource: unknown }[] {
  const roleRef = resources[logicalId]?.Properties.Role['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleRef))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}
const actions = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const handlerId = () =>
  Object.entries(resources).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && /SES receiving/.test(r.Properties.Description ?? ''),
  )?.[0] ?? '';

describe('cdk: complaints by e-mail', () => {
  it('is off by default: no receipt rules, no inbound bucket', () => {
    const off = build(undefined).template;
    off.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    off.resourceCountIs('AWS::SES::ReceiptRule', 0);
    off.resourceCountIs('AWS::S3::Bucket', 0);
  });

  it('keeps mail in a bucket encrypted with a customer-managed key, blocked from public access, TLS only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'inbound/', ExpirationInDays: 2555, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'attachments/', ExpirationInDays: 2555, Status: 'Enabled' }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'klachtflow: encrypts complaints received by e-mail',
      EnableKeyRotation: true,
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('lets only SES, for this account and this receipt rule, put raw mail under inbound/', () => {
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::S3::BucketPolicy');
    const ses = policy?.Properties.PolicyDocument.Statement.filter(
      (s: any) => s.Principal?.Service === 'ses.amazonaws.com',
    );
    expect(ses).toHaveLength(1);
    expect(ses[0]).toMatchObject({ Effect: 'Allow', Action: 's3:PutObject' });
    expect(JSON.stringify(ses[0].Resource)).toContain('/inbound/*');
    expect(ses[0].Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(JSON.stringify(ses[0].Condition.StringEquals['aws:SourceArn'])).toContain(
      ':receipt-rule-set/Mail-inbound:receipt-rule/complaints',
    );
    // SES may use the bucket's key, under the same conditions.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'ses.amazonaws.com' },
            Action: ['kms:GenerateDataKey*', 'kms:Encrypt'],
            Condition: { StringEquals: Match.objectLike({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }) },
          }),
        ]),
      },
    });
  });

  it('has a rule set with one rule for the complaints address: scan, TLS, store first, then the handler', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRuleSet', { RuleSetName: 'Mail-inbound' });
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: Match.anyValue(),
      Rule: {
        Name: 'complaints',
        Enabled: true,
        Recipients: ['klacht@swtdordrecht.nl'],
        ScanEnabled: true,
        TlsPolicy: 'Require',
        Actions: [
          { S3Action: { BucketName: Match.anyValue(), ObjectKeyPrefix: 'inbound/' } },
          { LambdaAction: { FunctionArn: { 'Fn::GetAtt': [handlerId(), 'Arn'] }, InvocationType: 'Event' } },
        ],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'ses.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      FunctionName: { 'Fn::GetAtt': [handlerId(), 'Arn'] },
    });
  });

  it('gives the handler only what it does: read mail, keep attachments, the key, the table, send, start', () => {
    const fn = resources[handlerId()];
    expect(fn?.Properties.Environment.Variables).toMatchObject({
      INBOUND_PREFIX: 'inbound/',
      INBOUND_BUCKET: expect.anything(),
    });
    expect(fn?.Properties.DeadLetterConfig).toBeDefined();
    // A delivery's lease on its message must outlive the function, or a slow first delivery and
    // SES's retry could both register the complaint.
    expect(fn?.Properties.Timeout).toBeLessThan(INBOUND_LEASE_SECONDS);
    const statements = statementsOfFunction(handlerId());
    const all = statements.flatMap(actions);
    const s3 = statements.filter((s) => actions(s).some((a) => a.startsWith('s3:')));
    const resourcesOf = (action: string) =>
      JSON.stringify(s3.filter((s) => actions(s).includes(action)).map((s) => s.Resource));
    expect(resourcesOf('s3:GetObject')).toContain('/inbound/*');
    expect(resourcesOf('s3:PutObject')).toContain('/attachments/*');
    expect(resourcesOf('s3:PutObject')).not.toContain('/inbound/*');
    expect(all.filter((a) => a.startsWith('s3:')).sort()).toEqual(['s3:GetObject', 's3:GetObject', 's3:PutObject']);
    expect(all).toEqual(expect.arrayContaining(['kms:Decrypt', 'ses:SendEmail', 'states:StartExecution']));
    expect(all.some((a) => a.startsWith('dynamodb:PutItem'))).toBe(true);
    // A reply that answers a request for missing information starts the clock again: it moves
    // the terms' schedules and wakes the waiting step, as the API does. It stops nothing.
    expect(all).toEqual(
      expect.arrayContaining(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'states:SendTaskSuccess']),
    );
    for (const never of ['states:StopExecution', 'scheduler:UpdateSchedule', 'dynamodb:Scan'])
      expect(all).not.toContain(never);
    // The API reads held mail and keeps attachments when an officer decides.
    const api = Object.entries(resources).find(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === 'klachtflow: the HTTP API',
    );
    expect(api?.[1].Properties.Environment.Variables.INBOUND_BUCKET).toBeDefined();
    expect(JSON.stringify(statementsOfFunction(api?.[0] ?? ''))).toContain('/attachments/*');
    expect(stack.inboundMail?.ruleSetName).toBe('Mail-inbound');
  });

  it('lets the function that erases dossiers (the reminder) delete their files, and nothing more in S3', () => {
    const reminder = Object.entries(resources).find(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && /sends a reminder/.test(r.Properties.Description ?? ''),
    );
    expect(reminder?.[1].Properties.Environment.Variables.INBOUND_BUCKET).toBeDefined();
    const s3 = statementsOfFunction(reminder?.[0] ?? '').filter((st) => actions(st).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap(actions)).toEqual(['s3:DeleteObject', 's3:DeleteObject']);
    const where = JSON.stringify(s3.map((st) => st.Resource));
    expect(where).toContain('/inbound/*');
    expect(where).toContain('/attachments/*');
    // Without e-mail intake the reminder has no bucket at all.
    const off = build(undefined).template.toJSON().Resources as Resources;
    const plain = Object.values(off).find(
      (r) => r.Type === 'AWS::Lambda::Function' && /sends a reminder/.test(r.Properties.Description ?? ''),
    );
    expect(plain?.Properties.Environment.Variables.INBOUND_BUCKET).toBeUndefined();
  });

  it('synthesises under cdk-nag AwsSolutionsChecks without an unacknowledged finding', () => {
    expect(() => build({ enabled: true, recipients: ['klacht@swtdordrecht.nl'], keepDays: 3650 }, true)).not.toThrow();
  }, 120_000);

  it('config: named fields, and off for a regulation whose variants do not take e-mail', () => {
    const reg = resolveRegulation('swt-dordrecht').regulation;
    expect(() =>
      parseDeployConfig(
        { region: 'eu-west-1', publicUrl: 'https://x.nl', emailIntake: { enabled: true, recipients: ['geen-adres'] } },
        reg,
      ),
    ).toThrow(/emailIntake\.recipients\[0\]/);
    expect(() =>
      parseDeployConfig(
        { region: 'eu-west-1', publicUrl: 'https://x.nl', emailIntake: { enabled: true, keepDays: 5 } },
        reg,
      ),
    ).toThrow(/emailIntake\.keepDays/);
    const noMail = {
      ...reg,
      intake: {
        variants: reg.intake.variants.map((v) => ({ ...v, channels: v.channels.filter((c) => c !== 'email') })),
      },
    };
    const tidy = { ...noMail, intake: { variants: noMail.intake.variants.filter((v) => v.channels.length > 0) } };
    expect(() =>
      parseDeployConfig(
        { region: 'eu-west-1', publicUrl: 'https://x.nl', emailIntake: { enabled: true } },
        tidy as never,
      ),
    ).toThrow(DeployConfigError);
  });
});
