/**
 * What a real deployment needs, on the synthesised templates (test/support/synth.ts: the five
 * presets and the full config of examples/klachtflow.config.yaml): the region from the config,
 * the DNS records for a verified sender domain, the backup plan.
 */
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { addStack } from '../lib/app.js';
import { DAILY_BACKUP_DAYS, MONTHLY_BACKUP_DAYS } from '../lib/backups.js';
import { parseDeployConfig } from '../lib/config.js';
import { loadRegulation } from '../statemachines/load.js';
import { FULL_CONFIG, FULL_STACK, type StackTemplate, synthesised } from './support/synth.js';

let full: StackTemplate;
let preset: StackTemplate;
beforeAll(() => {
  const synth = synthesised();
  full = synth.stacks.find((s) => s.stackName === FULL_STACK) as StackTemplate;
  preset = synth.stacks.find((s) => s.stackName === 'klachtflow-ons-welzijn') as StackTemplate;
}, 600_000);

const ofType = (t: StackTemplate, type: string) =>
  Object.entries(t.template.Resources).filter(([, r]) => r.Type === type);

describe('deploy: region', () => {
  const reg = loadRegulation('ons-welzijn');
  it('is the config’s, never the shell’s CDK_DEFAULT_REGION', () => {
    const saved = process.env.CDK_DEFAULT_REGION;
    process.env.CDK_DEFAULT_REGION = 'us-east-1';
    try {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const stack = addStack(app, 'swt-dordrecht', { regulation: 'swt-dordrecht', configFile: FULL_CONFIG });
      expect(stack.region).toBe('eu-west-1');
    } finally {
      if (saved === undefined) delete process.env.CDK_DEFAULT_REGION;
      else process.env.CDK_DEFAULT_REGION = saved;
    }
    expect(preset.region).toBe('eu-central-1');
    expect(JSON.stringify(preset.template)).not.toContain('us-east-1');
  });

  it('refuses a region outside the EU unless the config says why', () => {
    expect(() => parseDeployConfig({ region: 'us-east-1', publicUrl: 'https://x.nl' }, reg)).toThrow(
      /region: us-east-1 is outside the EU/,
    );
    expect(() => parseDeployConfig({ region: 'eu-west-2', publicUrl: 'https://x.nl' }, reg)).toThrow(/outside the EU/);
    expect(
      parseDeployConfig(
        {
          region: 'eu-west-2',
          regionOutsideEu: 'The organisation is in the UK; adequacy decision of 28 June 2021.',
          publicUrl: 'https://x.nl',
        },
        reg,
      ).region,
    ).toBe('eu-west-2');
    expect(() => parseDeployConfig({ publicUrl: 'https://x.nl' }, reg)).toThrow(/region/);
  });
});

describe('deploy: mail that arrives', () => {
  it('verifies the sender domain with DKIM and a custom MAIL FROM domain, and outputs the records to publish', () => {
    const [[, identity]] = ofType(full, 'AWS::SES::EmailIdentity') as [[string, any]];
    expect(identity.Properties.EmailIdentity).toBe('swtdordrecht.nl');
    expect(identity.Properties.MailFromAttributes).toEqual({ MailFromDomain: 'mail.swtdordrecht.nl' });
    const outputs = Object.entries(full.template.Outputs ?? {}).filter(([id]) => id.startsWith('SesDnsRecord'));
    const text = JSON.stringify(outputs);
    for (const n of [1, 2, 3]) expect(text).toContain(`DkimDNSTokenName${n}`);
    expect(text).toContain('10 feedback-smtp.eu-west-1.amazonses.com');
    expect(text).toContain('v=spf1 include:amazonses.com ~all');
    expect(outputs).toHaveLength(5);
    // A single verified address: no domain records.
    expect(Object.keys(preset.template.Outputs ?? {}).filter((id) => id.startsWith('SesDnsRecord'))).toEqual([]);
  });
});

describe('deploy: letters that do not arrive reach the dossier', () => {
  for (const which of ['preset', 'full'] as const)
    it(`${which}: SES reports bounces, complaints, rejections and delays of its configuration set to the mail-events function`, () => {
      const t = which === 'full' ? full : preset;
      const [[setId]] = ofType(t, 'AWS::SES::ConfigurationSet') as [[string, any]];
      const destinations = ofType(t, 'AWS::SES::ConfigurationSetEventDestination').map(([, r]) => r.Properties);
      const toBus = destinations.find((d) => d.EventDestination.EventBridgeDestination);
      expect(toBus?.ConfigurationSetName).toEqual({ Ref: setId });
      expect(JSON.stringify(toBus?.EventDestination.EventBridgeDestination.EventBusArn)).toContain(
        ':event-bus/default',
      );
      expect([...(toBus?.EventDestination.MatchingEventTypes ?? [])].sort()).toEqual(
        ['bounce', 'complaint', 'deliveryDelay', 'reject'].sort(),
      );
      // A rule on the default bus for this configuration set only (other senders in the account
      // share the bus), invoking the mail-events function, with a dead-letter queue.
      const fnId = ofType(t, 'AWS::Lambda::Function').find(([, r]) =>
        String(r.Properties.Description).includes('bounced or was marked as spam'),
      )?.[0];
      expect(fnId).toBeDefined();
      const rules = ofType(t, 'AWS::Events::Rule').filter(
        ([, r]) => r.Properties.EventPattern?.source?.[0] === 'aws.ses',
      );
      expect(rules).toHaveLength(1);
      const rule = rules[0]?.[1].Properties;
      expect(rule.EventPattern['detail-type'].sort()).toEqual(
        ['Email Bounced', 'Email Complaint Received', 'Email Delivery Delayed', 'Email Rejected'].sort(),
      );
      expect(rule.EventPattern.detail.mail.tags['ses:configuration-set']).toEqual([{ Ref: setId }]);
      expect(rule.Targets).toHaveLength(1);
      expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
      expect(rule.Targets[0].DeadLetterConfig?.Arn).toBeDefined();
      // The function reads and appends to the dossiers; it sends nothing and starts nothing.
      const alarms = ofType(t, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
      expect(alarms.some((a) => a.MetricName === 'LetterBounced' && a.Namespace === 'klachtflow')).toBe(true);
      // No second, raw copy of each bounce (with the address) in the alarm mailbox.
      expect(destinations.some((d) => d.EventDestination.SnsDestination)).toBe(false);
    });
});

describe('deploy: data safety', () => {
  it('backs the dossier table up daily (35 days) and monthly (a year), copied to another region when configured', () => {
    const [[, plan]] = ofType(full, 'AWS::Backup::BackupPlan') as [[string, any]];
    const rules = plan.Properties.BackupPlan.BackupPlanRule;
    expect(rules.map((r: any) => [r.RuleName, r.Lifecycle.DeleteAfterDays])).toEqual([
      ['daily', DAILY_BACKUP_DAYS],
      ['monthly', MONTHLY_BACKUP_DAYS],
    ]);
    for (const r of rules)
      expect(r.CopyActions[0].DestinationBackupVaultArn).toBe(
        'arn:aws:backup:eu-central-1:123456789012:backup-vault:klachtflow-copies',
      );
    const [[, selection]] = ofType(full, 'AWS::Backup::BackupSelection') as [[string, any]];
    const tableId = ofType(full, 'AWS::DynamoDB::GlobalTable')[0]?.[0];
    expect(selection.Properties.BackupSelection.Resources).toEqual([{ 'Fn::GetAtt': [tableId, 'Arn'] }]);
    const [[, vault]] = ofType(full, 'AWS::Backup::BackupVault') as [[string, any]];
    expect(vault.DeletionPolicy).toBe('Retain');
    const [[, presetPlan]] = ofType(preset, 'AWS::Backup::BackupPlan') as [[string, any]];
    expect(presetPlan.Properties.BackupPlan.BackupPlanRule[0].CopyActions ?? []).toEqual([]);
  });

  it('keeps old versions of inbound mail 30 days, then lets them go (an erase is final)', () => {
    const [[, bucket]] = ofType(full, 'AWS::S3::Bucket') as [[string, any]];
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }),
    );
  });
});
