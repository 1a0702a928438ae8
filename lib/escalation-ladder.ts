/**
 * The escalation ladder: one Standard state machine per regulation, its body the ASL the
 * compiler wrote (see lib/regulation-source.ts), its `${...}` substitutions the task functions.
 * With a string body CDK grants no task permissions (AWS.md): the role may invoke exactly the
 * five task functions and nothing else.
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { SubstitutionName } from '../statemachines/compile.js';
import { acknowledgeWildcard } from './nag.js';

export interface EscalationLadderProps {
  /** The ASL document with its `${Name}` substitutions. */
  readonly definition: string;
  /** The function behind each substitution. */
  readonly tasks: Readonly<Record<SubstitutionName, IFunction>>;
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
    // Exactly the unqualified function ARNs the document names (grantInvoke would add `:*`).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: Object.values(substitutions) }),
    );
    acknowledgeWildcard(
      this.stateMachine,
      '*',
      'Log delivery to CloudWatch Logs and X-Ray tracing: Step Functions requires these on `*` (AWS docs, "Logging using CloudWatch Logs").',
    );
  }
}
