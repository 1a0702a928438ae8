/**
 * The escalation ladder: one Standard state machine per regulation, its body the ASL the
 * compiler wrote (see lib/regulation-source.ts), its `${...}` substitutions the task functions.
 * With a string body CDK grants no task permissions (AWS.md): the role may invoke exactly the
 * five task functions and nothing else.
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IVersion } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  CfnStateMachineAlias,
  CfnStateMachineVersion,
  DefinitionBody,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { SubstitutionName } from '../statemachines/compile.js';
import { acknowledgeWildcard } from './nag.js';

export interface EscalationLadderProps {
  /** The ASL document with its `${Name}` substitutions. */
  readonly definition: string;
  /** The function version behind each substitution. */
  readonly tasks: Readonly<Record<SubstitutionName, IVersion>>;
  /**
   * A fixed name, so the handlers can know the ARN before the state machine exists (the state
   * machine refers to the handlers, the handlers to it: a fixed name breaks the cycle).
   */
  readonly stateMachineName: string;
  /**
   * How long execution logs are kept.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
}

/** The ARN of a state machine by name, in the stack's account and region. */
export function stateMachineArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** The alias every new ladder starts through (STATE_MACHINE_ARN points at it). */
export const LADDER_ALIAS = 'live';

/** The ARN of the alias new executions start through. */
export function stateMachineAliasArn(scope: Construct, name: string): string {
  return `${stateMachineArn(scope, name)}:${LADDER_ALIAS}`;
}

/** The ARNs of all executions of a state machine by name (StopExecution acts on these). */
export function executionsArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${name}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

export class EscalationLadder extends Construct {
  readonly stateMachine: StateMachine;
  /** This deploy's version of the state machine: its ASL with these function versions. */
  readonly version: CfnStateMachineVersion;
  /** `live`: new executions start through it, and it points at the newest version. */
  readonly alias: CfnStateMachineAlias;

  constructor(scope: Construct, id: string, props: EscalationLadderProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const substitutions = Object.fromEntries(
      Object.entries(props.tasks).map(([name, fn]) => [name, fn.functionArn]),
    ) as Record<SubstitutionName, string>;
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(props.definition),
      definitionSubstitutions: substitutions,
      // ALL events for the audit trail, but no execution data: officers' notes pass through task
      // outputs and stay in the dossier only.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    // The five task functions, in any of their versions and nothing else: the role has one
    // policy for all state machine versions, and an execution that started on an older version
    // still invokes the older function versions that version names.
    const versionsOf = Object.values(props.tasks).map((v) => `${v.lambda.functionArn}:*`);
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: versionsOf }),
    );
    for (const arn of versionsOf)
      acknowledgeWildcard(
        this.stateMachine,
        arn,
        'The published versions of one task function: executions of older state machine versions invoke older function versions.',
      );
    // Running ladders keep the code they started with: an execution runs the state machine
    // version it started on, and that version names function versions, not $LATEST. A version
    // is published whenever the definition (and so a function version) changes.
    this.version = new CfnStateMachineVersion(this, 'Version', {
      stateMachineArn: this.stateMachine.stateMachineArn,
      stateMachineRevisionId: this.stateMachine.stateMachineRevisionId,
      description: 'klachtflow: the ladder as deployed',
    });
    this.version.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.alias = new CfnStateMachineAlias(this, 'Alias', {
      name: LADDER_ALIAS,
      description: 'klachtflow: where new ladders start',
      routingConfiguration: [{ stateMachineVersionArn: this.version.attrArn, weight: 100 }],
    });
    acknowledgeWildcard(
      this.stateMachine,
      '*',
      'Log delivery to CloudWatch Logs and X-Ray tracing: Step Functions requires these on `*` (AWS docs, "Logging using CloudWatch Logs").',
    );
  }
}
