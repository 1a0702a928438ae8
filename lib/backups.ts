/**
 * Backups of the dossier table with AWS Backup, beside its point-in-time recovery (35 days): a
 * daily backup kept 35 days and a monthly one kept a year, in a vault retained with the table. An
 * optional copy of each backup goes to a vault in another region (config `backup.copyToVaultArn`)
 * so a region's loss does not take the dossiers with it.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  BackupPlan,
  type BackupPlanCopyActionProps,
  BackupPlanRule,
  BackupResource,
  BackupVault,
} from 'aws-cdk-lib/aws-backup';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface DossierBackupsProps {
  readonly table: ITableV2;
  /**
   * The ARN of a backup vault in another region that every backup is copied to.
   * @default no copy
   */
  readonly copyToVaultArn?: string;
}

/** Days the daily backups are kept. */
export const DAILY_BACKUP_DAYS = 35;
/** Days the monthly backups are kept. */
export const MONTHLY_BACKUP_DAYS = 365;

export class DossierBackups extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;

  constructor(scope: Construct, id: string, props: DossierBackupsProps) {
    super(scope, id);
    // Retained like the table: the backups outlive a deleted stack.
    this.vault = new BackupVault(this, 'Vault', { removalPolicy: RemovalPolicy.RETAIN });
    const copy = (deleteAfter: Duration): BackupPlanCopyActionProps[] =>
      props.copyToVaultArn
        ? [
            {
              destinationBackupVault: BackupVault.fromBackupVaultArn(
                this,
                `CopyTo${deleteAfter.toDays()}`,
                props.copyToVaultArn,
              ),
              deleteAfter,
            },
          ]
        : [];
    this.plan = new BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'daily',
          scheduleExpression: Schedule.cron({ hour: '2', minute: '0' }),
          deleteAfter: Duration.days(DAILY_BACKUP_DAYS),
          copyActions: copy(Duration.days(DAILY_BACKUP_DAYS)),
        }),
        new BackupPlanRule({
          ruleName: 'monthly',
          scheduleExpression: Schedule.cron({ day: '1', hour: '3', minute: '0' }),
          deleteAfter: Duration.days(MONTHLY_BACKUP_DAYS),
          copyActions: copy(Duration.days(MONTHLY_BACKUP_DAYS)),
        }),
      ],
    });
    this.plan.addSelection('Dossiers', { resources: [BackupResource.fromArn(props.table.tableArn)] });
    Validations.of(this.plan).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'The role AWS Backup assumes for the selection carries the AWS-managed AWSBackupServiceRolePolicyForBackup: the policy AWS keeps current for each service it backs up.',
    });
  }
}
