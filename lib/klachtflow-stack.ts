/**
 * One regulation deployed: the dossier table, the handlers, the escalation ladder, the reminder
 * scheduler, the mailer, officer sign-in, the API and the alarms, wired as `lambdas/aws-deps.ts`
 * expects and each function granted only what it does.
 */
import { ArnFormat, CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import { intakeAddresses } from '../lambdas/domain/inbound-mail.js';
import type { Regulation } from '../statemachines/model.js';
import { Alarms } from './alarms.js';
import { DossierBackups } from './backups.js';
import { appRoutes, ComplaintsApi } from './complaints-api.js';
import { type DeployConfig, senderOf } from './config.js';
import { DossierTable } from './dossier-table.js';
import { EscalationLadder, executionsArn, stateMachineAliasArn, stateMachineArn } from './escalation-ladder.js';
import { type HandlerName, Handlers } from './handlers.js';
import { InboundMail } from './inbound-mail.js';
import { Mailer } from './mailer.js';
import { acknowledgeWildcard } from './nag.js';
import { OfficerSignIn } from './officer-sign-in.js';
import type { DeployedRegulation } from './regulation-source.js';
import { ReminderScheduler } from './reminder-scheduler.js';

export interface KlachtflowStackProps extends StackProps {
  /** The regulation and its state machine. */
  readonly deployed: DeployedRegulation;
  /** The organisation's settings. */
  readonly config: DeployConfig;
}

/** What each handler may do beyond reading and appending to the table (`schedules: 'create'`: never delete one). */
export const HANDLER_ACCESS: Record<
  HandlerName,
  { mail: boolean; schedules: boolean | 'create'; start: boolean; stop: boolean; respond: boolean }
> = {
  api: { mail: true, schedules: true, start: true, stop: true, respond: true },
  beginStep: { mail: true, schedules: true, start: false, stop: false, respond: false },
  // A wait that begins with a cursor an action outdated while the step was between two waits
  // wakes itself to wait for the right end (procedure/ladder-tasks.ts awaitAction): its own token.
  awaitAction: { mail: true, schedules: true, start: false, stop: true, respond: true },
  deadline: { mail: true, schedules: true, start: false, stop: true, respond: false },
  close: { mail: true, schedules: true, start: false, stop: false, respond: false },
  continue: { mail: true, schedules: true, start: true, stop: false, respond: false },
  // A whole-handling term's warning at its end plans the next warning (Awb 9:11, Wkkgz art. 17:
  // repeated while the dossier stays in the span): the reminder function creates schedules too
  // (the IAM simulation over the recorded calls found it denied).
  reminder: { mail: true, schedules: true, start: false, stop: false, respond: false },
  // Records what SES reported about a letter in its dossier: reads and appends, nothing else.
  mailEvents: { mail: false, schedules: false, start: false, stop: false, respond: false },
  // The intake recovery: reads the dossiers whose ladder never started and starts it, and makes
  // again the schedules a crash lost after their commit, closed dossiers' erasures included (read
  // only on the table but for the erasures' marks it takes out of their index; creates, never
  // deletes, schedules).
  recoverIntake: { mail: false, schedules: 'create', start: true, stop: false, respond: false },
};

/** How often the intake recovery runs; with its grace (two minutes) a ladder a crash left unstarted starts within seven. */
export const INTAKE_RECOVERY_EVERY = Duration.minutes(5);

export class KlachtflowStack extends Stack {
  readonly table: DossierTable;
  readonly handlers: Handlers;
  readonly ladder: EscalationLadder;
  readonly api: ComplaintsApi;
  /** SES receiving for complaints by e-mail, when the config turns it on. */
  readonly inboundMail?: InboundMail;

  constructor(scope: Construct, id: string, props: KlachtflowStackProps) {
    super(scope, id, props);
    const { config } = props;
    const sender = senderOf(config, props.deployed.regulation);
    // The config's sender replaces the regulation's in the copy the functions run.
    const regulation: Regulation = {
      ...props.deployed.regulation,
      organisation: { ...props.deployed.regulation.organisation, senderAddress: sender },
    };
    const publicUrl = config.publicUrl.replace(/\/$/, '');

    // Fixed names: the state machine names the functions and the functions name it (and the
    // reminder function its own ARN); ARNs from names break the cycle.
    const stateMachineName = `${this.stackName}-ladder`;
    const reminderFunctionName = `${this.stackName}-reminder`;
    const ladderArn = stateMachineArn(this, stateMachineName);
    // New ladders start through the alias, on the newest state machine version.
    const ladderAliasArn = stateMachineAliasArn(this, stateMachineName);
    const reminderArn = this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: reminderFunctionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const alarms = new Alarms(this, 'Alarms', { emails: config.alarmEmails, regulationId: regulation.id });
    this.table = new DossierTable(this, 'Dossiers');
    new DossierBackups(this, 'Backups', {
      table: this.table.table,
      ...(config.backup.copyToVaultArn ? { copyToVaultArn: config.backup.copyToVaultArn } : {}),
    });
    const mailer = new Mailer(this, 'Mailer', {
      sender,
      ...(config.senderDomain ? { senderDomain: config.senderDomain } : {}),
    });
    const scheduler = new ReminderScheduler(this, 'Reminders', { reminderFunctionArn: reminderArn });

    // What every function needs to build the procedure (lambdas/aws-deps.ts).
    const procedureEnvironment = {
      TABLE_NAME: this.table.table.tableName,
      STATE_MACHINE_ARN: ladderAliasArn,
      REMINDER_FUNCTION_ARN: reminderArn,
      SCHEDULER_ROLE_ARN: scheduler.role.roleArn,
      SCHEDULE_GROUP: scheduler.group.scheduleGroupName,
      PUBLIC_URL: publicUrl,
      SES_CONFIGURATION_SET: mailer.configurationSet.configurationSetName,
    };
    this.handlers = new Handlers(this, 'Handlers', {
      regulation,
      reminderFunctionName,
      environment: procedureEnvironment,
      ...(config.apiConcurrency ? { apiConcurrency: config.apiConcurrency } : {}),
    });
    // A reminder Scheduler cannot deliver goes to the dead-letter queue (watched by an alarm),
    // not into the void: the handlers name it on every schedule they create.
    for (const fn of Object.values(this.handlers.functions))
      fn.addEnvironment('SCHEDULE_DLQ_ARN', this.handlers.reminderDeadLetters.queueArn);
    this.handlers.reminderDeadLetters.grantSendMessages(scheduler.role);
    this.ladder = new EscalationLadder(this, 'Ladder', {
      definition: props.deployed.asl,
      tasks: this.handlers.tasks(),
      stateMachineName,
    });

    for (const [name, access] of Object.entries(HANDLER_ACCESS) as [HandlerName, (typeof HANDLER_ACCESS)['api']][]) {
      const fn = this.handlers.functions[name];
      if (name === 'recoverIntake') {
        this.table.grantRead(fn);
        this.table.grantConfirmErasures(fn);
      } else this.table.grantReadAppend(fn);
      if (access.mail) mailer.grantSend(fn);
      if (access.schedules === 'create') scheduler.grantCreateSchedules(fn);
      else if (access.schedules) scheduler.grantManageSchedules(fn);
      if (access.start)
        fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [ladderAliasArn] }));
      if (access.stop)
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['states:StopExecution'],
            resources: [executionsArn(this, stateMachineName)],
          }),
        );
      if (access.stop)
        acknowledgeWildcard(
          fn,
          executionsArn(this, stateMachineName),
          'Executions are named per dossier at run time; StopExecution is confined to executions of this ladder.',
        );
      // A task token names no resource IAM can check before the call: `*`, and the token itself
      // (unguessable, handed out per waiting step) is the authorisation.
      if (access.respond)
        fn.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: ['*'] }));
      if (access.respond)
        acknowledgeWildcard(
          fn,
          '*',
          'states:SendTaskSuccess is authorised by the unguessable task token; X-Ray PutTraceSegments has no resource.',
        );
      alarms.watchFunction(name, fn);
    }
    alarms.watchLadder(this.ladder.stateMachine);
    // A crash between a complaint's commit and its StartExecution leaves a dossier without a ladder
    // (nobody acknowledges it, no deadline watches it): a schedule runs the recovery every few
    // minutes, which starts it under the dossier's own execution name (idempotent). The same run
    // makes again the reminders and ends of terms a crash between a commit and CreateSchedule lost. What it could
    // not deliver after its retries waits in the reminders' dead-letter queue, under its alarm.
    const recovery = this.handlers.functions.recoverIntake;
    // Confused deputy: only Scheduler acting for this account may assume it; it invokes the
    // recovery function and nothing else (and drops what fails in the dead-letter queue).
    const recoveryRole = new Role(this, 'IntakeRecoveryRole', {
      description: 'klachtflow: EventBridge Scheduler invokes the intake recovery function',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    new Schedule(this, 'IntakeRecovery', {
      description: 'klachtflow: starts the ladders a crash left unstarted',
      schedule: ScheduleExpression.rate(INTAKE_RECOVERY_EVERY),
      target: new LambdaInvoke(recovery, {
        role: recoveryRole,
        deadLetterQueue: this.handlers.reminderDeadLetters,
        retryAttempts: 2,
        maxEventAge: INTAKE_RECOVERY_EVERY,
      }),
    });
    acknowledgeWildcard(
      recoveryRole,
      `${recovery.functionArn}:*`,
      'grantInvoke names the function and its versions; the schedule invokes the unqualified function only.',
    );
    alarms.watchDeadLetters('ReminderDeadLetters', this.handlers.reminderDeadLetters);
    // Bounces, complaints, rejections and delays reach the letter's dossier (lambdas/mail-events.ts).
    mailer.reportTo(this.handlers.functions.mailEvents, this.handlers.mailEventDeadLetters);
    alarms.watchDeadLetters(
      'MailEventDeadLetters',
      this.handlers.mailEventDeadLetters,
      'A report of SES about a letter (bounce, complaint) could not be recorded in its dossier.',
    );

    // Complaints by e-mail (config `emailIntake`): SES receiving → encrypted bucket → handler.
    if (config.emailIntake.enabled) {
      const inbound = new InboundMail(this, 'InboundMail', {
        regulation,
        environment: { ...procedureEnvironment, SCHEDULE_DLQ_ARN: this.handlers.reminderDeadLetters.queueArn },
        recipients: config.emailIntake.recipients ?? intakeAddresses(regulation),
        keep: Duration.days(config.emailIntake.keepDays),
        requireTls: config.emailIntake.requireTls,
      });
      // The handler registers complaints (table, start of the ladder) and mails the acknowledgement
      // and the complainant's link; a reply notifies the officer. A reply that answers a request
      // for missing information starts the stopped clock again (Awb 4:15 lid 1), exactly as an
      // answer on the complainant's page does: the terms' schedules are made anew for the new end
      // and the waiting step is woken to wait for it. So, as the API: the schedules of the group,
      // and SendTaskSuccess (a task token names no resource; the token is the authorisation).
      // Never StopExecution: a reply does not end a ladder.
      this.table.grantReadAppend(inbound.handler);
      mailer.grantSend(inbound.handler);
      inbound.handler.addToRolePolicy(
        new PolicyStatement({ actions: ['states:StartExecution'], resources: [ladderAliasArn] }),
      );
      scheduler.grantManageSchedules(inbound.handler);
      inbound.handler.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: ['*'] }));
      acknowledgeWildcard(
        inbound.handler,
        '*',
        'states:SendTaskSuccess is authorised by the unguessable task token; X-Ray PutTraceSegments has no resource.',
      );
      alarms.watchFunction('inboundMail', inbound.handler);
      alarms.watchDeadLetters('InboundMailDeadLetters', inbound.deadLetters);
      // The API's postvak routes read held mail and keep attachments when an officer decides.
      inbound.grantPostvak(this.handlers.functions.api);
      this.handlers.functions.api.addEnvironment('INBOUND_BUCKET', inbound.bucket.bucketName);
      // Retention: the erase (a one-time schedule on the reminder function) removes the files too.
      inbound.grantErase(this.handlers.functions.reminder);
      this.handlers.functions.reminder.addEnvironment('INBOUND_BUCKET', inbound.bucket.bucketName);
      this.inboundMail = inbound;
      new CfnOutput(this, 'InboundRuleSet', {
        value: inbound.ruleSetName,
        description: 'Activate: aws ses set-active-receipt-rule-set --rule-set-name <this>',
      });
      new CfnOutput(this, 'InboundBucket', { value: inbound.bucket.bucketName });
    }

    const signIn = new OfficerSignIn(this, 'Officers', {
      roles: regulation.roles,
      officers: config.officers,
      publicUrl,
      ...(config.signInDomainPrefix ? { domainPrefix: config.signInDomainPrefix } : {}),
    });
    // The officers' pages sign in through the hosted sign-in; the API function finishes it.
    for (const [name, value] of Object.entries(signIn.environment()))
      this.handlers.functions.api.addEnvironment(name, value);
    this.api = new ComplaintsApi(this, 'Api', {
      routes: appRoutes(regulation),
      handler: this.handlers.functions.api,
      userPool: signIn.userPool,
      userPoolClient: signIn.client,
      corsOrigins: config.corsOrigins ?? [new URL(publicUrl).origin],
    });

    alarms.watchApi(this.api.httpApi);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'The API (route PUBLIC_URL here)' });
    new CfnOutput(this, 'UserPoolId', { value: signIn.userPool.userPoolId, description: 'Officer accounts' });
    new CfnOutput(this, 'UserPoolClientId', { value: signIn.client.userPoolClientId });
    new CfnOutput(this, 'OfficerSignInUrl', {
      value: `${publicUrl}/medewerkers`,
      // A literal: CloudFormation refuses a Description that holds a token (cfn-lint E6003).
      description: 'Officers sign in here; it sends them on to the hosted sign-in (output HostedSignInDomain)',
    });
    new CfnOutput(this, 'HostedSignInDomain', { value: signIn.hostedSignInUrl });
    new CfnOutput(this, 'DossierTableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: ladderArn });
    new CfnOutput(this, 'StateMachineAliasArn', {
      value: ladderAliasArn,
      description: 'New ladders start here (the newest version); running ones keep theirs',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'SesIdentity', { value: mailer.identityName, description: 'Verify before sending' });
    // With senderDomain: the records to publish in the domain's DNS (README, "After the deploy").
    mailer.dnsRecords().forEach((r, i) => {
      new CfnOutput(this, `SesDnsRecord${i + 1}`, {
        value: Fn.join(' ', [r.name, r.type, r.value]),
        description: `Publish in DNS: ${r.type === 'CNAME' ? 'DKIM signing key' : r.type === 'MX' ? 'MAIL FROM bounces' : 'MAIL FROM SPF'}`,
      });
    });
  }
}
