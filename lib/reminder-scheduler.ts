/**
 * The reminder scheduler: a schedule group for the one-time schedules the handlers create with
 * the SDK (CloudFormation cannot set ActionAfterCompletion, AWS.md), and the role Scheduler
 * assumes to fire them. That role may invoke the reminder function and nothing else.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeWildcard } from './nag.js';

export interface ReminderSchedulerProps {
  /** The function every reminder schedule invokes. */
  readonly reminderFunctionArn: string;
  /**
   * What happens to pending schedules when the stack is deleted.
   * @default RemovalPolicy.DESTROY (the dossier keeps the deadlines; schedules are re-made from it)
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class ReminderScheduler extends Construct {
  readonly group: ScheduleGroup;
  /** The role schedules run as (SCHEDULER_ROLE_ARN). */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ReminderSchedulerProps) {
    super(scope, id);
    this.group = new ScheduleGroup(this, 'Group', { removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY });
    // Confused deputy: only schedules of this account's group may assume the role.
    this.role = new Role(this, 'Role', {
      description: 'klachtflow: EventBridge Scheduler invokes the reminder function',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: { 'aws:SourceArn': this.group.scheduleGroupArn },
        },
      }),
    });
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.reminderFunctionArn] }),
    );
  }

  /** Create and delete schedules in the group, and hand them the role (the handlers). */
  grantManageSchedules(grantee: IGrantable): void {
    this.grantSchedules(grantee, ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
  }

  /**
   * Create schedules in the group and hand them the role, never delete one: the recovery makes
   * again what a crash between a commit and CreateSchedule lost (lambdas/recover-intake.ts).
   */
  grantCreateSchedules(grantee: IGrantable): void {
    this.grantSchedules(grantee, ['scheduler:CreateSchedule']);
  }

  private grantSchedules(grantee: IGrantable, actions: string[]): void {
    const schedules = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.group.scheduleGroupName}/*`,
    });
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [schedules] }));
    this.role.grantPassRole(grantee.grantPrincipal);
    if (Construct.isConstruct(grantee))
      acknowledgeWildcard(
        grantee as IConstruct,
        schedules,
        'Reminder schedules are named per dossier and deadline at run time; only schedules of this group.',
      );
  }
}
