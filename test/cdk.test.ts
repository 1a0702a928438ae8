/**
 * The CDK app, by assertion: one stack built once (bundling skipped: the templates, not the
 * bundles, are under test; `npm run synth` bundles for real), then the whole app with all five
 * presets under cdk-nag. No AWS account, no network.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedMonthlyCost } from '../bench/cost.js';
import { TTL_ATTRIBUTE, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { SIGN_IN_PATHS } from '../lambdas/web/sign-in.js';
import { appRoutes } from '../lib/complaints-api.js';
import { DeployConfigError, parseDeployConfig } from '../lib/config.js';
import { HANDLERS, TASK_FUNCTIONS } from '../lib/handlers.js';
import { KlachtflowStack } from '../lib/klachtflow-stack.js';
import { resolveRegulation } from '../lib/regulation-source.js';
import { aslFile, loadAsl } from '../statemachines/asl.js';
import { SUBSTITUTIONS, type SubstitutionName } from '../statemachines/compile.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import { synthesised } from './support/synth.js';

const env = { account: '123456789012', region: 'eu-central-1' };
const noBundling = { 'aws:cdk:bundling-stacks': [] };

type Resources = Record<string, { Type: string; Properties: any; DeletionPolicy?: string }>;

let template: Template;
let resources: Resources;

/** The logical id of the function built from a lambdas/ entry. */
function functionId(entry: string): string {
  const hit = Object.entries(resources).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === descriptionOf(entry),
  );
  if (!hit) throw new Error(`no function for ${entry}`);
  return hit[0];
}
const descriptionOf = (entry: string) => Object.values(HANDLERS).find((h) => h.entry === entry)?.description;

/** Every statement of every policy attached to a role. */
function statementsOf(roleRef: unknown): { Action: string | string[]; Resource: unknown }[] {
  const roleId = (roleRef as { 'Fn::GetAtt'?: string[]; Ref?: string })['Fn::GetAtt']?.[0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}
const actionsOf = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

beforeAll(() => {
  const app = new App({ context: noBundling });
  const deployed = resolveRegulation('ons-welzijn');
  const config = parseDeployConfig(
    {
      region: 'eu-central-1',
      publicUrl: 'https://klachten.example.nl',
      alarmEmails: ['it@example.nl'],
      officers: [{ email: 'functionaris@example.nl', roles: ['officer'] }],
    },
    deployed.regulation,
  );
  const stack = new KlachtflowStack(app, 'Test', { env, deployed, config });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
}, 120_000);

describe('cdk: dossier table', () => {
  it('has the keys and indexes of the store’s own table definition', () => {
    const def = tableDefinition('x');
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: def.KeySchema,
      AttributeDefinitions: Match.arrayWith(def.AttributeDefinitions),
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: def.GlobalSecondaryIndexes.map((i) =>
        Match.objectLike({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection }),
      ),
    });
  });

  it('keeps dossiers: PITR, deletion protection, a customer-managed key, retained', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: Match.anyValue() },
          }),
        ],
      }),
    });
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true, Description: Match.stringLikeRegexp('dossiers') }),
    });
  });

  it('lets TTL remove expired helper items, by the attribute the store writes', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });
});

describe('cdk: escalation ladder', () => {
  it('deploys the committed ASL, with the five task functions as substitutions', () => {
    const [sm] = Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    expect(sm?.Properties.DefinitionString).toBe(readFileSync(aslFile('ons-welzijn'), 'utf8'));
    expect(sm?.Properties.StateMachineType).toBe('STANDARD');
    // Each substitution is a published version of its task function, never $LATEST.
    for (const s of SUBSTITUTIONS) {
      const ref = sm?.Properties.DefinitionSubstitutions[s] as { Ref: string };
      const version = resources[ref.Ref];
      expect(version?.Type, s).toBe('AWS::Lambda::Version');
      expect(version?.Properties.FunctionName).toEqual({ Ref: functionId(HANDLERS[TASK_FUNCTIONS[s]].entry) });
    }
  });

  it('is the same document the local runtime runs (loadAsl)', () => {
    const [sm] = Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    const values = Object.fromEntries(SUBSTITUTIONS.map((s) => [s, `arn:test:${s}`])) as Record<
      SubstitutionName,
      string
    >;
    // What CloudFormation does with DefinitionSubstitutions.
    const deployed = String(sm?.Properties.DefinitionString).replace(
      /\$\{([A-Za-z]+)\}/g,
      (_, name: SubstitutionName) => values[name],
    );
    expect(JSON.parse(deployed)).toEqual(loadAsl('ons-welzijn', values));
  });

  it('logs every event without execution data, and traces', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false, Destinations: Match.anyValue() },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('may invoke the versions of exactly the five task functions', () => {
    const [sm] = Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    const invoke = statementsOf(sm?.Properties.RoleArn).filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    const ids = SUBSTITUTIONS.map((s) => functionId(HANDLERS[TASK_FUNCTIONS[s]].entry));
    expect(invoke[0]?.Resource).toEqual(ids.map((id) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, ':*']] })));
  });

  it('publishes a state machine version and starts new ladders through the alias that points at it', () => {
    const [[smId, sm]] = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine') as [
      [string, Resources[string]],
    ];
    const [[versionId, version]] = Object.entries(resources).filter(
      ([, r]) => r.Type === 'AWS::StepFunctions::StateMachineVersion',
    ) as [[string, Resources[string] & { DeletionPolicy?: string }]];
    expect(version.Properties).toEqual({
      StateMachineArn: { Ref: smId },
      StateMachineRevisionId: { 'Fn::GetAtt': [smId, 'StateMachineRevisionId'] },
      Description: expect.any(String),
    });
    expect(version.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::StepFunctions::StateMachineAlias', {
      Name: 'live',
      RoutingConfiguration: [{ StateMachineVersionArn: { 'Fn::GetAtt': [versionId, 'Arn'] }, Weight: 100 }],
    });
    // The handlers start executions through the alias, and may start them only there.
    const api = resources[functionId('http.ts')];
    const started = JSON.stringify(api?.Properties.Environment.Variables.STATE_MACHINE_ARN);
    expect(started).toContain(`:stateMachine:${sm.Properties.StateMachineName}:live`);
    const start = statementsOf(api?.Properties.Role).find((s) => actionsOf(s).includes('states:StartExecution'));
    expect(JSON.stringify(start?.Resource)).toBe(started);
    // Task versions survive an update: a running execution may still invoke them.
    for (const r of Object.values(resources).filter((x) => x.Type === 'AWS::Lambda::Version'))
      expect((r as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
  });

  it('alarms on a letter the mail service refused and set aside (the metric aws-deps emits)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'klachtflow',
      MetricName: 'LetterFailed',
      AlarmActions: [Match.anyValue()],
    });
    // That it is the metric the functions emit, dimension for dimension: test/metrics-alarms.test.ts.
  });

  it('alarms on server errors of the API (the app answers them as 503s, so the function reports none)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Statistic: 'Sum',
      Threshold: 1,
      AlarmActions: [Match.anyValue()],
    });
  });

  it('reserves concurrency for the API only, so a flood of requests leaves the ladder its functions', () => {
    const reserved = Object.values(HANDLERS).map(
      (h) => resources[functionId(h.entry)]?.Properties.ReservedConcurrentExecutions,
    );
    expect(reserved.filter((r) => r !== undefined)).toEqual([50]);
    expect(resources[functionId('http.ts')]?.Properties.ReservedConcurrentExecutions).toBe(50);
  });

  it('alarms on failed and timed-out executions', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut'])
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
        AlarmActions: [Match.anyValue()],
      });
  });
});

describe('cdk: handlers', () => {
  it('run on Node.js 24 arm64 with the wiring lambdas/aws-deps.ts reads', () => {
    const fns = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description).startsWith('klachtflow'),
    );
    expect(fns).toHaveLength(Object.keys(HANDLERS).length);
    for (const fn of fns) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
        expect.arrayContaining([
          'TABLE_NAME',
          'STATE_MACHINE_ARN',
          'REMINDER_FUNCTION_ARN',
          'SCHEDULER_ROLE_ARN',
          'SCHEDULE_GROUP',
          'PUBLIC_URL',
          'SES_CONFIGURATION_SET',
          'KLACHTFLOW_REGULATION',
        ]),
      );
      expect(fn.Properties.Environment.Variables.PUBLIC_URL).toBe('https://klachten.example.nl');
      // Powertools: a level, and never the event or a response in the logs or traces.
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'klachtflow',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      });
    }
  });

  it('the API function cannot delete or scan dossiers, and the others neither', () => {
    for (const h of Object.values(HANDLERS)) {
      const fn = resources[functionId(h.entry)];
      const actions = statementsOf(fn?.Properties.Role).flatMap(actionsOf);
      // The intake recovery reads and starts: it writes no dossier (its one UpdateItem, on the
      // marks of erasures, is confined by a condition; the next test).
      if (h.entry === 'recover-intake.ts') expect(actions, 'dynamodb:PutItem').not.toContain('dynamodb:PutItem');
      else expect(actions).toContain('dynamodb:PutItem');
      for (const forbidden of ['dynamodb:DeleteItem', 'dynamodb:Scan', 'dynamodb:*', 'dynamodb:BatchWriteItem', '*'])
        expect(actions, `${h.entry}: ${forbidden}`).not.toContain(forbidden);
    }
  });

  it('grants each handler only its own Step Functions and Scheduler actions', () => {
    const actions = (entry: string) => statementsOf(resources[functionId(entry)]?.Properties.Role).flatMap(actionsOf);
    expect(actions('http.ts')).toEqual(
      expect.arrayContaining(['states:StartExecution', 'states:StopExecution', 'states:SendTaskSuccess']),
    );
    expect(actions('continue-ladder.ts')).toContain('states:StartExecution');
    expect(actions('deadline-passed.ts')).toContain('states:StopExecution');
    expect(actions('begin-step.ts')).not.toContain('states:StartExecution');
    expect(actions('await-action.ts')).toContain('states:SendTaskSuccess');
    // The reminder plans a whole-handling term's next warning itself; it starts and stops nothing.
    expect(actions('send-reminder.ts')).toContain('scheduler:CreateSchedule');
    expect(actions('send-reminder.ts')).not.toContain('states:StartExecution');
    expect(actions('send-reminder.ts')).toContain('ses:SendEmail');
    // The mail-events function records SES's reports in the dossiers: it reads and appends, and
    // sends, plans, starts and stops nothing.
    expect(actions('mail-events.ts')).toContain('dynamodb:PutItem');
    for (const a of ['ses:SendEmail', 'scheduler:CreateSchedule', 'states:StartExecution', 'states:StopExecution'])
      expect(actions('mail-events.ts')).not.toContain(a);
    for (const h of Object.values(HANDLERS)) {
      expect(actions(h.entry)).not.toContain('scheduler:UpdateSchedule');
      // The API answers waiting steps; the await task wakes its own wait when an action outdated
      // its cursor while the step was between two waits (procedure/ladder-tasks.ts awaitAction).
      if (h.entry !== 'http.ts' && h.entry !== 'await-action.ts')
        expect(actions(h.entry)).not.toContain('states:SendTaskSuccess');
    }
  });
});

describe('cdk: intake recovery', () => {
  it('a schedule runs the recovery function every five minutes, with retries and the dead-letter queue', () => {
    const schedules = Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    const p = schedules[0]?.Properties;
    expect(p.ScheduleExpression).toBe('rate(5 minutes)');
    expect(p.State).not.toBe('DISABLED');
    expect(p.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    const recovery = Object.entries(resources).find(([id]) => id === functionId('recover-intake.ts'))?.[0];
    expect(JSON.stringify(p.Target.Arn)).toContain(recovery);
    expect(JSON.stringify(p.Target.DeadLetterConfig)).toContain('ReminderDeadLetters');
    expect(p.Target.RetryPolicy.MaximumRetryAttempts).toBe(2);
    // Its role invokes that function and sends to the dead-letter queue; nothing else.
    const roleId = p.Target.RoleArn['Fn::GetAtt'][0];
    const statements = statementsOf({ 'Fn::GetAtt': [roleId, 'Arn'] });
    const actions = statements.flatMap(actionsOf);
    expect(actions).toContain('lambda:InvokeFunction');
    expect(actions.filter((a) => !a.startsWith('sqs:') && a !== 'lambda:InvokeFunction')).toEqual([]);
    for (const s of statements.filter((x) => x.Action === 'lambda:InvokeFunction'))
      expect(JSON.stringify(s.Resource)).toContain(recovery);
  });

  it('the recovery function starts ladders through the alias, reads the table and makes lost schedules again; it writes no dossier, sends, deletes and stops nothing', () => {
    const actions = statementsOf(resources[functionId('recover-intake.ts')]?.Properties.Role).flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining([
        'states:StartExecution',
        'dynamodb:Query',
        'dynamodb:GetItem',
        'scheduler:CreateSchedule',
        'iam:PassRole',
      ]),
    );
    for (const a of [
      'ses:SendEmail',
      'scheduler:DeleteSchedule',
      'dynamodb:PutItem',
      'states:StopExecution',
      'states:SendTaskSuccess',
    ])
      expect(actions).not.toContain(a);
    // Its one write: the mark of a closed dossier's erasure out of its index once the schedule is
    // made, and only on the marks' own partitions (dynamodb:LeadingKeys), never a dossier's item.
    const updates = statementsOf(resources[functionId('recover-intake.ts')]?.Properties.Role).filter((s) =>
      actionsOf(s).includes('dynamodb:UpdateItem'),
    ) as { Action: string | string[]; Condition?: unknown }[];
    expect(updates).toHaveLength(1);
    expect(actionsOf(updates[0] as { Action: string | string[] })).toEqual(['dynamodb:UpdateItem']);
    expect(updates[0]?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ERASING#*'] } });
  });

  it('an alarm goes off when the recovery had to start a ladder, and when it fails', () => {
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.some((a) => a.Properties.MetricName === 'IntakeRecovered')).toBe(true);
    expect(alarms.some((a) => a.Properties.MetricName === 'SchedulesRecovered')).toBe(true);
    const recovery = functionId('recover-intake.ts');
    expect(
      alarms.some(
        (a) => a.Properties.MetricName === 'Errors' && JSON.stringify(a.Properties.Dimensions).includes(recovery),
      ),
    ).toBe(true);
  });
});

describe('cdk: reminder scheduler', () => {
  it('the role Scheduler assumes can only invoke the reminder function, and drop what fails in the dead-letter queue', () => {
    const [roleId, role] = Object.entries(resources).find(
      ([, r]) =>
        r.Type === 'AWS::IAM::Role' &&
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com') &&
        String(r.Properties.Description).includes('reminder'),
    ) as [string, Resources[string]];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = statementsOf({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(statements).toHaveLength(2);
    const invoke = statements.find((x) => x.Action === 'lambda:InvokeFunction');
    const reminder = resources[functionId('send-reminder.ts')];
    expect(JSON.stringify(invoke?.Resource)).toContain(`:function:${reminder?.Properties.FunctionName}"`);
    const dlq = statements.find((x) => x !== invoke);
    expect(dlq?.Action).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(JSON.stringify(dlq?.Resource)).toContain('ReminderDeadLetters');
  });
});

describe('cdk: API and sign-in', () => {
  it('opens the app’s routes; officer routes need the Cognito JWT, complainant routes do not', () => {
    const routes = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
    const byKey = new Map(routes.map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType]));
    expect(byKey.get('GET /dossiers')).toBe('JWT');
    expect(byKey.get('POST /dossiers/{id}/actions')).toBe('JWT');
    expect(byKey.get('POST /complaints')).toBe('NONE');
    expect(byKey.get('POST /complaints/{id}/withdraw')).toBe('NONE');
    // The pages' hosted sign-in: its callback and signed-out page are open; the local token form is not there.
    expect(byKey.get(`GET ${SIGN_IN_PATHS.callback}`)).toBe('NONE');
    expect(byKey.get(`GET ${SIGN_IN_PATHS.signedOut}`)).toBe('NONE');
    expect(byKey.get('POST /medewerkers/uitloggen')).toBe('NONE');
    expect(byKey.has('POST /medewerkers/inloggen')).toBe(false);
    expect([...byKey.keys()].sort()).toEqual(
      appRoutes(loadRegulation('ons-welzijn'))
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
  });

  it('has access logs and throttling on the stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 50 }),
    });
  });

  it('has a Cognito group per role of the regulation, and the configured officer in its group', () => {
    const roles = loadRegulation('ons-welzijn').roles.map((r) => r.id);
    const groups = Object.values(resources)
      .filter((r) => r.Type === 'AWS::Cognito::UserPoolGroup')
      .map((r) => r.Properties.GroupName);
    expect(groups.sort()).toEqual([...roles].sort());
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolUserToGroupAttachment', {
      Username: 'functionaris@example.nl',
      GroupName: 'officer',
    });
  });
});

describe('cdk: officer hosted sign-in', () => {
  it('has a hosted sign-in domain on the pool, unique per stack and account', () => {
    const [domain] = Object.values(resources).filter((r) => r.Type === 'AWS::Cognito::UserPoolDomain');
    expect(domain?.Properties.UserPoolId).toEqual({ Ref: expect.stringMatching(/Pool/) });
    expect(JSON.stringify(domain?.Properties.Domain)).toContain('test-');
    expect(JSON.stringify(domain?.Properties.Domain)).toContain('AWS::AccountId');
    expect(domain?.Properties.CustomDomainConfig).toBeUndefined();
    // Managed login, with Cognito's own style for the pages' client.
    expect(domain?.Properties.ManagedLoginVersion).toBe(2);
    const [[clientId]] = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Cognito::UserPoolClient') as [
      [string, unknown],
    ];
    template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      ClientId: { Ref: clientId },
      UseCognitoProvidedValues: true,
    });
  });

  it('the pages’ client uses the code grant only, with the API’s own callback and sign-out URLs', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayEquals(['openid', 'email']),
      CallbackURLs: [`https://klachten.example.nl${SIGN_IN_PATHS.callback}`],
      LogoutURLs: [`https://klachten.example.nl${SIGN_IN_PATHS.signedOut}`],
      SupportedIdentityProviders: ['COGNITO'],
      GenerateSecret: false,
    });
  });

  it('gives the API function the pool, client and hosted sign-in address; no other function', () => {
    const vars = (entry: string) => resources[functionId(entry)]?.Properties.Environment.Variables;
    const api = vars('http.ts');
    const idOf = (type: string) => Object.entries(resources).find(([, r]) => r.Type === type)?.[0];
    const clientId = idOf('AWS::Cognito::UserPoolClient');
    const poolId = idOf('AWS::Cognito::UserPool');
    const domainId = idOf('AWS::Cognito::UserPoolDomain') ?? 'no domain';
    expect(api.COGNITO_USER_POOL_ID).toEqual({ Ref: poolId });
    expect(api.COGNITO_CLIENT_ID).toEqual({ Ref: clientId });
    expect(JSON.stringify(api.COGNITO_DOMAIN_URL)).toContain(domainId);
    expect(JSON.stringify(api.COGNITO_DOMAIN_URL)).toContain('.auth.eu-central-1.amazoncognito.com');
    expect(vars('begin-step.ts').COGNITO_CLIENT_ID).toBeUndefined();
  });
});

describe('cdk: fixed monthly cost (bench/cost.ts)', () => {
  it('counts the monthly-billed resources of the template and multiplies by the dated unit prices', () => {
    const count = (type: string) => Object.values(resources).filter((r) => r.Type === type).length;
    const cost = fixedMonthlyCost(template.toJSON());
    const line = (type: string) => cost.lines.find((l) => l.type === type);
    expect(line('AWS::KMS::Key')).toMatchObject({ count: count('AWS::KMS::Key'), monthlyUsd: count('AWS::KMS::Key') });
    const alarms = count('AWS::CloudWatch::Alarm');
    expect(alarms).toBeGreaterThan(10);
    expect(line('AWS::CloudWatch::Alarm')).toMatchObject({
      count: alarms,
      monthlyUsd: Math.round(alarms * 10) / 100,
      monthlyUsdAfterFreeTier: Math.round((alarms - 10) * 10) / 100,
    });
    expect(line('AWS::Cognito::UserPool')?.monthlyUsd).toBe(0);
    expect(cost.totalUsd).toBe(Math.round((count('AWS::KMS::Key') + alarms * 0.1) * 100) / 100);
    for (const l of cost.lines.filter((x) => x.monthlyUsd > 0))
      expect(l.price.source).toMatch(/^https:\/\/aws\.amazon\.com\/[a-z-]+\/pricing\//);
  });
});

describe('cdk: deploy config', () => {
  const reg = loadRegulation('ons-welzijn');
  it('names the field of a bad setting', () => {
    expect(() => parseDeployConfig({ region: 'eu-west-1', publicUrl: 'http://x' }, reg)).toThrow(
      /publicUrl: Use an https:\/\//,
    );
    expect(() =>
      parseDeployConfig({ region: 'eu-west-1', publicUrl: 'https://x.nl', alarmEmail: 'a@b.nl' }, reg),
    ).toThrow(DeployConfigError);
  });
  it('refuses an officer role the regulation does not have', () => {
    expect(() =>
      parseDeployConfig(
        { region: 'eu-west-1', publicUrl: 'https://x.nl', officers: [{ email: 'a@b.nl', roles: ['wizard'] }] },
        reg,
      ),
    ).toThrow(/officers\[0\]\.roles\[0\]: "wizard" is not a role/);
  });
  it('refuses a sender domain the sender is not in', () => {
    expect(() =>
      parseDeployConfig({ region: 'eu-west-1', publicUrl: 'https://x.nl', senderDomain: 'other.nl' }, reg),
    ).toThrow(/senderDomain/);
  });
});

describe('cdk: the whole app', () => {
  // The app bin/app.ts builds (lib/app.ts: every preset with its example config, cdk-nag's
  // AwsSolutionsChecks on the whole app), synthesised once for all the checkers
  // (test/support/synth.ts): a finding without its acknowledgement fails that synth, and with it
  // this test. It synthesised the five presets under cdk-nag again itself, about 10 CPU seconds.
  it('every preset synthesises under cdk-nag AwsSolutionsChecks without an unacknowledged finding', () => {
    const { stacks } = synthesised();
    for (const id of PRESET_IDS) {
      const t = stacks.find((s) => s.stackName === `klachtflow-${id}`)?.template;
      expect(t, id).toBeDefined();
      const sm = Object.values(t?.Resources ?? {}).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
      expect(sm?.Properties.DefinitionString, id).toBe(readFileSync(aslFile(id), 'utf8'));
    }
  }, 600_000);
});
