/**
 * The synthesised stack's IAM, made concrete for a policy simulator: each Lambda function's role
 * policy with its CloudFormation references resolved to ARNs (a resource's logical id stands in
 * for its physical name), and each recorded AWS call (runtime/aws-calls.ts) turned into the IAM
 * requests AWS would authorise: action and resource ARN, as the Service Authorization Reference
 * defines them.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { HANDLERS, type HandlerName } from '../../lib/handlers.js';
import type { AwsCall, FunctionName } from '../../runtime/aws-calls.js';
import { type StackTemplate, TEST_ACCOUNT } from './synth.js';

type Resource = StackTemplate['template']['Resources'][string];
export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, unknown>;
}
/** One request AWS would authorise. */
export interface IamRequest {
  action: string;
  resource: string;
  /** Condition keys the request carries (dynamodb:LeadingKeys for a call on one item). */
  context?: Record<string, string | string[]>;
}

/** A stack's template with CloudFormation references resolved to concrete strings. */
export class ConcreteStack {
  readonly region: string;
  readonly resources: Record<string, Resource>;

  constructor(readonly stack: StackTemplate) {
    this.region = stack.region;
    this.resources = stack.template.Resources;
  }

  /** The ARN of a resource by logical id, as CloudFormation would return for GetAtt Arn. */
  arnOf(id: string): string {
    const r = this.resources[id];
    if (!r) throw new Error(`no resource ${id}`);
    const [a, reg] = [TEST_ACCOUNT, this.region];
    const name = this.nameOf(id);
    switch (r.Type) {
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${reg}:${a}:table/${name}`;
      case 'AWS::KMS::Key':
        return `arn:aws:kms:${reg}:${a}:key/${id}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${reg}:${a}:function:${name}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${reg}:${a}:${id}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${a}:role/${id}`;
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${name}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${reg}:${a}:${id}`;
      case 'AWS::Scheduler::ScheduleGroup':
        return `arn:aws:scheduler:${reg}:${a}:schedule-group/${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${reg}:${a}:stateMachine:${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${reg}:${a}:log-group:${id}:*`;
      default:
        throw new Error(`no ARN form for ${r.Type} (${id})`);
    }
  }

  /** The physical name: as given in the template, else the logical id (CloudFormation would make one up). */
  private nameOf(id: string): string {
    const p = this.resources[id]?.Properties ?? {};
    const given =
      p.TableName ?? p.FunctionName ?? p.Name ?? p.BucketName ?? p.StateMachineName ?? p.ConfigurationSetName;
    return typeof given === 'string' ? given : id;
  }

  /** What Ref returns: the ARN for a topic or queue (URL), the physical name for the rest. */
  refOf(id: string): string {
    const type = this.resources[id]?.Type;
    if (type === 'AWS::SNS::Topic' || type === 'AWS::SQS::Queue') return this.arnOf(id);
    return this.nameOf(id);
  }

  /** Resolves Ref, Fn::GetAtt, Fn::Join and the pseudo parameters. */
  resolve(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.resolve(x));
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, any>;
    if ('Ref' in o) {
      const pseudo: Record<string, string> = {
        'AWS::Partition': 'aws',
        'AWS::Region': this.region,
        'AWS::AccountId': TEST_ACCOUNT,
        'AWS::URLSuffix': 'amazonaws.com',
        'AWS::StackName': this.stack.stackName,
      };
      return pseudo[o.Ref] ?? this.refOf(o.Ref);
    }
    if ('Fn::GetAtt' in o) {
      const [id, att] = o['Fn::GetAtt'] as [string, string];
      if (att === 'Arn') return this.arnOf(id);
      throw new Error(`GetAtt ${id}.${att} not resolvable`);
    }
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => String(this.resolve(p))).join(sep);
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, this.resolve(x)]));
  }

  /** The logical id of the function a recorded call ran in. */
  functionId(fn: FunctionName): string {
    const description =
      fn === 'inboundMail'
        ? 'klachtflow: a complaint received by e-mail (SES receiving)'
        : HANDLERS[fn as HandlerName].description;
    const hit = Object.entries(this.resources).find(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Description === description,
    );
    if (!hit) throw new Error(`no function ${fn} in ${this.stack.stackName}`);
    return hit[0];
  }

  /** Every statement of every policy on the role of a function, resolved. */
  roleStatements(fn: FunctionName): Statement[] {
    const roleId = this.resources[this.functionId(fn)]?.Properties.Role['Fn::GetAtt'][0];
    const inline = (this.resources[roleId]?.Properties.Policies ?? []).flatMap(
      (p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement,
    );
    const attached = Object.values(this.resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: { Ref: string }) => x.Ref === roleId))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
    return this.resolve([...inline, ...attached]) as Statement[];
  }

  /** The role's ARN (the simulated principal). */
  roleArn(fn: FunctionName): string {
    return this.arnOf(this.resources[this.functionId(fn)]?.Properties.Role['Fn::GetAtt'][0]);
  }

  private only(type: string): string {
    const ids = Object.entries(this.resources)
      .filter(([, r]) => r.Type === type)
      .map(([id]) => id);
    if (ids.length !== 1) throw new Error(`${ids.length} resources of ${type} in ${this.stack.stackName}`);
    return ids[0] as string;
  }

  /**
   * The IAM requests a recorded call makes, against this stack's resources: each resource is the
   * one the function's environment names (the table, the ladder, the schedule group, the sender's
   * SES identity and configuration set, the inbound-mail bucket).
   */
  requestsOf(call: AwsCall): IamRequest[] {
    const [a, reg] = [TEST_ACCOUNT, this.region];
    switch (call.service) {
      case 'dynamodb': {
        const table = this.arnOf(this.only('AWS::DynamoDB::GlobalTable'));
        // A transaction has no IAM action of its own: each action inside is authorised as the
        // single-item operation it stands for ("Permissions for Put, Update, Delete, and Get
        // actions are governed by the permissions used for the underlying PutItem, UpdateItem,
        // DeleteItem, and GetItem operations"; ConditionCheck by dynamodb:ConditionCheckItem;
        // DynamoDB developer guide, "Using IAM with DynamoDB transactions").
        if (call.command === 'TransactWriteItems') {
          const kinds = call.transactActions ?? [];
          if (kinds.length === 0) throw new Error('TransactWriteItems recorded without its actions');
          return kinds.map((k) => ({
            action: `dynamodb:${k === 'ConditionCheck' ? 'ConditionCheckItem' : `${k}Item`}`,
            resource: table,
          }));
        }
        return [
          {
            action: `dynamodb:${call.command}`,
            resource: call.index ? `${table}/index/${call.index}` : table,
            // The item's partition key, as AWS puts it in the request context (a role confined
            // to some partitions is judged on it).
            ...(call.keyPrefix ? { context: { 'dynamodb:LeadingKeys': [`${call.keyPrefix}01jexample`] } } : {}),
          },
        ];
      }
      case 'ses': {
        const identity = this.resources[this.only('AWS::SES::EmailIdentity')]?.Properties.EmailIdentity as string;
        const configurationSet = this.refOf(this.only('AWS::SES::ConfigurationSet'));
        // In AWS every letter goes through the configuration set (SES_CONFIGURATION_SET), which
        // the local runtime leaves out: both resources are authorised.
        return [
          { action: `ses:${call.command}`, resource: `arn:aws:ses:${reg}:${a}:identity/${identity}` },
          { action: `ses:${call.command}`, resource: `arn:aws:ses:${reg}:${a}:configuration-set/${configurationSet}` },
        ];
      }
      case 'scheduler': {
        const group = this.refOf(this.only('AWS::Scheduler::ScheduleGroup'));
        const schedule = `arn:aws:scheduler:${reg}:${a}:schedule/${group}/kf-01jexample-step`;
        const requests = [{ action: `scheduler:${call.command}`, resource: schedule }];
        // Creating a schedule hands it the role it runs as (SCHEDULER_ROLE_ARN).
        if (call.command === 'CreateSchedule') {
          const role = Object.entries(this.resources).find(
            ([, r]) =>
              r.Type === 'AWS::IAM::Role' &&
              JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
          )?.[0];
          requests.push({ action: 'iam:PassRole', resource: this.arnOf(String(role)) });
        }
        return requests;
      }
      case 'sfn': {
        const machine = this.refOf(this.only('AWS::StepFunctions::StateMachine'));
        // StartExecution: what the function's STATE_MACHINE_ARN names (the ladder's alias).
        const started = this.resources[this.functionId(call.fn)]?.Properties.Environment.Variables.STATE_MACHINE_ARN;
        const resource =
          call.command === 'StartExecution'
            ? String(this.resolve(started))
            : call.command === 'StopExecution' || call.command === 'DescribeExecution'
              ? `arn:aws:states:${reg}:${a}:execution:${machine}:01jexample`
              : // SendTaskSuccess/Failure/Heartbeat name no resource: IAM knows only `*` for them.
                '*';
        return [{ action: `states:${call.command}`, resource }];
      }
      case 's3': {
        const bucket = this.refOf(this.only('AWS::S3::Bucket'));
        return [{ action: `s3:${call.command}`, resource: `arn:aws:s3:::${bucket}/${call.prefix ?? ''}example` }];
      }
    }
  }
}

/** The simulator's verdict on one request under a function's role policy. */
export async function simulate(
  stack: ConcreteStack,
  fn: FunctionName,
  request: IamRequest,
): Promise<'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied' | string> {
  const result = await runSimulation(
    {
      identityPolicies: [
        { name: `${fn}-role`, policy: { Version: '2012-10-17', Statement: stack.roleStatements(fn) } },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: request.action,
        principal: stack.roleArn(fn),
        resource: { resource: request.resource, accountId: TEST_ACCOUNT },
        contextVariables: request.context ?? {},
      },
    } as never,
    {},
  );
  if (result.resultType === 'error') return `error: ${JSON.stringify(result.errors)}`;
  return result.overallResult;
}
